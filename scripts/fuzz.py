#!/usr/bin/env python3
"""Run the fuzz cases of ``tests/fuzzing.py`` at a large count and write the figures:

    python scripts/fuzz.py --cases 10000 --out benchmarks/fuzz.json
    python scripts/fuzz.py --summary benchmarks/fuzz.json   # the README's sentence

Each case runs ``mtclean clean`` and ``mtclean detect`` in-process (typer's runner: the
Cleaner's tables load once); every ``--subprocess-every``-th case runs them as processes too,
for the real exit codes and stderr. The figures: cases tried, cases handled (every check
passed), tracebacks, documents lost (put in, then found in no output and no reject).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
import fuzzing  # noqa: E402 (the shared generator lives with the tests)


def readme_sentence(report: dict[str, object]) -> str:
    """How the README's Reliability section states the figures (checked by a test)."""
    return (
        f"{report['cases']:,} generated cases ({report['subprocess_cases']:,} of them also run as "
        f"processes): {report['handled']:,} handled, {report['tracebacks']:,} tracebacks, "
        f"{report['documents_lost']:,} documents lost"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--subprocess-every", type=int, default=50, metavar="K")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--summary", type=Path, help="print the README sentence of a report")
    args = parser.parse_args()
    if args.summary:
        print(readme_sentence(json.loads(args.summary.read_text("utf-8"))))
        return
    logging.getLogger("mtclean").setLevel(logging.ERROR)
    outcomes = []
    processes = 0
    start = time.perf_counter()
    for seed in range(args.first_seed, args.first_seed + args.cases):
        outcome = fuzzing.run_case(seed)
        if args.subprocess_every and seed % args.subprocess_every == 0:
            processes += 1
            real = fuzzing.run_case(seed, fuzzing.run_subprocess)
            outcome.problems += [f"(as processes) {p}" for p in real.problems]
            outcome.traceback |= real.traceback
            outcome.lost = max(outcome.lost, real.lost)
        outcomes.append(outcome)
        if outcome.problems:
            print(f"seed {seed} ({outcome.case.kind}): {outcome.problems[0][:300]}", flush=True)
        done = seed - args.first_seed + 1
        if done % 500 == 0:
            print(f"{done} cases, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    report = {
        "command": "python scripts/fuzz.py " + " ".join(sys.argv[1:]),
        "first_seed": args.first_seed,
        "subprocess_cases": processes,
        **fuzzing.summarise(outcomes, time.perf_counter() - start),
    }
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, indent=1))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
