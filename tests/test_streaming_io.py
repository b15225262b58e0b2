"""Corpus inputs end to end: compressed JSONL in and out, shard folders, CSV and HTML refused
before any work, stdin streamed (output appears while input still arrives)."""

from __future__ import annotations

import gzip
import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtclean.cli import app

runner = CliRunner()
FAST = ["--no-model", "-q"]
RECORDS = [
    {"id": "a", "text": "Officials said the Deputy Overseas Minister met them in Geneva."},
    {"id": "b", "text": "Talks resumed on Monday."},
]


def _jsonl(records: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def test_clean_keeps_the_compression_of_each_shard(tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    (shards / "00.jsonl.gz").write_bytes(gzip.compress(_jsonl(RECORDS)))
    (shards / "01.jsonl").write_bytes(_jsonl(RECORDS[1:]))
    result = runner.invoke(app, ["clean", str(shards), "-o", str(tmp_path / "out"), *FAST])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["00.jsonl.gz", "01.jsonl"]
    lines = gzip.decompress((tmp_path / "out" / "00.jsonl.gz").read_bytes()).splitlines()
    first = json.loads(lines[0])
    assert first["text"] == "Officials said the Deputy Foreign Minister met them in Geneva."
    assert json.loads((tmp_path / "out" / "01.jsonl").read_bytes())["id"] == "b"


def test_output_compression_follows_the_output_name(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl.gz").write_bytes(gzip.compress(_jsonl(RECORDS)))
    plain, packed = tmp_path / "plain.jsonl", tmp_path / "spans.jsonl.bz2"
    assert runner.invoke(app, ["clean", str(tmp_path / "in.jsonl.gz"), "-o", str(plain), *FAST])
    assert [json.loads(x)["id"] for x in plain.read_bytes().splitlines()] == ["a", "b"]
    result = runner.invoke(app, ["detect", str(tmp_path / "in.jsonl.gz"), "-o", str(packed), *FAST])
    assert result.exit_code == 0, result.output
    import bz2

    assert [json.loads(x)["id"] for x in bz2.decompress(packed.read_bytes()).splitlines()] == [
        "a", "b",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("d.csv", "id,body\nc1,Text.\n", "--text-field"),
    ],
)
def test_refused_before_any_work(tmp_path: Path, name: str, content: str, message: str) -> None:
    (tmp_path / name).write_text(content, "utf-8")
    for command in (["detect"], ["clean", "-o", str(tmp_path / "out")]):
        result = runner.invoke(app, [*command, str(tmp_path / name), *FAST])
        assert result.exit_code == 2 and message in result.output
        assert not (tmp_path / "out").exists()


def test_csv_with_text_field_is_cleaned_into_jsonl(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "d.csv").write_text('id,body\nc1,"Talks, resumed."\n', "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["clean", str(tmp_path / "in"), "-o", str(out), "--text-field", "body", *FAST]
    )
    assert result.exit_code == 0, result.output
    record = json.loads((out / "d.jsonl").read_text("utf-8"))
    assert record["id"] == "c1" and record["body"] == "Talks, resumed."


def test_stdin_is_streamed(tmp_path: Path) -> None:
    """The first document's record comes out before the second has been sent."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    mtclean = str(Path(sys.executable).parent / "mtclean")
    command = [mtclean, "detect", "-", "--input-format", "jsonl"]
    proc = subprocess.Popen(
        [*command, *FAST], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(_jsonl(RECORDS[:1]))
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], 120)
        assert ready, "no output within 120 s of the first document"
        first = json.loads(proc.stdout.readline())
        assert first["id"] == "a"
        proc.stdin.write(_jsonl(RECORDS[1:]))
        proc.stdin.close()
        assert json.loads(proc.stdout.readline())["id"] == "b"
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_folder_of_articles_reads_its_text_files_not_the_data_beside_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mtclean.reading import expand_paths

    (tmp_path / "a.txt").write_text("One article.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Another article.", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text('{"id": "a.txt", "spans": []}\n', encoding="utf-8")
    sources, problems = expand_paths([str(tmp_path)])
    assert [s.path.name for s in sources if s.path] == ["a.txt", "b.txt"] and not problems
    (tmp_path / "a.txt").unlink()
    (tmp_path / "b.txt").unlink()
    sources, _ = expand_paths([str(tmp_path)])  # no text files: a folder of shards
    assert [s.kind for s in sources] == ["jsonl"]
