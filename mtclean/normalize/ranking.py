"""Ranking candidate wordings in context with the clean corpus's n-gram counts.

The model's n-gram table (``models/ngrams.tsv.gz``: lowercased unigram and bigram counts of the
clean training news) scores a wording between its left and right neighbours as a bigram model
with stupid backoff to unigrams. Scores are natural-log probabilities of the whole stretch
``prev wording next``, so wordings of different lengths compare.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtclean.model.features import BOUNDARY, NgramTable, load_ngrams
from mtclean.normalize.candidates import TABLES

BACKOFF = 0.4  # stupid backoff's discount for an unseen bigram
MEMO_SIZE = 1 << 20  # bigram log-probabilities kept per scorer (then the memo starts over)


class ContextScorer:
    """Log-probability of a wording between two context words (``BOUNDARY`` at a break)."""

    def __init__(self, table: NgramTable) -> None:
        self.table = table
        self.minus: tuple[Mapping[str, int], Mapping[str, int]] = ({}, {})
        self._memo: dict[tuple[str, str], float] = {}
        self._vocabulary = max(len(table.unigrams), 1)
        # how often a chunk starts: the history count of BOUNDARY (not a unigram of the table)
        self._starts = max(
            1, sum(c for k, c in table.bigrams.items() if k.startswith(BOUNDARY + " "))
        )

    def without(self, text: str) -> ContextScorer:
        """The same scorer with ``text``'s own counts taken out (training on text the table
        was counted from, so that the context score is as blind there as on new text)."""
        from mtclean.model.features import count_ngrams

        other = ContextScorer.__new__(ContextScorer)
        other.table, other._vocabulary, other._starts = self.table, self._vocabulary, self._starts
        other.minus = count_ngrams(text)
        other._memo = {}
        return other

    def _uni(self, word: str) -> int:
        return max(0, self.table.uni(word) - self.minus[0].get(word, 0))

    def _bi(self, left: str, word: str) -> int:
        key = left + " " + word
        return max(0, self.table.bigrams.get(key, 0) - self.minus[1].get(key, 0))

    def _unigram(self, word: str) -> float:
        return math.log((self._uni(word) + 0.5) / (self.table.total + 0.5 * self._vocabulary))

    def _bigram(self, left: str, word: str) -> float:
        count = self._bi(left, word)
        if count:
            history = self._uni(left) if left != BOUNDARY else self._starts
            return math.log(count / max(history, count))
        return math.log(BACKOFF) + self._unigram(word)

    def _memo_bigram(self, left: str, word: str) -> float:
        """:meth:`_bigram`, remembered (the decider and the normalizer score the same
        candidates in the same contexts over and over)."""
        key = (left, word)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            found = self._memo[key] = self._bigram(left, word)
        return found

    def score(self, prev: str, wording: str, nxt: str) -> float:
        """log P(wording, nxt | prev) under the bigram model (words lowercased)."""
        sequence = [prev.lower(), *wording.lower().split(), nxt.lower()]
        return sum(self._memo_bigram(a, b) for a, b in itertools.pairwise(sequence))

    def scores(self, prev: str, wordings: Sequence[str], nxt: str) -> list[float]:
        """:meth:`score` of each wording between the same neighbours (the same sums, added in
        the same order: equal to the last bit)."""
        prev, nxt = prev.lower(), nxt.lower()
        bigram = self._memo_bigram
        out: list[float] = []
        for wording in wordings:
            words = wording.lower().split()
            if len(words) == 1:
                out.append(bigram(prev, words[0]) + bigram(words[0], nxt))
            else:
                out.append(sum(bigram(a, b) for a, b in itertools.pairwise([prev, *words, nxt])))
        return out


@functools.lru_cache(maxsize=2)
def load_context_scorer(model_dir: Path) -> ContextScorer:
    """The scorer over ``model_dir/ngrams.tsv.gz`` (loaded once per process and folder)."""
    path = model_dir / "ngrams.tsv.gz"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: the normalizer ranks candidates with the model's n-gram table "
            "(rebuild the model with scripts/train.py, see models/MODEL_CARD.md)"
        )
    return ContextScorer(load_ngrams(path))


# --- the learned ranker ---------------------------------------------------------------------

RANKER_FEATURES: tuple[str, ...] = (
    "context",  # the candidate's context log-probability / 10
    "context_vs_best",  # minus the best candidate's
    "context_vs_spun",  # minus the spun wording's own
    "context_is_best",
    "context_order",  # log1p(position among the candidates by context score)
    "table_rank",  # log1p(best rank of the spun wording in the candidate's synonym lists)
    "n_tables",
    *(f"table_{name}" for name in TABLES),
    "zipf",  # mean wordfreq Zipf of the candidate's words / 8
    "zipf_vs_spun",
    "in_document",  # log1p(times the candidate occurs elsewhere in the document)
    "length_change",  # words of the candidate minus words of the spun wording
    "n_candidates",  # log1p(how many candidates the span has)
    "masked",  # the masked-word model's mean log-probability per piece / 10 (0: no model)
    "masked_vs_best",
    "sibling",  # log1p(times the candidate occurs in the sibling articles)
)


@dataclass(frozen=True, slots=True)
class Ranker:
    """A conditional logit over :data:`RANKER_FEATURES`: one softmax over a span's candidates and
    a "none of them" option whose logit is ``-bias``, so that each candidate's probability is
    P(it is the original | the span is spun). Fitted by ``scripts/train_normalizer.py``; stored
    in ``models/normalizer.json``."""

    weights: tuple[float, ...]
    bias: float
    features: tuple[str, ...] = RANKER_FEATURES

    def __post_init__(self) -> None:
        if len(self.weights) != len(self.features):
            raise ValueError(
                f"ranker has {len(self.weights)} weights for {len(self.features)} features"
            )

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """The probability of each of one span's candidates (they sum to less than 1)."""
        logits = [sum(w * x for w, x in zip(self.weights, row, strict=True)) for row in rows]
        peak = max([*logits, -self.bias])
        exps = [math.exp(z - peak) for z in logits]
        total = sum(exps) + math.exp(-self.bias - peak)
        return [e / total for e in exps]

    def to_json(self) -> dict[str, object]:
        return {"features": list(self.features), "weights": list(self.weights), "bias": self.bias}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ranker:
        features = tuple(str(f) for f in data["features"])
        if features != RANKER_FEATURES:
            raise ValueError(
                "models/normalizer.json was fitted on other features; rebuild it with "
                "scripts/train_normalizer.py"
            )
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]), features)
