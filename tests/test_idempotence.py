"""Cleaning is idempotent: ``clean(clean(x)).text == clean(x).text`` (issue 13).

Property tests over mixes of real article text (the seeds and the clean texts of the case data;
no shared data needed), spin, machine-translation damage, injected boilerplate and glued
documents, built by the degradation generators; plus the cases that failed before, as data.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import REPO, SEEDS, read_seed

from mtclean import Cleaner, CleanerConfig, Edit, apply_edits
from mtclean.degrade.mixes import degraded_mix as mix
from mtclean.view import TextView, compose

BOILERPLATE_LINES = (
    "Source link",
    "Leave a Reply",
    "Share this:",
    "Like this:",
    "%d bloggers like this:",
    'Press "Enter" to skip to content',
    "Read More",
    "Your email address will not be published. Required fields are marked *",
    "Twitter",
    "Facebook",
    "Comments are closed.",
)

# Failed before: a phrase glued to boilerplate was matched only once the boilerplate was gone;
# a repair that made another one ("focused . on" -> "focused. on"); widget lines that read as
# boilerplate only once their neighbours were removed.
CASES = [
    "The plant emits nurture gasSource link\n",
    "Few soldiers are stationed there, focused . on training.\n",
    "The talks ended.\n\nShare this:\nTwitter\nFacebook\n\nLike this:\n\nRead More\n",
]


@lru_cache(maxsize=1)
def paragraphs() -> tuple[str, ...]:
    found = [
        p
        for path in sorted(SEEDS.glob("*.txt"))
        for p in path.read_text("utf-8").split("\n\n")
        if p.strip()
    ]
    cases = json.loads((REPO / "tests" / "cases" / "clean_text.json").read_text("utf-8"))
    return (*found, *cases["texts"])


def degraded_mix(seed: int) -> str:
    return mix(paragraphs(), BOILERPLATE_LINES, seed)


@lru_cache(maxsize=1)
def rules() -> Cleaner:
    return Cleaner(CleanerConfig(model=False))


def _check(cleaner: Cleaner, text: str) -> None:
    once = cleaner.clean(text)
    assert apply_edits(text, once.edits) == once.text
    twice = cleaner.clean(once.text)
    assert twice.text == once.text, f"a second clean changed {twice.edits}"


@pytest.mark.parametrize("text", CASES)
def test_cases_that_changed_on_a_second_clean(text: str) -> None:
    _check(rules(), text)


def test_a_glued_phrase_is_repaired_on_the_first_pass() -> None:
    text = "The plant emits nurture gasSource link\n"
    spans = rules().detect(text)
    assert {(s.source, text[s.start : s.end]) for s in spans} >= {
        ("lexicon", "nurture gas"),
        ("boilerplate", "Source link"),
    }
    cleaned = rules().clean("Few soldiers are stationed there, focused . on training.\n")
    assert cleaned.text == "Few soldiers are stationed there, focused on training.\n"
    assert len(cleaned.edits) == 1  # the two repairs, merged into one edit of the original


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_cleaning_twice_changes_nothing(seed: int) -> None:
    _check(rules(), degraded_mix(seed))


SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))


@pytest.mark.parametrize("name", SEED_NAMES)
def test_cleaning_a_seed_twice_with_the_model(name: str) -> None:
    pytest.importorskip("torch")
    _check(_default(), read_seed(name))


@pytest.mark.parametrize("text", CASES)
def test_cases_with_the_model(text: str) -> None:
    pytest.importorskip("torch")
    _check(_default(), text)


@lru_cache(maxsize=1)
def _default() -> Cleaner:
    return Cleaner()


# --- the view and the composition of edits -----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab .", min_size=1, max_size=30),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 3), st.sampled_from(["", "x", "yz"]))),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3), st.sampled_from(["", "Q", "RS"]))),
)
def test_composed_edits_give_the_two_passes(
    text: str, first: list[tuple[int, int, str]], second: list[tuple[int, int, str]]
) -> None:
    def edits(drawn: list[tuple[int, int, str]], length: int) -> list[Edit]:
        out: list[Edit] = []
        cursor = 0
        for gap, width, new in drawn:
            start = cursor + gap % 4
            end = start + width
            if end > length:
                break
            out.append(Edit(start, end, new, "test", 1.0, "mt"))
            cursor = end + (1 if start == end else 0)
        return out

    view = TextView(text, edits(first, len(text)))
    later = edits(second, len(view.text))
    combined, new = compose(view, later)
    assert apply_edits(text, combined) == apply_edits(view.text, later)
    assert len(new) <= len(later)
