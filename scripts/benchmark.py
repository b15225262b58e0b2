#!/usr/bin/env python3
"""Throughput and peak memory of ``mtclean clean`` on a fixed mixed corpus, three configurations
at 1 and N workers, in one run.

The corpus: held-out BBC ``tech`` articles (``$MTCLEAN_DATA``, default ``../shared/data``), a
fixed share of them (10% by default, evenly spaced) spun at 20% of words by the evaluation's
news spinner (``mtclean.degrade.spinner.default_spinner``); cycled with new ids when more
documents are asked for than there are articles. The model configurations clean the first
``--docs`` documents, the rules-only one the first ``--rules-docs`` (the same documents and
more: it is about 150 times faster). The default sizes, 256 and 2,048, are whole numbers of
the CLI's 64-document batches per worker (see ``BATCH``).

Configurations: rules only (``--no-model``), the model on everything (the cascade's screen
off: ``CleanerConfig(model_screen=False)``, which the command line has no option for, so the
launcher sets it) and the default cascade; with ``--components``, each rule component alone
too (boilerplate, punctuation, lexicon). Each runs as ``mtclean clean IN.jsonl -o OUT.jsonl
--workers W`` in a fresh subprocess (worker start-up, model loading, reading and writing
included), at 1 worker and at N (default: every usable core, the CLI's default). Measured per
run: wall time, KB/s and documents/s of input text, the speed-up over 1 worker, the peak
resident set of the largest process (``RUSAGE_CHILDREN`` in a small parent process; it covers
the pool workers, which the CLI waits for) and the peak proportional set size (PSS) of the
whole process tree (forked workers share pages: PSS counts each page once), read from
``/proc`` when the tree's summed RSS (sampled every second) reaches a new peak. Each
configuration's start-up (a 1-document run) is measured too.

The machine is shared and has few cores, so absolute numbers are noisy: compare the ratios
within one run. Writes ``--out`` (JSON) and prints the Markdown table; ``--readme`` only
rewrites the README's table from an existing JSON (``tests/test_readme.py`` checks they agree).

    python scripts/benchmark.py                      # about 5-10 minutes on 2 cores
    python scripts/benchmark.py --docs 20 --rules-docs 100 --out /tmp/throughput.json
    python scripts/benchmark.py --readme             # README table from benchmarks/throughput.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "benchmarks" / "throughput.json"
README = REPO / "README.md"
README_MARK = "<!-- table from benchmarks/throughput.json (python scripts/benchmark.py) -->"
MIB = 1024 * 1024
# the CLI's batch (a pool worker cleans 64 documents at a time): the default corpus sizes are
# multiples of 2 x 64, so that 2 workers get as many batches each (a corpus of 200 would be
# batches 64, 64, 64, 8: one worker cleans 128 documents while the other cleans 72, which
# caps the speed-up at 1.56 for a reason that vanishes on a real corpus)
BATCH = 64
SAMPLE_EVERY = 1.0  # seconds between two samples of the process tree's RSS
PSS_EVERY = 2.0  # at most one (slow) PSS reading per this many seconds
OLD_PSS_EVERY = 5.0  # what a result without "pss_every_s" was sampled with

# ``mtclean`` itself, optionally with the cascade's screen off (no CLI option says that)
LAUNCHER = """\
import sys
if sys.argv[1] == "--no-model-screen":
    del sys.argv[1]
    import functools
    import mtclean.cli
    mtclean.cli.CleanerConfig = functools.partial(mtclean.cli.CleanerConfig, model_screen=False)
