"""Train the word-level MT damage detector (component ``mt_words``, ``models/mt_words.json``).

    HF_HUB_OFFLINE=1 python scripts/train_mt_words.py --data ../shared/data

Rows are words with :data:`mtclean.detectors.mt_words.FEATURES`; a word is positive when it
lies in an ``mt`` span:

- MLQE-PE ``train`` MT output in documents of 5 sentences (``mtclean.model.data.mlqe_documents``),
  spans where difflib finds the post-edit changed it; the post-edit's n-gram counts are taken
  out of the table (the table counted it);
- Apertium round trips (Spanish or Catalan, every sentence) of BBC non-``tech`` ``train``
  articles, spans where the round trip changed the article (``mtclean.degrade.roundtrip``),
  the article's counts taken out;
- clean BBC non-``tech`` ``train`` articles and MLQE post-edits (all negative, own counts out).

A logistic regression (scikit-learn, balanced classes) is fitted on them. Thresholds are chosen
on data never fitted: ``gated_threshold`` is the lowest at which the words of Apertium round
trips of BBC ``dev`` articles (news, like the reposts the component is for) reach word
precision ``--precision``; ``threshold`` (any document) is the higher of that and the lowest
at which clean BBC non-``tech`` ``dev`` articles get at most ``--max-flags`` flags per 1,000
words; the ``gate`` is the lowest rule density (punctuation hits per 1,000 words) that no
more than ``--gate-share`` of the clean ``dev`` articles reach. MLQE ``dev`` word AUC and
precision/recall are recorded. ``test20``, BBC ``tech`` and the seeds are never read here.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from mtclean.corpora import read_jsonl
from mtclean.detectors.mt_words import FEATURES, MODEL_FILE, WordModel, rule_density, word_features
from mtclean.model.data import mlqe_documents, split_of
from mtclean.model.features import NgramTable
from mtclean.normalize.candidates import default_index
from mtclean.normalize.ranking import ContextScorer
from mtclean.paths import default_data_dir
from mtclean.text import count_words

LOG = logging.getLogger("train_mt_words")
REPO = Path(__file__).resolve().parents[1]
HELD_OUT_BBC = "tech"
HELD_OUT_MLQE = "test20"


def labelled(text: str, spans: Any, counted: str, table: Any, context: Any, index: Any):
    words, rows, _ = word_features(text, table, context, index, rule_density(text), counted)
    marks = sorted((s.start, s.end) for s in spans if s.label == "mt")
    labels = [int(any(a < w.end and w.start < b for a, b in marks)) for w in words]
    return rows, labels


def threshold_at_precision(p: np.ndarray, y: np.ndarray, precision: float) -> float:
    """The lowest threshold at which the words scoring at or above it reach ``precision``
    (1.0 when none does)."""
    order = np.argsort(-p)
    hits = np.cumsum(y[order])
    n = np.arange(1, len(order) + 1)
    ok = np.nonzero((hits / n >= precision) & (n >= 20))[0]
    return float(p[order][ok[-1]]) if len(ok) else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--model-dir", type=Path, default=REPO / "models")
    parser.add_argument("--mlqe-docs", type=int, default=1500, help="MLQE train MT documents")
    parser.add_argument("--roundtrip", type=int, default=120, help="BBC articles round-tripped")
    parser.add_argument("--clean", type=int, default=300, help="clean BBC train articles")
    parser.add_argument("--dev-clean", type=int, default=150, help="clean BBC dev articles")
    parser.add_argument("--dev-mlqe", type=int, default=600, help="MLQE dev MT documents")
    parser.add_argument("--dev-roundtrip", type=int, default=80, help="BBC dev round trips")
    parser.add_argument("--max-flags", type=float, default=0.2, help="per 1,000 clean words")
    parser.add_argument("--precision", type=float, default=0.8)
    parser.add_argument("--gate-share", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    started = time.time()
    from sklearn.linear_model import LogisticRegression

    table = NgramTable.load(args.model_dir / "ngrams.tsv.gz")
    context = ContextScorer(table)
    index = default_index()
    rng = random.Random(args.seed)

    mlqe_rows = [
        r
        for r in read_jsonl(args.data / "mlqe_pe" / "mt_postedit.jsonl")
        if r["split"] != HELD_OUT_MLQE
    ]
    docs = mlqe_documents(mlqe_rows)
    train_mt = [d for d in docs if d.split == "train"]
    dev_mt = [d for d in docs if d.split == "dev"]
    rng.shuffle(train_mt)
    rng.shuffle(dev_mt)
    train_mt, dev_mt = train_mt[: args.mlqe_docs], dev_mt[: args.dev_mlqe]
    bbc = [
        (f"bbc-{r['id']}", str(r["text"]))
        for r in read_jsonl(args.data / "bbc_news" / "articles.jsonl")
        if r.get("category") != HELD_OUT_BBC and str(r.get("text", "")).strip()
    ]
    bbc_train = [t for k, t in bbc if split_of(k) == "train"]
    bbc_dev = [t for k, t in bbc if split_of(k) == "dev"]
    rng.shuffle(bbc_train)
    clean_train = bbc_train[: args.clean]
    trip_sources = bbc_train[args.clean : args.clean + args.roundtrip]

    X: list[list[float]] = []
    y: list[int] = []
    parts: dict[str, dict[str, int]] = {}

    def add(name: str, rows: list[list[float]], labels: list[int]) -> None:
        X.extend(rows)
        y.extend(labels)
        part = parts.setdefault(name, {"words": 0, "positive": 0})
        part["words"] += len(labels)
        part["positive"] += sum(labels)

    for d in train_mt:
        add("mlqe_mt", *labelled(d.mt.text, d.mt.spans, d.clean, table, context, index))
        if rng.random() < 0.3:
            add("mlqe_pe", *labelled(d.clean, (), d.clean, table, context, index))
    LOG.info("mlqe rows: %d (%.0f s)", len(y), time.time() - started)
    for text in clean_train:
        add("bbc_clean", *labelled(text, (), text, table, context, index))
    if args.roundtrip:
        from mtclean.degrade.roundtrip import apertium_available, roundtrip_documents

        if apertium_available():
            trips = roundtrip_documents(trip_sources, args.seed)
            for source, trip in zip(trip_sources, trips, strict=True):
                add(
                    "bbc_roundtrip", *labelled(trip.text, trip.spans, source, table, context, index)
                )
        else:
            LOG.warning("apertium not installed: no round-trip rows")
    LOG.info("rows: %d, positive %d (%.0f s)", len(y), sum(y), time.time() - started)

    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    model.fit(np.asarray(X), np.asarray(y))
    weights = tuple(float(w) for w in model.coef_[0])
    bias = float(model.intercept_[0])
    word_model = WordModel(weights, bias, 1.0, 1.0, 0.0, {})

    # thresholds on dev data
    dev_rows, dev_y = [], []
    for d in dev_mt:
        rows, labels = labelled(d.mt.text, d.mt.spans, d.clean, table, context, index)
        dev_rows += rows
        dev_y += labels
    p_dev = np.asarray([word_model.probability(r) for r in dev_rows])
    y_dev = np.asarray(dev_y)
    trip_rows: list[list[float]] = []
    trip_y: list[int] = []
    trip_dev = bbc_dev[args.dev_clean : args.dev_clean + args.dev_roundtrip]
    if args.dev_roundtrip and trip_dev:
        from mtclean.degrade.roundtrip import apertium_available, roundtrip_documents

        if apertium_available():
            for source, trip in zip(
                trip_dev, roundtrip_documents(trip_dev, args.seed + 1), strict=True
            ):
                rows, labels = labelled(trip.text, trip.spans, source, table, context, index)
                trip_rows += rows
                trip_y += labels
    p_trip = np.asarray([word_model.probability(r) for r in trip_rows])
    y_trip = np.asarray(trip_y)
    gated_threshold = threshold_at_precision(p_trip, y_trip, args.precision)

    clean_probs: list[np.ndarray] = []
    densities: list[float] = []
    clean_words = 0
    for text in bbc_dev[: args.dev_clean]:
        density = rule_density(text)
        densities.append(density)
        _, rows, _ = word_features(text, table, context, index, density, text)
        clean_probs.append(np.asarray([word_model.probability(r) for r in rows]))
        clean_words += count_words(text)
    allp = np.concatenate(clean_probs) if clean_probs else np.zeros(0)
    allowed = int(args.max_flags * clean_words / 1000)
    clean_cut = float(np.sort(allp)[::-1][allowed]) + 1e-6 if len(allp) > allowed else 0.0
    threshold = max(clean_cut, gated_threshold)
    gate = float(np.quantile(densities, 1 - args.gate_share)) if densities else 0.0
    gate = max(gate, 1e-6) + 1e-6
    gated_threshold = min(gated_threshold, threshold)

    def pr(p: np.ndarray, y: np.ndarray, t: float) -> dict[str, float]:
        flagged = p >= t
        tp = int((flagged & (y == 1)).sum())
        return {
            "precision": round(tp / max(int(flagged.sum()), 1), 4),
            "recall": round(tp / max(int(y.sum()), 1), 4),
        }

    def at(t: float) -> dict[str, Any]:
        return {
            "threshold": round(t, 4),
            "roundtrip_words": pr(p_trip, y_trip, t),
            "mlqe_words": pr(p_dev, y_dev, t),
            "clean_flags_per_1000_words": round(1000 * float((allp >= t).sum()) / clean_words, 3),
        }

    from sklearn.metrics import roc_auc_score

    meta = {
        "training": parts,
        "dev": {
            "mlqe_words": len(dev_y),
            "mlqe_positive": int(y_dev.sum()),
            "mlqe_word_auc": round(float(roc_auc_score(y_dev, p_dev)), 4),
            "roundtrip_words": len(trip_y),
            "roundtrip_positive": int(y_trip.sum()),
            "roundtrip_word_auc": (
                round(float(roc_auc_score(y_trip, p_trip)), 4) if len(set(trip_y)) == 2 else None
            ),
            "at_threshold": at(threshold),
            "at_gated_threshold": at(gated_threshold),
            "clean_articles": len(densities),
            "clean_words": clean_words,
            "clean_articles_at_gate": int(sum(d >= gate for d in densities)),
        },
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                 if k not in ("data", "model_dir")},
        "seconds": round(time.time() - started, 1),
    }  # fmt: skip
    final = WordModel(weights, bias, threshold, gated_threshold, gate, meta)
    out = args.model_dir / MODEL_FILE
    out.write_text(json.dumps(final.to_json(), indent=1) + "\n", encoding="utf-8")
    LOG.info("wrote %s: %s", out, json.dumps(meta["dev"]))
    print(json.dumps(dict(zip(FEATURES, weights, strict=True)), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
