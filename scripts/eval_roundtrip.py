"""Measure round-trip stability as an MT signal into ``benchmarks/mt_roundtrip.json``.

    HF_HUB_OFFLINE=1 python scripts/eval_roundtrip.py --data ../shared/data

Sentences (Apertium eng -> spa -> eng, :mod:`mtclean.roundtrip_stability`): a sample of MLQE-PE
``test20`` MT output (``--per-lp`` per language pair), the post-edits of the same sentences
(human English, same content), and sentences of held-out BBC ``tech`` articles. AUC of
instability (1 - stability: MT output should be *more* stable, so AUC < 0.5 means the signal
points the other way) for MT vs post-edit and MT vs BBC, at sentence level and over
pseudo-documents of ``--doc-sentences`` sentences (mean stability).

As a QE feature: on MLQE ``dev`` (``--per-lp`` per pair), 5-fold cross-validated Pearson with
HTER of a linear model over the shipped estimator's estimate alone and with the stability
added (embeddings cached in ``--cache``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from eval_qe import CachedEmbedder
from train_qe import sample_per_pair

from mtclean.corpora import detokenize, read_jsonl
from mtclean.evaluation.parts import load_bbc_tech
from mtclean.paths import default_data_dir, model_dir
from mtclean.quality import Embedder, load_quality_model
from mtclean.roundtrip_stability import roundtrip_stability
from mtclean.text import count_words, sentences

LOG = logging.getLogger("eval_roundtrip")
REPO = Path(__file__).resolve().parents[1]


def auc(positives: list[float], negatives: list[float]) -> float:
    from sklearn.metrics import roc_auc_score

    labels = [1] * len(positives) + [0] * len(negatives)
    return round(float(roc_auc_score(labels, [*positives, *negatives])), 4)


def chunks(values: list[float], size: int) -> list[float]:
    return [float(np.mean(values[i : i + size])) for i in range(0, len(values) - size + 1, size)]


def cv_pearson(X: np.ndarray, y: np.ndarray, seed: int) -> float:
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import KFold, cross_val_predict

    folds = KFold(5, shuffle=True, random_state=seed)
    predicted = cross_val_predict(LinearRegression(), X, y, cv=folds)
    return round(float(np.corrcoef(predicted, y)[0, 1]), 4)


def summary(report: dict[str, Any]) -> list[str]:
    """The README's lines: the benchmark's main figures, read from its JSON."""
    mean = report["mean_stability"]
    sent, doc = report["sentence_auc_instability"], report["document_auc_instability"]
    feature = report["as_qe_feature_dev"]
    return [
        f"mean stability: test20 MT {mean['mlqe_test20_mt']:.3f}, post-edits "
        f"{mean['mlqe_test20_postedits']:.3f}, BBC tech {mean['bbc_tech']:.3f}",
        f"sentence AUC (instability): MT vs post-edits {sent['mt_vs_postedits']:.3f}, MT vs BBC "
        f"{sent['mt_vs_bbc_tech']:.3f}, post-edits vs BBC {sent['postedits_vs_bbc_tech']:.3f}",
        f"document AUC ({doc['doc_sentences']} sentences): MT vs post-edits "
        f"{doc['mt_vs_postedits']:.3f}, MT vs BBC {doc['mt_vs_bbc_tech']:.3f}",
        "dev Pearson with HTER, cross-validated: estimate "
        f"{feature['cv_pearson_estimate_only']:.4f}, estimate + stability "
        f"{feature['cv_pearson_estimate_and_stability']:.4f}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--summary", type=Path, help="print the main figures of this JSON")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "mt_roundtrip.json")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/mtclean_qe_cache/train_doc.npz"))
    parser.add_argument("--per-lp", type=int, default=200)
    parser.add_argument("--bbc-docs", type=int, default=60)
    parser.add_argument("--doc-sentences", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.summary is not None:
        print("\n".join(summary(json.loads(args.summary.read_text("utf-8")))))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    rows = list(read_jsonl(args.data / "mlqe_pe" / "mt_postedit.jsonl"))
    test = sample_per_pair([r for r in rows if r["split"] == "test20"], args.per_lp, args.seed)
    dev = sample_per_pair([r for r in rows if r["split"] == "dev"], args.per_lp, args.seed)
    bbc = [
        p.text
        for _, text in load_bbc_tech(args.data / "bbc_news" / "articles.jsonl", args.bbc_docs)
        for p in sentences(text)
        if count_words(p.text) >= 3
    ]
    texts = {
        "mlqe_test20_mt": [detokenize(r["mt"]) for r in test],
        "mlqe_test20_postedits": [detokenize(r["pe"]) for r in test],
        "bbc_tech": bbc,
        "mlqe_dev_mt": [detokenize(r["mt"]) for r in dev],
    }
    begin = time.time()
    stable = {name: roundtrip_stability(t, "spa") for name, t in texts.items()}
    seconds = time.time() - begin
    n_sentences = sum(len(t) for t in texts.values())
    LOG.info("round trips: %d sentences in %.0f s", n_sentences, seconds)
    unstable = {name: [1.0 - v for v in values] for name, values in stable.items()}
    mt, pe, news = (unstable[k] for k in ("mlqe_test20_mt", "mlqe_test20_postedits", "bbc_tech"))
    size = args.doc_sentences
    report: dict[str, Any] = {
        "command": "python scripts/eval_roundtrip.py " + " ".join(argv or sys.argv[1:]),
        "round_trip": "apertium -u eng-spa | apertium -u spa-eng, one sentence per line",
        "similarity": "difflib ratio of lower-cased word sequences (1 = unchanged)",
        "sentences": {name: len(v) for name, v in stable.items()},
        "mean_stability": {name: round(float(np.mean(v)), 4) for name, v in stable.items()},
        "sentence_auc_instability": {
            "mt_vs_postedits": auc(mt, pe),
            "mt_vs_bbc_tech": auc(mt, news),
            "postedits_vs_bbc_tech": auc(pe, news),
        },
        "document_auc_instability": {
            "doc_sentences": size,
            "mt_vs_postedits": auc(chunks(mt, size), chunks(pe, size)),
            "mt_vs_bbc_tech": auc(chunks(mt, size), chunks(news, size)),
        },
        "seconds_per_sentence": round(seconds / n_sentences, 4),
    }

    import torch

    torch.set_num_threads(1)
    model = load_quality_model(model_dir().resolve())
    if model.embedder is not None:
        assert isinstance(model.embedder, Embedder)
        object.__setattr__(model, "embedder", CachedEmbedder(model.embedder, args.cache))
    estimate = np.asarray(model.predict(texts["mlqe_dev_mt"]))
    hter = np.asarray([float(r["hter"]) for r in dev])
    with_rt = np.c_[estimate, np.asarray(stable["mlqe_dev_mt"])]
    report["as_qe_feature_dev"] = {
        "sentences": len(dev),
        "cv_pearson_estimate_only": cv_pearson(estimate.reshape(-1, 1), hter, args.seed),
        "cv_pearson_estimate_and_stability": cv_pearson(with_rt, hter, args.seed),
        "pearson_stability_hter": round(
            float(np.corrcoef(np.asarray(stable["mlqe_dev_mt"]), hter)[0, 1]), 4
        ),
    }
    LOG.info("%s", json.dumps(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
