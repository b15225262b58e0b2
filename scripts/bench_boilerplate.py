"""Line-level benchmark of the boilerplate detector on real web pages.

Data: ``article_extraction_benchmark`` (181 news/blog HTML pages with their true article body,
scrapinghub/article-extraction-benchmark, MIT) under ``$MTCLEAN_DATA`` (default
``../shared/data`` beside the repository root). Nothing from it is copied into the repository.

Method
------
- A page's visible text comes from ``html_text.extract_text(html, guess_layout=True)``; each
  non-empty line is one unit.
- Gold label: a line is *content* when it is in the page's ``articleBody``, compared after
  normalisation (NFKC, lower case, straight quotes, collapsed whitespace):
  * a line of 5+ words is content if its text is a substring of the body, or if at least 80% of
    its word trigrams occur in the body ("mostly covered");
  * a shorter line is content if it equals a body paragraph, or is a substring of the body and
    a neighbouring non-empty line is long content (a layout split inside a paragraph).
  Every other line is *boilerplate* (menus, footers, widgets, titles outside the body).
- Prediction: a line is *removed* when boilerplate spans with a score at or above the threshold
  (the default edit threshold, 0.8) cover at least half of its non-space characters.
- Metrics, micro-averaged over lines: precision and recall of the boilerplate class, F1, and the
  share of content lines wrongly removed. Pages are split into dev/test by the parity of
  ``sha1(page_id)``: tune on dev only, report test.
- Baselines in the same run: remove nothing; remove every line shorter than N words.

- Word-shingle metric (the benchmark's own, as scrapinghub's ``evaluate.py`` defines it): the
  kept text (the detector's removals applied) against ``articleBody``; 4-word shingles of
  word-character tokens, TP/FP/FN per page normalised to sum 1, precision and recall averaged over
  pages, F1 from the two averages. Same run: all visible text, the rules alone, the rules + line
  model, and an oracle line filter keeping exactly the gold content lines.
- Clean BBC ``tech`` articles (held out from training): content lines removed (should be 0).

Run: ``python scripts/bench_boilerplate.py --json benchmarks/boilerplate.json``, then
``python scripts/bench_boilerplate.py --readme benchmarks/boilerplate.json`` rewrites the README
table (``tests/test_boilerplate_readme.py`` checks they agree).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from mtclean.config import DEFAULT_EDIT_THRESHOLD
from mtclean.degrade.boilerplate import BENCHMARK_DIR
from mtclean.detectors.boilerplate import BoilerplateDetector
from mtclean.evaluation.web_pages import (
    cleaned_text,
    shingle_metrics,
    shingle_tp_fp_fn,
    split_of,
)
from mtclean.paths import default_data_dir
from mtclean.records import Document, Span

LOG = logging.getLogger("bench_boilerplate")
BENCH = BENCHMARK_DIR
_TRANSLATE = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PageLine:
    start: int
    end: int
    text: str
    content: bool


@dataclass(slots=True)
class Counts:
    """Line counts for one system on one split."""

    tp: int = 0  # boilerplate removed
    fp: int = 0  # content removed
    fn: int = 0  # boilerplate kept
    tn: int = 0  # content kept
    pages: set[str] = field(default_factory=set)

    def add(self, gold_boilerplate: bool, removed: bool) -> None:
        if gold_boilerplate:
            self.tp += removed
            self.fn += not removed
        else:
            self.fp += removed
            self.tn += not removed

    def row(self) -> dict[str, float | int | None]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else None
        )
        content = self.fp + self.tn
        return {
            "pages": len(self.pages),
            "lines": self.tp + self.fp + self.fn + self.tn,
            "boilerplate_lines": self.tp + self.fn,
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "content_removed": self.fp / content if content else None,
        }


def normalize(text: str) -> str:
    return (
        _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(_TRANSLATE)).strip().lower()
    )


def trigrams(words: Sequence[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def page_lines(text: str) -> list[tuple[int, int, str]]:
    """Non-empty lines of the page text with their offsets."""
    result = []
    offset = 0
    for raw in text.split("\n"):
        if raw.strip():
            result.append((offset, offset + len(raw), raw))
        offset += len(raw) + 1
    return result


def label_lines(text: str, body: str) -> list[PageLine]:
    """Gold labels (see the module docstring for the rule)."""
    norm_body = normalize(body)
    body_words = _WORD.findall(norm_body)
    body_trigrams = trigrams(body_words)
    paragraphs = {normalize(p) for p in body.split("\n") if p.strip()}
    raw = page_lines(text)
    long_content: list[bool | None] = []
    for _, _, line in raw:
        norm = normalize(line)
        words = _WORD.findall(norm)
        if len(words) < 5:
            long_content.append(None)
            continue
        grams = trigrams(words)
        covered = sum(g in body_trigrams for g in grams) / len(grams) if grams else 0.0
        long_content.append(norm in norm_body or covered >= 0.8)
    labelled = []
    for i, (start, end, line) in enumerate(raw):
        content = long_content[i]
        if content is None:
            norm = normalize(line)
            near = [long_content[j] for j in (i - 1, i + 1) if 0 <= j < len(raw)]
            content = bool(norm) and (
                norm in paragraphs or (norm in norm_body and any(n is True for n in near))
            )
        labelled.append(PageLine(start, end, line, content))
    return labelled


def removed_mask(lines: Sequence[PageLine], spans: Iterable[Span], threshold: float) -> list[bool]:
    """Whether spans at or above ``threshold`` cover at least half of each line's characters."""
    intervals = sorted((s.start, s.end) for s in spans if s.score >= threshold)
    mask = []
    for line in lines:
        covered = 0
        for start, end in intervals:
            if end <= line.start:
                continue
            if start >= line.end:
                break
            covered += min(end, line.end) - max(start, line.start)
        mask.append(covered * 2 >= len(line.text.strip()) and covered > 0)
    return mask


