"""From per-word probabilities to calibrated, merged spans."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from mtclean.model.features import ID_LABELS, Word
from mtclean.records import Label, Span

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# A document's rate is estimated from its words; below this many the estimate is too noisy to
# lower the threshold (16 clean words can average 0.26), so short texts keep the strict one.
MIN_CONDITION_WORDS = 100
MAX_GAP = 1  # words merge into one span when only this many characters (a space) separate them


@dataclass(frozen=True, slots=True)
class Calibration:
    """A monotone map from raw P(degraded) to a probability (isotonic fit on dev text)."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __call__(self, raw: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        import numpy as np

        if not self.x:
            return raw
        return np.interp(raw, self.x, self.y)

    def to_json(self) -> dict[str, list[float]]:
        return {"x": list(self.x), "y": list(self.y)}

    @classmethod
    def from_json(cls, data: dict[str, list[float]]) -> Calibration:
        return cls(tuple(float(v) for v in data["x"]), tuple(float(v) for v in data["y"]))

    @classmethod
    def fit(cls, raw: Sequence[float], target: Sequence[int], points: int = 200) -> Calibration:
        import numpy as np
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        iso.fit(np.asarray(raw, dtype=np.float64), np.asarray(target, dtype=np.float64))
        grid = np.unique(np.quantile(np.asarray(raw), np.linspace(0.0, 1.0, points)))
        grid = np.unique(np.concatenate([[0.0], grid, [1.0]]))
        return cls(tuple(float(v) for v in grid), tuple(float(v) for v in iso.predict(grid)))


def merge_spans(
    text: str,
    words: Sequence[Word],
    probs: npt.NDArray[np.float32],
    calibration: Calibration,
    threshold: float,
    source: str,
) -> list[Span]:
    """Flag words whose calibrated P(degraded) reaches ``threshold``; adjacent flagged words
    (only whitespace between, no line break) become one span labelled by the argmax of the summed
    label probabilities, scored by the highest calibrated probability in it."""
    if not words:
        return []
    return merge_calibrated(text, words, probs, calibrated_degraded(probs, calibration),
                            threshold, source)  # fmt: skip


def calibrated_degraded(
    probs: npt.NDArray[np.float32], calibration: Calibration
) -> npt.NDArray[np.float64]:
    """Calibrated P(degraded) = calibration(1 - P(O)) per word."""
    import numpy as np

    return calibration(1.0 - probs[:, 0].astype(np.float64))


def merge_calibrated(
    text: str,
    words: Sequence[Word],
    probs: npt.NDArray[np.float32],
    calibrated: npt.NDArray[np.float64],
    threshold: float,
    source: str,
) -> list[Span]:
    """:func:`merge_spans` with the calibrated probabilities already computed."""
    import numpy as np

    spans: list[Span] = []
    for run in flagged_runs(text, words, (calibrated >= threshold).tolist(), _one_space):
        summed = probs[run, 1:].sum(axis=0)
        label = cast(Label, ID_LABELS[1 + int(np.argmax(summed))])
        score = float(min(1.0, max(0.0, calibrated[run].max())))
        spans.append(
            Span(words[run[0]].start, words[run[-1]].end, label, score, source,
                 reason=f"{source}: {len(run)} word(s), P(degraded)={score:.2f}")
        )  # fmt: skip
    return spans


def _one_space(gap: str) -> bool:
    return len(gap) <= MAX_GAP and not gap.strip() and "\n" not in gap


def flagged_runs(
    text: str, words: Sequence[Word], flagged: Sequence[bool], joins: Callable[[str], bool]
) -> Iterator[list[int]]:
    """Runs of consecutive flagged words (their indices) whose gaps in ``text`` ``joins``
    accepts: the words that merge into one span."""
    run: list[int] = []
    for i, word in enumerate(words):
        if not flagged[i]:
            if run:
                yield run
                run = []
            continue
        if run and not joins(text[words[run[-1]].end : word.start]):
            yield run
            run = []
        run.append(i)
    if run:
        yield run


def with_letters(words: Sequence[Word]) -> npt.NDArray[np.bool_]:
    """Which words have a letter (punctuation-only words carry no evidence)."""
    import numpy as np

    return np.array([any(c.isalpha() for c in w.text) for w in words], dtype=bool)


def degraded_rate(words: Sequence[Word], calibrated: npt.NDArray[np.float64]) -> float:
    """The model's estimate of the share of degraded words in a document: the mean calibrated
    P(degraded) over its words with letters (:func:`with_letters`)."""
    import numpy as np

    keep = with_letters(words)
    return float(np.mean(calibrated[keep])) if keep.any() else 0.0


