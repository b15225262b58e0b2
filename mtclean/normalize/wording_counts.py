"""How often a document uses a wording outside one stretch of it, without rescanning it.

The normalizer's ranking feature "the document's own wording" counts the whole-word
occurrences of a candidate in the lowercased text with the span cut out
(``text[:start] + " " + text[end:]``). Building that string and scanning it for every candidate
of every span is quadratic in the document length; :class:`WordingCounts` indexes the word runs
of the document once and gives the same count from the occurrences of the candidate in the
whole text (cached per wording), corrected around the cut.
"""

from __future__ import annotations

import bisect
import functools
import re

_WORD_CHAR = re.compile(r"\w")
_RUN = re.compile(r"\w+")


@functools.lru_cache(maxsize=1 << 16)
def whole_word(wording: str) -> re.Pattern[str]:
    """The pattern of ``wording`` as a whole word (cached: the normalizer asks for the same
    candidates' patterns in span after span, and ``re``'s own cache holds only 512)."""
    return re.compile(r"(?<!\w)" + re.escape(wording) + r"(?!\w)")


def count_outside_slow(text: str, start: int, end: int, wording: str) -> int:
    """The definition: whole-word occurrences of ``wording`` (lowercased) in the lowercased
    text with ``text[start:end]`` replaced by one space."""
    return len(whole_word(wording.lower()).findall((text[:start] + " " + text[end:]).lower()))


def _may_overlap(wording: str) -> bool:
    """Whether two whole-word occurrences of ``wording`` could overlap ("a b a" in
    "a b a b a"), so that non-overlapping matches depend on where a scan starts."""
    n = len(wording)
    return any(
        not _WORD_CHAR.match(wording[d - 1]) and wording[d:] == wording[: n - d]
        for d in range(1, n)
    )


class WordingCounts:
    """``outside(start, end, wording) == count_outside_slow(text, start, end, wording)`` in
    time proportional to the wording's occurrences (after one O(n) pass over the text)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lower = text.lower()
        # lowercasing is one character for one character, and context-free, except for a few
        # letters ("İ" grows; Greek capital sigma lowers by its neighbours): there the slow way
        self.exact = len(self.lower) == len(text) and "\u03a3" not in text
        self._runs: dict[str, list[int]] | None = None
        self._found: dict[str, list[int]] = {}

    def _occurrences(self, wording: str) -> list[int]:
        """Sorted starts of the whole-word occurrences of ``wording`` (lowercase) in the text."""
        found = self._found.get(wording)
        if found is not None:
            return found
        lower = self.lower
        first = _RUN.match(wording)
        if first is None:  # starts with a non-word character: one scan of the text
            found = [m.start() for m in whole_word(wording).finditer(lower)]
        else:  # an occurrence starts a word run equal to the wording's first run
            if self._runs is None:
                self._runs = {}
                for m in _RUN.finditer(lower):
                    self._runs.setdefault(m.group(), []).append(m.start())
            n = len(wording)
            found = [
                s
                for s in self._runs.get(first.group(), ())
                if lower.startswith(wording, s)
                and (s + n == len(lower) or not _WORD_CHAR.match(lower[s + n]))
            ]
        self._found[wording] = found
        return found

    def count(self, wording: str) -> int:
        """Whole-word occurrences of ``wording`` (case-blind) in the whole text."""
        return self.outside(0, 0, wording)

    def outside(self, start: int, end: int, wording: str) -> int:
        word = wording.lower()
        if not self.exact or not word or _may_overlap(word):
            return count_outside_slow(self.text, start, end, wording)
        positions = self._occurrences(word)
        n = len(word)
        # in the text with the cut, an occurrence wholly before ``start`` (its look-ahead too)
        # or wholly after ``end`` (its look-behind too) is one of the whole text's ...
        before = bisect.bisect_right(positions, start - 1 - n)
        after = len(positions) - bisect.bisect_left(positions, end + 1)
        # ... and the ones touching the cut are found in a window around it
        left = max(0, start - n - 1)
        window = self.lower[left:start] + " " + self.lower[end : end + n + 2]
        middle = 0
        for m in whole_word(word).finditer(window):
            s, e = left + m.start(), left + m.end()  # offsets in the text with the cut
            if e >= start and s <= start + 1:
                middle += 1
        return before + middle + after