def short_line_baseline(n_words: int) -> Callable[[Sequence[PageLine]], list[bool]]:
    def predict(lines: Sequence[PageLine]) -> list[bool]:
        return [len(_WORD.findall(line.text)) < n_words for line in lines]

    return predict


def load_pages(root: Path) -> list[tuple[str, str, str]]:
    bench = root / BENCH
    truth_path = bench / "ground-truth.json"
    if not truth_path.is_file():
        sys.exit(
            f"benchmark data not found: {truth_path} is missing. Set MTCLEAN_DATA to the folder "
            f"holding {BENCH}/ (default: ../shared/data beside the repository)."
        )
    try:
        import html_text
    except ImportError:
        sys.exit("html-text is not installed: pip install -e '.[eval]'")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    pages = []
    for page_id in tqdm(sorted(truth), desc="extracting text", file=sys.stderr):
        html = gzip.decompress((bench / "html" / f"{page_id}.html.gz").read_bytes())
        text = html_text.extract_text(html.decode("utf-8", errors="replace"), guess_layout=True)
        pages.append((page_id, text, truth[page_id]["articleBody"]))
    return pages


def html_rows(
    root: Path, threshold: float
) -> dict[str, dict[str, list[tuple[float, float, float]]]]:
    """Shingle TP/FP/FN per page for trafilatura on the HTML, alone and followed by mtclean's
    boilerplate detector (reading extracted text, and as if it were any plain text)."""
    try:
        from mtclean.extract import extract_html
    except ImportError:
        return {}
    bench = root / BENCH
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    extracted = BoilerplateDetector(extracted=True)
    plain = BoilerplateDetector()
    rows: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    for page_id in tqdm(sorted(truth), desc="trafilatura", file=sys.stderr):
        html = gzip.decompress((bench / "html" / f"{page_id}.html.gz").read_bytes())
        try:
            text = extract_html(html.decode("utf-8", errors="replace")).text
        except ImportError:
            return {}
        body = truth[page_id]["articleBody"]
        outputs = {
            "trafilatura (HTML input)": text,
            "trafilatura, then mtclean boilerplate (extracted=True)": cleaned_text(
                text, extracted.detect(Document(text)).spans, threshold
            ),
            "trafilatura, then mtclean boilerplate (as plain text)": cleaned_text(
                text, plain.detect(Document(text)).spans, threshold
            ),
        }
        for name, output in outputs.items():
            for key in ("all", split_of(page_id)):
                rows.setdefault(name, {}).setdefault(key, []).append(shingle_tp_fp_fn(body, output))
    return rows


