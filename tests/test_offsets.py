"""Offsets into the cleaned text (``clean_start``/``clean_end``) and ``--keep-original``: every
span of a cleaned JSONL record can be found in the record."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtclean import Edit, apply_edits
from mtclean.cli import app
from mtclean.edits import OffsetMap

runner = CliRunner()


@st.composite
def _text_and_edits(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    text = draw(st.text(alphabet="abc .", min_size=0, max_size=40))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        replacement = draw(st.text(alphabet="XY", max_size=5))
        insertion = draw(st.booleans())  # at a point no other edit starts
        edits.append(Edit(start, start if insertion else end, replacement, "test", 1.0, "spun"))
    return text, edits


@given(_text_and_edits(), st.data())
def test_spans_map_onto_the_cleaned_text(case: tuple[str, list[Edit]], data: st.DataObject) -> None:
    text, edits = case
    cleaned = apply_edits(text, edits)
    where = OffsetMap(edits)
    for edit in edits:  # an edited span is its replacement
        assert cleaned[where(edit.start, "start") : where(edit.end, "end")] == edit.replacement
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    untouched = all(e.end <= start or e.start >= end for e in edits if e.start != e.end)
    untouched = untouched and not any(start <= e.start <= end for e in edits if e.start == e.end)
    if untouched:  # a span no edit touches keeps its words
        assert cleaned[where(start, "start") : where(end, "end")] == text[start:end]
    assert 0 <= where(start, "start") <= where(end, "end") <= len(cleaned)


def test_clean_jsonl_records_resolve_every_span(tmp_path: Path) -> None:
    text = (
        "Talks resume in Geneva\n\nRussian officers met the Deputy Overseas Minister in Jap "
        "Europe on Monday, officials said.\n\nSource link\n"
    )
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "a", "text": text}) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    args = ["clean", str(tmp_path / "in.jsonl"), "-o", str(out), "--no-model", "-q"]
    result = runner.invoke(app, [*args, "--keep-original", "text_original"])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text("utf-8"))
    assert record["text_original"] == text
    spans, edits = record["mtclean"]["spans"], record["mtclean"]["edits"]
    assert spans and edits
    for span in spans:
        assert record["text_original"][span["start"] : span["end"]] == span["text"]
        found = record["text"][span["clean_start"] : span["clean_end"]]
        edited = [e for e in edits if (e["start"], e["end"]) == (span["start"], span["end"])]
        assert found == (edited[0]["replacement"] if edited else span["text"])
    for edit in edits:
        assert record["text"][edit["clean_start"] : edit["clean_end"]] == edit["replacement"]


def test_keep_original_cannot_overwrite_the_text(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"text": "Talks."}\n', "utf-8")
    args = ["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--no-model"]
    for field in ("text", "mtclean"):
        result = runner.invoke(app, [*args, "--keep-original", field])
        assert result.exit_code == 2 and "--keep-original" in result.output
