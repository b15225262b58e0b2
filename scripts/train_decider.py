"""Fit the model's document-aware word decider and write ``MODEL_DIR/decider.json``
(read by ``mtclean.detectors.model.ModelDetector``; see ``mtclean.model.decider``).

    python scripts/train_decider.py --data /tmp/mtclean_data --model-dir models --write

Development text only (``mtclean.model.training.dev_pairs``: BBC dev articles, each clean and
spun by the training spinner at 8-35%, never a held-out or seed pair), every document read with
the n-gram tables that leave out its fold, for the encoder's features and for the decider's
context scores alike (the shipped table counts the dev text). The threshold is chosen on
out-of-fold predictions (5 folds by article): the lowest cut at which dev words are flagged
with precision >= ``--precision``. Prints the encoder alone (with the document policy of
``cascade.json``) against the decider on the same words.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mtclean.detectors.model import DEFAULT_MODEL_DIR, ModelDetector
from mtclean.model import decider, share
from mtclean.model.features import FeatureExtractor, Word, word_labels
from mtclean.model.screen import SpinScreen
from mtclean.model.spans import (
    MIN_CONDITION_WORDS,
    calibrated_degraded,
    degraded_rate,
    with_letters,
)
from mtclean.model.training import dev_pairs, ngram_tables
from mtclean.normalize.candidates import default_index
from mtclean.normalize.ranking import ContextScorer

log = logging.getLogger("train_decider")


def rates(flagged: np.ndarray, labels: np.ndarray, clean: np.ndarray) -> dict[str, float]:
    tp = int((flagged & labels).sum())
    return {
        "precision": round(tp / max(int(flagged.sum()), 1), 4),
        "recall": round(tp / max(int(labels.sum()), 1), 4),
        "clean_flags_per_1000": round(1000 * int((flagged & clean).sum()) / max(clean.sum(), 1), 3),
    }


@dataclass(frozen=True)
class DocumentWords:
    """One dev document's encoder output, kept for the share estimator."""

    id: str
    probs: np.ndarray
    calibrated: np.ndarray
    words: list[Word]


def fit_share(
    documents: list[DocumentWords], out_of_fold: np.ndarray, labels: np.ndarray, threshold: float
) -> tuple[share.ShareEstimator, dict[str, float]]:
    """The share estimator over the decider's out-of-fold probabilities of each document of at
    least MIN_CONDITION_WORDS words (the decider reads only those), itself scored out of fold
    (5 folds by article): mean absolute error of the share, AUC of spun against clean, the
    highest clean estimate and the lowest spun one."""
    from sklearn.model_selection import GroupKFold

    rows, shares, groups = [], [], []
    at = 0
    for doc in documents:
        n = len(doc.words)
        if n >= MIN_CONDITION_WORDS:
            letters = with_letters(doc.words)
            spun = doc.probs[:, 1] >= doc.probs[:, 2]
            decided = out_of_fold[at : at + n]
            rows.append(share.share_features(decided, doc.calibrated, letters, threshold, spun))
            shares.append(float(labels[at : at + n][letters].mean()))
            groups.append(doc.id)
        at += n
    x, target = np.vstack(rows), np.asarray(shares)
    estimate = np.zeros(len(target))
    for train, test in GroupKFold(5).split(x, target, np.asarray(groups)):
        fitted = share.fit(x[train], target[train])
        estimate[test] = [fitted.estimate(row) for row in x[test]]
    clean, spun = estimate[target == 0], estimate[target > 0]
    auc = float(((spun[:, None] > clean[None, :]) + 0.5 * (spun[:, None] == clean[None, :])).mean())
    report = {
        "documents": len(target),
        "mean_absolute_error": round(float(np.abs(estimate - target).mean()), 4),
        "auc_spun_vs_clean": round(auc, 4),
        "clean_highest": round(float(clean.max()), 4),
        "spun_lowest": round(float(spun.min()), 4),
    }
    log.info("share estimator out of fold: %s", report)
    return share.fit(x, target), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/mtclean_data"))
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--docs", type=int, default=400, help="dev articles (each clean + spun)")
    parser.add_argument("--precision", type=float, default=0.88)
    parser.add_argument("--write", action="store_true", help="write MODEL_DIR/decider.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import datasets
    from sklearn.model_selection import GroupKFold

    started = time.time()
    every = datasets.load_from_disk(str(args.data)).to_list()
    _, fold_tables = ngram_tables(every)
    docs = dev_pairs(every, args.docs, "decider")
    detector = ModelDetector(args.model_dir, screen=False)
    scorer = detector.scorer
    index = default_index()
    log.info("scoring %d dev documents", len(docs))
    rows, labels, groups, clean, policy_flags = [], [], [], [], []
    documents: list[DocumentWords] = []
    for fold, table in enumerate(fold_tables):
        scorer.extractor = FeatureExtractor(table)
        screen = SpinScreen(table)
        context = ContextScorer(table)
        members = [d for d in docs if d["fold"] == fold]
        for doc, (words, probs) in zip(
            members, scorer.score_batch([d["text"] for d in members]), strict=True
        ):
            if not words:
                continue
            calibrated = calibrated_degraded(probs, scorer.calibration)
            gains = screen.word_gains(doc["text"])
            rows.append(
                decider.features(doc["text"], words, probs, calibrated, gains, index, context)
            )
            labels.append(np.asarray(word_labels(words, doc["spans"])) > 0)
            groups += [doc["id"]] * len(words)
            clean.append(np.full(len(words), doc["density"] == 0.0))
            conditioned = detector.policy.condition(
                calibrated, degraded_rate(words, calibrated), gains
            )
            policy_flags.append(conditioned >= detector.policy.threshold)
            documents.append(DocumentWords(doc["id"], probs, calibrated, words))
    x = np.vstack(rows)
    y = np.concatenate(labels)
    is_clean = np.concatenate(clean)
    log.info("%d words, %.3f degraded (%.0f s)", len(y), y.mean(), time.time() - started)
    out_of_fold = np.zeros(len(y))
    for train, test in GroupKFold(5).split(x, y, np.asarray(groups)):
        out_of_fold[test] = decider.fit(x[train], y[train].astype(int)).probabilities(x[test])
    threshold = 0.99
    for cut in np.arange(0.99, 0.3, -0.01):
        flagged = out_of_fold >= cut
        if flagged.sum() and (flagged & y).sum() / flagged.sum() < args.precision:
            break
        threshold = float(round(cut, 2))
    fitted = dataclasses.replace(decider.fit(x, y.astype(int)), threshold=threshold)
    estimator, share_report = fit_share(documents, out_of_fold, y, threshold)
    report = {
        "documents": len(docs),
        "words": len(y),
        "threshold": threshold,
        "target_precision": args.precision,
        "encoder_with_policy": rates(np.concatenate(policy_flags), y, is_clean),
        "decider_out_of_fold": rates(out_of_fold >= threshold, y, is_clean),
        "share_out_of_fold": share_report,
    }
    print(json.dumps(report, indent=1))
    if args.write:
        path = args.model_dir / decider.DECIDER_FILE
        data = {**fitted.to_json(), "dev": report}
        path.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
        log.info("wrote %s", path)
        path = args.model_dir / share.SHARE_FILE
        data = {**estimator.to_json(), "dev": share_report}
        path.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
        log.info("wrote %s", path)


if __name__ == "__main__":
    main()