def bbc_content_removed(root: Path, detector: BoilerplateDetector, threshold: float) -> dict:
    """Content lines removed from the held-out clean BBC ``tech`` articles (title, blank line,
    text): every line there is article text, so every removed line is a false removal."""
    path = root / "bbc_news" / "articles.jsonl"
    if not path.is_file():
        return {"skipped": f"{path} is missing"}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    lines_total = removed = 0
    examples: list[str] = []
    for row in rows:
        if row["category"] != "tech":
            continue
        text = f"{row['title']}\n\n{row['text'].strip()}\n"
        spans = detector.detect(Document(text)).spans
        lines = [PageLine(a, b, t, True) for a, b, t in page_lines(text)]
        mask = removed_mask(lines, spans, threshold)
        lines_total += len(lines)
        removed += sum(mask)
        examples += [line.text[:80] for line, m in zip(lines, mask, strict=True) if m][:3]
    return {
        "articles": sum(1 for r in rows if r["category"] == "tech"),
        "lines": lines_total,
        "content_lines_removed": removed,
        "examples": examples[:20],
    }


def run(
    pages: Sequence[tuple[str, str, str]], threshold: float, short_words: Sequence[int]
) -> tuple[dict[str, dict[str, Counts]], dict[str, dict[str, list[tuple[float, float, float]]]]]:
    rules = BoilerplateDetector(line_model=False)
    cascade = BoilerplateDetector()
    detectors = {"mtclean boilerplate rules only": rules, "mtclean boilerplate": cascade}
    results: dict[str, dict[str, Counts]] = {}
    shingles: dict[str, dict[str, list[tuple[float, float, float]]]] = {}

    def record(name: str, split: str, page_id: str, tp_fp_fn: tuple[float, float, float]) -> None:
        for key in ("all", split):
            shingles.setdefault(name, {}).setdefault(key, []).append(tp_fp_fn)

    for page_id, text, body in tqdm(pages, desc="scoring", file=sys.stderr):
        lines = label_lines(text, body)
        split = split_of(page_id)
        masks: dict[str, list[bool]] = {"remove nothing": [False] * len(lines)}
        for name, detector in detectors.items():
            spans = detector.detect(Document(text)).spans
            masks[name] = removed_mask(lines, spans, threshold)
            record(
                name, split, page_id, shingle_tp_fp_fn(body, cleaned_text(text, spans, threshold))
            )
        for n in short_words:
            masks[f"remove lines < {n} words"] = short_line_baseline(n)(lines)
        record("all visible text (remove nothing)", split, page_id, shingle_tp_fp_fn(body, text))
        oracle = "\n".join(line.text for line in lines if line.content)
        record(
            "oracle line filter (keeps exactly the article's lines)",
            split,
            page_id,
            shingle_tp_fp_fn(body, oracle),
        )
        for name, mask in masks.items():
            by_split = results.setdefault(name, {s: Counts() for s in ("all", "dev", "test")})
            for line, removed in zip(lines, mask, strict=True):
                for key in ("all", split):
                    by_split[key].add(not line.content, removed)
                    by_split[key].pages.add(page_id)
    return results, shingles


def fmt(value: float | int | None) -> str:
    if value is None:
        return "\u2014"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def markdown(results: dict[str, dict[str, Counts]]) -> str:
    header = (
        "| system | split | pages | lines | boilerplate lines | precision | recall | F1 "
        "| content removed |"
    )
    rows = [header, "|" + "---|" * 9]
    for name, by_split in results.items():
        for split in ("all", "dev", "test"):
            r = by_split[split].row()
            cells = [
                r[k]
                for k in (
                    "pages",
                    "lines",
                    "boilerplate_lines",
                    "precision",
                    "recall",
                    "f1",
                    "content_removed",
                )
            ]
            rows.append(f"| {name} | {split} | " + " | ".join(fmt(c) for c in cells) + " |")
    return "\n".join(rows)


