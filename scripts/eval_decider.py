"""The model detector alone, its words decided by the document policy only and by the decider
(``models/decider.json``), on held-out text: writes ``benchmarks/decider.json``.

    python scripts/eval_decider.py --docs 40 --out benchmarks/decider.json

Held-out: the first ``--docs`` BBC ``tech`` articles spun at 20% by the news spinner and by the
held-out pairs only, clean (false flags per 1,000 words), seed 003 (spun gold; labels forced
to ``spun``) and the bodies of the clean seeds 000/001. The encoder reads every document (no
screen), so only the decision step differs between the rows. ``--thresholds`` adds rows with
the decider at other thresholds (to see the trade-off; the shipped one is chosen on dev text
by scripts/train_decider.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import time
from pathlib import Path
from typing import Any

from mtclean.degrade.spinner import default_spinner, held_out_spinner
from mtclean.detectors.model import ModelDetector
from mtclean.evaluation.environment import BBC_FILE
from mtclean.evaluation.gold import load_gold
from mtclean.evaluation.metrics import evaluate_corpus, false_flags
from mtclean.evaluation.parts import SEED_ROLES, gold_from_degraded, load_bbc_tech
from mtclean.paths import REPO, default_data_dir
from mtclean.records import Span

SEEDS = REPO / "seeds"


def prf(gold: Any, pred: Any) -> dict[str, float | int]:
    s = evaluate_corpus(gold, pred, labels=("spun",))["spun"]
    return {"p": round(s.precision, 3), "r": round(s.recall, 3), "f1": round(s.f1, 3),
            "tp": s.counts.tp, "fp": s.counts.fp}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--thresholds", type=float, nargs="*", default=[])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "decider.json")
    args = parser.parse_args()
    detector = ModelDetector(screen=False)
    shipped = detector.decider
    if shipped is None:
        raise SystemExit("the model has no decider.json: nothing to compare")
    tech = load_bbc_tech(args.data / BBC_FILE, args.docs)
    gold = load_gold(SEEDS / "gold.jsonl")
    seeds = {name: (SEEDS / name).read_text("utf-8") for name in gold}
    parts = {}
    for name, spinner in (("bbc_spin_20", default_spinner()),
                          ("bbc_spin_heldout", held_out_spinner())):  # fmt: skip
        spun = {i: spinner.spin(t, random.Random(f"decider:{name}:{i}"), density=0.2)
                for i, t in tech}  # fmt: skip
        parts[name] = ({i: d.text for i, d in spun.items()},
                       {i: gold_from_degraded(d.spans) for i, d in spun.items()})  # fmt: skip
    variants: list[tuple[str, Any]] = [("policy", None), ("decider", shipped)]
    variants += [
        (f"decider@{t}", dataclasses.replace(shipped, threshold=t)) for t in args.thresholds
    ]
    report: dict[str, Any] = {"docs": args.docs, "decider_threshold": shipped.threshold}
    for name, chosen in variants:
        detector.decider = chosen
        started = time.time()
        row: dict[str, Any] = {}
        for part, (texts, part_gold) in parts.items():
            row[part] = prf(
                part_gold, dict(zip(texts, detector.spans_for(list(texts.values())), strict=True))
            )
        degraded = SEED_ROLES.degraded
        found = [Span(s.start, s.end, "spun", s.score, s.source)
                 for s in detector.spans_for([seeds[degraded]])[0]]  # fmt: skip
        row["seed_003"] = prf({degraded: gold[degraded]}, {degraded: found})
        clean = [t for _, t in tech]
        row["clean_bbc_tech_per_1000"] = round(
            false_flags(clean, detector.spans_for(clean)).per_1000_words, 2
        )
        body_flags = []
        for sibling in SEED_ROLES.siblings:
            boiler = [(g.start, g.end) for g in gold[sibling] if g.label == "boilerplate"]
            spans = detector.spans_for([seeds[sibling]])[0]
            body_flags += [seeds[sibling][s.start : s.end] for s in spans
                           if not any(s.start < e and b < s.end for b, e in boiler)]  # fmt: skip
        row["clean_seed_body_flags"] = body_flags
        row["seconds"] = round(time.time() - started, 1)
        report[name] = row
        print(name, json.dumps(row))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
