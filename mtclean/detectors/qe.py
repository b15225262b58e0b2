"""Sentence-level machine-translation quality estimation as a detector (component ``qe``).

Each sentence of the document (:func:`mtclean.text.sentences`, the package's one
sentence splitter) gets an estimated HTER from the shipped regressor (``models/qe.joblib``, see
``models/QE_MODEL_CARD.md`` and :mod:`mtclean.quality`). A sentence whose estimate reaches the
threshold stored in ``models/qe.json`` becomes an ``mt`` span over the whole sentence, scored
with the calibrated probability that its HTER is at least 0.3 (never below the report
threshold, so a flag is always reported); no replacement.

The detection's ``score`` is left ``None`` (the document score stays the share of degraded
content words, :mod:`mtclean.scoring`); the document MT score (the calibrated expected share of
damaged sentences, words weighted) goes into ``metadata["qe"]``:
``{"mt_score", "sentences", "flagged"}``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from mtclean.config import DEFAULT_REPORT_THRESHOLD
from mtclean.paths import model_dir
from mtclean.records import Detection, Document, Span
from mtclean.text import count_words, sentences

MIN_WORDS = 3  # shorter sentences (headings, datelines) are not scored


def damaged_probability(estimate: float, calibration: dict[str, Any]) -> float:
    """P(HTER >= 0.3) of a sentence from its estimated HTER (logistic, fitted on MLQE dev)."""
    z = float(calibration["coef"]) * estimate + float(calibration["intercept"])
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def mt_score(probabilities: Sequence[float], lengths: Sequence[int]) -> float:
    """The document MT score: the expected share of its words in damaged sentences."""
    total = sum(lengths)
    if not total:
        return 0.0
    return sum(p * n for p, n in zip(probabilities, lengths, strict=True)) / total


class QeDetector:
    """Flags sentences the quality estimator reads as badly machine-translated."""

    name: ClassVar[str] = "qe"

    def __init__(self, directory: Path | None = None, threshold: float | None = None) -> None:
        from mtclean.quality import load_quality_model

        self.model = load_quality_model((directory or model_dir()).resolve())
        self.threshold = self.model.threshold if threshold is None else threshold
        self.calibration: dict[str, Any] = self.model.meta["calibration"]

    def detect_batch(self, docs: Sequence[Document]) -> list[Detection]:
        pieces = [
            [p for p in sentences(doc.text) if count_words(p.text) >= MIN_WORDS] for doc in docs
        ]
        flat = [p.text for doc_pieces in pieces for p in doc_pieces]
        estimates = iter(self.model.predict(flat))
        out: list[Detection] = []
        for doc_pieces in pieces:
            spans: list[Span] = []
            probabilities: list[float] = []
            for piece in doc_pieces:
                estimate = next(estimates)
                probability = damaged_probability(estimate, self.calibration)
                probabilities.append(probability)
                if estimate >= self.threshold:
                    spans.append(
                        Span(
                            piece.start,
                            piece.end,
                            "mt",
                            round(max(probability, DEFAULT_REPORT_THRESHOLD), 4),
                            self.name,
                            reason=f"qe:hter={estimate:.2f}",
                        )
                    )
            lengths = [count_words(p.text) for p in doc_pieces]
            score = round(mt_score(probabilities, lengths), 4)
            out.append(
                Detection(
                    spans=tuple(spans),
                    metadata={
                        "qe": {
                            "mt_score": score,
                            "sentences": len(doc_pieces),
                            "flagged": len(spans),
                        }
                    },
                    stats={"sentences": len(doc_pieces), "flagged": len(spans)},
                )
            )
        return out

    def detect(self, doc: Document) -> Detection:
        return self.detect_batch([doc])[0]
