"""Train the sentence-level MT quality estimator (``models/qe.joblib`` + ``models/qe.json``).

    HF_HUB_OFFLINE=1 python scripts/train_qe.py --data ../shared/data --cache /tmp/qe_cache

MLQE-PE ``train`` MT output (detokenised with :func:`mtclean.corpora.detokenize`, as a user's
English reads) -> its HTER; features are :mod:`mtclean.quality`'s text features and the frozen
MiniLM sentence embedding. Candidate regressors (ridge, gradient boosting, a small MLP) are
selected on MLQE ``dev`` Pearson. The flag threshold is the lowest estimated HTER at which
sentences of clean BBC news (non-``tech`` categories, a sample) give at most
``--max-flags-per-1000`` flagged sentences per 1,000 words. A logistic calibration fitted on
``dev`` maps the estimate to P(HTER >= 0.3) (the document MT score's sentence probability).
``test20`` and BBC ``tech`` are never read here (``scripts/eval_qe.py`` measures on them).

Embeddings are cached in ``--cache`` (``.npy`` per set; nothing there is committed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from mtclean.corpora import detokenize, read_jsonl
from mtclean.paths import default_data_dir
from mtclean.quality import (
    QE_META_FILE,
    QE_MODEL_FILE,
    TEXT_FEATURES,
    Embedder,
    feature_matrix,
)
from mtclean.text import count_words, sentences

LOG = logging.getLogger("train_qe")
REPO = Path(__file__).resolve().parents[1]
DAMAGED_HTER = 0.3  # a sentence is damaged when a post-editor changed at least 30% of it
HELD_OUT_BBC = "tech"


def stable_pick(key: str, share: float) -> bool:
    digest = hashlib.sha1(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def mlqe_rows(data: Path, split: str, per_lp: int | None, seed: int) -> list[dict[str, Any]]:
    rows = [r for r in read_jsonl(data / "mlqe_pe" / "mt_postedit.jsonl") if r["split"] == split]
    return rows if per_lp is None else sample_per_pair(rows, per_lp, seed)


def sample_per_pair(rows: list[dict[str, Any]], per_lp: int, seed: int) -> list[dict[str, Any]]:
    """``per_lp`` rows of each language pair, drawn by a seed fixed per pair."""
    out: list[dict[str, Any]] = []
    for lp in sorted({r["lp"] for r in rows}):
        group = [r for r in rows if r["lp"] == lp]
        random.Random(f"{seed}:{lp}").shuffle(group)
        out.extend(group[:per_lp])
    return out


def bbc_clean_sentences(
    data: Path, articles: int, picked_by_hash: bool = True
) -> tuple[list[str], list[str]]:
    """Sentences (and their article ids) of the first ``articles`` non-tech BBC articles
    picked by id hash (the threshold's clean text; ``picked_by_hash=False``: the first of the
    others, clean training sentences)."""
    picked: list[tuple[str, str]] = []
    for record in read_jsonl(data / "bbc_news" / "articles.jsonl"):
        if record.get("category") == HELD_OUT_BBC:
            continue
        if stable_pick(str(record["id"]), 0.25) == picked_by_hash:
            picked.append((str(record["id"]), str(record["text"])))
    picked = picked[:articles]
    texts, ids = [], []
    for doc_id, text in picked:
        for piece in sentences(text):
            texts.append(piece.text)
            ids.append(doc_id)
    return texts, ids


def bbc_articles(data: Path, ids: set[str]) -> dict[str, str]:
    return {
        str(r["id"]): str(r["text"])
        for r in read_jsonl(data / "bbc_news" / "articles.jsonl")
        if str(r["id"]) in ids
    }


def cached_embeddings(
    name: str, texts: list[str], cache: Path, embedder: Embedder | None
) -> np.ndarray:
    cache.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    path = cache / f"{name}-{key}.npy"
    if path.is_file():
        return np.load(path)
    assert embedder is not None
    begin = time.time()
    out = embedder.embed(texts)
    LOG.info("embedded %s: %d sentences in %.0f s", name, len(texts), time.time() - begin)
    np.save(path, out)
    return out


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def candidates(seed: int) -> dict[str, Any]:
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import Ridge
    from sklearn.neural_network import MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    out: dict[str, Any] = {}
    for alpha in (1.0, 10.0, 100.0, 1000.0):
        out[f"ridge_a{alpha:g}"] = make_pipeline(StandardScaler(), Ridge(alpha=alpha))
    out["hgb"] = HistGradientBoostingRegressor(
        max_iter=400, learning_rate=0.05, max_leaf_nodes=31, l2_regularization=1.0,
        random_state=seed,
    )  # fmt: skip
    out["mlp"] = make_pipeline(
        StandardScaler(),
        MLPRegressor(
            hidden_layer_sizes=(128,), alpha=1.0, early_stopping=True, max_iter=200,
            random_state=seed,
        ),
    )  # fmt: skip
    return out


def flags_threshold(
    predicted: np.ndarray, texts: list[str], max_per_1000: float
) -> tuple[float, float]:
    """The lowest threshold (on a 0.005 grid) whose flagged clean sentences per 1,000 words
    stay at or below ``max_per_1000``; and that rate."""
    total = sum(count_words(t) for t in texts)
    for threshold in np.arange(0.0, 1.0001, 0.005):
        rate = 1000.0 * float((predicted >= threshold).sum()) / max(total, 1)
        if rate <= max_per_1000:
            return round(float(threshold), 3), rate
    return 1.0, 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--cache", type=Path, default=Path("/tmp/mtclean_qe_cache"))
    parser.add_argument("--out", type=Path, default=REPO / "models")
    parser.add_argument("--train-per-lp", type=int, default=2400,
                        help="MLQE train sentences per language pair (all: 0)")  # fmt: skip
    parser.add_argument("--bbc-articles", type=int, default=120)
    parser.add_argument("--clean-train-articles", type=int, default=300,
                        help="BBC non-tech articles (not the threshold's) whose sentences are "
                        "added to training as HTER 0: human news needs no post-edit")  # fmt: skip
    parser.add_argument("--max-flags-per-1000", type=float, default=0.5,
                        help="clean BBC flags per 1,000 words allowed at the threshold "
                        "(half the issue's limit of 1: a margin for held-out text)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--embed-only", action="store_true")
    parser.add_argument("--no-embedding", action="store_true",
                        help="text features only (a fast model without the encoder)")  # fmt: skip
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    import torch

    torch.set_num_threads(args.threads)
    per_lp = args.train_per_lp or None
    sets = {
        "dev": mlqe_rows(args.data, "dev", None, args.seed),
        "train": mlqe_rows(args.data, "train", per_lp, args.seed),
    }
    texts = {name: [detokenize(r["mt"]) for r in rows] for name, rows in sets.items()}
    hter = {name: np.asarray([float(r["hter"]) for r in rows]) for name, rows in sets.items()}
    texts["bbc"], bbc_ids = bbc_clean_sentences(args.data, args.bbc_articles)
    clean_texts, clean_ids = bbc_clean_sentences(args.data, args.clean_train_articles, False)
    LOG.info("sentences: %s", {k: len(v) for k, v in texts.items()})

    embedder = None if args.no_embedding else Embedder()
    embeddings: dict[str, np.ndarray | None] = {}
    for name in ("dev", "train", "bbc"):
        embeddings[name] = (
            None if embedder is None else cached_embeddings(name, texts[name], args.cache, embedder)
        )
    if args.embed_only:
        return 0

    from mtclean.normalize.ranking import load_context_scorer

    scorer = load_context_scorer((REPO / "models").resolve())
    # what the n-gram table counted each sentence from (see feature_matrix): the post-edit of
    # an MLQE sentence, the article of a BBC sentence
    articles = bbc_articles(args.data, set(bbc_ids) | set(clean_ids))
    counted = {name: [detokenize(r["pe"]) for r in rows] for name, rows in sets.items()}
    counted["bbc"] = [articles[i] for i in bbc_ids]
    X = {
        name: feature_matrix(texts[name], scorer, embeddings[name], counted[name]) for name in texts
    }
    if clean_texts:
        clean_X = feature_matrix(
            clean_texts,
            scorer,
            None
            if embedder is None
            else cached_embeddings("clean", clean_texts, args.cache, embedder),
            [articles[i] for i in clean_ids],
        )
        X["train"] = np.vstack([X["train"], clean_X])
        hter["train"] = np.r_[hter["train"], np.zeros(len(clean_texts))]
        LOG.info("training sentences: %d MLQE + %d clean BBC", len(texts["train"]),
                 len(clean_texts))  # fmt: skip

    results: dict[str, dict[str, float]] = {}
    best_name, best_model, best_r = "", None, -1.0
    for name, model in candidates(args.seed).items():
        begin = time.time()
        model.fit(X["train"], hter["train"])
        dev_pred = model.predict(X["dev"])
        r = pearson(dev_pred, hter["dev"])
        results[name] = {
            "dev_pearson": round(r, 4),
            "dev_spearman": round(spearman(dev_pred, hter["dev"]), 4),
            "fit_seconds": round(time.time() - begin, 1),
        }
        LOG.info("%s: %s", name, results[name])
        if r > best_r:
            best_name, best_model, best_r = name, model, r
    assert best_model is not None

    from sklearn.linear_model import LogisticRegression

    dev_pred = np.clip(best_model.predict(X["dev"]), 0.0, 1.0)
    bbc_pred = np.clip(best_model.predict(X["bbc"]), 0.0, 1.0)
    threshold, clean_rate = flags_threshold(bbc_pred, texts["bbc"], args.max_flags_per_1000)
    damaged = hter["dev"] >= DAMAGED_HTER
    flagged = dev_pred >= threshold
    tp = int((flagged & damaged).sum())
    calibration = LogisticRegression(C=100.0).fit(dev_pred.reshape(-1, 1), damaged)

    import joblib

    args.out.mkdir(parents=True, exist_ok=True)
    joblib.dump(best_model, args.out / QE_MODEL_FILE, compress=3)
    meta = {
        "model": best_name,
        "embedding": embedder is not None,
        "features": list(TEXT_FEATURES) + (["minilm_mean_pooled"] if embedder else []),
        "train": {
            "data": "MLQE-PE train (mt -> hter), detokenised",
            "sentences": len(texts["train"]),
            "per_lp": per_lp,
            "clean_bbc_articles_at_hter_0": args.clean_train_articles,
            "clean_bbc_sentences_at_hter_0": len(clean_texts),
        },
        "selection": results,
        "damaged_hter": DAMAGED_HTER,
        "threshold": threshold,
        "threshold_rule": (
            f"lowest estimated HTER with <= {args.max_flags_per_1000} flagged sentences per "
            f"1,000 words on {len(set(bbc_ids))} clean BBC non-tech articles"
        ),
        "threshold_clean_bbc_flags_per_1000": round(clean_rate, 3),
        "dev_at_threshold": {
            "precision": round(tp / max(int(flagged.sum()), 1), 4),
            "recall": round(tp / max(int(damaged.sum()), 1), 4),
            "flagged": int(flagged.sum()),
        },
        "calibration": {
            "target": f"P(hter >= {DAMAGED_HTER})",
            "coef": float(calibration.coef_[0][0]),
            "intercept": float(calibration.intercept_[0]),
        },
        "seed": args.seed,
    }
    (args.out / QE_META_FILE).write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    LOG.info("wrote %s (%s, dev Pearson %.3f, threshold %.3f)", args.out / QE_MODEL_FILE,
             best_name, best_r, threshold)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
