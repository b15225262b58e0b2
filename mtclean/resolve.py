"""Turning detector spans into non-overlapping edits (precision first)."""

from __future__ import annotations

from collections.abc import Iterable

from mtclean.intervals import DisjointIntervals
from mtclean.records import Edit, Span

# Boilerplate deletions win over word-level repairs inside them: repairing a line that is
# removed anyway would only produce overlapping edits. Encoding repairs (a fact about the
# bytes) come next.
_LABEL_PRIORITY = {"boilerplate": 0, "encoding": 1, "spun": 2, "mt": 2}


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    if a_start == a_end or b_start == b_end:  # an insertion conflicts with an edit around it
        return b_start < a_start < b_end or a_start < b_start < a_end or a_start == b_start
    return a_start < b_end and b_start < a_end


def resolve_edits(spans: Iterable[Span], edit_threshold: float) -> tuple[Edit, ...]:
    """Choose the edits to apply: confident spans with a replacement, no two overlapping.

    A span whose ``edit_score`` is below ``edit_threshold`` (the normalizer's candidates count:
    a sure flag with an unsure restoration is not an edit) or without a replacement stays a
    flagged span only.
    Conflicts go to boilerplate first, then to the higher score, then to the longer span.
    Each candidate is checked against the chosen ones with one interval query (``_overlaps``
    is the rule :class:`~mtclean.intervals.DisjointIntervals` follows): O(n log n) in spans.
    """
    candidates = [s for s in spans if s.replacement is not None and s.edit_score >= edit_threshold]
    candidates.sort(
        key=lambda s: (_LABEL_PRIORITY[s.label], -s.edit_score, s.start - s.end, s.start)
    )
    chosen: list[Span] = []
    taken = DisjointIntervals(max((s.end for s in candidates), default=0))
    for span in candidates:
        if taken.add_if_free(span.start, span.end):
            chosen.append(span)
    return tuple(Edit.from_span(s) for s in sorted(chosen, key=lambda s: (s.start, s.end)))