from mtclean.cli import app
app(prog_name="mtclean")
"""


@dataclass(frozen=True)
class Config:
    key: str
    label: str
    args: tuple[str, ...]  # CLI options (``--no-model-screen`` is the launcher's)
    model: bool


CONFIGS = (
    Config("rules", "rules only (`--no-model`)", ("--no-model",), False),
    Config("model", "model on everything (no screen)", ("--no-model-screen",), True),
    Config("cascade", "cascade (default)", (), True),
)
# ``--components``: each rule component alone (what scripts/bench_speed.py measured in-process)
COMPONENTS = (
    Config("boilerplate", "boilerplate only", ("--no-model", "--no-punctuation", "--no-lexicon"),
           False),
    Config("punctuation", "punctuation only", ("--no-model", "--no-boilerplate", "--no-lexicon"),
           False),
    Config("lexicon", "lexicon only", ("--no-model", "--no-boilerplate", "--no-punctuation"),
           False),
)  # fmt: skip


def is_spun(index: int, share: float) -> bool:
    """Whether document ``index`` of the mix is spun: evenly spaced, ``floor(n * share)`` of
    the first ``n`` for every ``n`` (so a shorter corpus is a prefix of a longer one)."""
    return int((index + 1) * share) > int(index * share)


def build_corpus(
    articles: Sequence[tuple[str, str]],
    docs: int,
    spun_share: float,
    spin: Callable[[str, str], str],
) -> list[dict[str, Any]]:
    """``docs`` records ``{"id", "text", "spun"}`` cycling through ``articles`` (id, text);
    a copy after the first gets the id ``ID~k``; ``spin(text, id)`` degrades the chosen ones."""
    if not articles:
        raise ValueError("no articles to build the corpus from")
    rows: list[dict[str, Any]] = []
    for i in range(docs):
        doc_id, text = articles[i % len(articles)]
        copy = i // len(articles)
        record_id = doc_id if copy == 0 else f"{doc_id}~{copy}"
        spun = is_spun(i, spun_share)
        text = spin(text, record_id) if spun else text
        rows.append({"id": record_id, "text": text, "spun": spun})
    return rows


def news_spin(density: float) -> Callable[[str, str], str]:
    from mtclean.degrade.spinner import default_spinner

    spinner = default_spinner()

    def spin(text: str, record_id: str) -> str:
        return spinner.spin(text, random.Random(f"benchmark:{record_id}"), density=density).text

    return spin


def load_articles(data: Path) -> list[tuple[str, str]]:
    from mtclean.evaluation.environment import BBC_FILE
    from mtclean.evaluation.parts import load_bbc_tech

    path = data / BBC_FILE
    if not path.is_file():
        sys.exit(f"benchmark: {path} is missing (the BBC News articles; see --data)")
    return load_bbc_tech(path, None)


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps({"id": row["id"], "text": row["text"]}) + "\n")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _tree(root: int) -> Iterator[int]:
    tree = _children()
    stack = [root]
    while stack:
        pid = stack.pop()
        yield pid
        stack.extend(tree.get(pid, ()))


def tree_rss(pids: Sequence[int]) -> int:
    """Resident bytes summed over ``pids`` (``/proc/PID/statm``: cheap; shared pages counted
    once per process)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):  # gone
            continue
    return total


def tree_pss(pids: Sequence[int]) -> int:
    """Proportional set size in bytes summed over ``pids`` (``/proc/PID/smaps_rollup``: each
    shared page split between its processes; slow, a few hundred ms for a model process)."""
    total = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
    return total


class TreeSampler(threading.Thread):
    """The peak memory of a process tree: its summed RSS every ``SAMPLE_EVERY`` seconds, and
    its PSS whenever the RSS reached a new peak (at most every ``PSS_EVERY`` seconds: reading
    ``smaps_rollup`` costs CPU and holds the processes' memory locks)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_pss = self.peak_rss = 0
        self.done = threading.Event()

    def run(self) -> None:
        last_pss = -PSS_EVERY
        pss_at = 0  # the tree RSS when the PSS was last read
        while not self.done.is_set():
            pids = list(_tree(self.root))
            rss = tree_rss(pids)
            self.peak_rss = max(self.peak_rss, rss)
            now = time.monotonic()
            if rss > pss_at * 1.02 and now - last_pss >= PSS_EVERY:
                self.peak_pss = max(self.peak_pss, tree_pss(pids))
                last_pss, pss_at = now, rss
            self.done.wait(SAMPLE_EVERY)


# the parent of each run: a fresh small Python, so that the peak RSS reported for its children
# is theirs (a child forked from this script would start from this script's peak, and exec
# keeps the high-water mark)
PROBE = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
with open(sys.argv[1], "wb") as errors:
    code = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=errors)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"exit": code, "seconds": seconds, "peak_rss_kib": peak}))
"""


