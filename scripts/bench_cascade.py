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

    python scripts/bench_cascade.py --docs 400 --workers 1 --json benchmarks/cascade.json
    python scripts/bench_cascade.py --readme    # README block from benchmarks/cascade.json
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtclean import Cleaner, CleanerConfig
from mtclean.config import DEFAULT_DROP_SCORE
from mtclean.degrade.spinner import default_spinner, held_out_spinner
from mtclean.evaluation.environment import BBC_FILE
from mtclean.evaluation.metrics import evaluate_corpus, false_flags
from mtclean.evaluation.parts import gold_from_degraded, load_bbc_tech
from mtclean.evaluation.readme_blocks import ReadmeBlock
from mtclean.paths import REPO, default_data_dir
from mtclean.records import CleanResult


def roc_auc(negatives: Sequence[float], positives: Sequence[float]) -> float:
    """P(a positive scores above a negative), ties counted half (the Mann-Whitney AUC)."""
    from sklearn.metrics import roc_auc_score

    labels = [0] * len(negatives) + [1] * len(positives)
    return float(roc_auc_score(labels, [*negatives, *positives]))


def run(config: CleanerConfig, texts: Sequence[str], workers: int) -> list[CleanResult]:
    return list(Cleaner(config).pipe(texts, batch_size=16, workers=workers))


RESULT = REPO / "benchmarks" / "cascade.json"
README = REPO / "README.md"
BLOCK = ReadmeBlock(
    "<!-- from benchmarks/cascade.json (python scripts/bench_cascade.py --readme) -->",
    "<!-- end of benchmarks/cascade.json -->",
)


def markdown(result: dict[str, Any]) -> str:
    """The README block: the configurations' table, then the document score's."""
    corpus = result["corpus"]
    lines = [
        f"A mixed corpus of {corpus['documents']} held-out BBC `tech` articles, "
        f"{corpus['spun']} of them spun at {corpus['density']:.0%} "
        f"(`python scripts/bench_cascade.py --docs {corpus['documents']} --workers "
        f"{corpus['workers']}`):",
        "",
        "| configuration | encoder read | spun P | spun R | spun F1 | clean flags / 1k words |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["configurations"]:
        lines.append(
            f"| {row['name']} | {row['encoder_read']:.1%} | {row['precision']:.3f} | "
            f"{row['recall']:.3f} | {row['f1']:.3f} | {row['clean_flags_per_1000']:.2f} |"
        )
    score = result["document_score"]
    lines += [
        "",
        f"The document score (`CleanResult.score`) as a spun-vs-clean classifier, on "
        f"{score['clean_documents']} clean `tech` articles and the same articles spun; keep/drop "
        f"threshold {score['drop_at']} (`mtclean.config.DEFAULT_DROP_SCORE`):",
        "",
        "| spinner | density | ROC AUC | spun dropped |",
        "|---|---:|---:|---:|",
    ]
    for row in score["spun"]:
        lines.append(
            f"| {row['spinner']} | {row['density']:.0%} | {row['auc']:.3f} | {row['dropped']:.1%} |"
        )
    above = "above" if score["seed_003"] > score["clean_highest"] else "not above"
    lines += [
        "",
        f"Clean articles dropped: {score['clean_dropped']:.1%}; the highest clean score is "
        f"{score['clean_highest']:.4f}; seed 003 scores {score['seed_003']:.4f} ({above} every "
        "clean article).",
    ]
    return "\n".join(lines)


def update_readme(result: dict[str, Any], path: Path = README) -> None:
    path.write_text(BLOCK.replace(path.read_text("utf-8"), markdown(result)), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=400, help="BBC tech articles in the mix")
    parser.add_argument("--spun-share", type=float, default=0.1)
    parser.add_argument("--density", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--auc-docs", type=int, default=150)
    parser.add_argument("--drop-at", type=float, default=DEFAULT_DROP_SCORE,
                        help="keep/drop threshold (default: the shipped one)")  # fmt: skip
    parser.add_argument("--json", type=Path, default=None, help="write the result here")
    parser.add_argument(
        "--readme", action="store_true", help=f"rewrite the README block from {RESULT.name}"
    )
    args = parser.parse_args()
    if args.readme:
        update_readme(json.loads(RESULT.read_text("utf-8")))
        return
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
    result: dict[str, Any] = {
        "corpus": {"documents": len(texts), "spun": len(spun_ids), "density": args.density,
                   "kilobytes": round(kilobytes), "workers": args.workers},
        "configurations": [],
    }  # fmt: skip
    configs = {
        "rules only (`--no-model`)": CleanerConfig(model=False),
        "cascade (default)": CleanerConfig(),
        "model on everything": CleanerConfig(model_screen=False),
    }
    for name, config in configs.items():
        results = run(config, texts, args.workers)
        by_id = dict(zip(ids, results, strict=True))
        scores = evaluate_corpus(gold, {i: list(by_id[i].spans) for i in gold}, labels=("spun",))[
            "spun"
        ]
        clean_ids = [i for i in ids if i not in spun_ids]
        flags = false_flags(
            [texts[ids.index(i)] for i in clean_ids], [list(by_id[i].spans) for i in clean_ids]
        )
        read = sum(r.stats.get("model.read", 0) for r in results) / len(results)
        result["configurations"].append(
            {"name": name, "encoder_read": round(read, 4), "precision": round(scores.precision, 4),
             "recall": round(scores.recall, 4), "f1": round(scores.f1, 4),
             "clean_flags_per_1000": round(flags.per_1000_words, 3)}
        )  # fmt: skip
        print(result["configurations"][-1], flush=True)
    cleaner = Cleaner()
    sample = articles[: args.auc_docs]
    clean_sample = [r.score for r in cleaner.pipe([t for _, t in sample], batch_size=16)]
    score: dict[str, Any] = {
        "clean_documents": len(sample),
        "drop_at": args.drop_at,
        "clean_dropped": round(sum(s >= args.drop_at for s in clean_sample) / len(sample), 4),
        "clean_highest": max(clean_sample),
        "spun": [],
    }
    for label, chosen in (("all pairs", spinner), ("held-out pairs", held_out_spinner())):
        for density in (0.05, 0.1, 0.2):
            spun = [
                chosen.spin(t, random.Random(f"auc:{label}:{i}"), density=density).text
                for i, t in sample
            ]
            spun_scores = [r.score for r in cleaner.pipe(spun, batch_size=16)]
            dropped = sum(s >= args.drop_at for s in spun_scores) / len(spun_scores)
            score["spun"].append(
                {"spinner": label, "density": density,
                 "auc": round(roc_auc(clean_sample, spun_scores), 4), "dropped": round(dropped, 4)}
            )  # fmt: skip
    seed = (REPO / "seeds" / "003_b922d01c8accb03d.txt").read_text("utf-8")
    score["seed_003"] = cleaner.clean(seed).score
    result["document_score"] = score
    print(markdown(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
