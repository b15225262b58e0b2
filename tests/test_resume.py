"""Interrupting ``clean`` or ``detect`` (SIGINT/SIGTERM) leaves a valid partial output and says
how to resume; ``--resume`` then finishes the job exactly once: the result equals an
uninterrupted run's, byte for byte, also when documents among those done were rejects (too
large, unwritable) and when what is resumed is the temporary file of a killed run."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support import SEEDS

from mtclean import Cleaner, CleanerConfig
from mtclean.batch import ResumeMismatch, RunSummary, StopFlag, run_clean, run_detect
from mtclean.reading import expand_paths

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


def _clean(corpus: Path, out: Path, *extra: str, command: str = "clean") -> list[str]:
    return [MTCLEAN, command, str(corpus), "-o", str(out), "--no-model", "-j", "1", *extra]


def _interrupt(
    command: list[str], out: Path, signum: int, size: int = 50_000
) -> subprocess.CompletedProcess[str]:
    """Start ``command`` and send ``signum`` once its (hidden, temporary) output holds more than
    ``size`` bytes."""
    proc = subprocess.Popen(command, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        partial = [p for p in out.parent.glob(f".{out.name}*.tmp") if p.stat().st_size > size]
        if partial:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


@pytest.mark.parametrize(
    ("command", "signum", "suffix", "extra"),
    [
        ("clean", signal.SIGINT, ".jsonl", ()),
        ("clean", signal.SIGTERM, ".jsonl.gz", ()),
        ("detect", signal.SIGINT, ".jsonl", ()),
        ("detect", signal.SIGTERM, ".jsonl", ("--format", "dolma")),
    ],
)
def test_interrupt_then_resume_equals_one_run(
    tmp_path: Path, corpus: Path, command: str, signum: int, suffix: str, extra: tuple[str, ...]
) -> None:
    """(dolma's records are small: 300 of them gzipped are under 2 KB, written in one block at
    the end, so that case is not compressed and is stopped after its first 5 KB.)"""
    whole, part = tmp_path / f"whole{suffix}", tmp_path / f"part{suffix}"
    subprocess.run(_clean(corpus, whole, "-q", *extra, command=command), env=ENV, check=True)

    size = 5_000 if "dolma" in extra else 50_000
    stopped = _interrupt(_clean(corpus, part, *extra, command=command), part, signum, size)
    assert stopped.returncode == 130, stopped.stderr
    assert "--resume" in stopped.stderr and "interrupted" in stopped.stderr
    assert part.exists() and not list(tmp_path.glob(".*.tmp"))  # visible, nothing hidden left
    raw = part.read_bytes()
    lines = (gzip.decompress(raw) if suffix.endswith(".gz") else raw).splitlines(keepends=True)
    assert 0 < len(lines) < DOCUMENTS and all(line.endswith(b"\n") for line in lines)
    assert [json.loads(line)["id"] for line in lines] == [f"d{i}" for i in range(len(lines))]

    resumed = subprocess.run(_clean(corpus, part, "--resume", *extra, command=command),
                             env=ENV, capture_output=True, text=True, check=False)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert f"after {len(lines)} done by an earlier run" in resumed.stderr
    if suffix.endswith(".gz"):
        assert gzip.decompress(part.read_bytes()) == gzip.decompress(whole.read_bytes())
    else:
        assert part.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("extra", [("-o", "-"), ("--format", "text")])
def test_detect_resume_needs_an_output_file_of_records(
    tmp_path: Path, corpus: Path, extra: tuple[str, ...]
) -> None:
    out = tmp_path / "spans.txt"
    command = [MTCLEAN, "detect", str(corpus), "-o", str(out), "--no-model", "--resume", *extra]
    done = subprocess.run(command, env=ENV, capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "--resume needs an output file" in done.stderr
    assert not out.exists()


def test_resume_refuses_the_output_of_another_command(tmp_path: Path, corpus: Path) -> None:
    spans = tmp_path / "spans.jsonl"
    spans.write_text('{"id": "d0", "score": 0.1, "spans": []}\n', "utf-8")  # detect's shape
    done = subprocess.run(_clean(corpus, spans, "--resume", "-q"), env=ENV,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2 and "has no 'mtclean' field" in done.stderr, done.stderr
    assert spans.read_text("utf-8") == '{"id": "d0", "score": 0.1, "spans": []}\n'


# --- in-process: rejects among the documents done, a killed run's temporary file ------------


def _lines_of(path: Path) -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    lines = []
    for i in range(40):
        record: dict[str, Any] = {"id": f"d{i}", "text": texts[i % len(texts)][:800]}
        if i == 3:
            record["text"] = "Too long. " * 300  # over max_document_chars below
        if i == 5:
            record["deep"] = json.loads("[" * 60 + "]" * 60)  # over MAX_NESTING below
        lines.append(json.dumps(record) + "\n")
    lines[7] = '{"id": "d7", "text": \n'  # not JSON
    path.write_text("".join(lines), "utf-8")
    return lines


class _StopAfter(StopFlag):
    """A stop request, as a signal sets it, once the run has asked ``after`` times (it asks
    after each record it writes)."""

    def __init__(self, after: int | None) -> None:
        self.after, self.asked = after, 0
        super().__init__()

    @property  # type: ignore[override]
    def requested(self) -> bool:
        self.asked += 1
        return self.after is not None and self.asked > self.after

    @requested.setter
    def requested(self, _value: bool) -> None:
        pass


def _run(
    command: str, corpus: Path, out: Path, stop_after: int | None = None, resume: bool = False
) -> tuple[RunSummary, list[tuple[str, str]]]:
    """``run_clean``/``run_detect`` in-process on one worker (stopped as by a signal after
    about ``stop_after`` records); the summary and the rejects' locations and reasons."""
    cleaner = Cleaner(CleanerConfig(model=False, max_document_chars=2000))
    sources, _ = expand_paths([str(corpus)])
    rejects = io.BytesIO()
    stop = _StopAfter(stop_after)
    common: dict[str, Any] = {"on_problem": lambda _p: None, "rejects": rejects,
                              "show_progress": False, "batch_size": 4}  # fmt: skip
    if command == "clean":
        summary = run_clean(cleaner, {sources[0]: out}, stop=stop, resume=resume, **common)
    else:
        summary = run_detect(cleaner, sources, out, stop=stop, resume=resume, **common)
    reasons = [json.loads(line) for line in rejects.getvalue().splitlines()]
    return summary, sorted((Path(r["location"]).name, r["reason"]) for r in reasons)


