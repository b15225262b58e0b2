"""The document MT score: how likely a document is machine-translated, from its sentences.

A small logistic model (``models/qe_document.json``, fitted by ``scripts/train_mt_score.py``)
over distribution statistics of the document's sentence quality estimates
(:mod:`mtclean.quality`) and the punctuation rules' hits (:data:`DOCUMENT_FEATURES`). Its output
is a calibrated probability that the document is MT output rather than human English; at
``drop_threshold`` (stored with the model, chosen on training documents) a corpus filter drops
the document. Pure functions; the file is read by :func:`load_document_model`.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCUMENT_MODEL_FILE = "qe_document.json"
TOP_K = 3

DOCUMENT_FEATURES: tuple[str, ...] = (
    "mean_estimate",
    "top3_estimate",
    "std_estimate",
    "share_flagged",
    "mean_probability",
    "rule_hits_per_100_words",
)


def logistic(z: float) -> float:
    """1 / (1 + e^-z), with ``z`` clipped to [-50, 50] (no overflow)."""
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def document_features(
    estimates: Sequence[float],
    probabilities: Sequence[float],
    lengths: Sequence[int],
    rule_hits: int,
    words: int,
    threshold: float,
) -> list[float]:
    """The :data:`DOCUMENT_FEATURES` of one document: its sentences' estimated HTER and
    P(damaged) (word counts in ``lengths`` weight the means and the flagged share), the
    estimate's spread, the mean of its ``TOP_K`` highest, and ``rule_hits`` per 100 words."""
    rules = 100.0 * rule_hits / words if words else 0.0
    total = sum(lengths)
    if not estimates or not total:
        return [0.0, 0.0, 0.0, 0.0, 0.0, rules]
    mean = sum(e * n for e, n in zip(estimates, lengths, strict=True)) / total
    spread = math.sqrt(
        sum(n * (e - mean) ** 2 for e, n in zip(estimates, lengths, strict=True)) / total
    )
    top = sorted(estimates, reverse=True)[:TOP_K]
    flagged = sum(n for e, n in zip(estimates, lengths, strict=True) if e >= threshold)
    probability = sum(p * n for p, n in zip(probabilities, lengths, strict=True)) / total
    return [mean, sum(top) / len(top), spread, flagged / total, probability, rules]


@dataclass(frozen=True, slots=True)
class DocumentMtModel:
    """Standardised logistic regression over :data:`DOCUMENT_FEATURES`."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    drop_threshold: float

    def probability(self, values: Sequence[float]) -> float:
        """P(machine-translated) of a document with these feature values."""
        z = self.intercept + sum(
            c * (v - m) / s
            for c, v, m, s in zip(self.coef, values, self.mean, self.scale, strict=True)
        )
        return logistic(z)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentMtModel:
        features = tuple(str(f) for f in data["features"])
        if features != DOCUMENT_FEATURES:
            raise ValueError(
                f"{DOCUMENT_MODEL_FILE} was fitted on features {features}, this mtclean computes "
                f"{DOCUMENT_FEATURES}: refit it with scripts/train_mt_score.py"
            )
        return cls(
            features,
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) for v in data["scale"]),
            tuple(float(v) for v in data["coef"]),
            float(data["intercept"]),
            float(data["drop_threshold"]),
        )


@functools.lru_cache(maxsize=2)
def load_document_model(directory: Path) -> DocumentMtModel:
    """``directory/qe_document.json``, loaded once."""
    path = directory / DOCUMENT_MODEL_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: refit the document MT score with scripts/train_mt_score.py "
            "(see models/QE_MODEL_CARD.md), or switch the component off: CleanerConfig(qe=False)"
        )
    return DocumentMtModel.from_json(json.loads(path.read_text("utf-8")))
