#!/usr/bin/env python
"""Benchmark source retrieval (mtclean.normalize.alignment.SourceIndex) at corpus scale.

The index holds ``--index`` documents: the clean originals of ``--queries`` held-out BBC
``tech`` articles, and distractors made of random sentences of the other BBC articles (12 per
document, so they share the corpus's names and vocabulary). Each query is an original spun at
20% by the held-out spinner. Reported: index build time and memory, the share of queries whose
source is retrieved, the share of queries the alignment restores to the original
text exactly, and milliseconds per query
for the LSH look-up alone and for the whole find (look-up plus alignment of the candidates).

    python scripts/bench_sources.py --data ../shared/data --index 100000 --queries 60
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from train_normalizer import articles  # noqa: E402

from mtclean.degrade.spinner import held_out_spinner  # noqa: E402
from mtclean.normalize.alignment import SourceIndex  # noqa: E402
from mtclean.text import sentences  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--index", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    path = args.data / "bbc_news" / "articles.jsonl"
    sources = articles(path, True, args.queries)
    pool = [s.text for _, t in articles(path, False, 10_000) for s in sentences(t)]
    rng = random.Random(args.seed)
    index = SourceIndex()
    started = time.time()
    for doc_id, text in sources:
        index.add(doc_id, text)
    for i in range(args.index - len(sources)):
        index.add(f"distractor-{i}", " ".join(rng.sample(pool, 12)))
    built = time.time() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    spinner = held_out_spinner()
    texts = dict(sources)
    retrieved = exact = candidates = 0
    lookup = find = 0.0
    for doc_id, text in sources:
        degraded = spinner.spin(text, random.Random(f"bench_sources:{doc_id}"), density=0.2)
        t0 = time.perf_counter()
        candidates += len(index.candidates(degraded.text))
        t1 = time.perf_counter()
        found = index.find(degraded.text)
        t2 = time.perf_counter()
        lookup += t1 - t0
        find += t2 - t1
        if found is None or found.source_id not in texts or texts[found.source_id] != text:
            continue
        retrieved += 1
        restored = degraded.text
        for stretch in sorted(found.stretches, key=lambda s: -s.start):
            restored = restored[: stretch.start] + stretch.replacement + restored[stretch.end :]
        exact += int(restored == text)
    n = len(sources)
    report = {
        "command": "python scripts/bench_sources.py " + " ".join(sys.argv[1:]),
        "index_documents": len(index),
        "index_build_s": round(built, 1),
        "index_build_ms_per_document": round(1000 * built / len(index), 2),
        "peak_rss_mb": round(rss_mb),
        "queries": n,
        "retrieved": round(retrieved / n, 4),
        "documents_restored_exactly": round(exact / n, 4),
        "lsh_candidates_per_query": round(candidates / n, 2),
        "lookup_ms_per_query": round(1000 * lookup / n, 2),
        "find_ms_per_query": round(1000 * find / n, 2),
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
