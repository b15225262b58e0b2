"""Reader edges from issue 13: a BOM, undecodable lines kept in the rejects, folders whose
links or subfolders cannot be read, and a record that already has a "mtclean" field."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtclean.cli import app

runner = CliRunner()


def _clean(tmp_path: Path, source: Path) -> tuple[int, list[dict[str, object]], list[str]]:
    out, rejects = tmp_path / "out", tmp_path / "rejects.jsonl"
    args = ["clean", str(source), "-o", str(out), "--rejects", str(rejects), "--no-model", "-q"]
    result = runner.invoke(app, args)
    found = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    written = sorted(p.name for p in out.rglob("*") if p.is_file()) if out.is_dir() else []
    if out.is_file():
        written = out.read_text("utf-8").splitlines()
    return result.exit_code, found, written


def test_a_bom_before_the_first_record_is_not_part_of_it(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "Talks resumed."}\n')
    code, rejects, written = _clean(tmp_path, source)
    assert (code, rejects) == (0, [])
    assert json.loads(written[0])["id"] == "a"


def test_binary_and_invalid_utf8_lines_keep_their_bytes(tmp_path: Path) -> None:
    bad = [b'{"text": "caf\xe9"}', b'{"text": "a\x00b"}']
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"text": "Talks resumed."}\n' + b"\n".join(bad) + b"\n")
    code, rejects, written = _clean(tmp_path, source)
    assert code == 1 and len(written) == 1
    assert [r["reason"] for r in rejects] == ["invalid_utf8", "binary"]
    for reject, line in zip(rejects, bad, strict=True):
        assert reject["raw_encoding"] == "latin-1"
        assert str(reject["raw"]).encode("latin-1") == line  # the bytes, exactly


def test_a_folder_counts_links_to_nothing_and_loops(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Talks resumed.\n", "utf-8")
    (folder / "sub" / "b.txt").write_text("Talks ended.\n", "utf-8")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "sub" / "up").symlink_to(folder)  # a loop
    code, rejects, written = _clean(tmp_path, folder)
    assert sorted(str(r["reason"]) for r in rejects) == ["dangling_symlink", "symlink_loop"]
    assert code == 1
    assert [w for w in written if w.endswith(".txt")] == ["a.txt", "b.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable folders")
def test_a_folder_counts_an_unreadable_subfolder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    locked = folder / "locked"
    locked.mkdir(parents=True)
    (folder / "a.txt").write_text("Talks resumed.\n", "utf-8")
    (locked / "c.txt").write_text("Hidden.\n", "utf-8")
    locked.chmod(0)
    try:
        code, rejects, _ = _clean(tmp_path, folder)
    finally:
        locked.chmod(0o755)
    assert code == 1 and [r["reason"] for r in rejects] == ["unreadable"]


def test_a_link_to_nothing_given_as_input_is_not_called_missing(tmp_path: Path) -> None:
    link = tmp_path / "loop.txt"
    link.symlink_to(link)
    code, rejects, _ = _clean(tmp_path, link)
    assert code == 1 and [r["reason"] for r in rejects] == ["dangling_symlink"]


def test_an_existing_mtclean_field_is_replaced_with_a_warning(tmp_path: Path) -> None:
    from mtclean.reading import MTCLEAN_FIELD_REPLACED, InputDocument, expand_paths, read_source

    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "Talks resumed.", "mtclean": {"old": 1}}\n', "utf-8")
    sources, _ = expand_paths([str(source)], "auto")
    [item] = list(read_source(sources[0], "text", "id"))
    assert isinstance(item, InputDocument) and item.warnings == (MTCLEAN_FIELD_REPLACED,)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["clean", str(source), "-o", str(out), "--no-model", "-q"])
    assert result.exit_code == 0
    assert "old" not in json.loads(out.read_text("utf-8"))["mtclean"]
