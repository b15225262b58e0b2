"""Choose the model's document-conditioned decision policy on development text and write it
to ``MODEL_DIR/cascade.json`` (read by ``mtclean.detectors.model.ModelDetector``).

    python scripts/tune_cascade.py --data /tmp/mtclean_data --model-dir models

Development text only (the ``dev`` split of scripts/make_training_data.py: BBC without
``tech``, MLQE-PE without ``test20``): clean documents as they are, and the same documents spun
by the training spinner (``mtclean.model.training.training_spinner``: no held-out pair, no seed
pair) at densities drawn in [0.08, 0.35], each read with the n-gram table that leaves out its
fold (cross-fitted, as in training: the shipped table counts the dev text, which would make it
look cleaner than new text). From the model's calibrated word probabilities:

- ``rate_low``: the 99th percentile of the estimated degraded-word rate of clean documents
  (a clean document keeps the strict threshold);
- ``rate_high``: the 10th percentile of that rate on the spun documents (spun at 8-35% of
  words, as real spinners do), and at least 1.5 times ``rate_low``;
- ``relaxed`` and ``evidence``: the lowest word threshold at which words of documents past
  ``rate_high`` (clean ones included) are flagged with precision >= ``--precision`` (default
  0.9), for each context-evidence requirement (none, or a screen gain of at least 0, 1, 2, 3
  for words only the lowered threshold flags); the variant with the highest recall is kept;
- ``screen_cut``: the screen rate (``mtclean.model.screen``) that lets ``--screen-recall`` of
  the spun documents through to the encoder (default 0.98).

It prints what each choice gives on the same dev text.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import numpy as np

from mtclean.detectors.model import DEFAULT_MODEL_DIR, POLICY_FILE, ModelDetector
from mtclean.model.features import FeatureExtractor, word_labels
from mtclean.model.screen import SpinScreen, summarise
from mtclean.model.spans import DecisionPolicy, calibrated_degraded, degraded_rate
from mtclean.model.training import dev_pairs, ngram_tables

log = logging.getLogger("tune_cascade")
RATE_GAP = 1.5  # rate_high is at least this multiple of rate_low


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/mtclean_data"))
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--docs", type=int, default=300, help="dev documents (BBC)")
    parser.add_argument("--precision", type=float, default=0.9)
    parser.add_argument("--screen-recall", type=float, default=0.98)
    parser.add_argument("--write", action="store_true", help="write MODEL_DIR/cascade.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import datasets

    every = datasets.load_from_disk(str(args.data)).to_list()
    detector = ModelDetector(args.model_dir, screen=False)
    strict = detector.scorer.threshold
    # The shipped n-gram table counts the dev text too: read each document with the table that
    # leaves out its fold (as training does), so dev text looks as unfamiliar as new text.
    _, fold_tables = ngram_tables(every)
    extractors = [FeatureExtractor(table) for table in fold_tables]
    screens = [SpinScreen(table) for table in fold_tables]
    docs = dev_pairs(every, args.docs, "tune")
    log.info("scoring %d dev documents", len(docs))
    scored = []
    for fold, extractor in enumerate(extractors):
        detector.scorer.extractor = extractor
        members = [d for d in docs if d["fold"] == fold]
        texts = [d["text"] for d in members]
        scored += zip(members, detector.scorer.score_batch(texts), strict=True)
    for doc, (words, probs) in scored:
        screen = screens[doc["fold"]]
        calibrated = calibrated_degraded(probs, detector.scorer.calibration)
        doc["rate"] = degraded_rate(words, calibrated)
        doc["calibrated"] = calibrated
        doc["labels"] = np.asarray(word_labels(words, doc["spans"])) > 0
        doc["gains"] = screen.word_gains(doc["text"])
        doc["screen"] = summarise(doc["gains"]).rate
    clean = [d for d in docs if d["density"] == 0.0]
    spun_docs = [d for d in docs if d["density"] > 0.0]
    rate_low = float(np.percentile([d["rate"] for d in clean], 99))
    rate_high = float(np.percentile([d["rate"] for d in spun_docs], 10))
    rate_high = max(rate_high, RATE_GAP * rate_low)
    past = [d for d in docs if d["rate"] >= rate_high]
    labels_past = np.concatenate([d["labels"] for d in past])

    def relaxed_for(evidence: float | None) -> tuple[float, float]:
        """The lowest cut keeping word precision >= target past rate_high, and its recall."""
        best = (strict, 0.0)
        for cut in np.arange(strict, 0.05, -0.01):
            trial = DecisionPolicy(strict, float(cut), 0.0, 0.0, 0.0, evidence)
            flagged = np.concatenate(
                [trial.condition(d["calibrated"], 1.0, d["gains"]) >= strict for d in past]
            )
            if not flagged.sum() or labels_past[flagged].mean() < args.precision:
                break
            best = (float(cut), float((flagged & labels_past).sum() / max(labels_past.sum(), 1)))
        return best

    variants = {evidence: relaxed_for(evidence) for evidence in (None, 0.0, 1.0, 2.0)}
    for evidence, (cut, recall) in variants.items():
        print(f"evidence {evidence}: relaxed {cut:.2f}, word recall past rate_high {recall:.3f}")
    evidence = max(variants, key=lambda key: variants[key][1])
    relaxed = variants[evidence][0]
    screen_cut = float(np.quantile([d["screen"] for d in spun_docs], 1.0 - args.screen_recall))
    policy = DecisionPolicy(strict, round(relaxed, 3), round(rate_low, 4), round(rate_high, 4),
                            round(screen_cut, 4), evidence)  # fmt: skip
    passed_clean = float(np.mean([d["screen"] >= screen_cut for d in clean]))
    print(json.dumps(policy.to_json(), indent=1))
    print(
        f"clean dev documents past rate_low: {np.mean([d['rate'] > rate_low for d in clean]):.3f}"
    )
    clean_past = sum(d["density"] == 0.0 for d in past)
    print(f"spun dev documents past rate_high: {len(past) - clean_past} of {len(spun_docs)}; "
          f"clean past it: {clean_past}")  # fmt: skip
    print(f"screen: clean dev documents read by the encoder {passed_clean:.3f}")
    for name, chosen in (("fixed", DecisionPolicy.fixed(strict)), ("conditioned", policy)):
        tp = fp = fn = 0
        clean_flags = clean_words = 0
        for d in docs:
            flagged = chosen.condition(d["calibrated"], d["rate"], d["gains"]) >= strict
            tp += int((flagged & d["labels"]).sum())
            fp += int((flagged & ~d["labels"]).sum())
            fn += int((~flagged & d["labels"]).sum())
            if d["density"] == 0.0:
                clean_flags += int(flagged.sum())
                clean_words += len(flagged)
        p = tp / max(tp + fp, 1)
        r = tp / max(tp + fn, 1)
        per_1000 = 1000 * clean_flags / max(clean_words, 1)
        print(f"{name}: dev words P {p:.3f} R {r:.3f}; clean flags per 1,000 words {per_1000:.2f}")
    if args.write:
        path = args.model_dir / POLICY_FILE
        path.write_text(json.dumps(policy.to_json(), indent=1) + "\n", "utf-8")
        log.info("wrote %s", path)


if __name__ == "__main__":
    main()
