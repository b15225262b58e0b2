"""Reading inputs: every bad input becomes a problem naming its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtclean.reading import InputDocument, InputProblem, expand_paths, read_source


def _read_all(paths: list[str], **kwargs: str) -> list[InputDocument | InputProblem]:
    sources, problems = expand_paths(paths)
    items: list[InputDocument | InputProblem] = list(problems)
    for source in sources:
        items.extend(read_source(source, **kwargs))
    return items


def test_text_file_is_read_exactly(tmp_path: Path) -> None:
    raw = "Title\r\n\r\nBody with “quotes” and İ.\n".encode()
    (tmp_path / "a.txt").write_bytes(raw)
    [item] = _read_all([str(tmp_path / "a.txt")])
    assert isinstance(item, InputDocument)
    assert item.document.text.encode("utf-8") == raw  # newlines untranslated
    assert item.document.id == "a.txt"


def test_folder_gives_relative_ids_in_order(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("two", "utf-8")
    (tmp_path / "sub" / "a.txt").write_text("one", "utf-8")
    (tmp_path / "ignored.md").write_text("not text input", "utf-8")
    ids = [i.document.id for i in _read_all([str(tmp_path)]) if isinstance(i, InputDocument)]
    assert ids == ["b.txt", "sub/a.txt"]


@pytest.mark.parametrize(
    ("content", "reason", "location_suffix"),
    [
        (b"ok line\nbad \xff byte\n", "invalid_utf8", "bad.txt:2"),
        (b"\x00\x01\x02binary", "binary", "bad.txt"),
        (b"  \n\n", "empty", "bad.txt"),
    ],
)
def test_bad_text_files(tmp_path: Path, content: bytes, reason: str, location_suffix: str) -> None:
    (tmp_path / "bad.txt").write_bytes(content)
    [item] = _read_all([str(tmp_path / "bad.txt")])
    assert isinstance(item, InputProblem)
    assert item.reason == reason
    assert item.location.endswith(location_suffix)


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    [item] = _read_all([str(tmp_path / "nope.txt")])
    assert isinstance(item, InputProblem)
    assert item.reason == "missing" and "nope.txt" in item.describe()


def test_jsonl_lines_each_checked(tmp_path: Path) -> None:
    lines = [
        '{"id": "a", "text": "first"}',
        "",
        "{not json",
        '{"id": "c", "body": "wrong field"}',
        '["a list"]',
        '{"id": "e", "text": 5}',
        '{"text": "no id"}',
        '{"id": "g", "text": "   "}',
    ]
    path = tmp_path / "docs.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"text": "bad \xff"}\n')
    items = _read_all([str(path)])
    summary = [
        (i.document.id, i.line) if isinstance(i, InputDocument) else (i.reason, i.location)
        for i in items
    ]
    name = str(path)
    assert summary == [
        ("a", 1),
        ("invalid_json", f"{name}:3"),
        ("missing_text", f"{name}:4"),
        ("invalid_json", f"{name}:5"),
        ("missing_text", f"{name}:6"),
        ("docs.jsonl:7", 7),
        ("empty", f"{name}:8"),
        ("invalid_utf8", f"{name}:9"),
    ]
    missing = items[2]
    assert isinstance(missing, InputProblem) and "--text-field" in missing.message


def test_jsonl_custom_fields(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"url": "u1", "body": "hello", "keep": [1, 2]}\n', "utf-8")
    [item] = _read_all([str(path)], text_field="body", id_field="url")
    assert isinstance(item, InputDocument)
    assert item.document.id == "u1" and item.document.text == "hello"
    assert item.record == {"url": "u1", "body": "hello", "keep": [1, 2]}
