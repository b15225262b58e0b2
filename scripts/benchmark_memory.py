#!/usr/bin/env python3
"""Peak memory of ``mtclean detect --no-model`` on a large JSONL.gz, at two input sizes.

The readers stream (line by line through the decompressor), so the peak resident set should
be flat in the input size. This script writes two gzipped JSONL corpora of news-like text (the
seed articles, each repeated with a changing id and numbers; nothing is committed), runs
``mtclean detect FILE --no-model -q -o /dev/null`` on each in a subprocess, and reports the
peak RSS of the largest process (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, measured
per size in its own child so that the sizes do not mix) and the wall time, as JSON.

    python scripts/benchmark_memory.py                    # 50 MB and 200 MB uncompressed
    python scripts/benchmark_memory.py --sizes 20 80 --workers 2 --keep /tmp/corpora
    python scripts/benchmark_memory.py --sizes 50 250 --workers 2 --out benchmarks/memory.json
    python scripts/benchmark_memory.py --readme         # the README block from that JSON

``tests/test_readme.py`` checks that the README block is benchmarks/memory.json's table.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mtclean.evaluation.readme_blocks import ReadmeBlock

REPO = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
RESULT = REPO / "benchmarks" / "memory.json"
README = REPO / "README.md"
BLOCK = ReadmeBlock(
    "<!-- from benchmarks/memory.json (python scripts/benchmark_memory.py --readme) -->",
    "<!-- end of benchmarks/memory.json -->",
)


def _articles() -> list[str]:
    return [p.read_text("utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]


def write_corpus(path: Path, megabytes: int) -> tuple[int, int]:
    """A gzipped JSONL of about ``megabytes`` MB of text; returns (documents, bytes)."""
    articles = _articles()
    target = megabytes * 1_000_000
    written = documents = 0
    with gzip.open(path, "wb", compresslevel=1) as out:
        while written < target:
            text = articles[documents % len(articles)].replace("2022", str(1990 + documents % 40))
            line = (json.dumps({"id": f"doc-{documents}", "text": text}) + "\n").encode()
            out.write(line)
            written += len(line)
            documents += 1
    return documents, written


def _measure(corpus: Path, workers: int, model: bool) -> dict[str, float]:
    """Run detect on ``corpus`` in a child of a fresh Python, so RUSAGE_CHILDREN is its own."""
    mtclean = shutil.which("mtclean", path=str(Path(sys.executable).parent)) or "mtclean"
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "start = time.perf_counter()\n"
        "code = subprocess.call(sys.argv[1:])\n"
        "wall = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'exit': code, 'seconds': wall, 'peak_rss_kib': peak}))\n"
    )
    command = [mtclean, "detect", str(corpus), "-q", "-o", os.devnull]
    command += ["--workers", str(workers), "--model" if model else "--no-model"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", probe, *command], capture_output=True, text=True, env=env,
        check=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout)
    return result


def markdown(result: dict[str, Any]) -> str:
    """The README block: the command, then one row per input size."""
    runs = result["runs"]
    what = "the default Cleaner" if runs[0]["model"] else "`--no-model`"
    lines = [
        f"`{' '.join(result['command'])}` ({result['date']}; `mtclean detect`, {what}, "
        f"{runs[0]['workers']} worker(s), on this shared machine): peak RSS "
        f"{result['peak_rss_ratio_large_to_small']:.2f} times as much at the largest input "
        "as at the smallest.",
        "",
        "| JSONL (MB) | gzipped (MB) | documents | seconds | peak RSS, largest process (MiB) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(
            f"| {run['uncompressed_mb']:,} | {run['compressed_mb']:,} | {run['documents']:,} | "
            f"{run['seconds']:,} | {run['peak_rss_mib']:,} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200], metavar="MB",
                        help="uncompressed sizes of the corpora, in MB (two or more)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the corpora here and keep them")
    parser.add_argument("--model", action="store_true",
                        help="the default Cleaner (the model on), not --no-model")  # fmt: skip
    parser.add_argument("--out", type=Path, help="also write the JSON report to this file")
    parser.add_argument("--readme", action="store_true",
                        help=f"rewrite the README block from {RESULT.name}")  # fmt: skip
    args = parser.parse_args()
    if args.readme:
        result = json.loads(RESULT.read_text("utf-8"))
        README.write_text(BLOCK.replace(README.read_text("utf-8"), markdown(result)), "utf-8")
        return
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    folder = args.keep or Path(tempfile.mkdtemp(prefix="mtclean-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for megabytes in args.sizes:
            corpus = folder / f"corpus-{megabytes}mb.jsonl.gz"
            documents, size = write_corpus(corpus, megabytes)
            measured = _measure(corpus, args.workers, args.model)
            rows.append({
                "uncompressed_mb": round(size / 1e6, 1),
                "compressed_mb": round(corpus.stat().st_size / 1e6, 1),
                "documents": documents,
                "workers": args.workers,
                "model": args.model,
                "exit": measured["exit"],
                "seconds": round(measured["seconds"], 1),
                "mb_per_s": round(size / 1e6 / measured["seconds"], 2),
                "peak_rss_mib": round(measured["peak_rss_kib"] * 1024 / MIB, 1),
            })  # fmt: skip
            print(json.dumps(rows[-1]), file=sys.stderr)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    ratio = rows[-1]["peak_rss_mib"] / rows[0]["peak_rss_mib"]
    report = {
        "command": ["python", "scripts/benchmark_memory.py", *sys.argv[1:]],
        "date": started,
        "note": "peak RSS of the largest process (ru_maxrss of the children), one run each",
        "runs": rows,
        "peak_rss_ratio_large_to_small": round(ratio, 3),
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", "utf-8")


if __name__ == "__main__":
    main()