README = Path(__file__).resolve().parent.parent / "README.md"
README_MARK = (
    "<!-- table from benchmarks/boilerplate.json (python scripts/bench_boilerplate.py) -->"
)
README_ROWS = (
    ("all visible text (remove nothing)", "all visible text, nothing removed (text input)"),
    ("mtclean boilerplate rules only", "mtclean `boilerplate`, rules only (before the model)"),
    ("mtclean boilerplate", "mtclean `boilerplate`: rules + line model (text input)"),
    (
        "oracle line filter (keeps exactly the article's lines)",
        "a line filter that keeps exactly the article's lines (upper bound for text input)",
    ),
    ("trafilatura (HTML input)", "trafilatura 2.x on the HTML"),
    (
        "trafilatura, then mtclean boilerplate (extracted=True)",
        "trafilatura, then mtclean `boilerplate` (extracted input)",
    ),
)


def readme_markdown(payload: dict) -> str:
    """The README's table (test half, word-shingle metric) from the benchmark JSON."""
    rows = ["| system (input) | P | R | F1 |", "|---|---|---|---|"]
    for key, label in README_ROWS:
        if key not in payload["shingle"]:
            continue
        r = payload["shingle"][key]["test"]
        rows.append(f"| {label} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |")
    bbc = payload["bbc_tech_clean"]
    if "lines" in bbc:
        rows.append("")
        rows.append(
            f"Clean BBC `tech` articles (held out; title, blank line, text): "
            f"{bbc['content_lines_removed']} of {bbc['lines']} content lines removed "
            f"({bbc['articles']} articles)."
        )
    return "\n".join(rows)


def readme_table(text: str) -> str | None:
    """The block after ``README_MARK`` in the README ``text`` (None without the mark)."""
    found = re.search(re.escape(README_MARK) + r"\n((?:\|.*\n)+(?:\n[^\n|#][^\n]*)?)", text)
    return found.group(1).rstrip("\n") if found else None


def update_readme(payload: dict, path: Path = README) -> None:
    text = path.read_text(encoding="utf-8")
    old = readme_table(text)
    if old is None:
        sys.exit(f"{path} has no line {README_MARK!r}")
    path.write_text(
        text.replace(f"{README_MARK}\n{old}", f"{README_MARK}\n{readme_markdown(payload)}"),
        encoding="utf-8",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="also write the numbers to this JSON file")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_EDIT_THRESHOLD,
        help="span score that counts as removal",
    )
    parser.add_argument(
        "--short-words", default="3,5,10", help="N values for the short-line baseline"
    )
    parser.add_argument(
        "--readme",
        type=Path,
        metavar="JSON",
        help="only rewrite the README's table from this benchmark JSON, then exit",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.readme:
        update_readme(json.loads(args.readme.read_text(encoding="utf-8")))
        return 0
    pages = load_pages(default_data_dir())
    short_words = [int(n) for n in args.short_words.split(",") if n.strip()]
    results, shingles = run(pages, args.threshold, short_words)
    shingles.update(html_rows(default_data_dir(), args.threshold))
    shingle_rows = {
        name: {
            split: shingle_metrics(values) | {"pages": len(values)} for split, values in by.items()
        }
        for name, by in shingles.items()
    }
    print(markdown(results))
    print()
    print("| system (text input) | split | pages | P | R | F1 |")
    print("|---|---|---|---|---|---|")
    for name, by in shingle_rows.items():
        for split in ("all", "dev", "test"):
            r = by[split]
            print(
                f"| {name} | {split} | {r['pages']} | {fmt(r['precision'])} "
                f"| {fmt(r['recall'])} | {fmt(r['f1'])} |"
            )
    bbc = bbc_content_removed(default_data_dir(), BoilerplateDetector(), args.threshold)
    print()
    print(f"clean BBC tech articles: {bbc}")
    if args.json:
        payload = {
            "threshold": args.threshold,
            "results": {n: {s: c.row() for s, c in by.items()} for n, by in results.items()},
            "shingle": shingle_rows,
            "bbc_tech_clean": bbc,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        LOG.info("wrote %s", args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
