"""The lexicon detector: matching, case transfer, offsets, and the shipped tables."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtclean.detectors.lexicon import (
    PARAGRAPH_BREAK,
    LexiconDetector,
    LexiconEntry,
    normalize,
    normalize_char,
    normalize_phrase,
    parse_lexicon,
    shipped_lexicon,
    transfer_case,
)
from mtclean.edits import apply_edits
from mtclean.records import Document, Edit

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "cases" / "lexicon.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return LexiconDetector(entries=[LexiconEntry(*row) for row in CASES["entries"]])


@pytest.fixture(scope="module")
def shipped() -> LexiconDetector:
    return LexiconDetector()


def check(detector: LexiconDetector, case: dict[str, Any]) -> None:
    text = case["text"]
    detection = detector.detect(Document(text))
    got = [(s.text_in(text), s.replacement) for s in detection.spans]
    assert got == [tuple(pair) for pair in case["spans"]]
    assert detection.stats == {"hits": len(case["spans"])}
    for span in detection.spans:
        assert span.label == "spun"
        assert span.source == "lexicon"
        assert span.reason.endswith(":" + span.reason.split(":", 1)[1])
    if "expected" in case:
        edits = [Edit.from_span(s) for s in detection.spans]
        assert apply_edits(text, edits) == case["expected"]


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["text"][:30])
def test_cases(detector: LexiconDetector, case: dict[str, Any]) -> None:
    check(detector, case)


@pytest.mark.parametrize("text", CASES["clean"])
def test_clean_sentences_unchanged(detector: LexiconDetector, text: str) -> None:
    assert detector.detect(Document(text)).spans == ()


@pytest.mark.parametrize("case", CASES["shipped"], ids=lambda c: c["text"][:30])
def test_shipped_tables_find(shipped: LexiconDetector, case: dict[str, Any]) -> None:
    check(shipped, case)


@pytest.mark.parametrize("text", CASES["shipped_clean"])
def test_shipped_tables_leave_clean_news(shipped: LexiconDetector, text: str) -> None:
    assert shipped.detect(Document(text)).spans == ()


def test_word_boundaries(detector: LexiconDetector) -> None:
    for text in ("Japan", "Japanese", "Jap.", "(Jap)", "Nipjap"):
        spans = detector.detect(Document(text)).spans
        assert [s.text_in(text) for s in spans] == (["Jap"] if text in ("Jap.", "(Jap)") else [])


def test_longest_leftmost_match(detector: LexiconDetector) -> None:
    text = "the Deputy Overseas Minister"
    (span,) = detector.detect(Document(text)).spans
    assert span.text_in(text) == "Deputy Overseas Minister"
    assert span.score == 0.95
    assert span.reason == "test:deputy overseas minister"


@pytest.mark.parametrize(
    ("matched", "canonical", "expected"),
    [
        ("JAP EUROPE", "Eastern Europe", "EASTERN EUROPE"),
        ("Jap Europe", "eastern europe", "Eastern Europe"),
        ("Jap europe", "eastern europe", "Eastern europe"),
        ("jap europe", "Eastern Europe", "Eastern Europe"),
        ("Overseas Minister", "nato foreign minister", "Nato Foreign Minister"),
        ("Group for Safety", "organization for security", "Organization for Security"),
        ("North Atlantic Treaty Group", "NATO", "NATO"),
        ("Open Door Coverage", "open door NATO policy", "Open Door NATO Policy"),
        ("Warfare", "war", "War"),
        ("warfare", "war", "war"),
        ("A", "war", "War"),
    ],
)
def test_transfer_case(matched: str, canonical: str, expected: str) -> None:
    assert transfer_case(matched, canonical) == expected


def test_normalize_keeps_offsets() -> None:
    text = "İ\u0130ẞ \u2019x\u2019  a\nb\n\nc"
    norm, positions = normalize(text)
    assert len(norm) == len(positions)
    assert positions == sorted(positions)
    assert norm == "iiß 'x' a b\nc"
    for i, char in enumerate(norm):
        if not char.isspace():
            assert text[positions[i]].lower()[0] == char or text[positions[i]] == "\u2019"


def _normalize_by_hand(text: str) -> tuple[str, list[int]]:
    """The specification of ``normalize``, one character at a time."""
    chars: list[str] = []
    positions: list[int] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            chars.append(PARAGRAPH_BREAK if text.count("\n", i, j) > 1 else " ")
            positions.append(i)
            i = j
        else:
            chars.append(normalize_char(text[i]))
            positions.append(i)
            i += 1
    return "".join(chars), positions


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \n\t\r\u2028\u00a0\u3000\x1c\x85aAİßΣ\u2019\u2018\u02bc.", max_size=40))
def test_normalize_matches_its_specification(text: str) -> None:
    assert normalize(text) == _normalize_by_hand(text)


def test_offsets_exact_after_non_ascii(detector: LexiconDetector) -> None:
    prefix = "İ" * 5 + "“” 🙂🇺🇦 é\u0301 "
    text = prefix + "Jap Europe."
    (span,) = detector.detect(Document(text)).spans
    assert (span.start, span.end) == (len(prefix), len(prefix) + len("Jap Europe"))


def test_custom_path(tmp_path: Path) -> None:
    table = tmp_path / "lexicon_x.tsv"
    table.write_text(
        "# comment\nphrase\tcanonical\tscore\torigin\nsafety council\tSecurity Council\t0.9\tx\n",
        encoding="utf-8",
    )
    detector = LexiconDetector(paths=[table])
    (span,) = detector.detect(Document("The Safety Council met.")).spans
    assert span.replacement == "Security Council"


def test_bad_table_names_source() -> None:
    with pytest.raises(ValueError, match=r"src\.tsv.*lacks column"):
        list(parse_lexicon(["phrase\tcanonical\n", "a b\tc\n"], "src.tsv"))
    with pytest.raises(ValueError, match="outside"):
        list(parse_lexicon(["phrase\tcanonical\tscore\torigin\n", "a b\tc\t2\tx\n"], "src"))


def test_empty_text(shipped: LexiconDetector) -> None:
    assert shipped.detect(Document("")).spans == ()


# ------------------------------------------------------------------------- shipped tables


def read_pps() -> list[LexiconEntry]:
    path = resources.files("mtclean") / "resources" / "lexicon_pps.tsv"
    text = path.read_text(encoding="utf-8")
    assert "Cabanac" in text and "CC BY 4.0" in text  # attribution kept
    return list(parse_lexicon(text.splitlines(), "lexicon_pps.tsv"))


def test_pps_table_is_filtered() -> None:
    entries = read_pps()
    assert len(entries) > 5000
    for entry in entries:
        phrase, expected = normalize_phrase(entry.phrase), normalize_phrase(entry.canonical)
        assert "?" not in entry.canonical
        assert f" {phrase} " not in f" {expected} "
        assert f" {expected} " not in f" {phrase} "
        assert not any(c in entry.phrase for c in '"*()[]~')


def test_shipped_entries_are_valid() -> None:
    entries = shipped_lexicon()
    assert {e.origin.split(":")[0] for e in entries} == {"news", "pps"}
    for entry in entries:
        assert normalize_phrase(entry.phrase) != normalize_phrase(entry.canonical)
        assert 0.0 <= entry.score <= 1.0
    idioms = [e for e in entries if e.origin == "news:idiom"]
    assert idioms and all(e.score < 0.8 for e in idioms)


def test_seed_siblings_get_no_hits(shipped: LexiconDetector) -> None:
    from support import SEEDS

    for path in sorted(SEEDS.glob("00[01]_*.txt")):
        text = path.read_text(encoding="utf-8")
        assert shipped.detect(Document(text)).spans == (), path.name
