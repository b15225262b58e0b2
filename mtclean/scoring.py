"""Document-level degradation score."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mtclean.intervals import contained_in_any, max_cover
from mtclean.records import Span

_WORD = re.compile(r"\w+")


def degradation_score(text: str, spans: Sequence[Span]) -> float:
    """Estimated share of the document's content words that are spun or machine-translated.

    Words inside boilerplate spans are not content and are left out of the count; each flagged
    word counts with the score of the most confident span covering it. The result is in [0, 1].
    """
    boilerplate = [(s.start, s.end) for s in spans if s.label == "boilerplate"]
    degraded = [(s.start, s.end, s.score) for s in spans if s.label != "boilerplate"]
    if not degraded:
        return 0.0
    words = [m.span() for m in _WORD.finditer(text)]
    inside = contained_in_any(words, boilerplate)
    content = [w for w, out in zip(words, inside, strict=True) if not out]
    weight = 0.0  # added in text order, as before (sum() compensates on 3.12+: other bits)
    for best in max_cover(content, degraded):  # one sweep each: O((words + spans) log spans)
        weight += best
    return round(weight / len(content), 4) if content else 0.0
