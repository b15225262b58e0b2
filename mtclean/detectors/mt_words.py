"""Word- and phrase-level machine-translation damage (component ``mt_words``).

A literal mistranslation leaves a collocation no clean English text writes ("wavy global
effects", "igniting gas", "warns badly of"): words that are common on their own but never
seen next to each other, often where a candidate wording from the paraphrase tables fits the
context much better. Each word of the document gets cheap features (:data:`FEATURES`: the clean
news n-gram table's unigram and bigram counts around it, how surprising an unseen bigram is
given its words' counts, wordfreq Zipf, case, the best candidate's context gain over the
shipped tables) and a logistic regression trained on real MT (MLQE-PE ``train``: the words of
the MT output that the human post-edit changed; clean BBC news and post-edits as negatives,
the n-gram counts of each training document taken out of the table) gives P(damaged).

Precision first, conditioned on the document: a word is flagged at the strict threshold
anywhere, and at the lower ``gated`` threshold only in a document whose other MT evidence (the
``punctuation`` rules' hits per 1,000 words) reaches the gate, because word-level anomalies are
weak evidence alone (clean prose is full of rare, correct collocations) and strong in text that
is machine-translated through. Adjacent flagged words merge into one ``mt`` span, scored with
the highest word probability; no replacement (the best candidate goes into the reason).

The weights, thresholds and gate live in ``models/mt_words.json`` (``scripts/train_mt_words.py``,
card ``models/MT_WORDS_MODEL_CARD.md``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from mtclean.paths import model_dir
from mtclean.records import Detection, Document, Span
from mtclean.text import STOP_WORDS, count_words, zipf

if TYPE_CHECKING:
    from mtclean.model.features import NgramTable, Word
    from mtclean.normalize.candidates import CandidateIndex
    from mtclean.normalize.ranking import ContextScorer

MODEL_FILE = "mt_words.json"
MIN_RULE_HITS = 2

FEATURES: tuple[str, ...] = (
    "unigram",  # log1p(count of the word) / 10
    "unigram_prev",
    "unigram_next",
    "bigram_left",  # log1p(count of "prev word") / 10
    "bigram_right",
    "unseen_left",  # 1: the left bigram is not in the table (and there is a left neighbour)
    "unseen_right",
    "unseen_both",
    "surprise_left",  # unseen_left * log1p(expected count of the bigram under independence)
    "surprise_right",
    "pmi_left",  # log((c(prev word) + 0.5) N / (c(prev) c(word) + 1)) / 10
    "pmi_right",
    "zipf",  # wordfreq Zipf / 8
    "stopword",
    "capital_inside",  # capitalised, not the first word of its chunk
    "boundary_left",  # punctuation or a line start before it
    "boundary_right",
    "candidate_gain",  # the best table candidate's context log-prob minus the word's, / 10
    "has_candidates",
    "rule_density",  # log1p(punctuation rule hits per 1,000 words of the document)
)


@dataclass(frozen=True, slots=True)
class WordModel:
    """Logistic regression over :data:`FEATURES`, with the decision policy."""

    weights: tuple[float, ...]
    bias: float
    threshold: float  # P(damaged) at which a word is flagged in any document
    gated_threshold: float  # ... in a document whose rule density reaches ``gate``
    gate: float  # punctuation rule hits per 1,000 words
    meta: Mapping[str, Any]

    def probability(self, row: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, row, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WordModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError(
                f"{MODEL_FILE} was fitted on other features; rebuild it with "
                "scripts/train_mt_words.py"
            )
        return cls(
            tuple(float(w) for w in data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
            float(data["gated_threshold"]),
            float(data["gate"]),
            dict(data.get("meta", {})),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            "gated_threshold": self.gated_threshold,
            "gate": self.gate,
            "meta": dict(self.meta),
        }


def rule_density(text: str) -> float:
    """The ``punctuation`` rules' ``mt`` hits per 1,000 words of ``text`` (0 below
    :data:`MIN_RULE_HITS` hits: one typo is no evidence)."""
    from mtclean.detectors.punctuation import find_spans

    n = count_words(text)
    hits = sum(1 for s in find_spans(text) if s.label == "mt")
    return 1000.0 * hits / n if n and hits >= MIN_RULE_HITS else 0.0


class _Counts:
    """The table's counts, optionally minus one text's own (training on counted text)."""

    def __init__(self, table: NgramTable, minus: tuple[Mapping[str, int], Mapping[str, int]]):
        self.table = table
        self.minus = minus

    def uni(self, word: str) -> int:
        return max(0, self.table.uni(word) - self.minus[0].get(word, 0))

    def bi(self, left: str, right: str) -> int:
        key = left + " " + right
        return max(0, self.table.bigrams.get(key, 0) - self.minus[1].get(key, 0))


def word_features(
    text: str,
    table: NgramTable,
    context: ContextScorer,
    index: CandidateIndex | None,
    density: float,
    counted: str | None = None,
) -> tuple[list[Word], list[list[float]], list[str]]:
    """The words of ``text``, one feature row each (:data:`FEATURES`), and each word's best
    candidate ("" when none fits better). ``counted``: a text whose n-gram counts are taken
    out of the table (and of the context scorer): for training on text the table was counted
    from (a clean document itself, or the post-edit of an MT document), so that it looks no
    more familiar than new text. ``index`` None: no candidates (the ``candidate_gain`` signal
    off)."""
    from mtclean.model.features import BOUNDARY, count_ngrams, neighbours, tokenize

    words = tokenize(text)
    if not words:
        return [], [], []
    minus: tuple[Mapping[str, int], Mapping[str, int]] = (
        count_ngrams(counted) if counted is not None else ({}, {})
    )
    counts = _Counts(table, minus)
    scorer = context.without(counted) if counted is not None else context
    lowers, prev, nxt = neighbours(text, words)
    total = max(table.total, 1)
    rule = math.log1p(density)
    rows: list[list[float]] = []
    best: list[str] = []
    for i, word in enumerate(words):
        w, p, n = lowers[i], prev[i], nxt[i]
        cw = counts.uni(w)
        cp = counts.uni(p) if p != BOUNDARY else 0
        cn = counts.uni(n) if n != BOUNDARY else 0
        bl = counts.bi(p, w) if p != BOUNDARY else 0
        br = counts.bi(w, n) if n != BOUNDARY else 0
        unseen_l = float(p != BOUNDARY and bl == 0)
        unseen_r = float(n != BOUNDARY and br == 0)
        exp_l = cp * cw / total
        exp_r = cw * cn / total
        pmi_l = math.log((bl + 0.5) * total / (cp * cw + 1.0)) if p != BOUNDARY else 0.0
        pmi_r = math.log((br + 0.5) * total / (cw * cn + 1.0)) if n != BOUNDARY else 0.0
        first = p == BOUNDARY
        gain, candidate, has = 0.0, "", 0.0
        if index is not None and w not in STOP_WORDS and word.text.isalpha():
            proposals = index.propose(word.text, p if p != BOUNDARY else "")
            if proposals:
                has = 1.0
                own = scorer.score(p, w, n)
                top = max(proposals[:20], key=lambda c: scorer.score(p, c.text, n))
                gain = max(0.0, min(10.0, scorer.score(p, top.text, n) - own))
                candidate = top.text if gain > 0 else ""
        rows.append(
            [
                math.log1p(cw) / 10,
                math.log1p(cp) / 10,
                math.log1p(cn) / 10,
                math.log1p(bl) / 10,
                math.log1p(br) / 10,
                unseen_l,
                unseen_r,
                unseen_l * unseen_r,
                unseen_l * math.log1p(exp_l),
                unseen_r * math.log1p(exp_r),
                pmi_l / 10,
                pmi_r / 10,
                zipf(w) / 8,
                float(w in STOP_WORDS),
                float(not first and word.text[:1].isupper()),
                float(first),
                float(n == BOUNDARY),
                gain / 10,
                has,
                rule,
            ]
        )
        best.append(candidate)
    return words, rows, best


def load_word_model(directory: Path | None = None) -> WordModel:
    path = (directory or model_dir()).resolve() / MODEL_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: rebuild it with scripts/train_mt_words.py "
            "(or switch the component off: CleanerConfig(mt_words=False))"
        )
    return WordModel.from_json(json.loads(path.read_text("utf-8")))


def merge_flags(
    text: str,
    words: Sequence[Word],
    probabilities: Sequence[float],
    best: Sequence[str],
    threshold: float,
    source: str,
) -> list[Span]:
    """Runs of adjacent flagged words (only spaces between them) as ``mt`` spans."""
    from mtclean.model.spans import flagged_runs

    spans: list[Span] = []
    flagged = [p >= threshold for p in probabilities]
    for run in flagged_runs(text, words, flagged, lambda gap: not gap.strip(" ")):
        start, end = words[run[0]].start, words[run[-1]].end
        score = max(probabilities[i] for i in run)
        hints = [f"{words[i].text!r}->{best[i]!r}" for i in run if best[i]]
        reason = f"mt_words: P(damaged)={score:.2f}" + (
            f"; fits better: {', '.join(hints)}" if hints else ""
        )
        spans.append(Span(start, end, "mt", round(score, 4), source, reason=reason))
    return spans


class MtWordsDetector:
    """Flags words whose collocations read as broken MT (see the module docstring)."""

    name: ClassVar[str] = "mt_words"

    def __init__(
        self,
        directory: Path | None = None,
        *,
        gate: bool = True,
        candidates: bool = True,
    ) -> None:
        """``gate`` False: the strict threshold everywhere; ``candidates`` False: no table
        candidates (the ``candidate_gain`` signal off; for measuring what it adds)."""
        from mtclean.model.features import NgramTable
        from mtclean.normalize.ranking import ContextScorer

        directory = (directory or model_dir()).resolve()
        self.model = load_word_model(directory)
        self.table = NgramTable.load(directory / "ngrams.tsv.gz")
        self.context = ContextScorer(self.table)
        self.use_gate = gate
        self._index: CandidateIndex | None = None
        self.use_candidates = candidates

    @property
    def index(self) -> CandidateIndex | None:
        if self.use_candidates and self._index is None:
            from mtclean.normalize.candidates import default_index

            self._index = default_index()
        return self._index if self.use_candidates else None

    def threshold_for(self, density: float) -> float:
        gated = self.use_gate and density >= self.model.gate
        return self.model.gated_threshold if gated else self.model.threshold

    def detect(self, doc: Document) -> Detection:
        density = rule_density(doc.text)
        words, rows, best = word_features(doc.text, self.table, self.context, self.index, density)
        probabilities = [self.model.probability(r) for r in rows]
        threshold = self.threshold_for(density)
        spans = merge_flags(doc.text, words, probabilities, best, threshold, self.name)
        gated = int(threshold < self.model.threshold)
        return Detection(spans=tuple(spans), stats={"flagged": len(spans), "gated": gated})
