"""Sibling evaluation: support of an article's wording in clean articles on the same story."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtclean.evaluation.gold import load_gold, restore
from mtclean.evaluation.siblings import (
    compare_with_siblings,
    content_words,
    extract_terms,
    sibling_support,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SPUN = "003_b922d01c8accb03d.txt"
SIBLINGS = ("000_91c3d4301d021a5a.txt", "001_8eb623820132897e.txt")


def read_seed(name: str) -> str:
    return (SEEDS / name).read_bytes().decode("utf-8")


def test_content_words_drop_stop_words_and_possessives() -> None:
    assert content_words("The USA\u2019s deputy said that it was the Kremlin's plan.") == [
        "usa",
        "deputy",
        "kremlin",
        "plan",
    ]


def test_terms_are_names_and_content_bigrams() -> None:
    terms = extract_terms(
        "The Organization for Security and Cooperation in Europe met. "
        "Russian officials described heavy military exercises."
    )
    assert ("organization", "for", "security", "and", "cooperation", "in", "europe") in terms
    # content bigrams, never across punctuation, never inside one capitalised term
    assert ("military", "exercises") in terms
    assert ("heavy", "military") in terms
    assert ("russian", "officials") in terms
    assert ("europe", "met") in terms
    assert ("met", "russian") not in terms
    assert ("security", "cooperation") not in terms


def test_support_on_a_toy_story() -> None:
    siblings = ["Deputy Foreign Minister Sergei Ryabkov met American officials in Geneva."]
    clean = sibling_support(
        "Deputy Foreign Minister Sergei Ryabkov met American officials.", siblings
    )
    spun = sibling_support(
        "Deputy Overseas Minister Sergei Ryabkov met American officers.", siblings
    )
    assert (clean.term_support, clean.content_word_support) == (1.0, 1.0)
    # terms: the name run, "ryabkov met", "met american", "american officers"; 2 of 4 attested
    assert spun.terms == 4
    assert spun.term_support == 0.5
    # content words: deputy overseas minister sergei ryabkov met american officers: 6 of 8
    assert spun.content_word_support == 0.75
    assert spun.unsupported_terms == (
        ("deputy overseas minister sergei ryabkov", 1),
        ("american officers", 1),
    )
    with pytest.raises(ValueError, match="sibling"):
        sibling_support("text", [])


def test_unsupported_terms_sorted_by_frequency() -> None:
    support = sibling_support(
        "Army workout routines. Jap Europe. Army workout routines.", ["Military exercises."]
    )
    assert support.unsupported_terms[0] == ("army workout", 2)
    assert [count for _, count in support.unsupported_terms] == sorted(
        (count for _, count in support.unsupported_terms), reverse=True
    )


def test_gold_restored_spun_seed_has_more_sibling_support() -> None:
    """A real measurement: restoring 003's req spun spans makes its terms match the siblings."""
    raw = read_seed(SPUN)
    restored = restore(raw, load_gold(SEEDS / "gold.jsonl")[SPUN])
    result = compare_with_siblings(raw, restored, [read_seed(name) for name in SIBLINGS])
    assert result.after.term_support > result.before.term_support
    assert result.after.content_word_support > result.before.content_word_support
    assert result.term_support_gain > 0.05
    unsupported_before = dict(result.before.unsupported_terms)
    unsupported_after = dict(result.after.unsupported_terms)
    assert "jap europe" in unsupported_before
    assert "jap europe" not in unsupported_after
    assert "deputy overseas minister sergei" in unsupported_before
    assert not any("overseas" in term for term in unsupported_after)
