"""Measure the ``encoding`` component (mojibake and HTML entity repair) and write
benchmarks/encoding.json.

Test set: BBC articles (all categories: nothing here is trained) written the way news sites
write them (typographic apostrophes and quotes: the clean reference), then damaged paragraph by
paragraph: UTF-8 read as Windows-1252 (undefined bytes kept as C1 controls, as most sloppy
decoders do), as Windows-1252 with undefined bytes lost (``errors="replace"``), as Latin-1,
twice over, or HTML-escaped (named and numeric references, sometimes escaped twice, line
breaks as ``br /&gt;``). Every damaged character is a gold region with its true text.

Scored on characters of the damaged text: a connected group of gold regions and edits is
repaired when the edits turn it into exactly the reference; precision is the share of edited
characters in repaired groups, recall the share of damaged characters in repaired groups.
Must-not-change: the edits on the BBC text as stored, on the typographic reference and on the
seeds. Timing: characters per second on clean and damaged text, at 1x and 4x document length
(linear time: the rate stays).

    python scripts/bench_encoding.py [--docs 400] [--out benchmarks/encoding.json]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mtclean.detectors.encoding import EncodingRepair
from mtclean.edits import apply_edits
from mtclean.records import Document, Edit

DATA = Path(os.environ.get("MTCLEAN_DATA", Path(__file__).resolve().parents[2] / "shared/data"))
ROOT = Path(__file__).resolve().parent.parent
KINDS = ("none", "cp1252", "cp1252_lossy", "latin1", "double", "entities")
WEIGHTS = (0.35, 0.2, 0.1, 0.05, 0.05, 0.25)


def typographic(text: str) -> str:
    """ASCII quotes as a news site prints them: apostrophes and quote pairs curled."""
    text = re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)
    text = re.sub(r'"(?=\w)', "\u201c", text)
    text = re.sub(r'(?<=[\w.,!?])"', "\u201d", text)
    return text.replace(" - ", " \u2013 ")


def _sloppy_1252(data: bytes) -> str:
    out = []
    for byte in data:
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))  # undefined in cp1252: the C1 control (as Latin-1)
    return "".join(out)


def mojibake(ch: str, kind: str) -> str:
    data = ch.encode("utf-8")
    if kind == "cp1252":
        return _sloppy_1252(data)
    if kind == "cp1252_lossy":
        return data.decode("cp1252", errors="replace")
    if kind == "latin1":
        return data.decode("latin-1")
    return _sloppy_1252(_sloppy_1252(data).encode("utf-8"))  # double


def escaped(ch: str, rng: random.Random) -> str:
    if ch in "&<>":
        ref = html.escape(ch)
    elif ch == '"' or ord(ch) > 127:
        ref = rng.choice([f"&#{ord(ch)};", f"&#x{ord(ch):x};"])
        named = {"\u2019": "&rsquo;", "\u201c": "&ldquo;", "\u201d": "&rdquo;", "\u00a3": "&pound;",
                 "\u2013": "&ndash;", '"': "&quot;"}.get(ch)  # fmt: skip
        if named and rng.random() < 0.5:
            ref = named
    else:
        return ch
    return ref.replace("&", "&amp;", 1) if rng.random() < 0.15 else ref  # escaped twice


def damage(reference: str, rng: random.Random) -> tuple[str, list[tuple[int, int, str]]]:
    """The damaged text and its gold regions (start, end in it; true text)."""
    out: list[str] = []
    gold: list[tuple[int, int, str]] = []
    length = 0
    for index, paragraph in enumerate(reference.split("\n\n")):
        if index:
            out.append("\n\n")
            length += 2
        kind = rng.choices(KINDS, WEIGHTS)[0]
        sentences = paragraph.split(". ")
        for k, sentence in enumerate(sentences):
            if k:
                if kind == "entities" and rng.random() < 0.1:  # a line break kept as its tag
                    piece, truth = ".br /&gt;", ".\n"
                else:
                    piece, truth = ". ", ". "
                out.append(piece)
                if piece != truth:
                    gold.append((length + 1, length + len(piece), truth[1:]))
                length += len(piece)
            for ch in sentence:
                if kind == "none" or (kind != "entities" and ord(ch) < 128):
                    piece = ch
                elif kind == "entities":
                    piece = escaped(ch, rng)
                else:
                    piece = mojibake(ch, kind)
                out.append(piece)
                if piece != ch:
                    gold.append((length, length + len(piece), ch))
                length += len(piece)
    return "".join(out), gold


def score(text: str, gold: list[tuple[int, int, str]], edits: list[Edit]) -> Counter[str]:
    """Character counts of one document (see the module docstring)."""
    items = [(s, e, "g", t) for s, e, t in gold] + [
        (e.start, e.end, "e", e.replacement) for e in edits
    ]
    items.sort(key=lambda x: (x[0], x[1]))
    counts: Counter[str] = Counter()
    group: list[tuple[int, int, str, str]] = []
    reach = -1

    def close() -> None:
        if not group:
            return
        start = min(x[0] for x in group)
        end = max(x[1] for x in group)
        golds = [x for x in group if x[2] == "g"]
        mine = [x for x in group if x[2] == "e"]
        truth, cursor = [], start
        for s, e, _, t in golds:
            truth.append(text[cursor:s] + t)
            cursor = e
        truth.append(text[cursor:end])
        made, cursor = [], start
        for s, e, _, t in mine:
            made.append(text[cursor:s] + t)
            cursor = e
        made.append(text[cursor:end])
        repaired = "".join(truth) == "".join(made) and bool(mine) and bool(golds)
        gold_chars = sum(e - s for s, e, _, _ in golds)
        edit_chars = sum(max(1, e - s) for s, e, _, _ in mine)
        counts["gold_chars"] += gold_chars
        counts["edit_chars"] += edit_chars
        counts["gold_regions"] += len(golds)
        counts["edits"] += len(mine)
        if repaired:
            counts["tp_gold_chars"] += gold_chars
            counts["tp_edit_chars"] += edit_chars
            counts["regions_repaired"] += len(golds)
        if mine and not golds:
            counts["false_repairs"] += len(mine)
        if golds and not mine:
            counts["regions_missed"] += len(golds)

    for item in items:
        if item[0] > reach:  # touching groups stay apart; overlapping ones merge
            close()
            group = []
        group.append(item)
        reach = max(reach, item[1])
    close()
    return counts


def edits_of(detector: EncodingRepair, text: str) -> list[Edit]:
    return [Edit.from_span(s) for s in detector.detect(Document(text)).spans]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=400, help="BBC articles damaged")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "encoding.json")
    args = parser.parse_args()
    detector = EncodingRepair()
    with open(DATA / "bbc_news" / "articles.jsonl", encoding="utf-8") as handle:
        articles = [json.loads(line) for line in handle]

    # must-not-change: the BBC text as stored (it keeps a few HTML entities: listed), its
    # typographic version, the seeds
    stored: Counter[str] = Counter()
    stored_examples: list[dict[str, str]] = []
    typo_edits = 0
    for record in articles:
        text = record["text"]
        for edit in edits_of(detector, text):
            stored[edit.reason] += 1
            stored_examples.append(
                {
                    "id": record["id"],
                    "text": text[edit.start : edit.end],
                    "repair": edit.replacement,
                }
            )
        decoded = apply_edits(text, edits_of(detector, text))
        typo_edits += len(edits_of(detector, typographic(decoded)))
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    seed_edits = sum(len(edits_of(detector, p.read_text(encoding="utf-8"))) for p in seeds)

    rng = random.Random(args.seed)
    sample = rng.sample(articles, min(args.docs, len(articles)))
    totals: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    second_pass = 0
    damaged_texts: list[str] = []
    for record in sample:
        decoded = apply_edits(record["text"], edits_of(detector, record["text"]))
        reference = typographic(decoded)
        text, gold = damage(reference, random.Random(f"{args.seed}:{record['id']}"))
        damaged_texts.append(text)
        edits = edits_of(detector, text)
        totals.update(score(text, gold, edits))
        repaired = apply_edits(text, edits)
        second_pass += len(edits_of(detector, repaired))
        totals["documents_exact"] += int(repaired == reference)
    for kind in KINDS[1:]:  # each damage alone, on the same documents
        counts: Counter[str] = Counter()
        for record in sample[:100]:
            decoded = apply_edits(record["text"], edits_of(detector, record["text"]))
            reference = typographic(decoded)
            krng = random.Random(f"{args.seed}:{kind}:{record['id']}")
            text, gold = _one_kind(reference, kind, krng)
            counts.update(score(text, gold, edits_of(detector, text)))
        by_kind[kind] = counts

    clean_texts = [typographic(r["text"]) for r in sample]
    timing = {
        "clean_chars_per_second_1x": _rate(detector, clean_texts, 1),
        "clean_chars_per_second_4x": _rate(detector, clean_texts, 4),
        "damaged_chars_per_second_1x": _rate(detector, damaged_texts, 1),
        "damaged_chars_per_second_4x": _rate(detector, damaged_texts, 4),
    }

    def pr(c: Counter[str]) -> dict[str, float | int]:
        return {
            "char_precision": round(c["tp_edit_chars"] / max(1, c["edit_chars"]), 4),
            "char_recall": round(c["tp_gold_chars"] / max(1, c["gold_chars"]), 4),
            "gold_regions": c["gold_regions"],
            "regions_repaired": c["regions_repaired"],
            "regions_missed": c["regions_missed"],
            "edits": c["edits"],
            "false_repairs": c["false_repairs"],
        }

    report = {
        "command": "python scripts/bench_encoding.py " + " ".join(sys.argv[1:]),
        "documents": len(sample),
        "seed": args.seed,
        "damage_weights": dict(zip(KINDS, WEIGHTS, strict=True)),
        "injected": {**pr(totals), "documents_exact": totals["documents_exact"]},
        "by_kind": {kind: pr(c) for kind, c in by_kind.items()},
        "second_pass_edits": second_pass,
        "must_not_change": {
            "bbc_typographic_reference_edits": typo_edits,
            "seed_edits": seed_edits,
            "bbc_stored_edits": sum(stored.values()),
            "bbc_stored_edits_by_reason": dict(stored),
            "bbc_stored_examples": stored_examples,
        },
        "timing": {k: round(v) for k, v in timing.items()},
    }
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "must_not_change"}, indent=2))
    print(json.dumps({k: v for k, v in report["must_not_change"].items() if "examples" not in k}))


def _one_kind(reference: str, kind: str, rng: random.Random) -> tuple[str, list]:
    global WEIGHTS
    saved = WEIGHTS
    WEIGHTS = tuple(1.0 if k == kind else 0.0 for k in KINDS)
    try:
        return damage(reference, rng)
    finally:
        WEIGHTS = saved


def _rate(detector: EncodingRepair, texts: list[str], times: int) -> float:
    total = 0
    started = time.perf_counter()
    for text in texts:
        long = "\n\n".join([text] * times)
        detector.detect(Document(long))
        total += len(long)
    return total / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
