"""The cheap first pass of the model's cascade: how spun does a document look?

For every word with candidate originals in the thesaurus (lemmas that list one of the word's
lemmas as a synonym, re-inflected), the screen asks whether a candidate fits the word's bigram
context in the clean corpus better than the word itself ("officers meet" vs "officials meet")
and is more frequent. One such word means little (clean prose is full of correct rarer words);
their density over the document is what separates a spun article (DESIGN.md). The document's
screen rate is the share of its words that show this anomaly; the encoder only reads documents
whose rate reaches the cut chosen on development text (``models/cascade.json``).

Pure and cheap: a dictionary lookup per word plus a few bigram lookups for words that have
candidates; the per-word thesaurus analysis is cached.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from mtclean.model.features import (
    NgramTable,
    ThesaurusIndex,
    neighbours,
    thesaurus_index,
    tokenize,
)
from mtclean.text import zipf

MIN_CONTEXT_GAIN = 3.0  # log-probability margin by which a candidate must fit better
SMOOTHING = 50.0  # Dirichlet prior mass of the bigram estimates
MEMO_SIZE = 1 << 20  # word gains remembered by (word, prev, next); then the memo starts over


@dataclass(frozen=True, slots=True)
class ScreenResult:
    """``rate``: share of words that look substituted; ``words``: words read."""

    rate: float
    anomalies: int
    words: int


class SpinScreen:
    """Document-level density of "a candidate original fits better" anomalies."""

    def __init__(self, ngrams: NgramTable, index: ThesaurusIndex | None = None) -> None:
        self.ngrams = ngrams
        self.index = index if index is not None else thesaurus_index()
        self._gains: dict[tuple[str, str, str], float] = {}  # gain() by (word, prev, next)

    def _fit(self, prev: str, word: str, nxt: str) -> float:
        """log P(word | prev) + log P(next | word), Dirichlet-smoothed bigram estimates."""
        ngrams = self.ngrams
        total = max(ngrams.total, 1)
        p_word = (ngrams.uni(word) + 0.5) / total
        p_next = (ngrams.uni(nxt) + 0.5) / total
        left = (ngrams.bi(prev, word) + SMOOTHING * p_word) / (ngrams.uni(prev) + SMOOTHING)
        right = (ngrams.bi(word, nxt) + SMOOTHING * p_next) / (ngrams.uni(word) + SMOOTHING)
        return math.log(left) + math.log(right)

    def gain(self, lower: str, prev: str, nxt: str) -> float:
        """How much better the best candidate original fits (prev, next) than ``lower``
        (log-probability; ``-inf`` when the word has no more frequent candidate)."""
        key = (lower, prev, nxt)
        found = self._gains.get(key)
        if found is not None:
            return found
        lex = self.index.lexical(lower)
        if not lex.sources or lex.source_zipf <= zipf(lower):
            found = -math.inf
        else:
            best = max(self._fit(prev, form, nxt) for form in lex.sources)
            found = best - self._fit(prev, lower, nxt)
        if len(self._gains) >= MEMO_SIZE:
            self._gains.clear()
        self._gains[key] = found
        return found

    def word_gains(self, text: str) -> list[float]:
        """:meth:`gain` of every word of ``text`` (``mtclean.model.features.tokenize`` order)."""
        lowers, prev, nxt = neighbours(text, tokenize(text))
        return [
            self.gain(lower, prev[i], nxt[i]) if lower.isalpha() else -math.inf
            for i, lower in enumerate(lowers)
        ]

    def screen(self, text: str) -> ScreenResult:
        return summarise(self.word_gains(text))


def summarise(gains: Sequence[float]) -> ScreenResult:
    """The screen's verdict from a document's :meth:`SpinScreen.word_gains`."""
    anomalies = sum(1 for g in gains if g >= MIN_CONTEXT_GAIN)
    n = len(gains)
    return ScreenResult(anomalies / n if n else 0.0, anomalies, n)
