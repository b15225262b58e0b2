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


# --- streaming formats: compressed JSONL, CSV, Parquet, shard folders, HTML refused ---------

_RECORDS = [{"id": "a", "text": "First article."}, {"id": "b", "text": "Second article."}]


def _jsonl_bytes() -> bytes:
    import json

    return "".join(json.dumps(r) + "\n" for r in _RECORDS).encode()


def _compress(data: bytes, compression: str) -> bytes:
    if compression == "gzip":
        import gzip

        return gzip.compress(data)
    if compression == "bz2":
        import bz2

        return bz2.compress(data)
    zstandard = pytest.importorskip("zstandard")
    return bytes(zstandard.ZstdCompressor().compress(data))


def _ids(items: list[InputDocument | InputProblem]) -> list[str]:
    return [i.document.id if isinstance(i, InputDocument) else i.reason for i in items]


@pytest.mark.parametrize(
    ("name", "compression"),
    [
        ("d.jsonl.gz", "gzip"),
        ("d.jsonl.bz2", "bz2"),
        ("d.jsonl.zst", "zstd"),
        ("d.jsonl", "gzip"),  # by magic bytes: compressed under a plain name
        ("d.gz", "gzip"),  # no format suffix: JSONL because it starts like a JSON object
    ],
)
def test_compressed_jsonl(tmp_path: Path, name: str, compression: str) -> None:
    (tmp_path / name).write_bytes(_compress(_jsonl_bytes(), compression))
    assert _ids(_read_all([str(tmp_path / name)])) == ["a", "b"]


