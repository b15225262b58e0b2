"""Document-level degradation score."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mtclean.records import Span

_WORD = re.compile(r"\w+")


def degradation_score(text: str, spans: Sequence[Span]) -> float:
    """Estimated share of the document's content words that are spun or machine-translated.

    Words inside boilerplate spans are not content and are left out of the count; each flagged
    word counts with the score of the most confident span covering it. The result is in [0, 1].
    """
    boilerplate = [(s.start, s.end) for s in spans if s.label == "boilerplate"]
    degraded = sorted((s.start, s.end, s.score) for s in spans if s.label != "boilerplate")
    if not degraded:
        return 0.0
    content_words = 0
    weight = 0.0
    for match in _WORD.finditer(text):
        start, end = match.span()
        if any(b_start <= start and end <= b_end for b_start, b_end in boilerplate):
            continue
        content_words += 1
        best = 0.0
        for s_start, s_end, score in degraded:
            if s_start >= end:
                break
            if s_end > start:
                best = max(best, score)
        weight += best
    return round(weight / content_words, 4) if content_words else 0.0