@pytest.mark.parametrize("command", ["clean", "detect"])
def test_resume_after_rejects_among_the_documents_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """A document too large and (clean) a record nested too deep to write are rejects, not
    records: ``--resume`` must pass them by (rejecting them again), not match them against
    the next record (before the fix: 'does not continue this input')."""
    from mtclean import batch, serialize

    monkeypatch.setattr(serialize, "MAX_NESTING", 40)
    monkeypatch.setattr(batch, "MAX_NESTING", 40)
    corpus = tmp_path / "in.jsonl"
    _lines_of(corpus)
    whole, part = tmp_path / "whole.jsonl", tmp_path / "part.jsonl"
    full, full_rejects = _run(command, corpus, whole)
    expected = [("in.jsonl:4", "too_large"), ("in.jsonl:8", "invalid_json")]
    if command == "clean":
        expected.append(("in.jsonl:6", "unwritable_record"))
    assert full_rejects == sorted(expected) and full.problems["too_large"] == 1

    stopped, _ = _run(command, corpus, part, stop_after=12)
    assert stopped.interrupted and 5 < stopped.documents < full.documents
    done = part.read_bytes().splitlines(keepends=True)
    unwritten = stopped.problems["unwritable_record"]  # cleaned, but rejected
    assert len(done) == stopped.documents - unwritten and stopped.problems["too_large"] == 1
    assert unwritten == (command == "clean")  # the rejects 4, 6 (clean) and 8 among those done

    resumed, resumed_rejects = _run(command, corpus, part, resume=True)
    assert not resumed.interrupted and resumed.resumed == len(done)
    assert resumed.resumed + resumed.documents == full.documents
    assert resumed_rejects == full_rejects  # each reject once again
    assert part.read_bytes() == whole.read_bytes()


def _dead_pid() -> int:
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(ended.stdout)


@pytest.mark.parametrize("command", ["clean", "detect"])
def test_resume_takes_the_whole_records_of_a_killed_runs_temporary_file(
    tmp_path: Path, command: str
) -> None:
    """SIGKILL leaves ``.NAME.PID.RANDOM.tmp`` with the records written so far and a line cut
    short: ``--resume`` copies the whole records, drops the cut line, removes the file and
    finishes exactly once; the older output of that name (older than the temporary file,
    which every writer clears at its start) is not what it continues."""
    corpus = tmp_path / "in.jsonl"
    _lines_of(corpus)
    whole, part = tmp_path / "whole.jsonl", tmp_path / "part.jsonl"
    _run(command, corpus, whole)
    records = whole.read_bytes().splitlines(keepends=True)
    killed = tmp_path / f".part.jsonl.{_dead_pid()}.x1y2z3.tmp"
    killed.write_bytes(b"".join(records[:9]) + records[9][: len(records[9]) // 2])
    part.write_bytes(b"".join(records[:2]))  # an older, shorter output
    live = tmp_path / f".part.jsonl.{os.getppid()}.a1b2c3.tmp"  # a writer still running
    live.write_bytes(b"".join(records[:20]))

    resumed, _ = _run(command, corpus, part, resume=True)
    assert resumed.resumed == 9  # the killed run's whole records, not the older file's two
    assert part.read_bytes() == whole.read_bytes()
    assert not killed.exists() and live.exists()


def test_a_killed_runs_temporary_file_of_another_input_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    _lines_of(corpus)
    killed = tmp_path / f".part.jsonl.{_dead_pid()}.x1y2z3.tmp"
    killed.write_bytes(b'{"id": "zzz", "text": "Other.", "mtclean": {}}\n')
    with pytest.raises(ResumeMismatch, match="temporary file of a killed run"):
        _run("clean", corpus, tmp_path / "part.jsonl", resume=True)
    assert not (tmp_path / "part.jsonl").exists()


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