def test_truncated_gzip_is_a_problem_after_the_good_lines(tmp_path: Path) -> None:
    data = _compress(_jsonl_bytes() * 200, "gzip")
    (tmp_path / "d.jsonl.gz").write_bytes(data[: len(data) // 2])
    items = _read_all([str(tmp_path / "d.jsonl.gz")])
    assert isinstance(items[-1], InputProblem) and items[-1].reason == "unreadable"
    assert "truncated or corrupt" in items[-1].message
    assert all(isinstance(i, InputDocument) for i in items[:-1]) and len(items) > 1


def test_parquet_in_batches_with_fields(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"url": f"u{i}", "body": f"Article {i}.", "n": float("nan")} for i in range(2500)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "d.parquet", row_group_size=1000)
    items = _read_all([str(tmp_path / "d.parquet")], text_field="body", id_field="url")
    assert _ids(items)[:2] == ["u0", "u1"] and len(items) == 2500
    first = items[0]
    assert isinstance(first, InputDocument) and first.record == {
        "url": "u0", "body": "Article 0.", "n": None,
    }  # fmt: skip
    assert first.warnings == ("non_finite_number",)
    [missing] = _read_all([str(tmp_path / "d.parquet")])  # no column "text"
    assert isinstance(missing, InputProblem) and "columns: url, body, n" in missing.message


def test_csv_needs_a_text_field(tmp_path: Path) -> None:
    from mtclean.reading import UnsupportedInput

    (tmp_path / "d.csv").write_text('id,body\nc1,"Two\nlines, quoted ""x""."\nc2,Two.\n', "utf-8")
    with pytest.raises(UnsupportedInput, match="--text-field"):
        expand_paths([str(tmp_path / "d.csv")], text_field=None)
    items = _read_all([str(tmp_path / "d.csv")], text_field="body")
    assert _ids(items) == ["c1", "c2"]
    assert isinstance(items[0], InputDocument)
    assert items[0].document.text == 'Two\nlines, quoted "x".'


def test_tsv(tmp_path: Path) -> None:
    (tmp_path / "d.tsv").write_text("id\tbody\nt1\tA tab-separated article.\n", "utf-8")
    assert _ids(_read_all([str(tmp_path / "d.tsv")], text_field="body")) == ["t1"]


def test_folder_of_shards_sorted(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    (tmp_path / "01.jsonl.gz").write_bytes(_compress(_jsonl_bytes(), "gzip"))
    pq.write_table(pa.Table.from_pylist([{"id": "p", "text": "From Parquet."}]),
                   tmp_path / "00.parquet")  # fmt: skip
    (tmp_path / "02.jsonl").write_bytes(b'{"id": "c", "text": "Plain."}\n')
    (tmp_path / "README.md").write_text("not an input", "utf-8")
    sources, problems = expand_paths([str(tmp_path)])
    assert not problems
    assert [(s.kind, s.relpath.as_posix()) for s in sources] == [
        ("parquet", "00.jsonl"),  # cleaned into JSONL
        ("jsonl", "01.jsonl.gz"),
        ("jsonl", "02.jsonl"),
    ]
    assert _ids(_read_all([str(tmp_path)])) == ["p", "a", "b", "c"]


_PAGE = (
    "<!DOCTYPE html><html><head><title>Bridge to open | Town News</title>"
    '<meta name="author" content="Jane Doe"></head><body><nav><a href="/">Home</a></nav>'
    "<article><h1>Bridge to open</h1><p>"
    + "The council said on Monday that the new bridge would open to traffic next spring. " * 3
    + "</p></article><footer>Subscribe to our newsletter</footer></body></html>"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", _PAGE),
        ("page.htm", _PAGE),
        ("page.txt", "\ufeff  " + _PAGE),  # a page saved as .txt: known by its first bytes
        ("page.txt", _PAGE.replace("<!DOCTYPE html><html>", "<HTML lang=en>")),
    ],
)
def test_an_html_page_is_its_extracted_text(tmp_path: Path, name: str, content: str) -> None:
    pytest.importorskip("trafilatura")
    (tmp_path / name).write_text(content, "utf-8")
    [source], _ = expand_paths([str(tmp_path / name)])
    assert source.kind == "html" and source.relpath.as_posix() == "page.txt"
    [item] = _read_all([str(tmp_path / name)])
    assert isinstance(item, InputDocument)
    assert item.document.id == name
    assert "the new bridge would open" in item.document.text
    assert "<" not in item.document.text and "Subscribe" not in item.document.text
    assert item.document.metadata["page"]["author"] == "Jane Doe"


def test_a_folder_of_pages_and_one_without_text(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    (tmp_path / "a.html").write_text(_PAGE, "utf-8")
    (tmp_path / "b.html").write_text("<html><body><script>x()</script></body></html>", "utf-8")
    items = _read_all([str(tmp_path)])
    assert isinstance(items[0], InputDocument) and items[0].document.id == "a.html"
    assert isinstance(items[1], InputProblem) and items[1].reason == "no_text_extracted"
    assert items[1].location.endswith("b.html")


def test_records_with_an_html_field(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    import json

    lines = [
        {"id": "p1", "html": _PAGE, "url": "https://example.org/bridge"},
        {"id": "p2", "html": "<html><body></body></html>"},
        {"id": "p3", "body": "no page"},
    ]
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), "utf-8")
    sources, _ = expand_paths([str(tmp_path / "d.jsonl")], html_field="html")
    items = [i for s in sources for i in read_source(s)]
    assert isinstance(items[0], InputDocument) and items[0].document.id == "p1"
    assert "the new bridge would open" in items[0].document.text
    assert items[0].document.metadata["page"]["url"] == "https://example.org/bridge"
    assert [getattr(i, "reason", None) for i in items[1:]] == ["no_text_extracted", "missing_html"]


@pytest.mark.usefixtures("without_trafilatura")
def test_html_without_trafilatura_is_refused_before_reading(tmp_path: Path) -> None:
    from mtclean.reading import UnsupportedInput

    (tmp_path / "page.html").write_text(_PAGE, "utf-8")
    with pytest.raises(UnsupportedInput, match=r"pip install 'mtclean\[html\]'"):
        expand_paths([str(tmp_path / "page.html")])
    (tmp_path / "d.jsonl").write_text('{"html": "x"}\n', "utf-8")
    with pytest.raises(UnsupportedInput, match="needs trafilatura"):
        expand_paths([str(tmp_path / "d.jsonl")], html_field="html")


def test_plain_text_input_is_unchanged_by_html_support(tmp_path: Path) -> None:
    """Must-not-change: text files and JSONL text read exactly as before (kind, id, text, no
    page metadata)."""
    raw = "Title\n\nThe <b>bold</b> &amp; the rest.\n"
    (tmp_path / "a.txt").write_text(raw, "utf-8")
    (tmp_path / "d.jsonl").write_text('{"id": "x", "text": "Plain <i>text</i>."}\n', "utf-8")
    for path, text, doc_id in [("a.txt", raw, "a.txt"), ("d.jsonl", "Plain <i>text</i>.", "x")]:
        [source], _ = expand_paths([str(tmp_path / path)])
        assert source.kind in ("txt", "jsonl") and source.html_field is None
        [item] = read_source(source)
        assert isinstance(item, InputDocument)
        assert (item.document.text, item.document.id, dict(item.document.metadata)) == (
            text,
            doc_id,
            {},
        )


def test_text_mentioning_html_is_not_html(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The <html> tag opens a page.", "utf-8")
    assert _ids(_read_all([str(tmp_path / "a.txt")])) == ["a.txt"]


def test_html_record_in_jsonl_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text('{"id": "h", "text": "<!doctype html><p>x"}\n', "utf-8")
    assert _ids(_read_all([str(tmp_path / "d.jsonl")])) == ["html"]
    [problem] = _read_all([str(tmp_path / "d.jsonl")])
    assert "--html-field text" in getattr(problem, "message", "")
