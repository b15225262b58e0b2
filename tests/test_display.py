"""The terminal summary and the HTML review page (``mtclean.display``), from records to text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from support import ReviewPage, check_review_page
from typer.testing import CliRunner

from mtclean import Cleaner, CleanerConfig
from mtclean.cli import app
from mtclean.display.entries import document_view
from mtclean.display.review import review_page
from mtclean.display.terminal import quoted, render_document, wants_color
from mtclean.serialize import mtclean_field

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# line 1 "Title", line 3 the body; offsets below index this text
TEXT = "Title\n\nOfficials stated on Monday. reporter said the <b>talks</b> & more.\n\nSource link"


def _span(start: int, end: int, label: str, score: float, source: str, **extra: Any) -> dict:
    return {
        "start": start, "end": end, "label": label, "score": score, "text": TEXT[start:end],
        "replacement": extra.get("replacement"), "source": source,
        "reason": extra.get("reason", ""), "candidates": extra.get("candidates", []),
    }  # fmt: skip


def _record() -> dict[str, Any]:
    stated = TEXT.index("stated")
    monday = TEXT.index("Monday. reporter")
    source = TEXT.index("\n\nSource link")
    spans = [
        _span(stated, stated + 6, "spun", 0.9, "model", replacement=None, reason="model: 1 word",
              candidates=[{"text": "said", "score": 0.7, "evidence": ["phrasebook", "context"]},
                          {"text": "told", "score": 0.1, "evidence": ["thesaurus"]}]),
        _span(monday, monday + 16, "mt", 0.85, "punctuation", replacement="Monday reporter",
              reason="stray_break"),
        _span(source, len(TEXT), "boilerplate", 0.95, "boilerplate", replacement="",
              reason="cms_phrase"),
    ]  # fmt: skip
    edits = [
        {"start": s["start"], "end": s["end"], "replacement": s["replacement"],
         "label": s["label"], "source": s["source"], "score": s["score"], "reason": s["reason"]}
        for s in spans[1:]
    ]  # fmt: skip
    return {"id": "doc-a", "score": 0.2, "spans": spans, "edits": edits,
            "metadata": {"source_url": "https://example.org/a"}, "stats": {"spans": 3}}  # fmt: skip


def test_document_view_tells_edits_from_flags_with_line_column_and_why() -> None:
    view = document_view(_record(), TEXT, edit_threshold=0.8, drop_at=0.1)
    flag, stray, boiler = view.entries
    assert (flag.kind, stray.kind, boiler.kind) == ("flag", "edit", "edit")
    assert (flag.line, flag.column) == (3, 11)  # "stated" on the third line
    assert (boiler.line, boiler.column) == (5, 1)  # its first visible character, not the "\n\n"
    assert flag.why_not == "candidates only: none was proposed as the replacement"
    assert view.cleaned == TEXT.replace(". reporter", " reporter").replace("\n\nSource link", "")
    assert view.decision == "drop" and view.boilerplate_lines == 1
    assert document_view(_record(), TEXT, drop_at=0.5).decision == "keep"


def test_a_flag_below_the_threshold_says_so() -> None:
    record = _record()
    record["spans"][0]["replacement"] = "said"
    view = document_view(record, TEXT, edit_threshold=0.8)
    assert view.entries[0].why_not == "edit score 0.630 < edit threshold 0.80"


def test_terminal_summary_plain() -> None:
    text = render_document(document_view(_record(), TEXT), "clean")
    lines = text.splitlines()
    assert lines[0].startswith("== doc-a  drop (score 0.200 >= 0.10)  words flagged: spun ")
    assert "1 edit" not in lines[0] and "2 edits applied, 1 flag left" in lines[0]
    assert re.match(r"  flag  spun +3:11 +'stated' \? 'said' 0\.70 \| 'told' 0\.10  0\.90  model",
                    lines[1])  # fmt: skip
    assert "model: 1 word; not applied: candidates only" in lines[1]
    assert "'Monday. reporter' -> 'Monday reporter'  0.85  punctuation stray_break" in lines[2]
    assert "'\\n\\nSource link' -> (deleted)" in lines[3]  # newlines escaped once
    assert "\\\\n" not in text and not ANSI.search(text)


def test_terminal_summary_in_colour_says_the_same() -> None:
    view = document_view(_record(), TEXT)
    coloured = render_document(view, "detect", color=True)
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == render_document(view, "detect")
    assert "2 edits clean would apply, 1 flag" in coloured.splitlines()[0].replace("\x1b", "")


def test_colour_only_on_a_terminal_without_no_color() -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    assert wants_color(Tty(), {})
    assert not wants_color(Tty(), {"NO_COLOR": ""})
    assert not wants_color(Tty(), {"TERM": "dumb"})
    assert not wants_color(object(), {})


def test_quoted_shortens_the_middle() -> None:
    assert quoted("a\nb\tc") == "'a\\nb\\tc'"
    long = quoted("x" * 50 + "y" * 50)
    assert long.startswith("'xxx") and long.endswith("yyy'") and "..." in long
    assert len(long) <= 62


def test_review_page_holds_every_span_and_both_texts() -> None:
    record = _record()
    view = document_view(record, TEXT)
    page = review_page([view])
    check_review_page(page, [(record, TEXT, view.cleaned)])
    assert "<b>talks</b>" not in page and "&lt;b&gt;talks&lt;/b&gt;" in page  # escaped
    assert "phrasebook, context" in page  # a flag's evidence
    assert "https://example.org/a" in page  # extracted metadata, as text (no link)


def test_review_page_shows_crossing_spans_as_markers() -> None:
    record = _record()
    stated = TEXT.index("stated")
    record["spans"].insert(1, _span(stated + 2, stated + 13, "mt", 0.5, "punctuation"))
    view = document_view(record, TEXT)
    page = review_page([view])
    check_review_page(page, [(record, TEXT, view.cleaned)])
    marker = [s for s in ReviewPage(page).spans["doc-1"] if "also" in s["class"]]
    assert [m["data-index"] for m in marker] == ["1"] and marker[0]["old"] == ""


def test_review_page_keeps_carriage_returns() -> None:
    text = "One line.\r\nTwo lines."
    record = {"id": "crlf", "score": 0.0, "spans": [], "edits": [], "metadata": {}, "stats": {}}
    view = document_view(record, text)
    check_review_page(review_page([view]), [(record, text, text)])


def test_review_page_of_cleaner_output_several_documents() -> None:
    cleaner = Cleaner(CleanerConfig(model=False))
    texts = [TEXT, "Talks in Jap Europe stalled.\n\nLeave a Reply", "Nothing to see."]
    documents = []
    views = []
    for i, text in enumerate(texts):
        result = cleaner.clean(text)
        record = {"id": f"d{i}", **mtclean_field(result, text)}
        documents.append((record, text, result.text))
        views.append(document_view(record, text))
    page = review_page(views, omitted=4)
    check_review_page(page, documents)
    assert 'href="#doc-3"' in page and "4 more document(s) not shown" in page
    assert "No spans: nothing changed" in page


ARTICLE = (
    "Talks resume in Geneva\n\n"
    "Diplomats met on Monday to discuss the crisis in Jap Europe, officials said. reporters "
    "asked.\n\nSource link\n"
)


def test_clean_prints_the_summary_on_stderr_and_writes_the_review(tmp_path: Path) -> None:
    src = tmp_path / "article.txt"
    src.write_text(ARTICLE, "utf-8")
    out, review = tmp_path / "clean.txt", tmp_path / "review.html"
    result = runner.invoke(
        app, ["clean", str(src), "-o", str(out), "--no-model", "--review", str(review)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("== article.txt  ")
    assert any(
        re.match(r"  edit  mt +3:72 +'said\. reporters' -> 'said reporters'  0\.85  punctuation", x)
        for x in lines
    )
    assert "edit(s) applied" in lines[-1] and "left as flags" in lines[-1]
    sidecar = json.loads((tmp_path / "clean.txt.mtclean.json").read_text("utf-8"))
    page = review.read_text("utf-8")
    check_review_page(page, [(sidecar, ARTICLE, out.read_text("utf-8"))])
    quiet = runner.invoke(app, ["clean", str(src), "-o", str(out), "--no-model", "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_clean_jsonl_has_no_summary_unless_asked(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": ARTICLE}) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    plain = runner.invoke(app, ["clean", str(src), "-o", str(out), "--no-model"])
    assert plain.exit_code == 0 and "==" not in plain.stderr
    asked = runner.invoke(app, ["clean", str(src), "-o", str(out), "--no-model", "--summary"])
    assert asked.exit_code == 0 and asked.stderr.startswith("== a  ")


@pytest.mark.parametrize("where", ["input", "output"])
def test_review_never_writes_over_an_input_or_another_output(tmp_path: Path, where: str) -> None:
    src = tmp_path / "article.txt"
    src.write_text(ARTICLE, "utf-8")
    out = tmp_path / "clean.txt"
    review = src if where == "input" else out
    result = runner.invoke(
        app, ["clean", str(src), "-o", str(out), "--no-model", "--review", str(review)]
    )
    assert result.exit_code == 2
    assert "--review" in result.stderr
    assert src.read_text("utf-8") == ARTICLE and not out.exists()


def test_detect_text_and_closing_line_say_nothing_changed() -> None:
    result = runner.invoke(app, ["detect", "-", "--format", "text", "--no-model"], input=ARTICLE)
    assert result.exit_code == 0
    assert result.stdout.startswith("== stdin  ")
    assert "edits clean would apply" in result.stdout.splitlines()[0]
    assert "'\\n\\nSource link" in result.stdout and "\\\\n" not in result.stdout
    assert "nothing changed" in result.stderr and "edit(s) applied" not in result.stderr


def test_stats_count_applied_spans_as_edited() -> None:
    text = "He met NATO. allies in Brussels. relations were tense, officials said."
    result = Cleaner(CleanerConfig(model=False)).clean(text)
    applied = [e for e in result.edits if e.reason == "stray_break"]
    assert len(applied) == 2
    assert result.stats["punctuation.edited_stray_break"] == 2
    assert "punctuation.flagged_stray_break" not in result.stats