@dataclass(frozen=True, slots=True)
class DecisionPolicy:
    """Word decisions conditioned on the document (chosen on development text).

    A document whose estimated degraded-word rate is at most ``rate_low`` (what clean text
    reaches) keeps the strict ``threshold``; from ``rate_high`` up (a document spun through) the
    ``relaxed`` one applies; in between the threshold moves linearly. ``screen_cut``: the
    screen rate (``mtclean.model.screen``) below which the encoder does not read a document.
    ``evidence``: when set, a word that only the lowered threshold flags must also have a
    candidate original that fits its context at least this much better (the screen's gain).
    """

    threshold: float
    relaxed: float
    rate_low: float
    rate_high: float
    screen_cut: float = 0.0
    evidence: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.relaxed <= self.threshold <= 1.0:
            raise ValueError(f"need 0 <= relaxed <= threshold <= 1, got {self}")
        if not 0.0 <= self.rate_low <= self.rate_high <= 1.0:
            raise ValueError(f"need 0 <= rate_low <= rate_high <= 1, got {self}")

    @classmethod
    def fixed(cls, threshold: float) -> DecisionPolicy:
        """One threshold for every document (no conditioning, no screen)."""
        return cls(threshold, threshold, 1.0, 1.0, 0.0)

    def threshold_for(self, rate: float) -> float:
        """The word threshold for a document whose estimated degraded-word rate is ``rate``."""
        if rate >= self.rate_high:
            return self.relaxed
        if rate <= self.rate_low:
            return self.threshold
        share = (rate - self.rate_low) / (self.rate_high - self.rate_low)
        return self.threshold - (self.threshold - self.relaxed) * share

    def condition(
        self,
        calibrated: npt.NDArray[np.float64],
        rate: float,
        gains: Sequence[float] | None = None,
    ) -> npt.NDArray[np.float64]:
        """Word probabilities given the document: the odds shifted by the document's prior, so
        that ``threshold_for(rate)`` maps onto ``threshold`` (flags keep scores >= it); documents
        of fewer than ``MIN_CONDITION_WORDS`` words keep their probabilities. With
        ``evidence`` set, words below ``threshold`` without that much context ``gains`` (one per
        word) keep their probability unshifted."""
        import numpy as np

        cut = self.threshold_for(rate)
        if cut >= self.threshold or len(calibrated) < MIN_CONDITION_WORDS:
            return calibrated
        shifted = shift_odds(calibrated, max(cut, 1e-6), self.threshold)
        if self.evidence is not None and gains is not None:
            weak = (calibrated < self.threshold) & (np.asarray(gains) < self.evidence)
            shifted = np.where(weak, calibrated, shifted)
        return np.asarray(shifted)

    @property
    def needs_gains(self) -> bool:
        return self.evidence is not None and self.relaxed < self.threshold

    def to_json(self) -> dict[str, float | None]:
        return {
            "threshold": self.threshold,
            "relaxed": self.relaxed,
            "rate_low": self.rate_low,
            "rate_high": self.rate_high,
            "screen_cut": self.screen_cut,
            "evidence": self.evidence,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, float | None]) -> DecisionPolicy:
        def number(key: str, default: float | None = None) -> float | None:
            value = data.get(key, default)
            return None if value is None else float(value)

        return cls(
            float(data["threshold"]),  # type: ignore[arg-type]
            float(data["relaxed"]),  # type: ignore[arg-type]
            float(data["rate_low"]),  # type: ignore[arg-type]
            float(data["rate_high"]),  # type: ignore[arg-type]
            number("screen_cut", 0.0) or 0.0,
            number("evidence"),
        )


def shift_odds(
    probabilities: npt.NDArray[np.float64], cut: float, target: float
) -> npt.NDArray[np.float64]:
    """``probabilities`` with their log-odds moved by logit(target) - logit(cut), so that
    ``cut`` maps onto ``target`` (order kept)."""
    import numpy as np

    eps = 1e-6
    clipped = np.clip(probabilities, eps, 1.0 - eps)
    shift = _logit(target) - _logit(cut)
    return np.asarray(1.0 / (1.0 + np.exp(-(np.log(clipped / (1.0 - clipped)) + shift))))


def _logit(p: float) -> float:
    import math

    p = min(max(p, 1e-6), 1.0 - 1e-6)
    return math.log(p / (1.0 - p))
