"""Measure the word-level MT damage component (``mt_words``) -> ``benchmarks/mt_words.json``.

    HF_HUB_OFFLINE=1 python scripts/bench_mt_words.py --data ../shared/data [--readme]

Systems: the default Cleaner, and the default Cleaner with ``mt_words`` (as shipped; with its
document gate off; without its table candidates). Parts:

- seeds 002 and 004 against their gold (req ``mt`` spans, per seed and together: span
  precision/recall by :func:`mtclean.evaluation.metrics.match_spans`), and the clean seeds
  000/001 (false flags);
- ``mlqe_real_mt``: MLQE-PE ``test20`` MT documents (``--mlqe-docs``), ``mt`` span P/R/F1;
- ``clean_bbc``: held-out BBC ``tech`` articles (``--bbc-docs``), spun and mt flags per 1,000
  words.

The default Cleaner runs once per document; a variant's spans are the default's plus the
component's own (it reads the same text and its spans carry no replacement, so the resolver
and the normalizer leave them as they are). ``--readme`` rewrites the README's generated block.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtclean import Cleaner, CleanerConfig
from mtclean.detectors.mt_words import MtWordsDetector
from mtclean.evaluation.gold import GoldSpan, load_gold
from mtclean.evaluation.metrics import match_spans
from mtclean.evaluation.parts import (
    load_bbc_tech,
    mlqe_mt_docs,
    read_mlqe_test20,
    read_text,
    real_mt_part,
)
from mtclean.paths import default_data_dir
from mtclean.records import Document, Span
from mtclean.text import count_words

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "mt_words.json"
README = REPO / "README.md"
CARD = REPO / "models" / "MT_WORDS_MODEL_CARD.md"
BEGIN = "<!-- from benchmarks/mt_words.json (python scripts/bench_mt_words.py --readme) -->"
END = "<!-- end of benchmarks/mt_words.json -->"
MT_SEEDS = ("002_451f7cf8bec56172.txt", "004_a8b16bb4524b9f61.txt")
CLEAN_SEEDS = ("000_91c3d4301d021a5a.txt", "001_8eb623820132897e.txt")
VARIANTS: dict[str, dict[str, bool]] = {
    "mt_words": {},
    "mt_words, gate off": {"gate": False},
    "mt_words, no candidates": {"candidates": False},
}


def scores(pairs: Sequence[tuple[Sequence[GoldSpan], Sequence[Span]]]) -> dict[str, Any]:
    tp = fp = fn = 0
    for gold, spans in pairs:
        match = match_spans(gold, spans, "mt")
        tp, fp, fn = (
            tp + len(match.pairs),
            fp + len(match.false_positives),
            fn + len(match.false_negatives),
        )
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(f, 4)}  # fmt: skip


def flags(texts: Sequence[str], spans: Sequence[Sequence[Span]]) -> dict[str, Any]:
    words = sum(count_words(t) for t in texts)
    n = sum(1 for s in spans for x in s if x.label in ("spun", "mt"))
    own = sum(1 for s in spans for x in s if x.source == MtWordsDetector.name)
    return {"words": words, "flags": n, "per_1000_words": round(1000 * n / max(words, 1), 3),
            "mt_words_flags": own}  # fmt: skip


def seed_word_auc(seeds: Path, gold: dict[str, list[GoldSpan]]) -> dict[str, float]:
    """ROC AUC of the component's word probabilities for the words in req ``mt`` gold spans
    against the other words, per MT seed (0.5: no better than chance)."""
    from sklearn.metrics import roc_auc_score

    from mtclean.detectors.mt_words import rule_density, word_features

    detector = MtWordsDetector()
    out: dict[str, float] = {}
    for sid in MT_SEEDS:
        text = read_text(seeds / sid)
        found, rows, _ = word_features(
            text, detector.table, detector.context, detector.index, rule_density(text)
        )
        marks = [(g.start, g.end) for g in gold[sid] if g.label == "mt" and g.severity == "req"]
        labels = [int(any(a < w.end and w.start < b for a, b in marks)) for w in found]
        probabilities = [detector.model.probability(r) for r in rows]
        out[sid[:3]] = round(float(roc_auc_score(labels, probabilities)), 4)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--bbc-docs", type=int, default=100)
    parser.add_argument("--mlqe-docs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--readme", action="store_true", help="only rewrite the README block")
    parser.add_argument(
        "--seed-auc-only", action="store_true", help="only recompute the seeds' word AUC"
    )
    args = parser.parse_args(argv)
    if args.seed_auc_only:
        report = json.loads(args.out.read_text("utf-8"))
        report["seed_word_auc"] = seed_word_auc(
            REPO / "seeds", load_gold(REPO / "seeds" / "gold.jsonl")
        )
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        write_readme(report)
        return 0
    if args.readme:
        write_readme(json.loads(args.out.read_text("utf-8")))
        return 0
    started = time.time()
    seeds = REPO / "seeds"
    gold = load_gold(seeds / "gold.jsonl")
    docs: dict[str, list[tuple[str, str, Sequence[GoldSpan]]]] = {
        "seeds": [(sid, read_text(seeds / sid), gold[sid]) for sid in MT_SEEDS + CLEAN_SEEDS]
    }
    rows = read_mlqe_test20(args.data / "mlqe_pe" / "mt_postedit.jsonl")
    part = real_mt_part(mlqe_mt_docs(rows, args.mlqe_docs, args.seed))
    docs["mlqe_real_mt"] = [(d.id, d.text, d.gold) for d in part.docs]
    bbc = load_bbc_tech(args.data / "bbc_news" / "articles.jsonl", args.bbc_docs)
    docs["clean_bbc"] = [(i, t, ()) for i, t in bbc]

    cleaner = Cleaner(CleanerConfig())
    base = {k: [list(cleaner.detect(Document(t, i))) for i, t, _ in v] for k, v in docs.items()}
    systems: dict[str, dict[str, list[list[Span]]]] = {"default": base}
    for name, kwargs in VARIANTS.items():
        detector = MtWordsDetector(**kwargs)
        systems[f"default + {name}"] = {
            k: [b + list(detector.detect(Document(t, i)).spans)
                for (i, t, _), b in zip(v, base[k], strict=True)]
            for k, v in docs.items()
        }  # fmt: skip
    detector = MtWordsDetector()
    report: dict[str, Any] = {"systems": {}}
    for name, found in systems.items():
        seed_docs = docs["seeds"]
        per_seed = {
            sid[:3]: scores([(g, s)])
            for (sid, _, g), s in zip(seed_docs, found["seeds"], strict=True)
            if sid in MT_SEEDS
        }
        mt_pairs = [
            (g, s)
            for (sid, _, g), s in zip(seed_docs, found["seeds"], strict=True)
            if sid in MT_SEEDS
        ]
        clean_idx = [k for k, (sid, _, _) in enumerate(seed_docs) if sid in CLEAN_SEEDS]
        report["systems"][name] = {
            "seeds_mt": {"002+004": scores(mt_pairs), **per_seed},
            "clean_seeds": flags(
                [seed_docs[k][1] for k in clean_idx], [found["seeds"][k] for k in clean_idx]
            ),
            "mlqe_real_mt": scores(
                [
                    (g, s)
                    for (_, _, g), s in zip(
                        docs["mlqe_real_mt"], found["mlqe_real_mt"], strict=True
                    )
                ]
            ),
            "clean_bbc": flags([t for _, t, _ in docs["clean_bbc"]], found["clean_bbc"]),
        }
    report["seed_word_auc"] = seed_word_auc(seeds, gold)
    report["settings"] = {
        "bbc_docs": len(docs["clean_bbc"]),
        "mlqe_docs": len(docs["mlqe_real_mt"]),
        "seed": args.seed,
        "model": {k: getattr(detector.model, k) for k in ("threshold", "gated_threshold", "gate")},
        "seconds": round(time.time() - started, 1),
        "command": "python scripts/bench_mt_words.py " + " ".join(argv or sys.argv[1:]),
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    write_readme(report)
    print(json.dumps(report["systems"], indent=1))
    return 0


def readme_block(report: dict[str, Any]) -> str:
    s = report["settings"]
    lines = [
        BEGIN,
        f"Seeds 002/004 (req `mt` gold), MLQE-PE `test20` MT ({s['mlqe_docs']} documents) and "
        f"held-out BBC `tech` ({s['bbc_docs']} articles); `python scripts/bench_mt_words.py`:",
        "",
        "| system | seeds mt P / R (002+004) | 002 R | 004 R | mlqe_real_mt P / R / F1 | "
        "clean BBC flags / 1k words | clean seeds flags |",
        "|---|---|---:|---:|---|---:|---:|",
    ]
    for name, r in report["systems"].items():
        both, m = r["seeds_mt"]["002+004"], r["mlqe_real_mt"]
        s2, s4 = r["seeds_mt"]["002"], r["seeds_mt"]["004"]
        lines.append(
            f"| {name} | {both['precision']:.2f} / {both['recall']:.2f} | "
            f"{s2['tp']} of {s2['tp'] + s2['fn']} | {s4['tp']} of {s4['tp'] + s4['fn']} | "
            f"{m['precision']:.2f} / {m['recall']:.2f} / {m['f1']:.2f} | "
            f"{r['clean_bbc']['per_1000_words']:.2f} | {r['clean_seeds']['flags']} |"
        )  # fmt: skip
    auc = report.get("seed_word_auc")
    if auc:
        lines += [
            "",
            "Word-level ROC AUC of the component's probabilities, req `mt` gold words against "
            "the others: " + ", ".join(f"seed {k} {v:.2f}" for k, v in auc.items()) + ".",
        ]
    lines.append(END)
    return "\n".join(lines)


def write_readme(report: dict[str, Any]) -> None:
    """The generated block in the README and in the model card."""
    for path in (README, CARD):
        text = path.read_text("utf-8")
        if BEGIN not in text or END not in text:
            raise SystemExit(f"{path.name} has no block {BEGIN!r} ... {END!r}")
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        path.write_text(head + readme_block(report) + tail, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
