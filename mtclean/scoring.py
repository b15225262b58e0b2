"""Document-level degradation score."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from mtclean.intervals import max_cover
from mtclean.records import Span
from mtclean.text import WORD_RE


def degradation_score(text: str, spans: Sequence[Span]) -> float:
    """Estimated share of the document's content words that are spun or machine-translated.

    Words inside boilerplate spans are not content and are left out of the count; each flagged
    word counts with the score of the most confident span covering it. The result is in [0, 1].
    """
    degraded = [s for s in spans if s.label in ("spun", "mt")]
    if not degraded:
        return 0.0
    words = [m.span() for m in WORD_RE.finditer(text)]
    starts = [start for start, _ in words]
    ends = [end for _, end in words]
    # words wholly inside one boilerplate span: a run of word indices per span
    outside = bytearray(b"\x01") * len(words)
    for span in spans:
        if span.label == "boilerplate":
            i, j = bisect.bisect_left(starts, span.start), bisect.bisect_right(ends, span.end)
            if i < j:
                outside[i:j] = bytes(j - i)
    content = outside.count(1)
    if not content:
        return 0.0
    # the words each degraded span overlaps (a run of indices); only those carry weight
    runs = [
        (bisect.bisect_right(ends, s.start), bisect.bisect_left(starts, s.end), s.score)
        for s in degraded
    ]
    covered: list[tuple[int, int]] = []  # each content word in some run, once, in order
    reached = 0
    for i, j, _ in sorted(runs):
        covered.extend((k, k + 1) for k in range(max(i, reached), j) if outside[k])
        reached = max(reached, j)
    weight = 0.0  # added in text order, as before (sum() compensates on 3.12+: other bits)
    for best in max_cover(covered, runs):  # one sweep: O((words + spans) log spans)
        weight += best
    return round(weight / content, 4)
