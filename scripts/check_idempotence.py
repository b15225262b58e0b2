#!/usr/bin/env python3
"""How many random mixes change on a second clean: ``clean(clean(x)).text != clean(x).text``.

The mixes are those of ``tests/test_idempotence.py`` (seed paragraphs and the clean texts of
the case data, spin, MT damage, injected and glued boilerplate; ``mtclean.degrade.mixes``), so
this is the property test at a larger count:

    python scripts/check_idempotence.py --docs 10000 --out benchmarks/idempotence.json
    python scripts/check_idempotence.py --docs 100 --model
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from mtclean import Cleaner, CleanerConfig
from mtclean.degrade.mixes import degraded_mix
from mtclean.paths import REPO

sys.path.insert(0, str(REPO / "tests"))
from test_idempotence import BOILERPLATE_LINES, paragraphs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--model", action="store_true", help="the default Cleaner, model on")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    cleaner = Cleaner(CleanerConfig(model=args.model))
    pool = paragraphs()
    changed: list[int] = []
    start = time.perf_counter()
    for seed in range(args.first_seed, args.first_seed + args.docs):
        text = degraded_mix(pool, BOILERPLATE_LINES, seed)
        once = cleaner.clean(text).text
        if cleaner.clean(once).text != once:
            changed.append(seed)
    report = {
        "command": "python scripts/check_idempotence.py " + " ".join(sys.argv[1:]),
        "model": args.model,
        "documents": args.docs,
        "changed_on_a_second_clean": len(changed),
        "seeds_changed": changed[:100],
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(report, indent=1))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
