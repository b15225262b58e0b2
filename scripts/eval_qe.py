"""Measure the MT quality estimator and the ``qe`` detector into ``benchmarks/qe.json``.

    HF_HUB_OFFLINE=1 python scripts/eval_qe.py --data ../shared/data --out benchmarks/qe.json

1. Sentences: Pearson and Spearman of the estimate with HTER on MLQE-PE ``test20`` (held out),
   per language pair and overall; precision/recall at flagging sentences with HTER >= 0.3 at
   the shipped threshold (and, for reference, at an estimate >= 0.3).
2. Documents: the document MT score (``CleanResult.mt_score``, :mod:`mtclean.mt_score`) as a
   classifier of MLQE ``test20`` pseudo-documents (:data:`DOC_SENTENCES` consecutive sentences
   per language pair, about a BBC article's length) against held-out BBC ``tech`` articles,
   and against the same documents' post-edits: ROC AUC, and the share each set loses at the
   shipped keep/drop threshold.
3. Spans: seeds 002/004 (``seeds/gold.jsonl``, req ``mt`` spans) and ``mlqe_real_mt`` (the
   ``mtclean evaluate`` part, ``--mlqe-docs`` documents in its seed-0 order): span P/R/F1 of
   the ``mt`` label with and without the ``qe`` detector, for the default Cleaner and the
   rules (``model=False``).
4. Clean text: ``qe`` flags per 1,000 words on BBC ``tech`` and the clean seed bodies 000/001.
5. Speed: words/s of the ``qe`` detector alone and of the default Cleaner with and without it.

Sentence embeddings are cached per sentence in ``--cache`` (speed is measured without it).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mtclean import Cleaner, CleanerConfig
from mtclean.corpora import detokenize
from mtclean.detectors.qe import estimate_documents
from mtclean.evaluation.gold import load_gold, restore
from mtclean.evaluation.metrics import evaluate_corpus, false_flags
from mtclean.evaluation.parts import load_bbc_tech, mlqe_mt_docs, read_mlqe_test20, real_mt_part
from mtclean.paths import default_data_dir, model_dir, seeds_dir
from mtclean.quality import Embedder, QualityModel, load_quality_model
from mtclean.records import Span
from mtclean.text import count_words

LOG = logging.getLogger("eval_qe")
REPO = Path(__file__).resolve().parents[1]
DAMAGED_HTER = 0.3
MT_SEEDS = ("002", "004")
CLEAN_SEEDS = ("000", "001")
DOC_SENTENCES = 20  # sentences per MLQE pseudo-document (a BBC tech article has ~20)
SEP = "\n"


def pseudo_documents(rows: list[dict[str, Any]], size: int, field: str) -> list[tuple[str, str]]:
    """(language pair, text): ``size`` consecutive detokenised sentences per language pair
    (in file order), one per line; a short remainder is dropped."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        groups.setdefault(str(row["lp"]), []).append(detokenize(str(row[field])))
    out: list[tuple[str, str]] = []
    for lp, texts in sorted(groups.items()):
        for begin in range(0, len(texts) - size + 1, size):
            out.append((lp, SEP.join(texts[begin : begin + size])))
    return out


