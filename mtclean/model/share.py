"""The document's estimated share of spun words, from the model's decided word scores.

The encoder's mean calibrated probability (``mtclean.model.spans.degraded_rate``) reads clean
prose with many rare, correct words (a product review, a list of gadgets) as about as degraded
as an article spun through: each word's probability is a little high, and their mean adds the
small doubts up. What separates the two is how many words the decider, which reads the whole
document, is sure of: a spun article has many near-certain words, a clean one a few at most.

The estimator is a least-squares fit of the true spun share of development documents (BBC
dev articles, clean and spun at 8-35%, ``mtclean.model.training.dev_pairs``) on statistics of
their decided scores, with the decider's out-of-fold probabilities (``scripts/train_decider.py``
writes ``models/share.json``). Clipped to [0, 1]. Pure numpy at run time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SHARE_FILE = "share.json"
FEATURES: tuple[str, ...] = (
    "mean",  # mean decided probability over the words with letters
    "share_flagged",  # share of those words at or above the decider's threshold
    "share_sure",  # share at or above 0.9
    "top_decile",  # mean of the highest tenth of the probabilities
    "calibrated_mean",  # the encoder's own mean calibrated probability
)
# Every statistic reads the words the encoder leans ``spun`` on; the others count as 0 (machine
# translation damage counts in the document score through its spans).
SURE = 0.9


def share_features(
    decided: npt.NDArray[np.float64],
    calibrated: npt.NDArray[np.float64],
    letters: npt.NDArray[np.bool_],
    threshold: float,
    spun: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.float64]:
    """The :data:`FEATURES` of one document: ``decided`` holds each word's decided probability
    of being spun and ``calibrated`` the encoder's; ``spun`` marks the words the encoder leans
    ``spun`` on (the others count 0; all of them when None); ``letters`` marks the words with
    letters (the others carry no evidence and are left out)."""
    import numpy as np

    if spun is not None:
        decided, calibrated = np.where(spun, decided, 0.0), np.where(spun, calibrated, 0.0)
    chosen = decided[letters]
    if not len(chosen):
        return np.zeros(len(FEATURES))
    top = np.sort(chosen)[-max(1, len(chosen) // 10) :]
    return np.array(
        [
            chosen.mean(),
            (chosen >= threshold).mean(),
            (chosen >= SURE).mean(),
            top.mean(),
            calibrated[letters].mean(),
        ]
    )


@dataclass(frozen=True, slots=True)
class ShareEstimator:
    """A linear estimate of the degraded share from :func:`share_features`, clipped to [0, 1]."""

    coef: tuple[float, ...]
    intercept: float
    names: tuple[str, ...] = FEATURES

    def __post_init__(self) -> None:
        if len(self.coef) != len(self.names):
            raise ValueError("share estimator parameters do not fit its features")

    def estimate(self, row: Sequence[float] | npt.NDArray[np.float64]) -> float:
        value = self.intercept + sum(c * float(x) for c, x in zip(self.coef, row, strict=True))
        return min(1.0, max(0.0, value))

    def to_json(self) -> dict[str, Any]:
        return {"names": list(self.names), "coef": list(self.coef), "intercept": self.intercept}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShareEstimator:
        names = tuple(data["names"])
        if names != FEATURES:
            raise ValueError(f"share estimator features {names} are not this version's {FEATURES}")
        return cls(tuple(float(v) for v in data["coef"]), float(data["intercept"]), names)


def fit(rows: npt.NDArray[np.float64], shares: npt.NDArray[np.float64]) -> ShareEstimator:
    """Least squares with non-negative weights (scikit-learn, the ``train`` extra): each
    statistic can only raise the estimate, so a document never scores lower for being surer."""
    from sklearn.linear_model import LinearRegression

    model = LinearRegression(positive=True).fit(rows, shares)
    return ShareEstimator(tuple(float(c) for c in model.coef_), float(model.intercept_))
