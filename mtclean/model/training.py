"""Training utilities shared by the models: examples drawn afresh per epoch, n-gram tables
cross-fitted by fold, per-word matrices, calibration and threshold choice."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtclean.degrade.base import Degraded
from mtclean.model.data import N_FOLDS, spans_json, stable_unit
from mtclean.model.features import (
    FeatureExtractor,
    NgramTable,
    Word,
    build_table,
    fold_counts,
    thesaurus_index,
    word_labels,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from mtclean.degrade.spinner import Spinner

logger = logging.getLogger(__name__)

CLEAN_SHARE = {"bbc": 0.2, "mlqe": 0.5}  # share of clean records left unspun in an epoch
MIN_DENSITY, MAX_DENSITY = 0.08, 0.35  # real spinners change 15-30% of words (DESIGN.md)
# Sentence-level MT damage (mtclean.degrade.punctuation): the share of degraded draws that get
# only that damage, the share of spun draws that get it as well, and its rate per word.
PUNCTUATION_ONLY_SHARE = 0.2
PUNCTUATION_SHARE = 0.3
MIN_PUNCTUATION_RATE, MAX_PUNCTUATION_RATE = 0.005, 0.03


@dataclass(frozen=True, slots=True)
class Example:
    """One training text with its word labels and features."""

    id: str
    fold: int
    text: str
    words: list[Word]
    features: npt.NDArray[np.float32]
    labels: list[int]


def seed_exclusions(gold_path: Path | None = None) -> frozenset[tuple[str, str]]:
    """(canonical, spun) pairs of the seeds' gold spun spans, as written and lemmatised.

    The training spinner never draws them, so the seeds measure what the detector makes of
    substitutions it has never seen (decontamination, not tuning)."""
    import json

    from mtclean.degrade.inflection import phrase_lemmas

    path = gold_path or Path(__file__).resolve().parents[2] / "seeds" / "gold.jsonl"
    if not path.is_file():
        logger.warning("no seed gold at %s: nothing excluded from the training spinner", path)
        return frozenset()

    pairs: set[tuple[str, str]] = set()
    for line in path.read_text("utf-8").splitlines():
        for span in json.loads(line)["spans"] if line.strip() else ():
            if span.get("label") == "spun" and span.get("canonical"):
                for canonical in phrase_lemmas(span["canonical"]):
                    pairs.update((canonical, spun) for spun in phrase_lemmas(span["text"]))
    return frozenset(pairs)


def training_spinner() -> Spinner:
    """The news spinner without the held-out pairs and without any seed pair."""
    from mtclean.degrade.sources import both, excluding, trained_pair
    from mtclean.degrade.spinner import news_spinner

    keep = both(trained_pair, excluding(seed_exclusions()))
    return news_spinner(keep, cache_size=1 << 15)


def draw(
    record: Mapping[str, Any], epoch: int, spinner: Spinner
) -> tuple[str, list[dict[str, Any]]]:
    """The text and gold spans of ``record`` for ``epoch``: clean records are degraded afresh
    (spun at a density drawn per document, with or without sentence-level MT damage, or that
    damage alone) or kept clean; degraded records are used as they are."""
    from mtclean.degrade.punctuation import punctuate

    if record["kind"] != "clean":
        return str(record["text"]), list(record["spans"])
    key = f"{record['id']}:{epoch}"
    if stable_unit("keep:" + key) < CLEAN_SHARE.get(str(record["source"]), 0.2):
        return str(record["text"]), []
    seed = int(stable_unit("seed:" + key) * 2**31)
    text = str(record["text"])
    punctuated = stable_unit("punctuation:" + key)
    degraded: Degraded
    if punctuated < PUNCTUATION_ONLY_SHARE:
        degraded = Degraded.clean(text)
    else:
        density = MIN_DENSITY + (MAX_DENSITY - MIN_DENSITY) * stable_unit("density:" + key)
        degraded = spinner.spin(text, seed, density=density)
    if punctuated < PUNCTUATION_ONLY_SHARE + PUNCTUATION_SHARE:
        rate = MIN_PUNCTUATION_RATE + (MAX_PUNCTUATION_RATE - MIN_PUNCTUATION_RATE) * stable_unit(
            "rate:" + key
        )
        degraded = punctuate(degraded, seed + 1, rate=rate)
    return degraded.text, spans_json(degraded)


def ngram_tables(records: Sequence[Mapping[str, Any]]) -> tuple[NgramTable, list[NgramTable]]:
    """The table over every clean record (shipped) and one per fold without that fold."""
    clean = [(int(r["fold"]), str(r["clean"])) for r in records if r["kind"] == "clean"]
    folds = fold_counts(clean, N_FOLDS)
    uni: Counter[str] = Counter()
    bi: Counter[str] = Counter()
    for fold_uni, fold_bi in folds:
        uni.update(fold_uni)
        bi.update(fold_bi)
    full = build_table(uni, bi)
    return full, [build_table(uni, bi, minus=folds[k]) for k in range(N_FOLDS)]


class ExampleMaker:
    """Draws examples with the fold's cross-fitted features."""

    def __init__(self, fold_tables: Sequence[NgramTable]) -> None:
        index = thesaurus_index()
        self.extractors = [FeatureExtractor(table, index) for table in fold_tables]
        self.spinner = training_spinner()

    def make(self, record: Mapping[str, Any], epoch: int) -> Example:
        text, spans = draw(record, epoch, self.spinner)
        fold = int(record["fold"])
        words, feats = self.extractors[fold].features(text)
        return Example(str(record["id"]), fold, text, words, feats, word_labels(words, spans))

    def epoch(self, records: Sequence[Mapping[str, Any]], epoch: int) -> Iterator[Example]:
        for record in records:
            yield self.make(record, epoch)