class CachedEmbedder(Embedder):
    """The backbone's embeddings, remembered per sentence on disk (evaluation only)."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner, self.path = inner, path
        self.dim = inner.dim
        self.known: dict[str, np.ndarray] = {}
        if path.is_file():
            data = np.load(path, allow_pickle=False)
            self.known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def embed(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        missing = sorted({s for s in sentences if s not in self.known})
        if missing:
            for text, vector in zip(missing, self.inner.embed(missing), strict=True):
                self.known[text] = vector
            self.save()
        return np.stack([self.known[s] for s in sentences]) if sentences else np.zeros((0, 384))

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(self.known)
        vectors = np.stack([self.known[t] for t in texts])
        np.savez(self.path, texts=np.asarray(texts), vectors=vectors)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    return round(float(np.corrcoef(a, b)[0, 1]), 4)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return round(float(spearmanr(a, b).statistic), 4)


def flag_scores(predicted: np.ndarray, hter: np.ndarray, threshold: float) -> dict[str, Any]:
    damaged = hter >= DAMAGED_HTER
    flagged = predicted >= threshold
    tp = int((damaged & flagged).sum())
    precision = tp / max(int(flagged.sum()), 1)
    recall = tp / max(int(damaged.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": threshold,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "flagged": int(flagged.sum()),
        "damaged": int(damaged.sum()),
        "sentences": len(hter),
    }


def sentence_level(model: QualityModel, rows: list[dict[str, Any]]) -> dict[str, Any]:
    texts = [detokenize(str(r["mt"])) for r in rows]
    hter = np.asarray([float(r["hter"]) for r in rows])
    predicted = np.asarray(model.predict(texts))
    lps = np.asarray([str(r["lp"]) for r in rows])
    out: dict[str, Any] = {"per_lp": {}}
    for lp in sorted(set(lps.tolist())):
        mask = lps == lp
        out["per_lp"][lp] = {
            "pearson": pearson(predicted[mask], hter[mask]),
            "spearman": spearman(predicted[mask], hter[mask]),
            "sentences": int(mask.sum()),
            "mean_hter": round(float(hter[mask].mean()), 4),
            "at_threshold": flag_scores(predicted[mask], hter[mask], model.threshold),
        }
    out["overall"] = {
        "pearson": pearson(predicted, hter),
        "spearman": spearman(predicted, hter),
        "sentences": len(rows),
        "mean_hter": round(float(hter.mean()), 4),
    }
    out["at_threshold"] = flag_scores(predicted, hter, model.threshold)
    out["at_estimate_0.3"] = flag_scores(predicted, hter, DAMAGED_HTER)
    return out


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    from sklearn.metrics import roc_auc_score

    labels = [1] * len(positives) + [0] * len(negatives)
    return round(float(roc_auc_score(labels, [*positives, *negatives])), 4)


def mt_scores(cleaner: Cleaner, texts: Sequence[str]) -> list[float]:
    results = list(cleaner.pipe(texts, batch_size=32))
    return [float(r.mt_score) for r in results if r.mt_score is not None]


def mt_spans_scores(
    docs: Sequence[tuple[str, str, Sequence[Any]]], predicted: dict[str, Sequence[Span]]
) -> dict[str, Any]:
    gold = {doc_id: list(spans) for doc_id, _, spans in docs}
    texts = {doc_id: text for doc_id, text, _ in docs}
    scores = evaluate_corpus(gold, predicted, labels=("mt",), texts=texts)["mt"]
    c = scores.counts
    return {
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
        "tp": c.tp,
        "fp": c.fp,
        "fn": c.fn,
    }


def run_spans(
    configs: dict[str, CleanerConfig], docs: Sequence[tuple[str, str, Sequence[Any]]]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, config in configs.items():
        cleaner = Cleaner(config)
        predicted = {doc_id: cleaner.detect(text) for doc_id, text, _ in docs}
        out[name] = mt_spans_scores(docs, predicted)
        out[name]["qe_spans"] = sum(
            1 for spans in predicted.values() for s in spans if s.source == "qe"
        )
        LOG.info("%s: %s", name, out[name])
    return out


def span_configs() -> dict[str, CleanerConfig]:
    return {
        "default": CleanerConfig(),
        "default+qe": CleanerConfig(qe=True),
        "rules": CleanerConfig(model=False),
        "rules+qe": CleanerConfig(model=False, qe=True),
    }


def document_level(
    model: QualityModel, qe_only: Cleaner, test20: list[dict[str, Any]], bbc_texts: list[str]
) -> dict[str, Any]:
    """The document MT score (``CleanResult.mt_score``) on ``test20`` pseudo-documents (MT
    output and, apart, their post-edits) against BBC ``tech``: AUC, and what the shipped
    keep/drop threshold drops; each document feature alone, for reference."""
    from mtclean.mt_score import DOCUMENT_FEATURES, load_document_model

    threshold = load_document_model(model_dir().resolve()).drop_threshold
    mt_docs = pseudo_documents(test20, DOC_SENTENCES, "mt")
    pe_docs = pseudo_documents(test20, DOC_SENTENCES, "pe")
    texts = {
        "mlqe_test20_mt": [t for _, t in mt_docs],
        "mlqe_test20_postedits": [t for _, t in pe_docs],
        "bbc_tech": bbc_texts,
    }
    scores = {name: mt_scores(qe_only, docs) for name, docs in texts.items()}
    mt, pe, bbc = scores["mlqe_test20_mt"], scores["mlqe_test20_postedits"], scores["bbc_tech"]
    features = {
        name: np.asarray([d.features for d in estimate_documents(model, docs)])
        for name, docs in texts.items()
    }
    return {
        "doc_sentences": DOC_SENTENCES,
        "grouping": "consecutive test20 sentences per language pair, file order, one per line",
        "auc_mlqe_test20_mt_vs_bbc_tech": auc(mt, bbc),
        "auc_mlqe_test20_mt_vs_postedits": auc(mt, pe),
        "auc_mlqe_test20_postedits_vs_bbc_tech": auc(pe, bbc),
        "documents": {name: len(v) for name, v in scores.items()},
        "mean_mt_score": {name: round(float(np.mean(v)), 4) for name, v in scores.items()},
        "drop_threshold": threshold,
        "dropped_share": {
            name: round(float(np.mean(np.asarray(v) >= threshold)), 4) for name, v in scores.items()
        },
        "per_lp_auc_vs_bbc_tech": {
            lp: auc([s for s, (l2, _) in zip(mt, mt_docs, strict=True) if l2 == lp], bbc)
            for lp in sorted({lp for lp, _ in mt_docs})
        },
        "single_feature_auc_mt_vs_bbc_tech": {
            name: auc(
                features["mlqe_test20_mt"][:, i].tolist(), features["bbc_tech"][:, i].tolist()
            )
            for i, name in enumerate(DOCUMENT_FEATURES)
        },
    }


def words_per_second(cleaner: Cleaner, texts: Sequence[str]) -> float:
    words = sum(count_words(t) for t in texts)
    begin = time.perf_counter()
    for _ in cleaner.pipe(texts, batch_size=32):
        pass
    return round(words / (time.perf_counter() - begin), 1)


def summary(report: dict[str, Any]) -> list[str]:
    """The README's lines: the benchmark's main figures, read from its JSON."""
    sent = report["sentences_test20"]
    lines = ["test20 sentences  pearson spearman"]
    for lp, row in sent["per_lp"].items():
        lines.append(f"  {lp:15s} {row['pearson']:7.3f} {row['spearman']:8.3f}")
    lines.append(f"  {'all':15s} {sent['overall']['pearson']:7.3f} "
                 f"{sent['overall']['spearman']:8.3f}")  # fmt: skip
    flag = sent["at_threshold"]
    lines.append(
        f"flag hter>=0.3 at estimate>={flag['threshold']}: precision {flag['precision']:.3f} "
        f"recall {flag['recall']:.3f}"
    )
    docs = report["documents"]
    lines.append(
        f"document mt_score AUC ({docs['doc_sentences']}-sentence test20 documents): vs BBC tech "
        f"{docs['auc_mlqe_test20_mt_vs_bbc_tech']:.3f}, vs their post-edits "
        f"{docs['auc_mlqe_test20_mt_vs_postedits']:.3f}"
    )
    dropped = docs["dropped_share"]
    lines.append(
        f"dropped at mt_score>={docs['drop_threshold']}: "
        f"test20 MT {dropped['mlqe_test20_mt']:.3f}, "
        f"post-edits {dropped['mlqe_test20_postedits']:.3f}, BBC tech {dropped['bbc_tech']:.3f}"
    )
    clean = report["clean"]
    lines.append(
        f"clean flags per 1,000 words: BBC tech {clean['bbc_tech']['flags_per_1000_words']:.2f}, "
        f"seed bodies 000/001 {clean['clean_seed_bodies']['flags_per_1000_words']:.2f}"
    )
    for part in ("seeds_002_004", "mlqe_real_mt"):
        for system in ("default", "default+qe", "rules", "rules+qe"):
            row = report[part][system]
            lines.append(
                f"{part} mt {system:10s} P {row['precision']:.3f} R {row['recall']:.3f} "
                f"F1 {row['f1']:.3f}"
            )
    speed = report["speed"]
    lines.append(
        f"words/s: qe alone {speed['qe_alone_words_per_s']:.0f}, default "
        f"{speed['default_words_per_s']:.0f}, default+qe {speed['default_qe_words_per_s']:.0f}"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--summary", type=Path, help="print the main figures of this JSON")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "qe.json")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/mtclean_qe_cache/eval.npz"))
    parser.add_argument("--bbc-docs", type=int, default=150, help="BBC tech articles")
    parser.add_argument("--mlqe-docs", type=int, default=100, help="mlqe_real_mt documents")
    parser.add_argument("--speed-docs", type=int, default=20, help="BBC tech articles timed")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    if args.summary is not None:
        print("\n".join(summary(json.loads(args.summary.read_text("utf-8")))))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    import torch

    torch.set_num_threads(args.threads)
    directory = model_dir().resolve()
    model = load_quality_model(directory)
    assert model.embedder is None or isinstance(model.embedder, Embedder)
    if model.embedder is not None:  # the cache stands in for the encoder (same vectors)
        object.__setattr__(model, "embedder", CachedEmbedder(model.embedder, args.cache))
    report: dict[str, Any] = {
        "command": "python scripts/eval_qe.py " + " ".join(argv or sys.argv[1:]),
        "model": {k: model.meta[k] for k in ("model", "embedding", "threshold")},
    }

    test20 = read_mlqe_test20(args.data / "mlqe_pe" / "mt_postedit.jsonl")
    report["sentences_test20"] = sentence_level(model, test20)
    LOG.info("test20: %s", report["sentences_test20"]["overall"])

    qe_only = Cleaner(
        CleanerConfig(boilerplate=False, punctuation=False, lexicon=False, model=False, qe=True,
                      normalizer=False)
    )  # fmt: skip
    bbc = load_bbc_tech(args.data / "bbc_news" / "articles.jsonl", args.bbc_docs)
    bbc_texts = [text for _, text in bbc]
    bbc_results = list(qe_only.pipe(bbc_texts, batch_size=32))
    report["documents"] = document_level(model, qe_only, test20, bbc_texts)
    LOG.info("documents: %s", report["documents"])

    # clean text: qe flags per 1,000 words (one flagged sentence = one false flag)
    seeds = seeds_dir()
    gold = load_gold(seeds / "gold.jsonl")
    bodies = []
    for doc_id, spans in gold.items():
        if doc_id.startswith(CLEAN_SEEDS):
            text = (seeds / doc_id).read_text("utf-8")
            bodies.append(restore(text, [s for s in spans if s.label == "boilerplate"]))
    body_results = list(qe_only.pipe(bodies))
    bbc_flags = false_flags(bbc_texts, [r.spans for r in bbc_results], labels=("mt",))
    body_flags = false_flags(bodies, [r.spans for r in body_results], labels=("mt",))
    flagged_words = sum(
        count_words(t[s.start : s.end])
        for t, r in zip(bbc_texts, bbc_results, strict=True)
        for s in r.spans
    )
    report["clean"] = {
        "bbc_tech": {
            "flags": bbc_flags.flags,
            "words": bbc_flags.words,
            "flags_per_1000_words": round(bbc_flags.per_1000_words, 3),
            "flagged_words_share": round(flagged_words / max(bbc_flags.words, 1), 5),
        },
        "clean_seed_bodies": {
            "flags": body_flags.flags,
            "words": body_flags.words,
            "flags_per_1000_words": round(body_flags.per_1000_words, 3),
        },
        "unit": "a flagged sentence is one false flag (as mtclean evaluate counts spans)",
    }
    LOG.info("clean: %s", report["clean"])

    # spans: seeds 002/004 and mlqe_real_mt, with and without qe
    seed_docs = [
        (doc_id, (seeds / doc_id).read_text("utf-8"), spans)
        for doc_id, spans in gold.items()
        if doc_id.startswith(MT_SEEDS)
    ]
    report["seeds_002_004"] = run_spans(span_configs(), seed_docs)
    part = real_mt_part(mlqe_mt_docs(test20, args.mlqe_docs, 0))
    report["mlqe_real_mt"] = {
        "documents": len(part.docs),
        **run_spans(span_configs(), [(d.id, d.text, d.gold) for d in part.docs]),
    }

    # speed (no embedding cache): words/s on BBC tech articles
    object.__setattr__(model, "embedder", model.embedder.inner if model.embedder else None)
    timed = bbc_texts[: args.speed_docs]
    report["speed"] = {
        "articles": len(timed),
        "words": sum(count_words(t) for t in timed),
        "threads": args.threads,
        "qe_alone_words_per_s": words_per_second(qe_only, timed),
        "default_words_per_s": words_per_second(Cleaner(CleanerConfig()), timed),
        "default_qe_words_per_s": words_per_second(Cleaner(CleanerConfig(qe=True)), timed),
        "rules_words_per_s": words_per_second(Cleaner(CleanerConfig(model=False)), timed),
        "note": "one process, the machine shared with other jobs",
    }
    LOG.info("speed: %s", report["speed"])

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    LOG.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
