"""Quoted speech stays as written unless the evidence is strong (issue 13, item 5)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import pytest
from support import REPO

from mtclean import Cleaner, CleanerConfig
from mtclean.quotes import QuotedSpeech, quoted_regions

CASES = json.loads((REPO / "tests" / "cases" / "quoted_speech.json").read_text("utf-8"))
CONFIGS = {"rules": CleanerConfig(model=False), "default": CleanerConfig()}


@lru_cache(maxsize=2)
def cleaner(name: str) -> Cleaner:
    return Cleaner(CONFIGS[name])


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("case", CASES["unchanged"], ids=lambda c: c["text"][:30])
def test_quoted_damage_stays_flagged(case: dict[str, Any], name: str) -> None:
    text = case["text"]
    result = cleaner(name).clean(text)
    assert result.text == text
    flagged = {text[s.start : s.end] for s in result.spans if s.replacement is None}
    assert set(case["flags"]) <= flagged


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("case", CASES["edited"], ids=lambda c: c["text"][:30])
def test_repairs_outside_quotes_and_on_strong_evidence(case: dict[str, Any], name: str) -> None:
    assert cleaner(name).clean(case["text"]).text == case["expected"]


def test_the_threshold_is_configurable() -> None:
    text = CASES["unchanged"][0]["text"]
    loose = Cleaner(CleanerConfig(model=False, quoted_edit_threshold=0.8))
    assert "trev think" in loose.clean(text).text


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('He said: "We go. now" and left.', ["We go. now"]),
        ("\u201cOne,\u201d she said, \u201ctwo.\u201d", ["One,", "two."]),
        ('An open "quote runs to the line end\nnot past it', ["quote runs to the line end"]),
        ("No quotes here, isn't it 'plain'.", []),
        ("\u201cFirst \u201csecond\u201d", ["First ", "second"]),
    ],
)
def test_quoted_regions(text: str, quoted: list[str]) -> None:
    regions = quoted_regions(text)
    assert [text[a:b] for a, b in regions] == quoted
    speech = QuotedSpeech(text)
    for start in range(len(text)):
        inside = any(a <= start < b for a, b in regions)
        assert speech.overlaps(start, start + 1) == inside
