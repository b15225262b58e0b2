#!/usr/bin/env python3
"""What the model's cascade finds against model-on-everything, and the document spin score.

A mixed corpus from held-out text: BBC ``tech`` articles, 90% left clean and 10% spun by the
evaluation's news spinner (``mtclean.degrade.spinner.default_spinner``) at 20% of words (the
spun share and density are options). For each configuration: spun span precision / recall /
F1 on the spun documents (``mtclean.evaluation.metrics``), false flags per 1,000 words of the
clean ones, and the share of documents the encoder read. (Throughput and memory of the same
configurations, through the command line: ``scripts/benchmark.py``.)

Then the document score (``CleanResult.score``) of the default Cleaner as a spun-vs-clean
classifier: ROC AUC on clean tech articles against the same articles spun at 5%, 10% and 20%,
with the full spinner and with the held-out pairs only, the clean articles' highest score, the
keep/drop threshold ``--drop-at`` with what it keeps and drops, and seed 003's score.

    python scripts/bench_cascade.py --docs 400 --workers 2
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence

from mtclean import Cleaner, CleanerConfig
from mtclean.degrade.spinner import default_spinner, held_out_spinner
from mtclean.evaluation.environment import BBC_FILE
from mtclean.evaluation.metrics import evaluate_corpus, false_flags
from mtclean.evaluation.parts import gold_from_degraded, load_bbc_tech
from mtclean.paths import REPO, default_data_dir
from mtclean.records import CleanResult


def roc_auc(negatives: Sequence[float], positives: Sequence[float]) -> float:
    """P(a positive scores above a negative), ties counted half (the Mann-Whitney AUC)."""
    from sklearn.metrics import roc_auc_score

    labels = [0] * len(negatives) + [1] * len(positives)
    return float(roc_auc_score(labels, [*negatives, *positives]))


def run(config: CleanerConfig, texts: Sequence[str], workers: int) -> list[CleanResult]:
    return list(Cleaner(config).pipe(texts, batch_size=16, workers=workers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=400, help="BBC tech articles in the mix")
    parser.add_argument("--spun-share", type=float, default=0.1)
    parser.add_argument("--density", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--auc-docs", type=int, default=150)
    parser.add_argument("--drop-at", type=float, default=0.1, help="keep/drop threshold")
    args = parser.parse_args()
    data = default_data_dir()
    articles = load_bbc_tech(data / BBC_FILE, args.docs)
    spinner = default_spinner()
    rng = random.Random(17)
    spun_ids = set(rng.sample([i for i, _ in articles], int(args.spun_share * len(articles))))
    texts: list[str] = []
    gold = {}
    for doc_id, text in articles:
        if doc_id in spun_ids:
            degraded = spinner.spin(text, random.Random(f"mix:{doc_id}"), density=args.density)
            gold[doc_id] = gold_from_degraded(degraded.spans)
            texts.append(degraded.text)
        else:
            texts.append(text)
    ids = [doc_id for doc_id, _ in articles]
    kilobytes = sum(len(t.encode("utf-8")) for t in texts) / 1000
    print(f"Mixed corpus: {len(texts)} BBC tech articles ({kilobytes:,.0f} KB), "
          f"{len(spun_ids)} spun at {args.density:.0%}; {args.workers} worker(s)\n")  # fmt: skip
    print("| configuration | encoder read | spun P | spun R | spun F1 | clean flags / 1k words |")
    print("|---|---:|---:|---:|---:|---:|")
    configs = {
        "rules only (model off)": CleanerConfig(model=False),
        "cascade (default)": CleanerConfig(),
        "model on everything": CleanerConfig(model_screen=False),
    }
    default_results: list[CleanResult] = []
    for name, config in configs.items():
        results = run(config, texts, args.workers)
        if name == "cascade (default)":
            default_results = results
        by_id = dict(zip(ids, results, strict=True))
        scores = evaluate_corpus(gold, {i: list(by_id[i].spans) for i in gold}, labels=("spun",))[
            "spun"
        ]
        clean_ids = [i for i in ids if i not in spun_ids]
        flags = false_flags(
            [texts[ids.index(i)] for i in clean_ids], [list(by_id[i].spans) for i in clean_ids]
        )
        read = sum(r.stats.get("model.read", 0) for r in results) / len(results)
        print(f"| {name} | {read:.1%} | {scores.precision:.3f} | {scores.recall:.3f} | "
              f"{scores.f1:.3f} | {flags.per_1000_words:.2f} |")  # fmt: skip
    clean_scores = [r.score for i, r in zip(ids, default_results, strict=True) if i not in spun_ids]
    print(f"\nDocument score (default Cleaner), {args.auc_docs} clean tech articles: highest "
          f"{max(clean_scores):.4f}")  # fmt: skip
    cleaner = Cleaner()
    sample = articles[: args.auc_docs]
    clean_sample = [r.score for r in cleaner.pipe([t for _, t in sample], batch_size=16)]
    print("\n| spinner | density | AUC | spun kept at drop-at | clean dropped at drop-at |")
    print("|---|---:|---:|---:|---:|")
    dropped_clean = sum(s >= args.drop_at for s in clean_sample) / len(clean_sample)
    for label, chosen in (("all pairs", spinner), ("held-out pairs", held_out_spinner())):
        for density in (0.05, 0.1, 0.2):
            spun = [
                chosen.spin(t, random.Random(f"auc:{label}:{i}"), density=density).text
                for i, t in sample
            ]
            spun_scores = [r.score for r in cleaner.pipe(spun, batch_size=16)]
            kept = sum(s < args.drop_at for s in spun_scores) / len(spun_scores)
            print(f"| {label} | {density:.0%} | {roc_auc(clean_sample, spun_scores):.3f} | "
                  f"{kept:.1%} | {dropped_clean:.1%} |")  # fmt: skip
    seed = (REPO / "seeds" / "003_b922d01c8accb03d.txt").read_text("utf-8")
    print(f"\nSeed 003 document score: {cleaner.clean(seed).score:.4f} "
          f"(clean tech maximum {max(clean_sample):.4f})")  # fmt: skip


if __name__ == "__main__":
    main()
