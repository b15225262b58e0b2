"""A view of a document with some edits applied, and the way back to the original's offsets.

The cleaner removes boilerplate first (and splits glued documents) and runs the word-level
detectors on what is left, so they read the text the cleaned output will hold: a phrase glued to
a "Source link" ("nurture gasSource link") is found on the first pass, not only on a second one.
Their spans come back to offsets into the original text here; a span that straddles a removed
stretch cannot be replaced in the original without touching the removal, so it stays a flag.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mtclean.edits import OffsetMap, apply_edits, check_edits
from mtclean.records import Edit, Span

ACROSS_REMOVED = "across removed boilerplate: flag only"


@dataclass(frozen=True, slots=True)
class _Piece:
    """A stretch of the view: ``view[v_start:v_end]`` is ``original[o_start:o_end]``
    (``changed`` False) or the replacement of the edit over it (``changed`` True)."""

    v_start: int
    v_end: int
    o_start: int
    o_end: int
    changed: bool


class TextView:
    """``original`` with ``edits`` (offsets into it, non-overlapping) applied."""

    def __init__(self, original: str, edits: Iterable[Edit] = ()) -> None:
        self.original = original
        self.edits = tuple(check_edits(original, edits))
        self.text = apply_edits(original, self.edits) if self.edits else original
        self._forward = OffsetMap(self.edits)
        self._edit_starts = [e.start for e in self.edits]
        pieces: list[_Piece] = []
        cursor = view = 0
        for edit in self.edits:
            if edit.start > cursor:
                pieces.append(_Piece(view, view + edit.start - cursor, cursor, edit.start, False))
                view += edit.start - cursor
            if edit.replacement:  # deletions take no room in the view
                width = len(edit.replacement)
                pieces.append(_Piece(view, view + width, edit.start, edit.end, True))
                view += width
            cursor = edit.end
        if len(original) > cursor:
            pieces.append(_Piece(view, view + len(original) - cursor, cursor, len(original), False))
        self._pieces = pieces
        self._starts = [p.v_start for p in pieces]
        self._ends = [p.v_end for p in pieces]

    @property
    def identity(self) -> bool:
        return not self.edits

    def _start(self, offset: int) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1  # the piece holding the offset
        if i < 0 or offset >= self._ends[i]:
            return len(self.original) if offset >= len(self.text) else 0
        piece = self._pieces[i]
        return piece.o_start if piece.changed else piece.o_start + offset - piece.v_start

    def _end(self, offset: int) -> int:
        i = bisect.bisect_left(self._ends, offset)  # the piece whose stretch ends at/after it
        if i >= len(self._pieces) or offset <= self._starts[i]:
            return 0 if offset <= 0 else len(self.original)
        piece = self._pieces[i]
        return piece.o_end if piece.changed else piece.o_start + offset - piece.v_start

    def to_original(self, span: Span) -> Span:
        """``span`` (offsets into the view) with offsets into the original; a span whose
        original wording is not the view's (it covers a removed stretch) keeps no
        replacement."""
        if self.identity:
            return span
        start = self._start(span.start)
        end = start if span.start == span.end else max(start, self._end(span.end))
        moved = dataclasses.replace(span, start=start, end=end)
        if self.original[start:end] == self.text[span.start : span.end]:
            return moved
        if span.replacement is None:
            return moved
        return dataclasses.replace(
            moved, replacement=None, reason=f"{span.reason}; {ACROSS_REMOVED}".lstrip("; ")
        )

    def to_view(self, span: Span) -> Span | None:
        """``span`` (offsets into the original) in the view, None when nothing of it is left."""
        if self.identity:
            return span
        start, end = self._forward(span.start, "start"), self._forward(span.end, "end")
        if end <= start and span.end > span.start:
            return None
        return dataclasses.replace(span, start=start, end=max(start, end))

    def spans_to_original(self, spans: Sequence[Span]) -> list[Span]:
        return [self.to_original(s) for s in spans]


def compose(view: TextView, later: Sequence[Edit]) -> tuple[tuple[Edit, ...], list[Edit]]:
    """``view.edits`` followed by ``later`` (offsets into ``view.text``) as one set of
    non-overlapping edits of ``view.original``, and the ones of them that are new.

    A later edit that touches none of the view's edits moves to the original's offsets as it
    is; one that covers (part of) an earlier edit's replacement is merged with it into one edit
    over both stretches of the original ("focused . on" -> "focused. on" -> "focused on"
    becomes "focused . on" -> "focused on"), named after the later edit.
    """
    if not later:
        return view.edits, []
    forward = view._forward
    groups: list[tuple[int, int, list[Edit]]] = []  # original [start, end), later edits
    for edit in sorted(later, key=lambda e: (e.start, e.end)):
        start = view._start(edit.start)
        end = start if edit.start == edit.end else max(start, view._end(edit.end))
        if edit.start == edit.end:  # an insertion inside an earlier replacement takes it all
            i = bisect.bisect_right(view._starts, edit.start) - 1
            if i >= 0 and view._starts[i] < edit.start < view._ends[i] and view._pieces[i].changed:
                start, end = view._pieces[i].o_start, view._pieces[i].o_end
        if groups and _joined(view, groups[-1][0], groups[-1][1], start, end):
            first, last, members = groups[-1]
            groups[-1] = (first, max(last, end), [*members, edit])
        else:
            groups.append((start, end, [edit]))
    edit_starts = view._edit_starts
    absorbed: set[int] = set()
    new: list[Edit] = []
    for start, end, members in groups:
        lo, hi = bisect.bisect_left(edit_starts, start), bisect.bisect_right(edit_starts, end)
        inside = [
            k for k in range(lo, hi) if view.edits[k].end <= end and k not in absorbed
        ]  # the earlier edits in the stretch (their replacements are in the later one's text)
        if not inside and len(members) == 1:
            e = members[0]
            new.append(Edit(start, end, e.replacement, e.source, e.score, e.label, e.reason))
            continue
        absorbed.update(inside)
        v_start, v_end = forward(start, "start"), forward(end, "end")
        shifted = [
            Edit(e.start - v_start, e.end - v_start, e.replacement, e.source, e.score, e.label)
            for e in members
        ]
        replacement = apply_edits(view.text[v_start:v_end], shifted)
        head = members[0]
        earlier = [view.edits[k] for k in inside]
        reasons = "; ".join(dict.fromkeys([*(e.reason for e in earlier), head.reason]))
        score = min([head.score, *(e.score for e in earlier)])
        new.append(Edit(start, end, replacement, head.source, score, head.label, reasons))
    kept = [e for k, e in enumerate(view.edits) if k not in absorbed]
    return tuple(sorted([*kept, *new], key=lambda e: (e.start, e.end))), new


def _joined(view: TextView, a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Whether two later edits' stretches of the original (the second starting at or after
    the first) must become one edit: they overlap, or they touch at a point where an
    insertion (earlier or one of them) sits, which both would otherwise claim."""
    if b_start < a_end:
        return True
    if b_start > a_end:
        return False
    if a_start == a_end or b_start == b_end:
        return True
    k = bisect.bisect_left(view._edit_starts, b_start)
    return k < len(view.edits) and view.edits[k].start == view.edits[k].end == b_start
