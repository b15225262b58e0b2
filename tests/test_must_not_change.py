"""Clean text must come out exactly as it went in.

The bodies of seeds 000 and 001 (everything outside their gold boilerplate spans) and a set of
clean news sentences get no edits; the sentences get no spun/mt flags either.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import SEEDS, read_seed

from mtclean import Cleaner
from mtclean.evaluation.gold import load_gold

CLEAN_TEXTS = json.loads((Path(__file__).parent / "cases" / "clean_text.json").read_text("utf-8"))
GOLD = load_gold(SEEDS / "gold.jsonl")


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.mark.parametrize("name", ["000_91c3d4301d021a5a.txt", "001_8eb623820132897e.txt"])
def test_seed_bodies_get_no_edits(cleaner: Cleaner, name: str) -> None:
    text = read_seed(name)
    in_boilerplate = [False] * len(text)
    for gold in GOLD[name]:
        if gold.label == "boilerplate":
            in_boilerplate[gold.start : gold.end] = [True] * (gold.end - gold.start)
    result = cleaner.clean(text)
    # An edit may take the blank lines around a boilerplate line with it, nothing else.
    touched_body = [
        (e.start, e.end, e.reason)
        for e in result.edits
        if any(not in_boilerplate[i] and not text[i].isspace() for i in range(e.start, e.end))
    ]
    assert touched_body == []
    assert not [s for s in result.spans if s.label != "boilerplate"]


@pytest.mark.parametrize("text", CLEAN_TEXTS["texts"], ids=lambda t: t[:30])
def test_clean_sentences_unchanged(cleaner: Cleaner, text: str) -> None:
    result = cleaner.clean(text)
    assert result.text == text, result.edits
    assert [s for s in result.spans if s.label != "boilerplate"] == []
