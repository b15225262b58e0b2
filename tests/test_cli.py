"""The command line, end to end: contracts, layouts, bad input, never writing over inputs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from support import SEEDS
from typer.testing import CliRunner

from mtclean import Edit, apply_edits
from mtclean.cli import app

runner = CliRunner()
ARTICLE = (
    "Talks resume in Geneva\n\n"
    "Diplomats met on Monday to discuss the crisis in Jap Europe, officials said.\n\n"
    "Source link\n"
)


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("*.jsonl", "*.md"))
    return folder


def _edits(records: list[dict[str, object]]) -> list[Edit]:
    return [
        Edit(r["start"], r["end"], r["replacement"], r["source"], r["score"], r["label"])  # type: ignore[arg-type]
        for r in records
    ]


def test_help_shows_examples() -> None:
    for command in ("detect", "clean"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Examples" in result.stdout and f"mtclean {command}" in result.stdout


def test_detect_jsonl_follows_the_contract(seeds_copy: Path) -> None:
    result = runner.invoke(app, ["detect", str(seeds_copy), "--format", "jsonl", "-q"])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == sorted(p.name for p in SEEDS.glob("*.txt"))
    for record in records:
        assert set(record) == {"id", "score", "spans"}
        assert 0.0 <= record["score"] <= 1.0
        text = (seeds_copy / record["id"]).read_bytes().decode("utf-8")
        for span in record["spans"]:
            assert {"start", "end", "label", "score", "text", "replacement", "source"} <= set(span)
            assert text[span["start"] : span["end"]] == span["text"]
            assert span["label"] in ("spun", "mt", "boilerplate")


def test_detect_text_format_and_stdin() -> None:
    result = runner.invoke(app, ["detect", "-", "--format", "text", "-q"], input=ARTICLE)
    assert result.exit_code == 0
    assert re.match(r"== stdin  (keep|drop) \(score 0\.\d{3} ", result.stdout)


def test_clean_folder_mirrors_layout_with_sidecars(seeds_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["clean", str(seeds_copy), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    for original in seeds_copy.glob("*.txt"):
        cleaned = (out / original.name).read_bytes().decode("utf-8")
        sidecar = json.loads((out / f"{original.name}.mtclean.json").read_text("utf-8"))
        text = original.read_bytes().decode("utf-8")
        assert apply_edits(text, _edits(sidecar["edits"])) == cleaned
        assert sidecar["id"] == original.name


def test_clean_jsonl_round_trip(tmp_path: Path) -> None:
    docs = [{"id": "a", "text": ARTICLE, "lang": "en"}, {"id": "b", "text": "Plain text."}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in docs), "utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["clean", str(src), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[0]["lang"] == "en"  # other fields kept
    for doc, record in zip(docs, records, strict=True):
        mt = record["mtclean"]
        assert set(mt) >= {"score", "spans", "edits", "metadata"}
        assert apply_edits(doc["text"], _edits(mt["edits"])) == record["text"]
    assert records[1]["text"] == "Plain text."


def test_bad_inputs_are_reported_counted_and_skipped(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, "utf-8")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text('{"id": "x", "text": "fine"}\nnot json\n{"title": "t"}\n', "utf-8")
    rejects = tmp_path / "rejects.jsonl"
    args = ["clean", str(good), str(tmp_path / "latin1.txt"), str(jsonl), str(tmp_path / "nope")]
    result = runner.invoke(app, [*args, "-o", str(tmp_path / "out"), "--rejects", str(rejects)])
    assert result.exit_code == 1
    assert "latin1.txt:1: invalid UTF-8" in result.stderr
    assert "docs.jsonl:2: not valid JSON" in result.stderr
    assert "docs.jsonl:3: has no field 'text'" in result.stderr
    assert "nope: no such file or folder" in result.stderr
    assert "4 input problem(s)" in result.stderr
    assert (tmp_path / "out" / "good.txt").exists()
    kept = (tmp_path / "out" / "docs.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in kept] == ["x"]
    reasons = [json.loads(line)["reason"] for line in rejects.read_text("utf-8").splitlines()]
    assert sorted(reasons) == ["invalid_json", "invalid_utf8", "missing", "missing_text"]


def test_clean_never_writes_over_its_input(seeds_copy: Path) -> None:
    target = next(seeds_copy.glob("*.txt"))
    before = target.read_bytes()
    result = runner.invoke(app, ["clean", str(target), "-o", str(target)])
    assert result.exit_code == 2 and "refusing to write over the input" in result.stderr
    result = runner.invoke(app, ["clean", str(seeds_copy), "-o", str(seeds_copy / "out")])
    assert result.exit_code == 2 and "inside the input folder" in result.stderr
    assert target.read_bytes() == before
    assert not (seeds_copy / "out").exists()


def test_clean_stdin_to_stdout() -> None:
    result = runner.invoke(app, ["clean", "-", "-o", "-", "-q"], input="Just a sentence.\n")
    assert result.exit_code == 0
    assert result.stdout == "Just a sentence.\n"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["detect", "-", "--format", "xml"], input="x")
    assert result.exit_code == 2 and "unknown --format" in result.stderr
    (tmp_path / "a.txt").write_text("a", "utf-8")
    (tmp_path / "b.txt").write_text("b", "utf-8")
    out_file = tmp_path / "file.txt"
    out_file.write_text("", "utf-8")
    args = ["clean", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(out_file)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "-o must be a folder" in result.stderr


def test_components_switch_from_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "The talks will include NATO. allies, officials said.\n"
    spans = json.loads(runner.invoke(app, ["detect", "-"], input=text).stdout)["spans"]
    assert [(s["source"], s["text"]) for s in spans] == [("punctuation", "NATO. allies")]
    result = runner.invoke(app, ["detect", "-", "--no-punctuation"], input=text)
    assert json.loads(result.stdout)["spans"] == []
    monkeypatch.setenv("MTCLEAN_MODEL_DIR", "/nonexistent/models")
    result = runner.invoke(app, ["detect", "-", "--model"], input=text)
    assert result.exit_code == 2
    assert "cannot load the model" in result.stderr and "/nonexistent/models" in result.stderr


# --- HTML input ---------------------------------------------------------------------------------

_PAGE = (
    "<!DOCTYPE html><html><head><title>Bridge to open | Town News</title>"
    '<meta name="author" content="Jane Doe"></head><body><nav><a href="/">Home</a></nav>'
    "<article><h1>Bridge to open</h1><p>"
    + "The council said on Monday that the new bridge would open to traffic next spring. "
    * 3
    + "</p><p>Work on the Q&amp;amp;A site starts in May, officials said.</p></article>"
    "<footer>Subscribe to our newsletter</footer></body></html>"
)


def test_clean_an_html_page_records_the_extracted_text(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    (tmp_path / "page.html").write_text(_PAGE, "utf-8")
    out = tmp_path / "page.txt"
    result = runner.invoke(app, ["clean", str(tmp_path / "page.html"), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    sidecar = json.loads((tmp_path / "page.txt.mtclean.json").read_text("utf-8"))
    extracted = sidecar["extracted_text"]
    assert "the new bridge would open" in extracted and "<p>" not in extracted
    assert apply_edits(extracted, _edits(sidecar["edits"])) == out.read_text("utf-8")
    for span in sidecar["spans"]:
        assert extracted[span["start"] : span["end"]] == span["text"]
    assert sidecar["metadata"]["page"]["author"] == "Jane Doe"
    assert "Q&A site" in out.read_text("utf-8")  # the entity trafilatura left, repaired


def test_detect_html_on_stdin_is_sniffed(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    result = runner.invoke(app, ["detect", "-", "--no-model", "-q"], input=_PAGE)
    assert result.exit_code == 0, result.stderr
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert "the new bridge would open" in record["extracted_text"]
    for span in record["spans"]:
        assert record["extracted_text"][span["start"] : span["end"]] == span["text"]


def test_clean_records_with_an_html_field(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    rows = [{"id": "a", "html": _PAGE}, {"id": "b", "html": "<html><body></body></html>"}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    args = ["clean", str(tmp_path / "in.jsonl"), "--html-field", "html", "-o", str(out)]
    result = runner.invoke(app, [*args, "--rejects", str(rejects), "--no-model", "-q"])
    assert result.exit_code == 1, result.stderr  # one page without text: rejected, counted
    [record] = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert record["html"] == _PAGE  # the page is kept
    extracted = record["mtclean"]["extracted_text"]
    assert apply_edits(extracted, _edits(record["mtclean"]["edits"])) == record["text"]
    assert record["mtclean"]["metadata"]["page"]["title"].startswith("Bridge to open")
    [reject] = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    assert reject["reason"] == "no_text_extracted" and json.loads(reject["raw"])["id"] == "b"
    same = runner.invoke(app, [*args[:-2], "--text-field", "html", "-o", str(tmp_path / "x")])
    assert same.exit_code == 2 and "--html-field" in same.stderr


@pytest.mark.usefixtures("without_trafilatura")
def test_html_without_trafilatura_exits_2_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(_PAGE, "utf-8")
    result = runner.invoke(app, ["clean", str(tmp_path / "page.html"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "pip install 'mtclean[html]'" in result.stderr
    assert not (tmp_path / "o").exists()


def test_plain_text_output_is_unchanged_by_html_support(tmp_path: Path) -> None:
    """Must-not-change: a text file's records carry no extracted_text and no page metadata."""
    (tmp_path / "a.txt").write_text(ARTICLE, "utf-8")
    result = runner.invoke(app, ["detect", str(tmp_path / "a.txt"), "--no-model", "-q"])
    assert result.exit_code == 0, result.stderr
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert set(record) == {"id", "score", "spans"}
