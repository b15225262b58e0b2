"""The punctuation detector: data cases, clean sentences, and replayable edits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mtclean.detectors.punctuation import RULES, PunctuationDetector
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
