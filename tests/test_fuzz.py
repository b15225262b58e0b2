"""Malformed inputs never crash ``detect``/``clean``, and documents in = written + rejected.

The generated cases are ``tests/fuzzing.py``'s (a few hundred here, seeded; 10,000 with
``scripts/fuzz.py``); below them, one test per bug the fuzzing found, on the smallest input
that showed it.
"""

from __future__ import annotations

import bz2
import gzip
import json
import os
from pathlib import Path

import fuzzing
import pytest
from typer.testing import CliRunner

from mtclean.cli import app

CASES = 300  # in-process: about 20 s
PROCESS_SEEDS = [0, 3, 11, 25, 54, 70, 86, 301, 558, 1773]  # kinds of every sort, as processes
runner = CliRunner()
FAST = fuzzing.FAST


@pytest.mark.parametrize("block", range(10))
def test_generated_cases_are_handled(block: int) -> None:
    failures = []
    for seed in range(block * CASES // 10, (block + 1) * CASES // 10):
        outcome = fuzzing.run_case(seed)
        if outcome.problems:
            failures.append((seed, outcome.case.kind, outcome.problems[:3]))
    assert not failures, failures


@pytest.mark.parametrize("seed", PROCESS_SEEDS)
def test_generated_cases_as_processes(seed: int) -> None:
    """The real exit codes and stderr (no traceback) of ``mtclean`` processes."""
    outcome = fuzzing.run_case(seed, fuzzing.run_subprocess)
    assert not outcome.problems, outcome.problems


def test_every_kind_is_generated() -> None:
    kinds = {fuzzing.make_case(seed).kind for seed in range(CASES)}
    assert kinds == set(fuzzing.KINDS)


def test_a_broken_case_is_caught(tmp_path: Path) -> None:
    """The check itself fails when a document goes missing (it can fail)."""
    case = fuzzing.make_case(0, "jsonl")
    name = case.paths[0]
    case.units.append(fuzzing.Unit(f"{name}:999", "written", tag="never", path=name, line=999))
    fuzzing.materialise(case, tmp_path)
    outcome = fuzzing.check(case, tmp_path, fuzzing.run_in_process)
    assert outcome.lost == 1 and any("never" in p for p in outcome.problems)


# --- the bugs the fuzzing found ----------------------------------------------------------------


def _clean(tmp_path: Path, *paths: str, stdin: bytes | None = None, extra: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    os.chdir(tmp_path)
    result = runner.invoke(
        app, ["clean", *paths, "-o", "out", "--rejects", "rej.jsonl", *extra, *FAST], input=stdin
    )
    rejects = [json.loads(x) for x in (tmp_path / "rej.jsonl").read_text("utf-8").splitlines()]
    return result, rejects


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.fixture(autouse=True)
def _back_home() -> object:
    before = Path.cwd()
    yield
    os.chdir(before)


def test_old_mac_line_ends_are_lines(tmp_path: Path) -> None:
    """A JSONL file with CR line ends read as one line: every record but one lost in a
    single reject."""
    records = [{"id": f"d{i}", "text": f"Talks resumed on day {i}."} for i in range(3)]
    data = "\r".join(json.dumps(r) for r in records) + "\r\r" + '{"id": "bad", "text": 1}\r'
    (tmp_path / "mac.jsonl").write_bytes(data.encode())
    result, rejects = _clean(tmp_path, "mac.jsonl")
    assert result.exit_code == 1, result.output
    assert [r["id"] for r in _records(tmp_path / "out")] == ["d0", "d1", "d2"]
    assert [(r["location"], r["reason"]) for r in rejects] == [("mac.jsonl:5", "missing_text")]


def test_a_cr_inside_a_record_is_white_space_not_a_line_end(tmp_path: Path) -> None:
    (tmp_path / "ws.jsonl").write_bytes(b' \r{"id": "a",\r"text": "Talks resumed."}\n{"id": 1}\n')
    _, rejects = _clean(tmp_path, "ws.jsonl")
    assert [r["id"] for r in _records(tmp_path / "out")] == ["a"]
    assert [r["location"] for r in rejects] == ["ws.jsonl:3"]  # the CR before "a" ended line 1


def test_a_truncated_zst_file_is_a_reject_not_a_silent_end(tmp_path: Path) -> None:
    """zstandard's stream reader ends quietly inside a frame: every document was lost
    without a word."""
    zstandard = pytest.importorskip("zstandard")
    data = b"".join(b'{"id": "d%d", "text": "Talks resumed."}\n' % i for i in range(50))
    packed = zstandard.ZstdCompressor().compress(data)
    (tmp_path / "cut.jsonl.zst").write_bytes(packed[: len(packed) - 5])
    result, rejects = _clean(tmp_path, "cut.jsonl.zst")
    assert result.exit_code == 1, result.output
    assert [r["reason"] for r in rejects] == ["unreadable"]
    assert "truncated or corrupt" in rejects[0]["message"]


def test_several_zst_frames_are_read(tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard")
    frames = [zstandard.ZstdCompressor().compress(b'{"id": "%d", "text": "Hi."}\n' % i)
              for i in range(3)]  # fmt: skip
    (tmp_path / "frames.jsonl.zst").write_bytes(b"".join(frames))
    result, rejects = _clean(tmp_path, "frames.jsonl.zst", extra=())
    assert result.exit_code == 0 and not rejects
    assert [r["id"] for r in _records(tmp_path / "out")] == ["0", "1", "2"]  # -o out: plain


def test_an_html_record_reject_keeps_its_line(tmp_path: Path) -> None:
    line = '{"id": "p", "text": "<!DOCTYPE html><html><body>x</body></html>"}'
    (tmp_path / "pages.jsonl").write_text(line + "\n", "utf-8")
    _, rejects = _clean(tmp_path, "pages.jsonl")
    assert [(r["reason"], r["raw"]) for r in rejects] == [("html", line)]


def test_a_link_to_a_folder_holding_the_input_folder_is_not_followed(tmp_path: Path) -> None:
    """``in/up -> ..`` read every file of ``in`` a second time (through ``in/up/in``)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Talks resumed on Monday.\n", "utf-8")
    (tmp_path / "in" / "up").symlink_to("..")
    result, rejects = _clean(tmp_path, "in")
    assert result.exit_code == 1, result.output
    assert [(r["location"], r["reason"]) for r in rejects] == [("in/up", "symlink_loop")]
    assert sorted(p.name for p in (tmp_path / "out").rglob("*.txt")) == ["a.txt"]


def test_compressed_stdin_without_peek_is_decompressed(tmp_path: Path) -> None:
    """A replaced ``sys.stdin`` (typer's runner, a notebook) has no ``peek``: compressed JSONL
    was read as binary lines."""
    data = gzip.compress(b'{"id": "a", "text": "Talks resumed."}\n')
    result, rejects = _clean(tmp_path, "-", stdin=data, extra=("--input-format", "jsonl"))
    assert result.exit_code == 0 and not rejects, result.output
    assert [r["id"] for r in _records(tmp_path / "out")] == ["a"]


def test_a_stdin_text_reject_keeps_its_bytes(tmp_path: Path) -> None:
    """Read from stdin, a text that is not UTF-8 is gone once read: its reject holds it."""
    _, rejects = _clean(tmp_path, "-", stdin=b"caf\xe9 au lait\n")
    assert [r["reason"] for r in rejects] == ["invalid_utf8"]
    assert rejects[0]["raw"].encode("latin-1") == b"caf\xe9 au lait\n"


def test_compressed_jsonl_under_a_plain_name_with_a_bom_is_jsonl(tmp_path: Path) -> None:
    """``corpus.bz2`` starting with a BOM was cleaned as one text document."""
    data = b'\xef\xbb\xbf{"id": "a", "text": "One."}\n{"id": "b", "text": "Two."}\n'
    (tmp_path / "corpus.bz2").write_bytes(bz2.compress(data))
    result, rejects = _clean(tmp_path, "corpus.bz2")
    assert result.exit_code == 0 and not rejects, result.output
    assert [r["id"] for r in _records(tmp_path / "out")] == ["a", "b"]


def test_the_same_input_twice_is_a_usage_error(tmp_path: Path) -> None:
    """``clean a.txt a.txt`` cleaned it once, ``detect`` twice."""
    (tmp_path / "a.txt").write_text("Talks resumed.\n", "utf-8")
    os.chdir(tmp_path)
    for command in (["clean", "a.txt", "./a.txt", "-o", "out"], ["detect", "a.txt", "a.txt"]):
        result = runner.invoke(app, [*command, *FAST])
        assert result.exit_code == 2 and "given twice" in result.stderr, result.output
    assert not (tmp_path / "out").exists()


def test_unreadable_files_and_folders_when_not_root() -> None:
    if fuzzing.ROOT:
        pytest.skip(
            "running as root: chmod does not stop root from reading, so the unreadable file "
            "and folder cases are not generated"
        )
    seeds = [s for s in range(300) if "locked.jsonl" in fuzzing.make_case(s, "odd_path").paths]
    seeds = seeds[:3]
    assert seeds
    for seed in seeds:
        outcome = fuzzing.run_case(seed, kind="odd_path")
        assert not outcome.problems, outcome.problems


def test_readme_fuzz_figures_come_from_the_script() -> None:
    import importlib.util

    from support import REPO

    path = REPO / "benchmarks" / "fuzz.json"
    if not path.is_file():
        pytest.skip(f"{path} not written (python scripts/fuzz.py --cases 10000 --out {path})")
    spec = importlib.util.spec_from_file_location(
        "mtclean_fuzz_script", REPO / "scripts" / "fuzz.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    sentence = script.readme_sentence(json.loads(path.read_text("utf-8")))
    assert sentence in " ".join((REPO / "README.md").read_text("utf-8").split()), sentence
