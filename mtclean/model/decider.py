"""The model's word decisions read with the whole document: a second stage over the encoder.

The encoder scores each word from a window of context; a spinner's work shows in the document
as a whole (DESIGN.md: "what separates a spun article is the density of anomalies"). The
decider re-scores every word from the encoder's probabilities and evidence the encoder does not
see in one window:

- the document: its estimated degraded-word rate and its screen rate;
- the word's type across the document (real spinners choose one replacement per word and keep
  it): the mean and highest probability of its other occurrences, how often it occurs;
- its neighbours' probabilities (spun phrases flag together);
- its candidate originals (the normalizer's tables read backwards,
  ``mtclean.normalize.candidates``): how many, from how many tables, how much more frequent,
  how much better the best of them fits the bigram context (``ContextScorer``), whether one of
  them occurs elsewhere in the document, and whether the word sits in a phrase the tables list.

The model is a logistic regression over a piecewise-linear (hinge) expansion of those
features, fitted on development text by ``scripts/train_decider.py`` and shipped as JSON
(``models/decider.json``): pure numpy at run time, no pickled estimator. It decides the
words the encoder leans ``spun`` on; words it leans ``mt`` on keep the document policy
(``DecisionPolicy``), since the decider was fitted on spin.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mtclean.model.features import Word, neighbours
from mtclean.model.screen import summarise
from mtclean.model.spans import degraded_rate, with_letters
from mtclean.text import zipf

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from mtclean.normalize.candidates import CandidateIndex
    from mtclean.normalize.ranking import ContextScorer

DECIDER_FILE = "decider.json"
FEATURES: tuple[str, ...] = (
    "context_gain",  # best candidate original's bigram fit minus the word's (clipped)
    "context_gain_type",  # the same, averaged over the word's occurrences in the document
    "candidate_in_document",  # a candidate original occurs elsewhere in the document
    "calibrated",
    "calibrated_logit",
    "p_spun",
    "p_mt",
    "document_rate",
    "screen_rate",
    "type_mean",
    "type_max",
    "type_count_log",
    "prev_calibrated",
    "next_calibrated",
    "neighbour_max",
    "screen_gain",
    "no_screen_gain",
    "zipf",
    "capitalised",
    "has_letters",
    "candidates_log",
    "candidate_tables",
    "candidate_zipf_gain",
    "candidate_rank_log",
    "in_table_phrase",
)
CLIP = 10.0
SCORED_CANDIDATES = 30  # candidate originals whose context fit is compared per word


@dataclass(frozen=True, slots=True)
class _Candidates:
    """What the tables propose for one word, out of context."""

    texts: tuple[str, ...]
    count_log: float
    tables: int
    zipf_gain: float
    rank_log: float


@functools.lru_cache(maxsize=1 << 16)
def _candidates(index: CandidateIndex, word: str) -> _Candidates:
    """The proposals for ``word`` as written: its case decides whether a name may be its
    original ("USA" <- "United States", never "assembly" <- "Bench")."""
    lower = word.lower()
    proposals = index.propose(word) if word.isalpha() else []
    if not proposals:
        return _Candidates((), 0.0, 0, -5.0, math.log1p(50))
    top = proposals[:SCORED_CANDIDATES]
    best_zipf = max(sum(map(zipf, p.text.lower().split())) / len(p.text.split()) for p in top)
    return _Candidates(
        tuple(p.text.lower() for p in top),
        math.log1p(len(proposals)),
        max(len(p.tables) for p in top),
        best_zipf - zipf(lower),
        math.log1p(min(p.rank for p in proposals)),
    )


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


def features(
    text: str,
    words: Sequence[Word],
    probs: npt.NDArray[np.float32],
    calibrated: npt.NDArray[np.float64],
    gains: Sequence[float],
    index: CandidateIndex,
    context: ContextScorer,
) -> npt.NDArray[np.float64]:
    """The :data:`FEATURES` row of every word of ``text`` (one row per ``words`` entry)."""
    import numpy as np

    n = len(words)
    if not n:
        return np.zeros((0, len(FEATURES)))
    lowers, prev, nxt = neighbours(text, words)
    letters = with_letters(words)
    rate = degraded_rate(words, calibrated)
    gain_array = np.asarray(gains, dtype=np.float64)
    finite = np.isfinite(gain_array)
    screen = summarise(gains).rate
    occurrences: defaultdict[str, list[int]] = defaultdict(list)
    for i, lower in enumerate(lowers):
        occurrences[lower].append(i)
    present = set(lowers)
    lowered = text.lower()
    found = [_candidates(index, word.text) for word in words]
    fit = np.full(n, -CLIP)
    in_document = np.zeros(n)
    for i, cands in enumerate(found):
        if not cands.texts:
            continue
        base = context.score(prev[i], lowers[i], nxt[i])
        fit[i] = max(context.scores(prev[i], cands.texts, nxt[i])) - base
        in_document[i] = any(
            (c in present) if " " not in c else (c in lowered) for c in cands.texts
        )
    fit = np.clip(fit, -CLIP, CLIP)
    type_fit = {lower: float(fit[idx].mean()) for lower, idx in occurrences.items()}
    rows = np.empty((n, len(FEATURES)))
    for i, word in enumerate(words):
        same = calibrated[occurrences[lowers[i]]]
        before = float(calibrated[i - 1]) if i else 0.0
        after = float(calibrated[i + 1]) if i + 1 < n else 0.0
        phrase = 0
        for a in range(max(0, i - 2), i + 1):
            for b in range(max(i, a + 1), min(n, a + 3)):
                if text[words[a].start : words[b].end] in index:
                    phrase = max(phrase, b - a + 1)
        cands = found[i]
        rows[i] = (
            fit[i],
            type_fit[lowers[i]],
            in_document[i],
            calibrated[i],
            _logit(float(calibrated[i])),
            probs[i, 1],
            probs[i, 2],
            rate,
            screen,
            same.mean(),
            same.max(),
            math.log(len(same)),
            before,
            after,
            max(before, after),
            max(float(gain_array[i]), -CLIP) if finite[i] else -CLIP,
            float(not finite[i]),
            zipf(lowers[i]),
            float(word.text[:1].isupper()),
            float(letters[i]),
            cands.count_log,
            cands.tables,
            cands.zipf_gain,
            cands.rank_log,
            phrase,
        )
    return rows


@dataclass(frozen=True)
class WordDecider:
    """Logistic regression over hinge features: for feature j, x_j and max(0, x_j - k) for
    each of its ``knots[j]``, standardised by ``mean``/``scale``."""

    knots: tuple[tuple[float, ...], ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    names: tuple[str, ...] = FEATURES

    def __post_init__(self) -> None:
        width = sum(1 + len(k) for k in self.knots)
        if len(self.knots) != len(self.names) or not (
            len(self.mean) == len(self.scale) == len(self.coef) == width
        ):
            raise ValueError("decider parameters do not fit its features")

    def expand(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        import numpy as np

        columns = []
        for j, knots in enumerate(self.knots):
            x = rows[:, j : j + 1]
            columns.append(x)
            columns.extend(np.maximum(0.0, x - k) for k in knots)
        return np.hstack(columns) if columns else rows

    def probabilities(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        import numpy as np

        if not len(rows):
            return np.zeros(0)
        z = (self.expand(rows) - np.asarray(self.mean)) / np.asarray(self.scale)
        logits = z @ np.asarray(self.coef) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))

    def to_json(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "knots": [list(k) for k in self.knots],
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WordDecider:
        names = tuple(data["names"])
        if names != FEATURES:
            raise ValueError(f"decider features {names} are not this version's {FEATURES}")
        return cls(
            tuple(tuple(float(v) for v in k) for k in data["knots"]),
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) for v in data["scale"]),
            tuple(float(v) for v in data["coef"]),
            float(data["intercept"]),
            float(data["threshold"]),
            names,
        )


def fit(
    rows: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int_],
    knots_per_feature: int = 5,
    c: float = 0.5,
) -> WordDecider:
    """Fit the decider (scikit-learn, the ``train`` extra); its threshold is set by the caller
    (``dataclasses.replace``)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    quantiles = np.linspace(0.1, 0.9, knots_per_feature)
    knots = tuple(
        tuple(float(k) for k in np.unique(np.quantile(rows[:, j], quantiles)))
        for j in range(rows.shape[1])
    )
    draft = WordDecider(knots, (0.0,) * _width(knots), (1.0,) * _width(knots),
                        (0.0,) * _width(knots), 0.0, 0.5)  # fmt: skip
    expanded = draft.expand(rows)
    mean = expanded.mean(axis=0)
    scale = expanded.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit((expanded - mean) / scale, labels)
    coef = tuple(map(float, model.coef_[0]))
    return WordDecider(knots, tuple(map(float, mean)), tuple(map(float, scale)), coef,
                       float(model.intercept_[0]), 0.5)  # fmt: skip


def _width(knots: Sequence[Sequence[float]]) -> int:
    return sum(1 + len(k) for k in knots)
