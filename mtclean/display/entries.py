"""One document's spans as a person reads them: each an applied edit or a flag left alone,
with where it is (line:column), what it was, what it became or could become, and why.

``document_view`` is pure: it takes a record shaped like the ``mtclean`` field of
``mtclean clean`` (``score``, ``spans``, ``edits``, ``metadata``, ``stats``; plus ``id``) and the
text as read, and returns frozen records for the terminal summary and the review page.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mtclean.config import DEFAULT_DROP_SCORE, DEFAULT_EDIT_THRESHOLD
from mtclean.edits import apply_edits
from mtclean.records import Edit, Span
from mtclean.scoring import degradation_score

Kind = Literal["edit", "flag"]


@dataclass(frozen=True, slots=True)
class CandidateView:
    """One of the normalizer's ranked originals for a span."""

    text: str
    score: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """One span of a document: applied (``kind == "edit"``) or left alone (``"flag"``).

    ``index`` is the span's position in the record's ``spans``; ``start``/``end`` index the
    text as read; ``line``/``column`` (1-based) locate its first visible character there.
    ``new`` is the text that replaced it (edits only); ``proposed`` the span's own replacement
    (``None``: not restorable); ``score`` the span's score, ``edit_score`` the edit's (the
    span's score times its best candidate's); ``why_not``: why a flag was not applied.
    """

    index: int
    kind: Kind
    label: str
    start: int
    end: int
    line: int
    column: int
    old: str
    new: str | None
    proposed: str | None
    score: float
    edit_score: float
    source: str
    reason: str
    candidates: tuple[CandidateView, ...] = ()
    why_not: str = ""


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A document with its entries and its scores, ready to show.

    ``spun``/``mt``: the share of content words the spans of that label cover (weighted by
    their scores, like the document score); ``boilerplate_chars``: characters removed as
    boilerplate; ``decision``: ``keep`` or ``drop`` at ``drop_at`` (a display: ``clean`` writes
    every document).
    """

    id: str
    text: str
    cleaned: str
    score: float
    spun: float
    mt: float
    boilerplate_chars: int
    boilerplate_lines: int
    decision: Literal["keep", "drop"]
    drop_at: float
    edit_threshold: float
    entries: tuple[Entry, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict)
    stats: Mapping[str, int] = field(default_factory=dict)
    name: str = ""

    @property
    def edits(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind == "edit")

    @property
    def flags(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind == "flag")


def _edit(record: Mapping[str, Any]) -> Edit:
    return Edit(
        record["start"], record["end"], record["replacement"], record["source"],
        float(record["score"]), record["label"], record.get("reason", ""),
    )  # fmt: skip


def _span(record: Mapping[str, Any]) -> Span:
    return Span(record["start"], record["end"], record["label"], float(record["score"]), "")


class _Lines:
    """1-based line and column of an offset into ``text``."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._breaks = [i for i, c in enumerate(text) if c == "\n"]

    def at(self, start: int, end: int) -> tuple[int, int]:
        visible = start
        while visible < end and self._text[visible].isspace():
            visible += 1
        if visible == end:
            visible = start
        line = bisect.bisect_left(self._breaks, visible)
        line_start = self._breaks[line - 1] + 1 if line else 0
        return line + 1, visible - line_start + 1


def _overlaps(start: int, end: int, edits: Sequence[Edit]) -> bool:
    return any((e.start < end and start < e.end) or e.start == start for e in edits)


def _why_not(
    span: Mapping[str, Any], edit_score: float, threshold: float, edits: Sequence[Edit]
) -> str:
    if span.get("replacement") is None:
        if span.get("candidates"):
            return "candidates only: none was proposed as the replacement"
        return "no replacement proposed"
    if edit_score < threshold:
        return f"edit score {edit_score:.3f} < edit threshold {threshold:.2f}"
    if _overlaps(span["start"], span["end"], edits):
        return "overlaps an applied edit"
    return f"edit score {edit_score:.4f} just below edit threshold {threshold:.2f}"


def document_view(
    record: Mapping[str, Any],
    original: str,
    *,
    edit_threshold: float = DEFAULT_EDIT_THRESHOLD,
    drop_at: float = DEFAULT_DROP_SCORE,
    name: str = "",
) -> DocumentView:
    """The entries and scores of one document from its ``mtclean`` record (see module doc).

    A record without ``edits`` (a ``detect`` record) shows every span as a flag."""
    edits = [_edit(e) for e in record.get("edits", [])]
    applied = {(e.start, e.end, e.source, e.label): e for e in edits}
    lines = _Lines(original)
    entries: list[Entry] = []
    for index, span in enumerate(record.get("spans", [])):
        start, end = span["start"], span["end"]
        candidates = tuple(
            CandidateView(c["text"], float(c["score"]), tuple(c.get("evidence", ())))
            for c in span.get("candidates", [])
        )
        score = float(span["score"])
        edit_score = score * candidates[0].score if candidates else score
        edit = applied.get((start, end, span["source"], span["label"]))
        line, column = lines.at(start, end)
        entries.append(
            Entry(
                index=index,
                kind="edit" if edit is not None else "flag",
                label=span["label"],
                start=start,
                end=end,
                line=line,
                column=column,
                old=original[start:end],
                new=edit.replacement if edit is not None else None,
                proposed=span.get("replacement"),
                score=score,
                edit_score=edit.score if edit is not None else edit_score,
                source=span["source"],
                reason=span.get("reason", ""),
                candidates=candidates,
                why_not=""
                if edit is not None
                else _why_not(span, edit_score, edit_threshold, edits),
            )
        )
    spans = [_span(s) for s in record.get("spans", [])]
    boilerplate = [s for s in spans if s.label == "boilerplate"]
    removed = [e for e in edits if e.label == "boilerplate"]
    score = float(record.get("score", 0.0))
    return DocumentView(
        id=str(record.get("id", "")),
        text=original,
        cleaned=apply_edits(original, edits),
        score=score,
        spun=degradation_score(original, [*boilerplate, *(s for s in spans if s.label == "spun")]),
        mt=degradation_score(original, [*boilerplate, *(s for s in spans if s.label == "mt")]),
        boilerplate_chars=sum(e.end - e.start for e in removed),
        boilerplate_lines=sum(
            1 for e in removed for line in original[e.start : e.end].splitlines() if line.strip()
        ),
        decision="drop" if score >= drop_at else "keep",
        drop_at=drop_at,
        edit_threshold=edit_threshold,
        entries=tuple(entries),
        metadata=dict(record.get("metadata", {})),
        stats=dict(record.get("stats", {})),
        name=name,
    )
