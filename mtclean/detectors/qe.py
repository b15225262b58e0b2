"""Sentence-level machine-translation quality estimation as a detector (component ``qe``).

Each sentence of the document (:func:`mtclean.text.sentences`, the package's one
sentence splitter) gets an estimated HTER from the shipped regressor (``models/qe.joblib``, see
``models/QE_MODEL_CARD.md`` and :mod:`mtclean.quality`). A sentence whose estimate reaches the
threshold stored in ``models/qe.json`` becomes an ``mt`` span over the whole sentence, scored
with the calibrated probability that its HTER is at least 0.3 (never below the report
threshold, so a flag is always reported); no replacement.

The detection's ``score`` is left ``None`` (the document score stays the share of degraded
content words, :mod:`mtclean.scoring`); the document MT score (:mod:`mtclean.mt_score`: the
calibrated probability that the document is machine-translated, from its sentence estimates and
the punctuation rules' hits) goes into ``metadata["qe"]``:
``{"mt_score", "mt_drop", "sentences", "flagged"}`` (``mt_drop``: the score reaches the
model's documented keep/drop threshold), and from there into ``CleanResult.mt_score``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from mtclean.config import DEFAULT_REPORT_THRESHOLD
from mtclean.mt_score import document_features, load_document_model, logistic
from mtclean.paths import model_dir
from mtclean.records import Detection, Document, Span
from mtclean.text import Piece, count_words, sentences

if TYPE_CHECKING:
    from mtclean.quality import QualityModel

MIN_WORDS = 3  # shorter sentences (headings, datelines) are not scored


def damaged_probability(estimate: float, calibration: dict[str, Any]) -> float:
    """P(HTER >= 0.3) of a sentence from its estimated HTER (logistic, fitted on MLQE dev)."""
    z = float(calibration["coef"]) * estimate + float(calibration["intercept"])
    return logistic(z)


@dataclass(frozen=True, slots=True)
class Estimated:
    """One document's scored sentences, their estimated HTER and P(damaged), and the document
    features of :mod:`mtclean.mt_score` computed from them."""

    pieces: tuple[Piece, ...]
    estimates: tuple[float, ...]
    probabilities: tuple[float, ...]
    features: tuple[float, ...]


def estimate_documents(
    model: QualityModel, texts: Sequence[str], threshold: float | None = None
) -> list[Estimated]:
    """Sentence estimates and document features of each text (one encoder pass for all)."""
    from mtclean.detectors.punctuation import find_spans

    threshold = model.threshold if threshold is None else threshold
    calibration: dict[str, Any] = model.meta["calibration"]
    pieces = [[p for p in sentences(t) if count_words(p.text) >= MIN_WORDS] for t in texts]
    estimates = iter(model.predict([p.text for doc in pieces for p in doc]))
    out: list[Estimated] = []
    for text, doc_pieces in zip(texts, pieces, strict=True):
        values = [next(estimates) for _ in doc_pieces]
        probabilities = [damaged_probability(v, calibration) for v in values]
        rule_hits = sum(1 for s in find_spans(text) if s.label == "mt")
        features = document_features(
            values,
            probabilities,
            [count_words(p.text) for p in doc_pieces],
            rule_hits,
            count_words(text),
            threshold,
        )
        out.append(
            Estimated(tuple(doc_pieces), tuple(values), tuple(probabilities), tuple(features))
        )
    return out


class QeDetector:
    """Flags sentences the quality estimator reads as badly machine-translated."""

    name: ClassVar[str] = "qe"

    def __init__(self, directory: Path | None = None, threshold: float | None = None) -> None:
        from mtclean.quality import load_quality_model

        directory = (directory or model_dir()).resolve()
        self.model = load_quality_model(directory)
        self.document_model = load_document_model(directory)
        self.threshold = self.model.threshold if threshold is None else threshold

    def detect_batch(self, docs: Sequence[Document]) -> list[Detection]:
        out: list[Detection] = []
        for doc in estimate_documents(self.model, [d.text for d in docs]):
            spans = tuple(
                Span(
                    piece.start,
                    piece.end,
                    "mt",
                    round(max(probability, DEFAULT_REPORT_THRESHOLD), 4),
                    self.name,
                    reason=f"qe:hter={estimate:.2f}",
                )
                for piece, estimate, probability in zip(
                    doc.pieces, doc.estimates, doc.probabilities, strict=True
                )
                if estimate >= self.threshold
            )
            score = round(self.document_model.probability(doc.features), 4)
            out.append(
                Detection(
                    spans=spans,
                    metadata={
                        "qe": {
                            "mt_score": score,
                            "mt_drop": score >= self.document_model.drop_threshold,
                            "sentences": len(doc.pieces),
                            "flagged": len(spans),
                        }
                    },
                    stats={"sentences": len(doc.pieces), "flagged": len(spans)},
                )
            )
        return out

    def detect(self, doc: Document) -> Detection:
        return self.detect_batch([doc])[0]
