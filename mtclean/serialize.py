"""JSON shapes of mtclean's records (the ``detect`` contract and the ``mtclean`` field)."""

from __future__ import annotations

import json
import sys
from typing import Any

from mtclean.edits import OffsetMap
from mtclean.records import CleanResult, Edit, Span


def span_record(span: Span, text: str) -> dict[str, Any]:
    return {
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "score": round(span.score, 4),
        "text": span.text_in(text),
        "replacement": span.replacement,
        "source": span.source,
        "reason": span.reason,
        "candidates": [
            {"text": c.text, "score": round(c.score, 4), "evidence": list(c.evidence)}
            for c in span.candidates
        ],
    }


def edit_record(edit: Edit) -> dict[str, Any]:
    return {
        "start": edit.start,
        "end": edit.end,
        "replacement": edit.replacement,
        "label": edit.label,
        "source": edit.source,
        "score": round(edit.score, 4),
        "reason": edit.reason,
    }


def detect_record(result: CleanResult, original: str) -> dict[str, Any]:
    """One line of ``mtclean detect --format jsonl`` (with ``mt_score``, the document MT
    score, when the ``qe`` component ran)."""
    record: dict[str, Any] = {
        "id": result.id,
        "score": result.score,
        "spans": [span_record(s, original) for s in result.spans],
    }
    qe = result.metadata.get("qe")
    if isinstance(qe, dict) and "mt_score" in qe:
        record["mt_score"] = qe["mt_score"]
    record.update(extracted_field(result, original))
    return record


EXTRACTED_TEXT = "extracted_text"


def extracted_field(result: CleanResult, original: str) -> dict[str, str]:
    """``{"extracted_text": ...}`` for a document made from an HTML page (its result carries
    the page's metadata, ``metadata["page"]``): the text trafilatura extracted, which every
    span's and edit's ``start``/``end`` index (the page's HTML does not hold it)."""
    return {EXTRACTED_TEXT: original} if "page" in result.metadata else {}


def _in_cleaned(record: dict[str, Any], where: OffsetMap) -> dict[str, Any]:
    """``record`` with ``clean_start``/``clean_end``: its stretch of the cleaned text."""
    start, end = record["start"], record["end"]
    return {**record, "clean_start": where(start, "start"), "clean_end": where(end, "end")}


DOLMA_PREFIX = "mtclean__"


def dolma_record(result: CleanResult, original: str) -> dict[str, Any]:
    """One line of ``mtclean detect --format dolma``: dolma-style span attributes,
    ``{"id", "attributes": {"mtclean__spun": [[start, end, score], ...], "mtclean__mt": [...],
    "mtclean__boilerplate": [...], "mtclean__score": [[0, len(text), score]]}}``; offsets
    index the text as read."""
    attributes: dict[str, list[list[float | int]]] = {
        f"{DOLMA_PREFIX}{label}": [] for label in ("spun", "mt", "boilerplate")
    }
    for span in result.spans:
        attributes.setdefault(f"{DOLMA_PREFIX}{span.label}", []).append(
            [span.start, span.end, round(span.score, 4)]
        )
    attributes[f"{DOLMA_PREFIX}score"] = [[0, len(original), result.score]]
    return {"id": result.id, "attributes": attributes}


def mtclean_field(result: CleanResult, original: str) -> dict[str, Any]:
    """What ``mtclean clean`` adds to a JSONL record under the key ``mtclean``.

    Spans and edits carry ``start``/``end`` into the original text and ``clean_start``/
    ``clean_end`` into the cleaned text (see ``OffsetMap``), so each can be found in the record
    whether or not the original is kept (``--keep-original``).
    """
    where = OffsetMap(result.edits)
    return {
        "score": result.score,
        "spans": [_in_cleaned(span_record(s, original), where) for s in result.spans],
        "edits": [_in_cleaned(edit_record(e), where) for e in result.edits],
        "metadata": dict(result.metadata),
        "stats": dict(result.stats),
        **extracted_field(result, original),
    }


def json_line(obj: Any) -> bytes:
    """One JSONL line as UTF-8; text that cannot be UTF-8 (lone surrogates) is escaped."""
    try:
        return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(obj, ensure_ascii=True) + "\n").encode("ascii")


MAX_NESTING = 1000  # levels of lists and objects in a record ``clean`` writes back


def nesting(value: Any) -> int:
    """How deep ``value`` nests lists and dicts (0: a scalar), counted without recursion, so
    that any depth can be measured."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def record_line(record: dict[str, Any]) -> bytes | None:
    """``json_line`` of a record that carries an input record's own fields, or None when it
    nests more than ``MAX_NESTING`` levels. Which records are written depends on the record
    alone, not on how deep the call stack is (``json.dumps`` recurses: the recursion limit is
    raised for the call), so ``--resume`` can tell which records an earlier run wrote."""
    depth = nesting(record)
    if depth > MAX_NESTING:
        return None
    limit = sys.getrecursionlimit()
    if depth > limit // 4:
        sys.setrecursionlimit(limit + depth)
    try:
        return json_line(record)
    finally:
        sys.setrecursionlimit(limit)
