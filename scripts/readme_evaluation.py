#!/usr/bin/env python
"""The README's evaluation table, from a report of ``mtclean evaluate``.

    HF_HUB_OFFLINE=1 mtclean evaluate --limit 100 --out reports
    python scripts/readme_evaluation.py reports/report.json   # keep its summary, rewrite README
    python scripts/readme_evaluation.py                       # README from the kept summary

The summary kept is ``benchmarks/evaluation.json``: the report's command, version, seed, total
time and, per part and system, the span counts and scores the table shows (the whole report,
with every document's numbers, is too big to keep in git). ``tests/test_readme.py`` checks that
the README block is this script's rendering of that file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from mtclean.evaluation.readme_blocks import ReadmeBlock
from mtclean.evaluation.report import readme_summary
from mtclean.paths import REPO

KEPT = REPO / "benchmarks" / "evaluation.json"
README = REPO / "README.md"
BLOCK = ReadmeBlock(
    "<!-- from benchmarks/evaluation.json (python scripts/readme_evaluation.py) -->",
    "<!-- end of benchmarks/evaluation.json -->",
)
LABEL_KEYS = ("tp", "fp", "fn", "precision", "recall", "f1", "predicted")


def kept_summary(report: dict[str, Any]) -> dict[str, Any]:
    """What the table needs from a report, nothing else."""
    parts: dict[str, Any] = {}
    for name, part in report["parts"].items():
        systems: dict[str, Any] = {}
        for system, record in part["systems"].items():
            if part["kind"] == "gold":
                labels = {
                    label: {k: v for k, v in scores.items() if k in LABEL_KEYS}
                    for label, scores in record["labels"].items()
                }
                systems[system] = {"labels": labels}
            else:
                systems[system] = {
                    "false_flags_per_1000_words": record["false_flags_per_1000_words"]
                }
        kept = {"kind": part["kind"], "systems": systems}
        if "gold_spans" in part:
            kept["gold_spans"] = part["gold_spans"]
        parts[name] = kept
    return {
        "command": report["command"],
        "mtclean_version": report["mtclean_version"],
        "seed": report["seed"],
        "timings": {"total": report["timings"]["total"]},
        "parts": parts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "report", type=Path, nargs="?", help="a report.json to keep (default: the kept summary)"
    )
    args = parser.parse_args()
    if args.report is not None:
        summary = kept_summary(json.loads(args.report.read_text("utf-8")))
        KEPT.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"wrote {KEPT}")
    summary = json.loads(KEPT.read_text("utf-8"))
    README.write_text(BLOCK.replace(README.read_text("utf-8"), readme_summary(summary)), "utf-8")
    print(f"rewrote the evaluation table in {README}")


if __name__ == "__main__":
    main()
