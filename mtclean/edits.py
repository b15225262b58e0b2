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