def choose_threshold(
    clean_scores: Sequence[float], clean_words: int, max_per_1000: float, floor: float = 0.5
) -> float:
    """The lowest threshold (>= ``floor``) at which spans on clean dev text stay within
    ``max_per_1000`` false flags per 1,000 words."""
    allowed = int(max_per_1000 * clean_words / 1000.0)
    ranked = sorted(clean_scores, reverse=True)
    if len(ranked) <= allowed:
        return floor
    return max(floor, min(0.999, ranked[allowed] + 1e-6))


def dev_pairs(
    records: Sequence[Mapping[str, Any]], docs: int, tag: str, spinner: Spinner | None = None
) -> list[dict[str, Any]]:
    """``docs`` BBC dev articles (shuffled by a fixed seed), each as it is and spun by the
    training spinner at a density drawn in [MIN_DENSITY, MAX_DENSITY] (keyed by ``tag`` and the
    article): dicts with ``text``, gold ``spans``, ``density`` (0 for the clean copy), ``fold``
    and ``id``. The tuning scripts' development set."""
    import random

    chosen = [
        r for r in records if r["split"] == "dev" and r["kind"] == "clean" and r["source"] == "bbc"
    ]
    random.Random(5).shuffle(chosen)
    spinner = spinner or training_spinner()
    out: list[dict[str, Any]] = []
    for record in chosen[:docs]:
        text = str(record["text"])
        key = str(record["id"])
        density = MIN_DENSITY + (MAX_DENSITY - MIN_DENSITY) * stable_unit(f"{tag}:{key}")
        spun = spinner.spin(text, int(stable_unit(f"{tag}-seed:{key}") * 2**31), density=density)
        spans = [{"start": s.start, "end": s.end, "label": s.label} for s in spun.spans]
        fold = int(record["fold"])
        out.append({"text": text, "spans": [], "density": 0.0, "fold": fold, "id": key})
        out.append({"text": spun.text, "spans": spans, "density": density, "fold": fold, "id": key})
    return out
