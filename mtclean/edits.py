"""Applying edits to the original text: the one place where text is rewritten."""

from __future__ import annotations

from collections.abc import Iterable

from mtclean.records import Edit


def check_edits(text: str, edits: Iterable[Edit]) -> list[Edit]:
    """Return the edits sorted by position, or raise if they overlap or leave the text."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    previous_end = 0
    for edit in ordered:
        if edit.end > len(text):
            raise ValueError(f"edit [{edit.start}, {edit.end}) ends past the text ({len(text)})")
        if edit.start < previous_end:
            raise ValueError(f"edit [{edit.start}, {edit.end}) overlaps the edit before it")
        previous_end = edit.end
    return ordered


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Replay ``edits`` (offsets into ``text``) and return the rewritten text."""
    pieces: list[str] = []
    cursor = 0
    for edit in check_edits(text, edits):
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.replacement)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)


class OffsetMap:
    """Maps offsets in the original text to offsets in the text ``edits`` produce.

    An offset outside every edit moves by the length change of the edits before it; an offset
    inside an edit goes to the start of its replacement (``side="start"``) or to its end
    (``side="end"``), so a span ``[start, end)`` maps to the stretch of the cleaned text that
    now holds it: its replacement if it was edited, its own words if not, an empty stretch if it
    was deleted.
    """

    def __init__(self, edits: Iterable[Edit]) -> None:
        self._edits = sorted(edits, key=lambda e: (e.start, e.end))
        self._starts = [e.start for e in self._edits]
        self._shift: list[int] = []  # the length change of the edits before edit i (cleaned)
        total = 0
        for edit in self._edits:
            self._shift.append(total)
            total += len(edit.replacement) - (edit.end - edit.start)

    def __call__(self, offset: int, side: str = "start") -> int:
        import bisect

        if side == "start":  # an edit starting here comes after the offset
            i = bisect.bisect_left(self._starts, offset)
            if i < len(self._edits) and self._starts[i] == offset:
                return offset + self._shift[i]
            i -= 1
        else:  # an insertion here comes before the offset
            i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return offset
        edit = self._edits[i]
        new_start = edit.start + self._shift[i]
        if offset == edit.start:  # (side "end") an insertion, or an edit the span stops at
            return new_start + (len(edit.replacement) if edit.start == edit.end else 0)
        if offset >= edit.end:
            return new_start + len(edit.replacement) + offset - edit.end
        return new_start if side == "start" else new_start + len(edit.replacement)
