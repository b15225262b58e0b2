"""The ``web_pages`` section of ``mtclean evaluate``: boilerplate on real web pages.

On the article-extraction benchmark's test half (pages split by the parity of
``sha1(page_id)``; the boilerplate line model is trained on the dev half), with the benchmark's
own word-shingle metric (scrapinghub's ``evaluate.py``: 4-word shingles of the output against
``articleBody``, TP/FP/FN per page normalised to sum 1, precision and recall averaged over
pages, F1 from the two averages), four systems measured in one run (:data:`ROWS`): text input
(the page's visible text by ``html_text``) with nothing removed and with mtclean's
``boilerplate`` removals; HTML input by trafilatura alone and trafilatura then mtclean's
``boilerplate`` (on :func:`mtclean.extract.html_document`'s document, read as extracted text).

``scripts/bench_boilerplate.py`` (the line-level benchmark) uses the same metric functions.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from mtclean.config import DEFAULT_EDIT_THRESHOLD
from mtclean.records import Span

SECTION = "web_pages"
MODULES = ("html_text", "trafilatura")
ROWS: tuple[tuple[str, str], ...] = (
    ("visible_text", "all visible text, nothing removed (text input)"),
    ("mtclean_boilerplate", "mtclean `boilerplate` on that text (text input)"),
    ("trafilatura", "trafilatura on the HTML"),
    ("trafilatura_mtclean", "trafilatura, then mtclean `boilerplate` (HTML input)"),
)
_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)

TpFpFn = tuple[float, float, float]


def split_of(page_id: str) -> str:
    """``dev`` or ``test``: the benchmark's halves by the parity of ``sha1(page_id)``."""
    return "dev" if int(hashlib.sha1(page_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Word 4-grams as scrapinghub's evaluate.py counts them (a text shorter than ``n`` words
    is one shorter shingle; an empty text has none)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def shingle_tp_fp_fn(true: str, pred: str) -> TpFpFn:
    """evaluate.py's ``string_shingle_matching``: TP/FP/FN over shingle counts, normalised to
    sum to 1 so that every page weighs the same."""
    truth, predicted = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for key in truth.keys() | predicted.keys():
        t, p = truth.get(key, 0), predicted.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total > 0 else (tp, fp, fn)


def shingle_metrics(tp_fp_fns: Sequence[TpFpFn]) -> dict[str, float]:
    """evaluate.py's ``metrics_from_tp_fp_fns``: precision and recall are means over pages
    (pages with nothing predicted / nothing true are left out of each), F1 from the two means."""

    def precision(tp: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == fn == 0 else tp / (tp + fn)

    ps = [precision(*x) for x in tp_fp_fns if x[0] + x[1] > 0]
    rs = [recall(*x) for x in tp_fp_fns if x[0] + x[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def cleaned_text(text: str, spans: Iterable[Span], threshold: float) -> str:
    """``text`` with the removals at or above ``threshold`` applied (spans never overlap)."""
    parts, last = [], 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.score < threshold or span.replacement is None or span.start < last:
            continue
        parts.append(text[last : span.start])
        parts.append(span.replacement)
        last = span.end
    parts.append(text[last:])
    return "".join(parts)


def page_outputs(html: bytes, threshold: float = DEFAULT_EDIT_THRESHOLD) -> dict[str, str]:
    """Each system's text of one page (the keys of :data:`ROWS`)."""
    import html_text

    from mtclean.detectors.boilerplate import BoilerplateDetector
    from mtclean.extract import html_document
    from mtclean.records import Document

    detector = BoilerplateDetector()
    page = html.decode("utf-8", errors="replace")  # as the line-level benchmark reads it
    visible = html_text.extract_text(page, guess_layout=True)
    extracted = html_document(page)
    return {
        "visible_text": visible,
        "mtclean_boilerplate": cleaned_text(
            visible, detector.detect(Document(visible)).spans, threshold
        ),
        "trafilatura": extracted.text,
        "trafilatura_mtclean": cleaned_text(
            extracted.text, detector.detect(extracted).spans, threshold
        ),
    }


def web_pages_section(
    benchmark: Path, split: str = "test", threshold: float = DEFAULT_EDIT_THRESHOLD
) -> dict[str, Any]:
    """The section: per system shingle precision/recall/F1 on ``split``, pages, seconds."""
    started = time.perf_counter()
    truth = json.loads((benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    scored: dict[str, list[TpFpFn]] = {key: [] for key, _ in ROWS}
    pages = [page_id for page_id in sorted(truth) if split_of(page_id) == split]
    for page_id in pages:
        html = gzip.decompress((benchmark / "html" / f"{page_id}.html.gz").read_bytes())
        body = truth[page_id]["articleBody"]
        for key, output in page_outputs(html, threshold).items():
            scored[key].append(shingle_tp_fp_fn(body, output))
    return {
        "split": split,
        "pages": len(pages),
        "metric": "word-shingle (scrapinghub article-extraction-benchmark evaluate.py)",
        "threshold": threshold,
        "systems": {
            key: {k: round(v, 4) for k, v in shingle_metrics(scored[key]).items()}
            for key, _ in ROWS
        },
        "seconds": round(time.perf_counter() - started, 1),
    }


def markdown(section: Mapping[str, Any]) -> str:
    """The section as a Markdown table (the README block and the report's)."""
    rows = ["| system (input) | P | R | F1 |", "|---|---|---|---|"]
    for key, label in ROWS:
        r = section["systems"][key]
        rows.append(f"| {label} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |")
    return "\n".join(rows)
