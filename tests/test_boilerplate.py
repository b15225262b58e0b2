"""The boilerplate detector: data cases, the seeds' must-not-change paragraphs, metadata, layout."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import read_seed

from mtclean import Cleaner, CleanerConfig
from mtclean.config import DEFAULT_EDIT_THRESHOLD
from mtclean.detectors.boilerplate import BoilerplateDetector, split_lines
from mtclean.detectors.boilerplate_lines import MIN_LINES
from mtclean.edits import apply_edits
from mtclean.records import Detection, Document, Edit, Span

CASES: dict[str, list[dict[str, Any]]] = json.loads(
    (Path(__file__).parent / "cases" / "boilerplate.json").read_text(encoding="utf-8")
)
DETECTOR = BoilerplateDetector()
RULES = BoilerplateDetector(line_model=False)

# The lines each seed's boilerplate consists of (test data: the detector holds no seed text).
SEED_BOILERPLATE: dict[str, set[str]] = {
    "000_91c3d4301d021a5a.txt": {
        "Moscow and Washington prepare for the next steps in Ukraine negotiations",  # 2nd copy
        "----------------------------------------",
        "By: Paul McLeary and Quint Forgey",
        "Title: As talks flame out, Moscow and Washington brace for next moves on Ukraine",
        "Sourced From: www.politico.com/news/2022/01/13/moscow-washington-ukraine-527090",
        "Published Date: Thu, 13 Jan 2022 17:56:50 EST",
        "Read More",
        "Did you miss our previous article...",
        "https://consumernewsnetwork.com/politics-us/the-empty-promise-that-instant-delivery-is-possible",
    },
    "001_8eb623820132897e.txt": {
        "Deputy Secretary of State Wendy Sherman and Russian Deputy Foreign Minister Sergei "
        "Ryabkov attend security talks in Geneva on Monday, Jan.",
        "(Washington Post)",
        "%d bloggers like this:",
    },
}


def cleaned(text: str, detection: Detection) -> str:
    """The text after applying the spans the default cleaner would apply."""
    edits = [
        Edit.from_span(s)
        for s in detection.spans
        if s.replacement is not None and s.score >= DEFAULT_EDIT_THRESHOLD
    ]
    return apply_edits(text, edits)


def removed(detection: Detection) -> list[Span]:
    return [s for s in detection.spans if s.replacement is not None]


def assert_well_formed(text: str, spans: tuple[Span, ...]) -> None:
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    for before, after in itertools.pairwise(ordered):
        assert before.end <= after.start, f"{before} overlaps {after}"
    for span in spans:
        assert 0 <= span.start <= span.end <= len(text)
        assert (span.label, span.source) == ("boilerplate", "boilerplate")
        assert 0.0 <= span.score <= 1.0
        assert span.reason
        assert span.replacement in (None, "", "\n\n")


@pytest.mark.parametrize("case", CASES["cleaned"], ids=lambda c: c["name"])
def test_cleaned_cases(case: dict[str, Any]) -> None:
    detection = DETECTOR.detect(Document(case["text"]))
    assert_well_formed(case["text"], detection.spans)
    assert cleaned(case["text"], detection) == case["expected"]


@pytest.mark.parametrize("case", CASES["unchanged"], ids=lambda c: c["name"])
def test_must_not_change(case: dict[str, Any]) -> None:
    detection = DETECTOR.detect(Document(case["text"]))
    assert removed(detection) == []
    assert cleaned(case["text"], detection) == case["text"]


@pytest.mark.parametrize("name", sorted(SEED_BOILERPLATE))
def test_seed_body_paragraphs_are_untouched(name: str) -> None:
    text = read_seed(name)
    detection = DETECTOR.detect(Document(text))
    assert_well_formed(text, detection.spans)
    spans = removed(detection)
    removed_lines = set()
    for line in split_lines(text):
        if not line.stripped:
            continue
        inside = [s for s in spans if s.start < line.end and line.start < s.end]
        if line.stripped in SEED_BOILERPLATE[name]:
            removed_lines.add(line.stripped)
            continue
        assert not inside, f"content line edited: {line.stripped[:60]!r}"
        assert line.text in cleaned(text, detection)
    expected = SEED_BOILERPLATE[name]
    found = {text[s.start : s.end].strip().replace("\u00a0", "") for s in spans}
    assert found == expected
    assert removed_lines == expected


def test_seed_000_keeps_one_title_and_clean_layout() -> None:
    text = read_seed("000_91c3d4301d021a5a.txt")
    result = cleaned(text, DETECTOR.detect(Document(text)))
    title = "Moscow and Washington prepare for the next steps in Ukraine negotiations"
    assert result.count(title) == 1
    assert result.startswith(title + "\n\nA week of talks")
    assert result.endswith("Ryabkov said Thursday.")
    assert "\n\n\n" not in result.replace("\n\n\n\n", "")  # no new runs of blank lines


def test_seed_000_syndication_block_moves_to_metadata() -> None:
    detection = DETECTOR.detect(Document(read_seed("000_91c3d4301d021a5a.txt")))
    assert detection.metadata == {
        "author": "Paul McLeary and Quint Forgey",
        "original_title": "As talks flame out, Moscow and Washington brace for next moves on "
        "Ukraine",
        "source_url": "www.politico.com/news/2022/01/13/moscow-washington-ukraine-527090",
        "published_date": "Thu, 13 Jan 2022 17:56:50 EST",
        "previous_article_url": "https://consumernewsnetwork.com/politics-us/"
        "the-empty-promise-that-instant-delivery-is-possible",
    }
    assert detection.stats["removed_syndication_block"] == 4
    assert detection.stats["lines_removed"] == 9


def test_seed_001_source_tag_and_caption_metadata() -> None:
    detection = DETECTOR.detect(Document(read_seed("001_8eb623820132897e.txt")))
    assert detection.metadata["source_name"] == "Washington Post"
    assert len(detection.metadata["captions"]) == 1
    assert detection.metadata["captions"][0].startswith("Deputy Secretary of State")


def test_credit_line_moves_to_metadata() -> None:
    text = read_seed("004_a8b16bb4524b9f61.txt")
    detection = DETECTOR.detect(Document(text))
    assert detection.metadata["credits"] == [
        "Associated Press writer Jim Heintz in Moscow contributed."
    ]
    assert cleaned(text, detection).endswith("a U.S. official said.\n")


def test_glued_documents_are_split_and_segments_recorded() -> None:
    first = "The first report ends with this closing sentence about the vote."
    glue = 'Required fields are marked *Press "Enter" to skip to content'
    second = "Second headline\n\nThe second report opens with a sentence about markets."
    text = first + glue + second
    detection = DETECTOR.detect(Document(text))
    assert_well_formed(text, detection.spans)
    assert cleaned(text, detection) == first + "\n\n" + second
    split = len(first)
    assert detection.metadata["segments"] == [[0, split], [split + len(glue), len(text)]]
    assert detection.stats["documents_split"] == 1


def test_flagged_lines_are_not_removed() -> None:
    # A widget-like line inside the body has no positional support: flagged, not removed.
    text = (
        "The council approved the plan after a long debate on Tuesday evening, members said.\n\n"
        "Facebook Twitter\n\n"
        "The mayor is expected to sign it into law by the end of the month, aides said."
    )
    detection = DETECTOR.detect(Document(text))
    assert [s.reason for s in detection.spans] == ["widget_words"]
    assert detection.spans[0].replacement is None
    assert detection.spans[0].score < DEFAULT_EDIT_THRESHOLD
    assert detection.stats == {"lines_flagged": 1, "flagged_widget_words": 1}
    assert cleaned(text, detection) == text


def test_empty_and_blank_documents() -> None:
    assert DETECTOR.detect(Document("")) == Detection()
    assert DETECTOR.detect(Document(" \n\n ")) == Detection()


def test_all_boilerplate_document_becomes_empty() -> None:
    text = "Skip to content\n\nShare this:\n\nLeave a Reply\n"
    assert cleaned(text, DETECTOR.detect(Document(text))) == ""


def test_crlf_line_endings_keep_offsets_exact() -> None:
    text = (
        "A full sentence of news text that is long enough to count as prose here.\r\n"
        "\r\nSource link\r\n"
    )
    detection = DETECTOR.detect(Document(text))
    assert_well_formed(text, detection.spans)
    assert "Source link" not in cleaned(text, detection)
    assert cleaned(text, detection).startswith("A full sentence")


def test_options_are_keyword_only_and_checked() -> None:
    assert BoilerplateDetector(remove_threshold=0.9).remove_threshold == 0.9
    with pytest.raises(ValueError, match="remove_threshold"):
        BoilerplateDetector(remove_threshold=0.0)


def test_cleaner_removes_seed_boilerplate_end_to_end() -> None:
    cleaner = Cleaner(CleanerConfig(lexicon=False))
    text = read_seed("002_451f7cf8bec56172.txt")
    result = cleaner.clean(text)
    assert apply_edits(text, result.edits) == result.text
    assert "Cloudy ahead" in result.text
    for widget in ("Source link", "Leave a Reply", "Required fields are marked"):
        assert widget not in result.text
    assert result.text.endswith("Navy and Air Defense.")


_LINES = st.sampled_from(
    [
        "",
        "Share",
        "Source link",
        "Read More",
        "-----",
        "(Reuters)",
        "By: A. Writer",
        "Title: Something",
        "https://example.com/a/b",
        "Cloudy ahead",
        "Leave a Reply",
        'Required fields are marked *Press "Enter" to skip to contentNext',
        "The minister said on Monday that the talks would continue next week in Geneva.",
        "\u201cWe will see,\u201d he said.",
        "Prices rose 3% in March, the fastest pace in a year, data showed on Friday.",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, max_size=12), st.sampled_from(["\n", "\n\n", "\r\n"]), st.booleans())
def test_spans_are_well_formed_on_any_mix(lines: list[str], sep: str, final: bool) -> None:
    """Any mix: spans are well formed. The rules never take a prose line; the line model may
    (a teaser or comment reads like prose), but only in a document long enough to give it
    context (``MIN_LINES`` non-blank lines); a snippet is left to the rules."""
    text = sep.join(lines) + (sep if final else "")
    prose = [line for line in lines if line.endswith(("week in Geneva.", "on Friday."))]
    snippet = sum(1 for line in lines if line.strip()) < MIN_LINES
    for detector in (DETECTOR, RULES):
        detection = detector.detect(Document(text))
        assert_well_formed(text, detection.spans)
        result = cleaned(text, detection)
        if detector is RULES or snippet:
            for line in prose:
                assert line in result