def run_clean(config: Config, source: Path, target: Path, workers: int) -> dict[str, Any]:
    """One ``mtclean clean`` in a subprocess: wall seconds, peak memory (exits on failure)."""
    launcher = [a for a in config.args if a == "--no-model-screen"]
    options = [a for a in config.args if a != "--no-model-screen"]
    command = [sys.executable, "-c", LAUNCHER, *launcher, "clean", str(source), "-o", str(target)]
    command += ["-q", "--workers", str(workers), *options]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    if target.exists():
        target.unlink()
    errors = target.with_suffix(".stderr")
    probe = subprocess.Popen(
        [sys.executable, "-c", PROBE, str(errors), *command],
        env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    sampler = TreeSampler(probe.pid)
    sampler.start()
    output, _ = probe.communicate()
    sampler.done.set()
    sampler.join()
    measured = json.loads(output)
    if probe.returncode != 0 or measured["exit"] != 0:
        message = errors.read_text("utf-8", "replace")
        what = " ".join(command[3:])
        sys.exit(f"benchmark: mtclean {what} exited {measured['exit']}:\n{message}")
    return {
        "seconds": measured["seconds"],  # from start to exit of the mtclean process
        "peak_rss_mib": measured["peak_rss_kib"] * 1024 / MIB,  # ru_maxrss: KiB on Linux
        "peak_tree_pss_mib": sampler.peak_pss / MIB,
        "peak_tree_rss_mib": sampler.peak_rss / MIB,
    }


def output_summary(path: Path) -> tuple[int, float]:
    """(records, share of them the encoder read) of a ``clean`` JSONL output."""
    records = read = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            stats = json.loads(line)["mtclean"]["stats"]
            records += 1
            read += int(stats.get("model.read", 0))
    return records, read / records if records else 0.0


def measure(
    configs: Sequence[Config],
    corpus: Sequence[dict[str, Any]],
    docs: dict[str, int],
    worker_counts: Sequence[int],
    repeats: int,
    folder: Path,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Every configuration at every worker count (the best of ``repeats`` runs), and each
    configuration's start-up."""
    runs: list[dict[str, Any]] = []
    startup: dict[str, float] = {}
    for config in configs:
        rows = corpus[: docs[config.key]]
        source = folder / f"{config.key}.jsonl"
        write_jsonl(source, rows)
        write_jsonl(folder / "one.jsonl", rows[:1])
        target = folder / "out.jsonl"
        startup[config.key] = run_clean(config, folder / "one.jsonl", target, 1)["seconds"]
        log(f"{config.key}: start-up {startup[config.key]:.1f} s")
        kilobytes = sum(len(r["text"].encode("utf-8")) for r in rows) / 1000
        for workers in worker_counts:
            best: dict[str, Any] | None = None
            for _ in range(repeats):
                measured = run_clean(config, source, target, workers)
                if best is None or measured["seconds"] < best["seconds"]:
                    best = measured
                log(f"{config.key} x{workers}: {measured['seconds']:.1f} s")
            assert best is not None
            records, read = output_summary(target)
            if records != len(rows):
                sys.exit(f"benchmark: {records} records written for {len(rows)} documents")
            runs.append({
                "config": config.key,
                "label": config.label,
                "workers": workers,
                "documents": len(rows),
                "spun": sum(r["spun"] for r in rows),
                "kilobytes": round(kilobytes, 1),
                "seconds": round(best["seconds"], 2),
                "kb_per_s": round(kilobytes / best["seconds"], 2),
                "docs_per_s": round(len(rows) / best["seconds"], 2),
                "peak_rss_mib": round(best["peak_rss_mib"], 1),
                "peak_tree_pss_mib": round(best["peak_tree_pss_mib"], 1),
                "peak_tree_rss_mib": round(best["peak_tree_rss_mib"], 1),
                "encoder_read": round(read, 4),
            })  # fmt: skip
    for run in runs:
        single = next(r for r in runs if r["config"] == run["config"] and r["workers"] == 1)
        run["speedup"] = round(single["seconds"] / run["seconds"], 2)
    return {"runs": runs, "startup_seconds": {k: round(v, 2) for k, v in startup.items()}}


def _number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def steady_speedup(result: dict[str, Any], run: dict[str, Any]) -> float | None:
    """The speed-up of ``run`` over its configuration's 1-worker run once the start-up (the
    1-document run's time) is taken off both; None when a run is not longer than it."""
    startup = result["startup_seconds"][run["config"]]
    single = next(r for r in result["runs"] if r["config"] == run["config"] and r["workers"] == 1)
    if min(run["seconds"], single["seconds"]) <= startup:
        return None
    return float(single["seconds"] - startup) / (run["seconds"] - startup)


def markdown(result: dict[str, Any]) -> str:
    """The Markdown table of a benchmark result (the README's, exactly)."""
    lines = [
        "| configuration | workers | documents | KB/s | docs/s | speed-up | speed-up after "
        "start-up | start-up s | peak RSS, largest process (MiB) | peak PSS, process tree "
        "(MiB) | encoder read |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in result["runs"]:
        startup = result["startup_seconds"][run["config"]]
        steady = steady_speedup(result, run)
        # a run shorter than 3 PSS readings may have ended before its peak was read
        sampled = run["seconds"] >= 3 * result.get("pss_every_s", OLD_PSS_EVERY)
        pss = _number(run["peak_tree_pss_mib"], 0) if sampled else "-"
        lines.append(
            f"| {run['label']} | {run['workers']} | {run['documents']:,} | "
            f"{_number(run['kb_per_s'], 1)} | {_number(run['docs_per_s'], 1)} | "
            f"{run['speedup']:.2f}x | {'-' if steady is None else f'{steady:.2f}x'} | "
            f"{startup:.1f} | {_number(run['peak_rss_mib'], 0)} | "
            f"{pss} | {run['encoder_read']:.0%} |"
        )
    return "\n".join(lines)


def readme_table(text: str) -> str | None:
    """The table after ``README_MARK`` in the README ``text`` (None without the mark)."""
    found = re.search(re.escape(README_MARK) + r"\n((?:\|.*\n?)+)", text)
    return found.group(1).rstrip("\n") if found else None


def update_readme(result: dict[str, Any], path: Path = README) -> None:
    text = path.read_text("utf-8")
    old = readme_table(text)
    if old is None:
        sys.exit(f"benchmark: {path} has no line {README_MARK!r}")
    path.write_text(text.replace(f"{README_MARK}\n{old}", f"{README_MARK}\n{markdown(result)}"))


def main() -> None:
    from mtclean.cleaner import default_workers
    from mtclean.paths import default_data_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=BATCH * 4, help="documents, model configs")
    parser.add_argument("--rules-docs", type=int, default=BATCH * 32, help="documents, rules only")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="N, the parallel run's workers (default: usable cores)")  # fmt: skip
    parser.add_argument("--spun-share", type=float, default=0.1)
    parser.add_argument("--density", type=float, default=0.2, help="spun share of words")
    parser.add_argument("--repeats", type=int, default=1, help="runs per cell; the fastest kept")
    parser.add_argument("--data", type=Path, default=None, help="data folder (MTCLEAN_DATA)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--components", action="store_true",
                        help="also each rule component alone (on the rules corpus)")  # fmt: skip
    parser.add_argument("--readme", action="store_true",
                        help="only rewrite the README table from --out, no run")  # fmt: skip
    args = parser.parse_args()
    if args.readme:
        update_readme(json.loads(args.out.read_text("utf-8")))
        return
    data = args.data or default_data_dir()
    articles = load_articles(data)
    configs = [*CONFIGS, *(COMPONENTS if args.components else ())]
    docs = {c.key: args.docs if c.model else args.rules_docs for c in configs}
    corpus = build_corpus(articles, max(docs.values()), args.spun_share, news_spin(args.density))
    worker_counts = sorted({1, args.workers})
    load_before = os.getloadavg()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mtclean-bench-") as folder:
        measured = measure(
            configs, corpus, docs, worker_counts, args.repeats, Path(folder),
            lambda line: print(line, file=sys.stderr, flush=True),
        )  # fmt: skip
    result = {
        "note": "one run on a shared machine: absolute numbers are noisy, compare the ratios "
        "within this run",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "usable_cores": default_workers(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in os.getloadavg()],
        },
        "corpus": {
            "source": "BBC News, category tech (held out), cycled with new ids past "
            f"{len(articles)} articles",
            "spun_share": args.spun_share,
            "density": args.density,
            "documents": docs,
        },
        "command": "mtclean clean IN.jsonl -o OUT.jsonl -q --workers W",
        "repeats": args.repeats,
        "pss_every_s": PSS_EVERY,
        "total_seconds": round(time.perf_counter() - started, 1),
        **measured,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(markdown(result))
    after = result["machine"]["load_average_after"][0]
    print(f"\n{result['note']}; load average {load_before[0]:.2f} before, {after:.2f} after; "
          f"written to {args.out}")  # fmt: skip


if __name__ == "__main__":
    main()
