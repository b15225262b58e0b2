"""The document MT score (``mtclean.mt_score``): features over sentence estimates, the model."""

from __future__ import annotations

import json

import pytest
from support import REPO

from mtclean.mt_score import (
    DOCUMENT_FEATURES,
    DOCUMENT_MODEL_FILE,
    DocumentMtModel,
    document_features,
)


def _features(estimates: list[float], lengths: list[int], hits: int = 0) -> dict[str, float]:
    probabilities = [min(1.0, e + 0.1) for e in estimates]
    values = document_features(estimates, probabilities, lengths, hits, sum(lengths), 0.5)
    return dict(zip(DOCUMENT_FEATURES, values, strict=True))


def test_features_weight_sentences_by_words() -> None:
    f = _features([1.0, 0.0], [3, 1])
    assert f["mean_estimate"] == pytest.approx(0.75)
    assert f["share_flagged"] == pytest.approx(0.75)
    assert f["mean_probability"] == pytest.approx(0.775)
    assert f["std_estimate"] == pytest.approx((3 * 0.25**2 + 0.75**2) ** 0.5 / 2)


def test_top_k_reads_the_worst_sentences() -> None:
    f = _features([0.9, 0.1, 0.1, 0.8, 0.7, 0.0], [5] * 6)
    assert f["top3_estimate"] == pytest.approx(0.8)
    assert f["mean_estimate"] == pytest.approx(2.6 / 6)


def test_rule_hits_are_per_100_words_and_an_empty_document_is_zero() -> None:
    assert _features([0.2], [50], hits=2)["rule_hits_per_100_words"] == pytest.approx(4.0)
    assert document_features([], [], [], 0, 0, 0.5) == [0.0] * len(DOCUMENT_FEATURES)


def test_the_model_rises_with_damage_and_refuses_other_features() -> None:
    n = len(DOCUMENT_FEATURES)
    model = DocumentMtModel(DOCUMENT_FEATURES, (0.0,) * n, (1.0,) * n, (1.0,) * n, -1.0, 0.5)
    low = model.probability(document_features([0.1] * 5, [0.1] * 5, [10] * 5, 0, 50, 0.5))
    high = model.probability(document_features([0.8] * 5, [0.9] * 5, [10] * 5, 3, 50, 0.5))
    assert 0.0 < low < high < 1.0
    with pytest.raises(ValueError, match="train_mt_score"):
        DocumentMtModel.from_json({"features": ["other"], "mean": [0], "scale": [1],
                                   "coef": [1], "intercept": 0, "drop_threshold": 0.5})  # fmt: skip


def test_the_shipped_model_matches_this_code() -> None:
    path = REPO / "models" / DOCUMENT_MODEL_FILE
    if not path.is_file():
        pytest.skip(f"{path} is missing (fit it with scripts/train_mt_score.py)")
    model = DocumentMtModel.from_json(json.loads(path.read_text("utf-8")))
    assert 0.0 < model.drop_threshold < 1.0
    assert model.features == DOCUMENT_FEATURES
