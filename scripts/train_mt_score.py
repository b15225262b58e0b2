"""Fit the document MT score (``models/qe_document.json``, :mod:`mtclean.mt_score`).

    HF_HUB_OFFLINE=1 python scripts/train_mt_score.py --data ../shared/data

Documents: MLQE-PE ``dev`` in pseudo-documents of ``--doc-sentences`` consecutive sentences per
language pair (the file's order; the MT output is a positive, its post-edit a negative: human
English of the same Wikipedia domain, so the score has to read MT damage rather than the
domain), and clean BBC News articles of the non-``tech`` categories (negatives, picked by id
hash; not those the sentence estimator was trained on as clean text). Features:
:data:`mtclean.mt_score.DOCUMENT_FEATURES` over the sentence estimator in ``--models``
(``qe.joblib``, fitted on MLQE ``train``; its calibration and threshold on ``dev`` and BBC
non-tech). A standardised logistic regression, classes balanced; 5-fold
cross-validated AUCs are written beside it. The keep/drop threshold is the lowest score at which
at most ``--max-clean-drop`` of the training BBC articles would be dropped. ``test20`` and BBC
``tech`` are never read here (``scripts/eval_qe.py`` measures on them).

Sentence embeddings are cached in ``--cache`` (nothing there is committed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from pathlib import Path

import numpy as np
from eval_qe import DOC_SENTENCES, CachedEmbedder, pseudo_documents
from train_qe import bbc_clean_sentences

from mtclean.corpora import read_jsonl
from mtclean.detectors.qe import estimate_documents
from mtclean.mt_score import DOCUMENT_FEATURES, DOCUMENT_MODEL_FILE
from mtclean.paths import default_data_dir, model_dir
from mtclean.quality import Embedder, load_quality_model

LOG = logging.getLogger("train_mt_score")
REPO = Path(__file__).resolve().parents[1]
HELD_OUT_BBC = "tech"


def bbc_training_articles(data: Path, share: float, exclude: set[str]) -> list[str]:
    """Non-tech BBC articles picked by id hash, less ``exclude`` (the articles the sentence
    estimator was trained on as clean text)."""
    out = []
    for record in read_jsonl(data / "bbc_news" / "articles.jsonl"):
        if record.get("category") == HELD_OUT_BBC or not str(record.get("text", "")).strip():
            continue
        if str(record["id"]) in exclude:
            continue
        digest = hashlib.sha1(f"mt_score:{record['id']}".encode()).digest()
        if int.from_bytes(digest[:4], "big") / 2**32 < share:
            out.append(str(record["text"]))
    return out


def cv_auc(X: np.ndarray, y: np.ndarray, seed: int) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced"))
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    scores = cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
    return auc_of(scores[y == 1], scores[y == 0])


def auc_of(positives: np.ndarray, negatives: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    labels = np.r_[np.ones(len(positives)), np.zeros(len(negatives))]
    return round(float(roc_auc_score(labels, np.r_[positives, negatives])), 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--models", type=Path, default=model_dir(),
                        help="the sentence estimator's folder (qe.joblib, qe.json)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=REPO / "models")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/mtclean_qe_cache/train_doc.npz"))
    parser.add_argument("--doc-sentences", type=int, default=DOC_SENTENCES)
    parser.add_argument("--bbc-share", type=float, default=0.2,
                        help="share of the non-tech BBC articles used (by id hash)")  # fmt: skip
    parser.add_argument("--max-clean-drop", type=float, default=0.02,
                        help="share of training BBC articles the threshold may drop")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    import torch

    torch.set_num_threads(args.threads)
    model = load_quality_model(args.models.resolve())
    if model.embedder is not None:
        assert isinstance(model.embedder, Embedder)
        object.__setattr__(model, "embedder", CachedEmbedder(model.embedder, args.cache))

    clean_articles = int(model.meta["train"].get("clean_bbc_articles_at_hter_0", 0))
    estimator_articles = set(bbc_clean_sentences(args.data, clean_articles, False)[1])
    dev = [
        r for r in read_jsonl(args.data / "mlqe_pe" / "mt_postedit.jsonl") if r["split"] == "dev"
    ]
    sets = {
        "mlqe_dev_mt": [t for _, t in pseudo_documents(dev, args.doc_sentences, "mt")],
        "mlqe_dev_pe": [t for _, t in pseudo_documents(dev, args.doc_sentences, "pe")],
        "bbc_non_tech": bbc_training_articles(args.data, args.bbc_share, estimator_articles),
    }
    LOG.info("documents: %s", {k: len(v) for k, v in sets.items()})
    features = {
        name: np.asarray([d.features for d in estimate_documents(model, texts)])
        for name, texts in sets.items()
    }
    mt, pe, bbc = features["mlqe_dev_mt"], features["mlqe_dev_pe"], features["bbc_non_tech"]
    X = np.vstack([mt, pe, bbc])
    y = np.r_[np.ones(len(mt)), np.zeros(len(pe) + len(bbc))]
    groups = np.r_[np.zeros(len(mt)), np.ones(len(pe)), 2 * np.ones(len(bbc))]

    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    fitted = LogisticRegression(class_weight="balanced").fit(scaler.transform(X), y)
    scores = fitted.predict_proba(scaler.transform(X))[:, 1]
    bbc_scores = np.sort(scores[groups == 2])
    allowed = int(np.floor(args.max_clean_drop * len(bbc_scores)))
    # the lowest threshold (0.005 grid) dropping at most `allowed` training BBC articles
    threshold = next(
        round(float(t), 3)
        for t in np.arange(0.0, 1.0001, 0.005)
        if int((bbc_scores >= t).sum()) <= allowed
    )
    cv = {
        "mt_vs_bbc_and_postedits": cv_auc(X, y, args.seed),
        "mt_vs_bbc": cv_auc(np.vstack([mt, bbc]), np.r_[np.ones(len(mt)), np.zeros(len(bbc))],
                            args.seed),
        "mt_vs_postedits": cv_auc(np.vstack([mt, pe]), np.r_[np.ones(len(mt)), np.zeros(len(pe))],
                                  args.seed),
    }  # fmt: skip
    single = {
        name: auc_of(mt[:, i], np.r_[pe[:, i], bbc[:, i]])
        for i, name in enumerate(DOCUMENT_FEATURES)
    }
    meta = {
        "features": list(DOCUMENT_FEATURES),
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) for v in scaler.scale_],
        "coef": [float(v) for v in fitted.coef_[0]],
        "intercept": float(fitted.intercept_[0]),
        "drop_threshold": threshold,
        "drop_threshold_rule": (
            f"lowest score (0.005 grid) dropping at most {args.max_clean_drop:.0%} of the "
            f"{len(bbc_scores)} training BBC non-tech articles"
        ),
        "train": {
            "documents": {k: len(v) for k, v in sets.items()},
            "doc_sentences": args.doc_sentences,
            "positives": "MLQE-PE dev MT output, pseudo-documents of consecutive sentences per lp",
            "negatives": "their post-edits, and BBC News non-tech articles",
            "at_threshold": {
                "bbc_dropped": round(float((scores[groups == 2] >= threshold).mean()), 4),
                "postedits_dropped": round(float((scores[groups == 1] >= threshold).mean()), 4),
                "mt_recall": round(float((scores[groups == 0] >= threshold).mean()), 4),
            },
        },
        "cv_auc": cv,
        "single_feature_auc_mt_vs_rest": single,
        "command": "python scripts/train_mt_score.py " + " ".join(argv or sys.argv[1:]),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / DOCUMENT_MODEL_FILE).write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    LOG.info("cv AUC %s, single %s, threshold %.3f %s", cv, single, threshold,
             meta["train"]["at_threshold"])  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
