"""Interrupting ``clean`` (SIGINT/SIGTERM) leaves a valid partial output and says how to
resume; ``--resume`` then finishes the job exactly once: the result equals an uninterrupted
run's, byte for byte."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import SEEDS

MTCLEAN = str(Path(sys.executable).parent / "mtclean")
ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}
DOCUMENTS = 300


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    path = tmp_path / "in" / "corpus.jsonl"
    path.parent.mkdir()
    with path.open("w", encoding="utf-8") as out:
        for i in range(DOCUMENTS):
            out.write(json.dumps({"id": f"d{i}", "text": texts[i % len(texts)]}) + "\n")
    return path


def _clean(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [MTCLEAN, "clean", str(corpus), "-o", str(out), "--no-model", "-j", "1", *extra]


def _interrupt(command: list[str], out: Path, signum: int) -> subprocess.CompletedProcess[str]:
    """Start ``command`` and send ``signum`` once its (hidden, temporary) output has data."""
    proc = subprocess.Popen(command, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        partial = [p for p in out.parent.glob(f".{out.name}*.tmp") if p.stat().st_size > 50_000]
        if partial:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


@pytest.mark.parametrize(
    ("signum", "suffix"), [(signal.SIGINT, ".jsonl"), (signal.SIGTERM, ".jsonl.gz")]
)
def test_interrupt_then_resume_equals_one_run(
    tmp_path: Path, corpus: Path, signum: int, suffix: str
) -> None:
    whole, part = tmp_path / f"whole{suffix}", tmp_path / f"part{suffix}"
    subprocess.run(_clean(corpus, whole, "-q"), env=ENV, check=True)

    stopped = _interrupt(_clean(corpus, part), part, signum)
    assert stopped.returncode == 130, stopped.stderr
    assert "--resume" in stopped.stderr and "interrupted" in stopped.stderr
    assert part.exists() and not list(tmp_path.glob(".*.tmp"))  # visible, nothing hidden left
    raw = part.read_bytes()
    lines = (gzip.decompress(raw) if suffix.endswith(".gz") else raw).splitlines(keepends=True)
    assert 0 < len(lines) < DOCUMENTS and all(line.endswith(b"\n") for line in lines)
    assert [json.loads(line)["id"] for line in lines] == [f"d{i}" for i in range(len(lines))]

    resumed = subprocess.run(_clean(corpus, part, "--resume"), env=ENV, capture_output=True,
                             text=True, check=False)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert f"after {len(lines)} done by an earlier run" in resumed.stderr
    if suffix.endswith(".gz"):
        assert gzip.decompress(part.read_bytes()) == gzip.decompress(whole.read_bytes())
    else:
        assert part.read_bytes() == whole.read_bytes()


def test_resume_refuses_an_output_of_another_input(tmp_path: Path, corpus: Path) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": "zzz", "text": "Another."}\n', "utf-8")
    done = subprocess.run(_clean(corpus, other, "--resume", "-q"), env=ENV,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2 and "does not continue this input" in done.stderr
    assert other.read_text("utf-8") == '{"id": "zzz", "text": "Another."}\n'  # left alone


def test_pool_workers_end_when_a_stoppable_run_has_nothing_to_do() -> None:
    """A pool terminated right after it forked (nothing to clean) must not wait forever for a
    worker that lost its SIGTERM (run in a child so that a hang fails by timeout)."""
    code = (
        "from mtclean import Cleaner, CleanerConfig\n"
        "from mtclean.batch import stop_on_signals\n"
        "cleaner = Cleaner(CleanerConfig(model=False))\n"
        "for _ in range(40):\n"
        "    with stop_on_signals():\n"
        "        assert list(cleaner.pipe([], workers=2)) == []\n"
        "        assert len(list(cleaner.pipe(['Talks.'], workers=2))) == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], env=ENV, check=True, timeout=180)
