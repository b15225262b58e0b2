"""Faults during a real ``mtclean clean`` or ``mtclean detect`` process: SIGINT, SIGTERM and
SIGKILL mid-run, a full disk, an output folder that cannot be written.

After each: no corrupt or hidden output (a killed run's temporary file is removed by the next
run, or taken up by ``--resume``), the files that were there are intact, a visible valid partial
output where the contract says so (SIGINT/SIGTERM), and ``--resume`` completes the job with
every input document exactly once. ``tests/test_resume.py`` checks byte equality with an
uninterrupted run (one worker).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import SEEDS

MTCLEAN = str(Path(sys.executable).parent / "mtclean")
ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}
DOCUMENTS = 800
ROOT = os.geteuid() == 0


def _texts() -> list[str]:
    return [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    texts = _texts()
    path = tmp_path / "in" / "corpus.jsonl"
    path.parent.mkdir()
    with path.open("w", encoding="utf-8") as out:
        for i in range(DOCUMENTS):
            out.write(json.dumps({"id": f"d{i}", "text": texts[i % len(texts)]}) + "\n")
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _clean(inputs: Path, out: Path, *extra: str, command: str = "clean") -> list[str]:
    return [MTCLEAN, command, str(inputs), "-o", str(out), "--no-model", *extra]


def _hidden(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*") if p.name.endswith(".tmp")]


def _signal_mid_run(
    command: list[str], ready: Callable[[], bool], signum: int
) -> subprocess.CompletedProcess[str]:
    """Start ``command``, wait until ``ready()`` (some output written), send ``signum``."""
    proc = subprocess.Popen(command, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and not ready():
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signum)
    try:
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):  # pool workers of a killed run
            os.killpg(proc.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


def _temporary_has_data(out: Path, size: int = 100_000) -> Callable[[], bool]:
    def ready() -> bool:
        return any(p.stat().st_size > size for p in out.parent.glob(f".{out.name}.*.tmp"))

    return ready


def _ids(path: Path) -> list[str]:
    lines = path.read_bytes().splitlines(keepends=True)
    assert all(line.endswith(b"\n") for line in lines)  # complete records only
    return [json.loads(line)["id"] for line in lines]


EVERY_ID = [f"d{i}" for i in range(DOCUMENTS)]


@pytest.mark.parametrize(
    ("command", "signum"),
    [("clean", signal.SIGINT), ("clean", signal.SIGTERM), ("detect", signal.SIGTERM)],
)
def test_stopped_with_two_workers_then_resumed_exactly_once(
    tmp_path: Path, corpus: Path, command: str, signum: int
) -> None:
    out = tmp_path / "out" / f"{command}.jsonl"
    out.parent.mkdir()
    (out.parent / "keep.txt").write_text("not mtclean's\n", "utf-8")
    before = _digest(corpus)
    stopped = _signal_mid_run(_clean(corpus, out, "-j", "2", command=command),
                              _temporary_has_data(out), signum)  # fmt: skip
    assert stopped.returncode == 130, stopped.stderr
    assert "Traceback" not in stderr_of(stopped)
    assert not _hidden(tmp_path)  # nothing hidden left, the partial output visible
    partial = _ids(out)
    assert 0 < len(partial) < DOCUMENTS and partial == EVERY_ID[: len(partial)]
    resumed = subprocess.run(_clean(corpus, out, "-j", "2", "--resume", "-q", command=command),
                             env=ENV, capture_output=True, text=True, check=False)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert _ids(out) == EVERY_ID  # every document exactly once, in order
    assert _digest(corpus) == before
    assert (out.parent / "keep.txt").read_text("utf-8") == "not mtclean's\n"


def stderr_of(done: subprocess.CompletedProcess[str]) -> str:
    return done.stderr or ""


def test_killed_keeps_the_old_output_and_the_next_run_clears_what_it_left(
    tmp_path: Path, corpus: Path
) -> None:
    """SIGKILL: the process cannot tidy up. The older file of the output's name is intact (the
    new one was never moved into place); the temporary file it leaves is removed by the next
    run writing that output, which then completes exactly once."""
    out = tmp_path / "clean.jsonl"
    out.write_text('{"id": "old"}\n', "utf-8")
    before = _digest(corpus)
    killed = _signal_mid_run(_clean(corpus, out, "-j", "1"), _temporary_has_data(out),
                             signal.SIGKILL)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert out.read_text("utf-8") == '{"id": "old"}\n'
    assert len(_hidden(tmp_path)) == 1  # what the killed run was writing
    again = subprocess.run(_clean(corpus, out, "-j", "1", "-q"), env=ENV, capture_output=True,
                           text=True, check=False)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert not _hidden(tmp_path)
    assert _ids(out) == EVERY_ID
    assert _digest(corpus) == before


def test_killed_with_two_workers_leaves_no_worker_printing(tmp_path: Path, corpus: Path) -> None:
    """SIGKILL on the parent of a pool: the kernel ends its workers with it (Linux), so none is
    left to print a broken-pipe traceback into the killed run's stderr."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the workers' parent-death signal is Linux-only")
    out = tmp_path / "clean.jsonl"
    killed = _signal_mid_run(_clean(corpus, out, "-j", "2"), _temporary_has_data(out),
                             signal.SIGKILL)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert "Traceback" not in stderr_of(killed), stderr_of(killed)


