"""95% bootstrap intervals of span precision and recall, resampling documents.

A part's documents are drawn with replacement ``resamples`` times (a fixed seed: the report is
deterministic); each draw's precision and recall are computed from its summed per-document
counts (micro-averaged, like the point estimate), and the interval is the 2.5th to 97.5th
percentile of the draws. A draw without predictions has no precision and is left out of the
precision interval; a part without any prediction has none (``None``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RESAMPLES = 1000
SEED = 0
LEVEL = 0.95


@dataclass(frozen=True, slots=True)
class Intervals:
    """``precision`` / ``recall``: (low, high), or None where the statistic is undefined."""

    precision: tuple[float, float] | None
    recall: tuple[float, float] | None
    documents: int
    resamples: int


def _percentiles(values: object, level: float) -> tuple[float, float] | None:
    import numpy as np

    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    if array.size == 0:
        return None
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(array, [tail, 100 - tail])
    return round(float(low), 4), round(float(high), 4)


def bootstrap(
    counts: Sequence[tuple[int, int, int]],
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = LEVEL,
) -> Intervals:
    """Intervals from per-document ``(tp, fp, fn)`` counts (see the module doc)."""
    import numpy as np

    if not counts:
        return Intervals(None, None, 0, resamples)
    table = np.asarray(counts, dtype=float).reshape(len(counts), 3)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(counts), size=(resamples, len(counts)))
    sums = table[draws].sum(axis=1)  # (resamples, 3)
    tp, fp, fn = sums[:, 0], sums[:, 1], sums[:, 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), np.nan)
        recall = np.where(tp + fn > 0, tp / (tp + fn), np.nan)
    return Intervals(
        _percentiles(precision, level), _percentiles(recall, level), len(counts), resamples
    )
