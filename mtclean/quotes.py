"""Quoted speech: the stretches of a text between quotation marks.

Quotes are the speaker's words: spinners often leave them alone, and clean text quotes people
who write "trev. think" or "done by by tbwa" on purpose. So an MT repair or a spin restoration
inside quotation marks stays a flag unless its evidence is strong (see
``CleanerConfig.quoted_edit_threshold``). One pass over the text, line by line: a curly opening
mark opens and a curly closing mark closes; a straight double quote opens outside a quote and
closes inside one; a quote still open at the end of its line runs to the end of the line
(newspapers reopen a quote that continues into the next paragraph). Single quotes are left out:
they are apostrophes as often as quote marks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

_MARK = re.compile('[\u201c\u201d"\n]')


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` stretches inside quotation marks (the marks left out), in order."""
    regions: list[tuple[int, int]] = []
    opened: int | None = None
    for m in _MARK.finditer(text):
        mark = m.group()
        if mark == "\n":
            if opened is not None:
                regions.append((opened, m.start()))
                opened = None
        elif opened is None and mark != "\u201d":
            opened = m.end()
        elif opened is not None and mark != "\u201c":
            regions.append((opened, m.start()))
            opened = None
        elif opened is not None:  # a second opening mark: the first quote ends before it
            regions.append((opened, m.start()))
            opened = m.end()
    if opened is not None:
        regions.append((opened, len(text)))
    return [(a, b) for a, b in regions if b > a]


class QuotedSpeech:
    """Answers "does ``[start, end)`` overlap quoted speech?" by bisection."""

    def __init__(self, text: str) -> None:
        self.regions: Sequence[tuple[int, int]] = quoted_regions(text)
        self._ends = [end for _, end in self.regions]

    def overlaps(self, start: int, end: int) -> bool:
        k = bisect.bisect_right(self._ends, start)  # the first region ending after ``start``
        return k < len(self.regions) and self.regions[k][0] < max(end, start + 1)
