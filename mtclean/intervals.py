"""Interval structures for linear-time span handling (no per-span scan of every other span).

Greedy selection of non-overlapping spans (the resolver, the punctuation rules) asks, for each
candidate in priority order, whether it overlaps any span chosen so far. A list scan makes that
quadratic in the number of spans (a document of 100 KB of "the " holds 25,000 spans).
:class:`DisjointIntervals` answers it with one predecessor query on a bitmap of the chosen
starts (bytes searched by ``bytearray.rfind`` at C speed, in levels of 256 positions, so a query
reads at most 256 bytes per level: O(log n) levels; a short candidate is looked up in a bytemap
of the covered positions instead), and :func:`max_cover` gives, for words in
text order, the best score among the spans covering each one in one sorted sweep.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence

_LEVEL = 256  # positions summarised by one byte of the level above
_SHORT = 64  # candidates up to this long are checked against the covered bytes directly


class _PositionSet:
    """A set of integers in ``[0, size)`` with insertion and predecessor queries."""

    def __init__(self, size: int) -> None:
        self.levels: list[bytearray] = [bytearray(max(1, size))]
        while len(self.levels[-1]) > _LEVEL:
            self.levels.append(bytearray(-(-len(self.levels[-1]) // _LEVEL)))

    def add(self, position: int) -> None:
        for level in self.levels:
            if level[position]:
                return
            level[position] = 1
            position //= _LEVEL

    def last_below(self, bound: int) -> int:
        """The largest member smaller than ``bound``, or -1."""
        position = min(bound, len(self.levels[0]))  # members are below ``position``
        for depth, level in enumerate(self.levels):
            if position <= 0:
                return -1
            block_start = (position - 1) // _LEVEL * _LEVEL  # the block holding position - 1
            found = level.rfind(1, block_start, position)
            if found >= 0:  # descend: the last member inside the found block, level by level
                for lower in reversed(self.levels[:depth]):
                    begin = found * _LEVEL
                    found = lower.rfind(1, begin, begin + _LEVEL)
                return found
            position = block_start // _LEVEL  # the blocks before this one, a level up
        return -1


class DisjointIntervals:
    """Chosen half-open intervals ``[start, end)`` in ``[0, size]``, none overlapping another.

    Overlap follows the resolver's rule: two non-empty intervals overlap when they share a
    position; an empty interval (an insertion) conflicts with an interval that starts at its
    position or contains it strictly, and with another insertion at the same position. So no
    two chosen intervals start at the same position, and a candidate conflicts exactly when the
    chosen interval starting last before its end (or at its position, for an insertion)
    reaches into it.
    """

    def __init__(self, size: int) -> None:
        self._starts = _PositionSet(size + 1)
        self._ends: dict[int, int] = {}
        # the same set as bytes, for short candidates: the positions the chosen non-empty
        # intervals cover, and the chosen insertions (one ``find`` at C speed instead)
        self._covered = bytearray(size + 1)
        self._inserted = bytearray(size + 1)

    def overlaps(self, start: int, end: int) -> bool:
        if end - start <= _SHORT:
            if start == end:  # an insertion: inside or at the start of a chosen interval
                return bool(self._covered[start] or self._inserted[start])
            return self._covered.find(1, start, end) >= 0 or self._inserted.find(1, start, end) >= 0
        last = self._starts.last_below(max(end, start + 1))
        if last < 0:
            return False
        if last >= start:  # a chosen interval (or insertion) starts inside the candidate
            return True
        return self._ends[last] > start  # the one before reaches past the candidate's start

    def add(self, start: int, end: int) -> None:
        self._starts.add(start)
        self._ends[start] = end
        if start == end:
            self._inserted[start] = 1
        else:  # chosen intervals are disjoint: marking them all is linear in the size
            self._covered[start:end] = b"\x01" * (end - start)

    def add_if_free(self, start: int, end: int) -> bool:
        """Choose ``[start, end)`` unless it overlaps a chosen interval; whether it was."""
        if self.overlaps(start, end):
            return False
        self.add(start, end)
        return True


def max_cover(
    points: Iterable[tuple[int, int]], spans: Sequence[tuple[int, int, float]]
) -> Iterator[float]:
    """For each ``(start, end)`` of ``points`` (disjoint, in text order: words), the highest
    score among ``spans`` (``(start, end, score)``) that overlap it (``span.start < end`` and
    ``span.end > start``), 0.0 when none does. One sweep with a heap: O((P + S) log S)."""
    ordered = sorted(spans)
    heap: list[tuple[float, int]] = []  # (-score, span end)
    cursor = 0
    for start, end in points:
        while cursor < len(ordered) and ordered[cursor][0] < end:
            _, s_end, score = ordered[cursor]
            heapq.heappush(heap, (-score, s_end))
            cursor += 1
        while heap and heap[0][1] <= start:  # ended before this point: before every later one
            heapq.heappop(heap)
        yield -heap[0][0] if heap else 0.0
