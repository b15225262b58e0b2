"""The ``encoding`` component: mojibake and HTML entities repaired as recorded edits, and
nothing else touched. Cases are data (tests/cases/encoding.json)."""

from __future__ import annotations

import json
import random
from functools import lru_cache
from typing import Any

import pytest
from support import REPO, SEEDS, read_seed

from mtclean import Cleaner, CleanerConfig, apply_edits
from mtclean.detectors.encoding import EncodingRepair
from mtclean.records import Document, Edit

CASES: dict[str, Any] = json.loads((REPO / "tests/cases/encoding.json").read_text("utf-8"))


def _edits(text: str) -> list[Edit]:
    return [Edit.from_span(s) for s in EncodingRepair().detect(Document(text)).spans]


@lru_cache(maxsize=1)
def _rules() -> Cleaner:
    return Cleaner(CleanerConfig(model=False))


@pytest.mark.parametrize("case", CASES["repairs"], ids=lambda c: c["text"][:30])
def test_repairs(case: dict[str, Any]) -> None:
    edits = _edits(case["text"])
    assert apply_edits(case["text"], edits) == case["expected"]
    assert [e.reason for e in edits] == case["reasons"]
    assert all(e.source == "encoding" and e.label == "encoding" for e in edits)
    assert _edits(case["expected"]) == []  # idempotent: the repair holds nothing to repair


@pytest.mark.parametrize("text", CASES["unchanged"], ids=lambda t: t[:30])
def test_leaves_correct_text_alone(text: str) -> None:
    assert EncodingRepair().detect(Document(text)).spans == ()


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=c["why"]))
        for c in CASES["xfail"]
    ],
)
def test_known_failures(case: dict[str, Any]) -> None:
    assert apply_edits(case["text"], _edits(case["text"])) == case["expected"]


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_no_repair_in_the_seeds(name: str) -> None:
    assert _edits(read_seed(name)) == []


def test_the_cleaner_records_the_repairs_as_edits() -> None:
    text = "Russia\u00e2\u20ac\u2122s minister said the Q&amp;A was useful.\n\nSource link\n"
    result = _rules().clean(text)
    assert result.text == "Russia\u2019s minister said the Q&A was useful.\n"
    assert apply_edits(text, result.edits) == result.text
    repairs = [e for e in result.edits if e.source == "encoding"]
    assert [text[e.start : e.end] for e in repairs] == ["\u00e2\u20ac\u2122", "&amp;"]
    assert result.stats["encoding.edited_mojibake"] == 1
    assert result.stats["encoding.edited_html_entity"] == 1
    assert result.score == 0.0  # a repair of the storage is not degraded wording
    assert _rules().clean(result.text).edits == ()


def test_switched_off_by_its_config_field() -> None:
    text = "Q&amp;A"
    assert Cleaner(CleanerConfig(model=False, encoding=False)).clean(text).text == text


def test_many_repairs_in_a_long_document() -> None:
    rng = random.Random(0)
    words = ["caf\u00c3\u00a9", "Q&amp;A", "talks", "\u201cyes\u201d", "Russia\u00e2\u20ac\u2122s"]
    text = " ".join(rng.choice(words) for _ in range(20_000))
    edits = _edits(text)
    assert len(edits) == sum(1 for w in text.split() if w not in ("talks", "\u201cyes\u201d"))
    assert _edits(apply_edits(text, edits)) == []
