"""The word-level MT damage detector (component ``mt_words``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtclean import Cleaner, CleanerConfig
from mtclean.detectors.mt_words import (
    FEATURES,
    MtWordsDetector,
    load_word_model,
    merge_flags,
    rule_density,
    word_features,
)
from mtclean.records import Document
from mtclean.text import words

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def detector() -> MtWordsDetector:
    return MtWordsDetector()


def test_shipped_model_matches_the_features() -> None:
    model = load_word_model()
    assert len(model.weights) == len(FEATURES)
    assert 0.0 < model.gated_threshold <= model.threshold <= 1.0
    assert model.gate > 0.0


def test_one_row_per_word(detector: MtWordsDetector) -> None:
    text = "The talks, held in Geneva, ended without a deal.\nOfficials said little."
    found, rows, best = word_features(
        text, detector.table, detector.context, detector.index, rule_density(text)
    )
    assert [w.text for w in found] == [w.text for w in words(text)]
    assert len(rows) == len(best) == len(found)
    assert all(len(r) == len(FEATURES) for r in rows)


def test_flags_merge_only_across_spaces() -> None:
    text = "one two, three four"
    found = words(text)
    spans = merge_flags(text, found, [0.9, 0.9, 0.9, 0.1], ["", "", "", ""], 0.5, "mt_words")
    assert [text[s.start : s.end] for s in spans] == ["one two", "three"]
    assert all(s.label == "mt" and s.replacement is None for s in spans)


def test_gate_lowers_the_threshold_only_where_rules_found_mt(detector: MtWordsDetector) -> None:
    model = detector.model
    assert detector.threshold_for(0.0) == model.threshold
    assert detector.threshold_for(model.gate) == model.gated_threshold
    assert MtWordsDetector(gate=False).threshold_for(model.gate) == model.threshold


def test_rule_density_needs_two_hits() -> None:
    assert rule_density("It rained in Paris. on Monday the talks went on.") == 0.0
    two = "It rained in Paris. on Monday. and the talks went on for hours in the city."
    assert rule_density(two) > 0.0


@pytest.mark.parametrize(
    "name",
    [
        "000_91c3d4301d021a5a.txt",
        pytest.param(
            "001_8eb623820132897e.txt",
            marks=pytest.mark.xfail(
                strict=True, reason="known false flag: 'usefulness' (why the component is opt-in)"
            ),
        ),
    ],
)
def test_no_flags_on_the_clean_seeds(detector: MtWordsDetector, name: str) -> None:
    text = (SEEDS / name).read_bytes().decode("utf-8")
    assert detector.detect(Document(text)).spans == ()


def test_one_name_in_the_cleaner() -> None:
    text = (SEEDS / "004_a8b16bb4524b9f61.txt").read_bytes().decode("utf-8")
    result = Cleaner(CleanerConfig(model=False, mt_words=True)).clean(text)
    assert "mt_words.flagged" in result.stats
    ours = [s for s in result.spans if s.source == "mt_words"]
    assert result.stats["mt_words.flagged"] >= len(ours)
    assert all(s.label == "mt" and s.replacement is None for s in ours)
    assert "mt_words" not in {d.name for d in Cleaner(CleanerConfig(model=False)).detectors}