@pytest.mark.parametrize(("command", "suffix"), [("clean", ".jsonl.gz"), ("detect", ".jsonl")])
def test_killed_then_resumed_exactly_once(
    tmp_path: Path, corpus: Path, command: str, suffix: str
) -> None:
    """SIGKILL leaves only the temporary file; ``--resume`` continues after its whole records
    (not from the start) and removes it."""
    out = tmp_path / f"{command}{suffix}"
    killed = _signal_mid_run(_clean(corpus, out, "-j", "2", command=command),
                             _temporary_has_data(out, 20_000), signal.SIGKILL)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL and not out.exists()
    resumed = subprocess.run(_clean(corpus, out, "--resume", command=command), env=ENV,
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    taken = re.search(r"after (\d+) done by an earlier run", resumed.stderr)
    assert taken and 0 < int(taken.group(1)) < DOCUMENTS, resumed.stderr
    import gzip

    raw = out.read_bytes()
    lines = (gzip.decompress(raw) if suffix.endswith(".gz") else raw).splitlines()
    assert [json.loads(line)["id"] for line in lines] == EVERY_ID
    assert not _hidden(tmp_path)


def test_a_folder_of_texts_interrupted_then_resumed(tmp_path: Path) -> None:
    texts = _texts()
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(150):
        (docs / f"a{i:03}.txt").write_text(texts[i % len(texts)], "utf-8")
    out = tmp_path / "out"

    def ready() -> bool:
        return out.is_dir() and len(list(out.glob("*.mtclean.json"))) >= 5

    stopped = _signal_mid_run(_clean(docs, out, "-j", "1"), ready, signal.SIGINT)
    assert stopped.returncode == 130, stopped.stderr
    assert not _hidden(tmp_path)
    done = sorted(p.name for p in out.glob("*.txt"))
    assert 0 < len(done) < 150
    assert all((out / f"{name}.mtclean.json").is_file() for name in done)  # whole pairs
    resumed = subprocess.run(_clean(docs, out, "--resume", "-q"), env=ENV, capture_output=True,
                             text=True, check=False)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert sorted(p.name for p in out.glob("*.txt")) == [f"a{i:03}.txt" for i in range(150)]
    sidecars = [json.loads(p.read_text("utf-8")) for p in out.glob("*.mtclean.json")]
    assert sorted(s["id"] for s in sidecars) == [f"a{i:03}.txt" for i in range(150)]


# --- full disk, unwritable output ------------------------------------------------------------


@contextlib.contextmanager
def _tmpfs(folder: Path, size: str = "64k") -> Iterator[Path]:
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'}); "
                    "the full-disk test needs root or CAP_SYS_ADMIN")  # fmt: skip
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    texts = _texts()
    path = tmp_path / "small.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(60):  # about 450 KB cleaned: more than the tmpfs holds
            out.write(json.dumps({"id": f"d{i}", "text": texts[i % len(texts)]}) + "\n")
    return path


def _one_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("mtclean: error:")]
    assert len(errors) == 1, done.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]


