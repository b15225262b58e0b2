"""Outputs never destroy inputs or each other; output-side errors are one message and exit 3;
one bad input line never stops a batch; output JSON is always valid; files get the umask's mode.

The refusal cases are data (``cases/safe_outputs.json``); every run uses ``--no-model``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtclean import writing
from mtclean.batch import ExitCode
from mtclean.cli import app
from mtclean.writing import OutputWriteError, atomic_writer, check_writable

runner = CliRunner()
CASES = json.loads((Path(__file__).parent / "cases" / "safe_outputs.json").read_text("utf-8"))
FAST = ["--no-model", "-q"]
LONG = "n" * 300  # longer than any file system's name limit
ARTICLE = "Diplomats met on Monday to discuss the crisis in Jap Europe, officials said.\n"
MTCLEAN = Path(sys.executable).parent / "mtclean"


def _jsonl(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The layout the cases name, as the current folder."""
    (tmp_path / "in.jsonl").write_text(
        _jsonl({"id": "a", "text": ARTICLE}, {"id": "b", "text": "Plain text."}), "utf-8"
    )
    (tmp_path / "in.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "out.jsonl").write_text('{"keep": "this"}\n', "utf-8")
    (tmp_path / "link.jsonl").symlink_to("in.jsonl")
    os.link(tmp_path / "in.jsonl", tmp_path / "hard.jsonl")
    (tmp_path / "side.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "side.txt.mtclean.json").write_text(ARTICLE, "utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "docs" / "b.txt").write_text("Another short article.\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _snapshot(root: Path) -> dict[str, str | bytes]:
    """Every entry under ``root``: a symlink's target, a file's bytes, a folder's marker."""
    found: dict[str, str | bytes] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[key] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            found[key] = "<dir>"
        else:
            found[key] = path.read_bytes()
    return found


def _args(case: dict[str, Any]) -> list[str]:
    return [a.replace("{long}", LONG) for a in case["args"]] + FAST


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["name"] for c in cases]


@pytest.mark.parametrize("case", CASES["refused"], ids=_ids(CASES["refused"]))
def test_destructive_outputs_are_refused_before_any_work(
    folder: Path, case: dict[str, Any]
) -> None:
    before = _snapshot(folder)
    result = runner.invoke(app, _args(case))
    assert result.exit_code == ExitCode.USAGE, result.output
    assert case["message"] in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert _snapshot(folder) == before


@pytest.mark.parametrize("case", CASES["unwritable"], ids=_ids(CASES["unwritable"]))
def test_unwritable_outputs_are_one_message_and_exit_3(folder: Path, case: dict[str, Any]) -> None:
    before = _snapshot(folder)
    result = runner.invoke(app, _args(case))
    assert result.exit_code == ExitCode.OUTPUT_FAILED, result.output
    assert "cannot write" in result.stderr and case["message"] in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert _snapshot(folder) == before


def test_a_long_name_that_fits_is_written(folder: Path) -> None:
    name = "n" * 249 + ".jsonl"  # 255 bytes: the temporary file's name must still fit
    result = runner.invoke(app, ["clean", "in.jsonl", "-o", name, *FAST])
    assert result.exit_code == 0, result.output
    assert len((folder / name).read_text("utf-8").splitlines()) == 2
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_a_folder_without_write_permission(folder: Path) -> None:
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = runner.invoke(app, ["detect", "in.jsonl", "-o", "locked/spans.jsonl", *FAST])
    finally:
        locked.chmod(0o755)
    assert result.exit_code == ExitCode.OUTPUT_FAILED
    assert "no permission to write in" in result.stderr


# --- the umask's mode ------------------------------------------------------------------------


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002, 0o027])
def test_outputs_get_the_umasks_mode(folder: Path, umask: None, mask: int) -> None:
    os.umask(mask)
    (folder / "docs" / "bad.txt").write_bytes(b"caf\xe9\n")
    result = runner.invoke(app, ["clean", "docs", "-o", "new", "--rejects", "rej.jsonl", *FAST])
    assert result.exit_code == ExitCode.INPUT_REJECTED, result.output
    result = runner.invoke(app, ["detect", "in.jsonl", "-o", "spans.jsonl", *FAST])
    assert result.exit_code == 0, result.output
    written = ["new/a.txt", "new/a.txt.mtclean.json", "rej.jsonl", "spans.jsonl"]
    modes = {name: stat.S_IMODE((folder / name).stat().st_mode) for name in written}
    assert modes == dict.fromkeys(written, 0o666 & ~mask)


