"""apply_edits, overlap resolution and the records' validation."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtclean import Edit, Span, apply_edits
from mtclean.resolve import resolve_edits

CASES = json.loads((Path(__file__).parent / "cases" / "edits.json").read_text("utf-8"))


def _edits(rows: list[list[Any]]) -> list[Edit]:
    return [Edit(start, end, repl, "test", 1.0, "spun") for start, end, repl in rows]


@pytest.mark.parametrize("case", CASES["apply"], ids=lambda c: c["expected"][:20])
def test_apply_edits(case: dict[str, Any]) -> None:
    assert apply_edits(case["text"], _edits(case["edits"])) == case["expected"]


@pytest.mark.parametrize("case", CASES["invalid"], ids=lambda c: c["error"])
def test_apply_edits_rejects_bad_edits(case: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=case["error"]):
        apply_edits(case["text"], _edits(case["edits"]))


@given(st.text(max_size=60), st.data())
def test_resolved_edits_never_overlap_and_replay(text: str, data: st.DataObject) -> None:
    n = len(text)
    raw = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, n),
                st.integers(0, 8),
                st.sampled_from(["spun", "mt", "boilerplate"]),
                st.floats(0, 1),
                st.text(max_size=5),
            ),
            max_size=12,
        )
    )
    spans = [
        Span(start, min(n, start + length), label, score, "t", replacement)
        for start, length, label, score, replacement in raw
    ]
    edits = resolve_edits(spans, edit_threshold=0.5)
    assert all(e.score >= 0.5 for e in edits)
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for a, b in itertools.pairwise(ordered):
        assert a.end <= b.start and (a.start, a.end) != (b.start, b.end)
    # Replaying is deterministic and keeps the untouched text in order.
    assert apply_edits(text, edits) == apply_edits(text, list(reversed(edits)))


def test_boilerplate_wins_over_repairs_inside_it() -> None:
    spans = [
        Span(0, 20, "boilerplate", 0.85, "boilerplate", ""),
        Span(5, 9, "spun", 0.99, "lexicon", "word"),
        Span(25, 29, "spun", 0.99, "lexicon", "word"),
    ]
    edits = resolve_edits(spans, edit_threshold=0.8)
    assert [(e.start, e.end, e.source) for e in edits] == [
        (0, 20, "boilerplate"),
        (25, 29, "lexicon"),
    ]


def test_low_scores_and_unrestorable_spans_stay_flags() -> None:
    spans = [
        Span(0, 4, "spun", 0.79, "lexicon", "x"),
        Span(5, 9, "mt", 0.99, "model", None),
    ]
    assert resolve_edits(spans, edit_threshold=0.8) == ()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": 5, "end": 2},
        {"start": -1, "end": 2},
        {"label": "typo"},
        {"score": 1.5},
    ],
)
def test_span_validation(kwargs: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"start": 0, "end": 1, "label": "spun", "score": 0.5, "source": "t"}
    fields.update(kwargs)
    with pytest.raises(ValueError):
        Span(**fields)
