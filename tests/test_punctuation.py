"""The punctuation detector: data cases, clean sentences, and replayable edits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtclean.detectors.punctuation import HINTS, RULES, PunctuationDetector
from mtclean.edits import apply_edits
from mtclean.records import Document, Edit

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "cases" / "punctuation.json").read_text(encoding="utf-8")
)
DETECTOR = PunctuationDetector()


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["text"][:40])
def test_cases(case: dict[str, Any]) -> None:
    text = case["text"]
    detection = DETECTOR.detect(Document(text))
    got = [[s.text_in(text), s.replacement, s.reason] for s in detection.spans]
    assert got == case["spans"]
    for span in detection.spans:
        assert (span.label, span.source) == ("mt", "punctuation")
        assert span.reason in RULES
    assert sum(detection.stats.values()) == len(detection.spans)
    if "expected" in case:
        edits = [Edit.from_span(s) for s in detection.spans if s.replacement is not None]
        assert apply_edits(text, edits) == case["expected"]


@pytest.mark.parametrize("text", CASES["clean"])
def test_clean_sentences_have_no_spans(text: str) -> None:
    assert DETECTOR.detect(Document(text)).spans == ()


def test_every_rule_has_a_case() -> None:
    covered = {span[2] for case in CASES["cases"] for span in case["spans"]}
    assert covered == set(RULES)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["the", "The", "a", "to", "of", "Of", "said", "we", "NATO", "NATO.", "But", "today",
             "today.", "does", "not", "would", ".", ",", ";", ". ,", "\u201c", "\u201d", "\n",
             "Putin", "allies", "allies,"]
        ),
        max_size=30,
    )
)  # fmt: skip
def test_hints_never_hide_a_rule_match(words: list[str]) -> None:
    text = " ".join(words)
    for name, rule in RULES.items():
        if list(rule(text)) and name in HINTS:
            assert HINTS[name].search(text), (name, text)


def test_hints_hold_on_every_case() -> None:
    for case in CASES["cases"]:
        for name, rule in RULES.items():
            if list(rule(case["text"])) and name in HINTS:
                assert HINTS[name].search(case["text"]), name