# --- bad input lines -------------------------------------------------------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


BAD_LINES = [
    ("nested-deep", '{"id": "deep", "text": "x", "meta": ' + _nested(100_000) + "}", "nested"),
    ("huge-integer", '{"id": "big", "text": "x", "n": ' + "7" * 5000 + "}", "4300"),
    ("huge-integer-id", '{"id": ' + "7" * 5000 + ', "text": "x"}', "4300"),
    ("deep-text", '{"id": "t", "text": ' + _nested(5000) + "}", "nested"),
]


@pytest.mark.parametrize(
    ("line", "message"), [b[1:] for b in BAD_LINES], ids=[b[0] for b in BAD_LINES]
)
def test_one_bad_line_is_a_reject_and_the_good_documents_are_written(
    folder: Path, line: str, message: str
) -> None:
    good = [{"id": "g1", "text": ARTICLE}, {"id": "g2", "text": "Plain text."}]
    src = folder / "mixed.jsonl"
    src.write_text(json.dumps(good[0]) + "\n" + line + "\n" + json.dumps(good[1]) + "\n", "utf-8")
    result = runner.invoke(
        app, ["clean", "mixed.jsonl", "-o", "new.jsonl", "--rejects", "rej.jsonl", *FAST]
    )
    assert result.exit_code == ExitCode.INPUT_REJECTED, result.output
    assert "Traceback" not in result.output and "mixed.jsonl:2:" in result.stderr
    kept = [json.loads(x) for x in (folder / "new.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in kept] == ["g1", "g2"]
    rejects = [json.loads(x) for x in (folder / "rej.jsonl").read_text("utf-8").splitlines()]
    assert [(r["location"], r["reason"]) for r in rejects] == [("mixed.jsonl:2", "invalid_json")]
    assert message in rejects[0]["message"] and rejects[0]["raw"] == line
    detected = runner.invoke(app, ["detect", "mixed.jsonl", *FAST])
    assert detected.exit_code == ExitCode.INPUT_REJECTED
    assert [json.loads(x)["id"] for x in detected.stdout.splitlines()] == ["g1", "g2"]


def test_nesting_around_the_recursion_limit_never_crashes(folder: Path) -> None:
    depths = [10, 200, 500, 800, 900, 950, 990, 1000, 1010, 1500, 3000]
    lines = [json.dumps({"id": f"d{d}", "text": "Plain text."})[:-1] + ', "m": ' + _nested(d) + "}"
             for d in depths]  # fmt: skip
    (folder / "deep.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    result = runner.invoke(
        app, ["clean", "deep.jsonl", "-o", "new.jsonl", "--rejects", "rej.jsonl", *FAST]
    )
    assert result.exit_code in (ExitCode.OK, ExitCode.INPUT_REJECTED), result.output
    assert "Traceback" not in result.output
    written = (folder / "new.jsonl").read_text("utf-8").splitlines()
    rejected = (folder / "rej.jsonl").read_text("utf-8").splitlines()
    assert len(written) + len(rejected) == len(depths)
    assert len(written) >= 3  # shallow ones always go through
    for line in written:
        json.loads(line)


def _strict_json(line: str) -> Any:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(line, parse_constant=refuse)


def test_nan_and_infinity_are_written_as_null_with_a_warning(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (folder / "nan.jsonl").write_text(
        '{"id": "a", "text": "Plain text.", "x": NaN, "y": [Infinity, -Infinity], "z": 1e999,'
        ' "ok": 1.5}\n{"id": "b", "text": "More text."}\n',
        "utf-8",
    )
    result = runner.invoke(app, ["clean", "nan.jsonl", "-o", "new.jsonl", "--no-model"])
    assert result.exit_code == 0, result.output
    first, second = (_strict_json(x) for x in (folder / "new.jsonl").read_text().splitlines())
    assert (first["x"], first["y"], first["z"], first["ok"]) == (None, [None, None], None, 1.5)
    assert second["id"] == "b"
    assert "4 warning(s)" in result.stderr
    assert any("nan.jsonl:1: NaN or Infinity" in r.getMessage() for r in caplog.records)
    detected = runner.invoke(app, ["detect", "nan.jsonl", *FAST])
    assert [_strict_json(x)["id"] for x in detected.stdout.splitlines()] == ["a", "b"]


# --- output-side failures while writing ------------------------------------------------------


def _fail_writes_to(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Make every write to an output whose name ends with ``suffix`` hit a full disk."""
    original = writing._Guarded.write

    def write(self: writing._Guarded, data: bytes, /) -> int:
        if self._name.endswith(suffix):
            raise OutputWriteError.from_os_error(
                self._name, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            )
        return original(self, data)

    monkeypatch.setattr(writing._Guarded, "write", write)


def test_disk_full_mid_folder_keeps_finished_files_and_rejects(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("c.txt", "d.txt"):
        (folder / "docs" / name).write_text(ARTICLE, "utf-8")
    (folder / "docs" / "bad.txt").write_bytes(b"caf\xe9\n")
    _fail_writes_to(monkeypatch, "c.txt")
    result = runner.invoke(app, ["clean", "docs", "-o", "new", "--rejects", "rej.jsonl", *FAST])
    assert result.exit_code == ExitCode.OUTPUT_FAILED, result.output
    assert "Traceback" not in result.output and result.stderr.count("mtclean: error:") == 1
    assert "No space left on device" in result.stderr and "kept 4 finished" in result.stderr
    names = sorted(p.name for p in (folder / "new").iterdir())
    assert names == ["a.txt", "a.txt.mtclean.json", "b.txt", "b.txt.mtclean.json"]
    rejects = [json.loads(x) for x in (folder / "rej.jsonl").read_text("utf-8").splitlines()]
    assert [r["reason"] for r in rejects] == ["invalid_utf8"]


def test_disk_full_on_a_stream_output_leaves_the_old_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_writes_to(monkeypatch, "out.jsonl")
    before = _snapshot(folder)
    result = runner.invoke(app, ["detect", "in.jsonl", "-o", "out.jsonl", *FAST])
    assert result.exit_code == ExitCode.OUTPUT_FAILED, result.output
    assert "cannot write out.jsonl: No space left on device" in result.stderr
    assert _snapshot(folder) == before  # no partial or temporary file, the old file intact


def test_disk_full_on_the_rejects_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "docs" / "bad.txt").write_bytes(b"caf\xe9\n")
    _fail_writes_to(monkeypatch, "rej.jsonl")
    result = runner.invoke(app, ["clean", "docs", "-o", "new", "--rejects", "rej.jsonl", *FAST])
    assert result.exit_code == ExitCode.OUTPUT_FAILED, result.output
    assert "cannot write rej.jsonl" in result.stderr and not (folder / "rej.jsonl").exists()


def test_atomic_writer_turns_os_errors_into_one_message(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", "utf-8")
    with (
        pytest.raises(OutputWriteError, match="free some space") as caught,
        atomic_writer(target) as handle,
    ):
        handle.write(b"new\n")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert caught.value.target == str(target)
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
    assert target.read_text("utf-8") == "old\n"


def test_check_writable_accepts_plain_new_paths(tmp_path: Path) -> None:
    check_writable(tmp_path / "new" / "deeper" / "out.jsonl")
    with pytest.raises(OutputWriteError, match="longer than"):
        check_writable(tmp_path / LONG / "out.jsonl")


def test_a_fifo_is_written_in_place_not_replaced(folder: Path) -> None:
    fifo = folder / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = runner.invoke(app, ["detect", "in.jsonl", "-o", "pipe", *FAST])
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["id"] for x in received[0].decode().splitlines()] == ["a", "b"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


# --- standard output, as a real process ------------------------------------------------------

needs_cli = pytest.mark.skipif(not MTCLEAN.exists(), reason=f"no mtclean script at {MTCLEAN}")


@needs_cli
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_stdout_to_a_full_device(folder: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [str(MTCLEAN), "detect", "in.jsonl", *FAST], stdout=full, stderr=subprocess.PIPE,
            text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == ExitCode.OUTPUT_FAILED
    assert "cannot write standard output: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


@needs_cli
@pytest.mark.skipif(shutil.which("head") is None, reason="no head command")
def test_a_closed_pipe_ends_the_run_quietly(folder: Path) -> None:
    many = [{"id": f"d{i}", "text": f"Short article number {i}."} for i in range(3000)]
    (folder / "many.jsonl").write_text(_jsonl(*many), "utf-8")
    command = f"'{MTCLEAN}' detect many.jsonl --format text {' '.join(FAST)} | head -c 10"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert len(done.stdout) == 10
    assert done.returncode == ExitCode.OUTPUT_FAILED, done.stderr
    assert done.stderr == ""
