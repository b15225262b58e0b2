"""Build the model's training data reproducibly with `datasets` (saved outside the repository).

    python scripts/make_training_data.py --data ../shared/data --out /tmp/mtclean_data

Writes a `datasets` dataset (save_to_disk) of records described in mtclean/model/data.py:
clean BBC articles without `tech` and MLQE-PE post-edits without `test20` (spun afresh each
epoch by scripts/train.py), real MT output aligned with its post-edit, and Apertium round trips
of a sample of both (the slow part: ~400 sentences/s via Spanish, ~120/s via Catalan).
"""

from __future__ import annotations

import argparse
import logging
import random
import time
from pathlib import Path

from mtclean.corpora import read_jsonl
from mtclean.model.data import bbc_records, mlqe_records, roundtrip_records
from mtclean.paths import default_data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--out", type=Path, default=Path("/tmp/mtclean_data"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--bbc-roundtrip", type=int, default=500, help="BBC articles to round-trip")
    parser.add_argument(
        "--mlqe-roundtrip", type=int, default=1000, help="MLQE documents to round-trip"
    )
    parser.add_argument("--no-apertium", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import datasets

    bbc = bbc_records(read_jsonl(args.data / "bbc_news" / "articles.jsonl"))
    mlqe = mlqe_records(read_jsonl(args.data / "mlqe_pe" / "mt_postedit.jsonl"))
    records = bbc + mlqe
    print(f"bbc articles {len(bbc)}, mlqe records {len(mlqe)}")
    if not args.no_apertium:
        rng = random.Random(args.seed)
        mlqe_clean = [r for r in mlqe if r["kind"] == "clean"]
        chosen = rng.sample(bbc, min(args.bbc_roundtrip, len(bbc)))
        chosen += rng.sample(mlqe_clean, min(args.mlqe_roundtrip, len(mlqe_clean)))
        started = time.time()
        trips = roundtrip_records(chosen, args.seed)
        print(f"apertium: {len(trips)} documents in {time.time() - started:.0f}s")
        records += trips
    dataset = datasets.Dataset.from_list(records)
    dataset.save_to_disk(str(args.out))
    counts: dict[tuple[str, str, str], int] = {}
    for r in records:
        key = (r["source"], r["kind"], r["split"])
        counts[key] = counts.get(key, 0) + 1
    for key, n in sorted(counts.items()):
        print(*key, n)
    print(f"saved {len(records)} records to {args.out}")


if __name__ == "__main__":
    main()
