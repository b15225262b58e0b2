"""The spinner's dictionaries: the union of sources, pair filters, held-out pairs, and the
training spinner's decontamination (no seed substitution is ever trained on)."""

from __future__ import annotations

from support import SEEDS

from mtclean.degrade.sources import (
    HELD_OUT_PAIR_SHARE,
    UnionSource,
    both,
    excluding,
    held_out_pair,
    trained_pair,
)
from mtclean.degrade.spinner import DictThesaurus, Spinner

FIRST = DictThesaurus({("talk", "noun"): ("discussion", "chat"), ("big", "adj"): ("large",)})
SECOND = DictThesaurus({("talk", "noun"): ("chat", "conversation"), ("say", "verb"): ("state",)})


def test_union_keeps_source_order_and_drops_duplicates() -> None:
    union = UnionSource((FIRST, SECOND))
    assert union.synonyms("talk", "noun") == ("discussion", "chat", "conversation")
    assert union.synonyms("say", "verb") == ("state",)
    assert union.synonyms("unknown", "noun") == ()
    assert {(e.lemma, e.pos) for e in union.entries()} == {
        ("talk", "noun"),
        ("big", "adj"),
        ("say", "verb"),
    }


def test_pair_filters() -> None:
    union = UnionSource((FIRST, SECOND), keep=excluding([("Talk", "CHAT")]))
    assert union.synonyms("talk", "noun") == ("discussion", "conversation")
    keep = both(excluding([("talk", "chat")]), excluding([("talk", "discussion")]))
    assert keep is not None and not keep("talk", "chat") and not keep("talk", "discussion")
    assert keep("talk", "conversation")
    assert both(None, None) is None


def test_held_out_pairs_are_a_fixed_share() -> None:
    pairs = [(f"lemma{i}", f"syn{i}") for i in range(4000)]
    share = sum(held_out_pair(a, b) for a, b in pairs) / len(pairs)
    assert abs(share - HELD_OUT_PAIR_SHARE) < 0.02
    assert all(held_out_pair(a, b) != trained_pair(a, b) for a, b in pairs[:100])
    assert held_out_pair("Say", "State") == held_out_pair("say", "state")


def test_spinner_keep_filter_applies_to_connectives() -> None:
    table = {"because": ("since", "as")}
    spinner = Spinner(FIRST, function_table=table, keep=excluding([("because", "since")]))
    assert spinner.function_table == {"because": ("as",)}
    for seed in range(10):
        assert "since" not in spinner.spin("It failed because talks ended.", seed, density=1.0).text


def test_training_spinner_never_draws_a_seed_pair() -> None:
    from mtclean.model.training import seed_exclusions, training_spinner

    pairs = seed_exclusions(SEEDS / "gold.jsonl")
    assert ("said", "stated") in pairs and ("say", "state") in pairs  # lemmatised both sides
    spinner = training_spinner()
    text = (
        "Officials said the military meeting would never become a war. "
        "But the officials said they would still meet again next week."
    )
    outputs = {spinner.spin(text, seed, density=0.6).text for seed in range(25)}
    for output in outputs:
        lowered = output.lower()
        for spun in ("stated", "officers", "army", "by no means", "develop into", "warfare"):
            assert spun not in lowered, (spun, output)