@pytest.mark.skipif(shutil.which("mount") is None, reason="no mount command")
@pytest.mark.parametrize("command", ["clean", "detect"])
def test_a_full_disk_is_one_message_and_exit_3(
    tmp_path: Path, small_corpus: Path, command: str
) -> None:
    before = _digest(small_corpus)
    with _tmpfs(tmp_path / "disk") as disk:
        (disk / "old.jsonl").write_text('{"id": "old"}\n', "utf-8")
        done = subprocess.run(
            [MTCLEAN, command, str(small_corpus), "-o", str(disk / "old.jsonl"), "--no-model",
             "-q"], env=ENV, capture_output=True, text=True, check=False,
        )  # fmt: skip
        _one_error(done, "No space left on device", "free some space")
        assert (disk / "old.jsonl").read_text("utf-8") == '{"id": "old"}\n'  # left as it was
        assert sorted(p.name for p in disk.iterdir()) == ["old.jsonl"]  # no partial, no temp
    assert _digest(small_corpus) == before


@pytest.mark.skipif(shutil.which("mount") is None, reason="no mount command")
def test_a_full_disk_mid_folder_keeps_the_finished_files(tmp_path: Path) -> None:
    texts = _texts()
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(40):
        (docs / f"a{i:02}.txt").write_text(texts[i % len(texts)], "utf-8")
    with _tmpfs(tmp_path / "disk", "96k") as disk:
        done = subprocess.run(_clean(docs, disk / "out", "-q", "-j", "1"), env=ENV,
                              capture_output=True, text=True, check=False)  # fmt: skip
        _one_error(done, "No space left on device")
        names = sorted(p.name for p in (disk / "out").iterdir())
        assert not [n for n in names if n.startswith(".")]
        finished = [n for n in names if n.endswith(".txt")]
        assert finished and all(f"{n}.mtclean.json" in names for n in finished[:-1])
        for name in finished:  # each kept file is whole: the cleaned text of its input
            assert (disk / "out" / name).stat().st_size > 0


def test_an_output_under_a_file_is_one_message_and_exit_3(
    tmp_path: Path, small_corpus: Path
) -> None:
    (tmp_path / "afile").write_text("x", "utf-8")
    done = subprocess.run(_clean(small_corpus, tmp_path / "afile" / "out.jsonl", "-q"), env=ENV,
                          capture_output=True, text=True, check=False)  # fmt: skip
    _one_error(done, "is a file, not a folder")
    assert (tmp_path / "afile").read_text("utf-8") == "x"


def test_a_read_only_output_folder_is_one_message_and_exit_3(
    tmp_path: Path, small_corpus: Path
) -> None:
    target = tmp_path / "ro"
    target.mkdir()
    (target / "old.jsonl").write_text("old\n", "utf-8")
    if ROOT:  # chmod does not stop root: a read-only bind mount does
        bound = subprocess.run(["mount", "--bind", "-o", "ro", str(target), str(target)],
                               capture_output=True, text=True, check=False)  # fmt: skip
        if bound.returncode != 0:
            pytest.skip(f"running as root, where chmod does not stop writes, and a read-only "
                        f"bind mount failed: {bound.stderr.strip()}")  # fmt: skip
        needle = "read-only"
    else:
        target.chmod(0o555)
        needle = "permission"
    try:
        for command in ("clean", "detect"):
            done = subprocess.run(
                [MTCLEAN, command, str(small_corpus), "-o", str(target / "old.jsonl"),
                 "--no-model", "-q"], env=ENV, capture_output=True, text=True, check=False,
            )  # fmt: skip
            _one_error(done)
            assert needle in done.stderr.lower(), done.stderr
        assert (target / "old.jsonl").read_text("utf-8") == "old\n"
        assert sorted(p.name for p in target.iterdir()) == ["old.jsonl"]
    finally:
        if ROOT:
            subprocess.run(["umount", "-l", str(target)], check=False)
        else:
            target.chmod(0o755)


def test_only_the_temporary_files_of_dead_writers_are_removed(tmp_path: Path) -> None:
    from mtclean.writing import atomic_writer

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    dead = tmp_path / f".out.jsonl.{ended.stdout.strip()}.abc123.tmp"
    live = tmp_path / f".out.jsonl.{os.getppid()}.abc123.tmp"  # a writer still running
    other = tmp_path / f".other.jsonl.{ended.stdout.strip()}.abc123.tmp"  # another output's
    for path in (dead, live, other):
        path.write_text("partial", "utf-8")
    with atomic_writer(tmp_path / "out.jsonl") as handle:
        handle.write(b"new\n")
    assert not dead.exists() and live.exists() and other.exists()
    assert (tmp_path / "out.jsonl").read_text("utf-8") == "new\n"
