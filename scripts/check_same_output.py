#!/usr/bin/env python3
"""Guard for speed work: ``mtclean clean`` (the default cascade, model on) must write the same
bytes before and after a change.

A fixed corpus: the first ``--docs`` held-out BBC ``tech`` articles (``$MTCLEAN_DATA``, default
``../shared/data``), every ``1/--spun-share``-th of them spun at 20% by the evaluation's news
spinner (as ``scripts/benchmark.py`` does), and ``--mt-docs`` documents of real MLQE-PE
``test20`` MT output (when the data has them); plus the seeds folder. Runs

    mtclean clean CORPUS.jsonl -o OUT.jsonl --workers 1   (and --workers 2: must match)
    mtclean clean seeds/ -o OUT/
    mtclean detect seeds/ --format jsonl

in subprocesses of this checkout, and either records the outputs (``--record``) or compares
them with the recorded ones byte for byte (the default), printing the first differing line.

    python scripts/check_same_output.py --record --dir /tmp/mtclean-reference   # before
    python scripts/check_same_output.py --dir /tmp/mtclean-reference            # after each change
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from benchmark import build_corpus, load_articles, news_spin  # noqa: E402


def corpus_rows(data: Path, docs: int, spun_share: float, mt_docs: int) -> list[dict[str, str]]:
    rows = [
        {"id": r["id"], "text": r["text"]}
        for r in build_corpus(load_articles(data), docs, spun_share, news_spin(0.2))
    ]
    from mtclean.evaluation.environment import MLQE_FILE
    from mtclean.evaluation.parts import mlqe_mt_docs, read_mlqe_test20

    if mt_docs and (data / MLQE_FILE).is_file():
        for doc in mlqe_mt_docs(read_mlqe_test20(data / MLQE_FILE), mt_docs, 0):
            rows.append({"id": doc.id, "text": doc.mt.text})
    return rows


def mtclean(*args: str) -> float:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "mtclean", *args]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"mtclean {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return time.perf_counter() - started


def produce(out: Path, corpus: Path) -> dict[str, float]:
    """Every output of this checkout in ``out``; seconds per run."""
    out.mkdir(parents=True, exist_ok=True)
    seeds = REPO / "seeds"
    times = {
        "corpus": mtclean("clean", str(corpus), "-o", str(out / "corpus.jsonl"), "-q",
                          "--workers", "1"),
        "corpus_w2": mtclean("clean", str(corpus), "-o", str(out / "corpus_w2.jsonl"), "-q",
                             "--workers", "2"),
        "seeds": mtclean("clean", str(seeds), "-o", str(out / "seeds"), "-q", "--workers", "1"),
        "detect": mtclean("detect", str(seeds), "--format", "jsonl", "-o",
                          str(out / "detect.jsonl"), "-q", "--workers", "1"),
    }  # fmt: skip
    return times


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "times.json"
    }


def first_difference(a: bytes, b: bytes) -> str:
    for n, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False)):
        if x != y:
            k = next(i for i in range(min(len(x), len(y)) + 1) if x[i : i + 1] != y[i : i + 1])
            before, after = x[max(0, k - 80) : k + 120], y[max(0, k - 80) : k + 120]
            return f"line {n + 1}, byte {k}: {before!r}\n  vs {after!r}"
    return f"lengths {len(a)} vs {len(b)}"


def main() -> None:
    from mtclean.paths import default_data_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/mtclean-reference"))
    parser.add_argument("--record", action="store_true", help="write the reference outputs")
    parser.add_argument("--docs", type=int, default=60)
    parser.add_argument("--spun-share", type=float, default=0.25)
    parser.add_argument("--mt-docs", type=int, default=8)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    corpus = args.dir / "corpus.jsonl"
    if args.record:
        data = args.data or default_data_dir()
        rows = corpus_rows(data, args.docs, args.spun_share, args.mt_docs)
        if args.dir.exists():
            shutil.rmtree(args.dir)
        args.dir.mkdir(parents=True)
        with corpus.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
        times = produce(args.dir / "reference", corpus)
        (args.dir / "reference" / "times.json").write_text(json.dumps(times, indent=2))
        print(f"recorded {len(rows)} documents in {args.dir}: {times}")
        return
    reference = files(args.dir / "reference")
    with tempfile.TemporaryDirectory(prefix="mtclean-check-") as folder:
        times = produce(Path(folder), corpus)
        now = files(Path(folder))
    failed = False
    if sorted(now) != sorted(reference):
        print(f"different files: {sorted(set(now) ^ set(reference))}")
        failed = True
    for name in sorted(set(now) & set(reference)):
        if now[name] != reference[name]:
            print(f"DIFFERENT {name}: {first_difference(reference[name], now[name])}")
            failed = True
    if now.get("corpus.jsonl") != now.get("corpus_w2.jsonl"):
        print("DIFFERENT: --workers 2 output differs from --workers 1")
        failed = True
    old = json.loads((args.dir / "reference" / "times.json").read_text())
    print("seconds (reference -> now): " + ", ".join(
        f"{k} {old.get(k, 0):.1f} -> {v:.1f}" for k, v in times.items()))  # fmt: skip
    if failed:
        sys.exit(1)
    print(f"same output: {len(now)} files identical")


if __name__ == "__main__":
    main()
