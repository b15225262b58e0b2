"""The seed gold annotations (seeds/gold.jsonl) are consistent with the seed texts."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mtclean.evaluation.gold import GoldSpan, load_gold, restore

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GOLD_PATH = SEEDS / "gold.jsonl"
RECORDS: list[dict[str, Any]] = [
    json.loads(line) for line in GOLD_PATH.read_text("utf-8").splitlines() if line.strip()
]
BY_ID = {record["id"]: record for record in RECORDS}
SPUN = "003_b922d01c8accb03d.txt"


def read_seed(name: str) -> str:
    """A seed exactly as stored (UTF-8, newlines untranslated), the text gold offsets index."""
    return (SEEDS / name).read_bytes().decode("utf-8")


def _restored(doc_id: str) -> str:
    return restore(read_seed(doc_id), load_gold(GOLD_PATH)[doc_id])


def test_one_record_per_seed_file() -> None:
    files = sorted(path.name for path in SEEDS.glob("*.txt"))
    ids = [record["id"] for record in RECORDS]
    assert len(ids) == len(set(ids)), "duplicate ids in gold.jsonl"
    assert sorted(ids) == files


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"][:3])
def test_span_fields_and_text(record: dict[str, Any]) -> None:
    text = read_seed(record["id"])
    assert record["spans"], "every seed has at least one annotated span"
    for span in record["spans"]:
        assert set(span) <= {"start", "end", "label", "severity", "canonical", "text", "note"}
        assert span["label"] in ("spun", "mt", "boilerplate")
        assert span["severity"] in ("req", "opt")
        assert span["canonical"] is None or isinstance(span["canonical"], str)
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"] : span["end"]] == span["text"], span
        if span["label"] == "boilerplate":
            assert span["canonical"] == "", "boilerplate is deleted"


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"][:3])
def test_spans_do_not_overlap(record: dict[str, Any]) -> None:
    spans = sorted(record["spans"], key=lambda s: (s["start"], s["end"]))
    for left, right in itertools.pairwise(spans):
        assert left["end"] <= right["start"], (left["text"], right["text"])


def test_labels_per_seed() -> None:
    labels = {
        doc_id: {s["label"] for s in record["spans"] if s["severity"] == "req"}
        for doc_id, record in BY_ID.items()
    }
    assert all("boilerplate" in found for doc_id, found in labels.items() if doc_id[:3] != "004")
    assert labels[SPUN] == {"spun", "boilerplate"}
    assert "mt" in labels["002_451f7cf8bec56172.txt"]
    assert "mt" in labels["004_a8b16bb4524b9f61.txt"]
    assert "spun" not in labels["002_451f7cf8bec56172.txt"] | labels["004_a8b16bb4524b9f61.txt"]
    assert labels["000_91c3d4301d021a5a.txt"] == {"boilerplate"}
    assert labels["001_8eb623820132897e.txt"] == {"boilerplate"}
    spun_req = [s for s in BY_ID[SPUN]["spans"] if s["label"] == "spun" and s["severity"] == "req"]
    assert len(spun_req) > 100, "003 is densely spun"


def test_load_gold_matches_file() -> None:
    gold = load_gold(GOLD_PATH)
    assert set(gold) == set(BY_ID)
    for doc_id, spans in gold.items():
        assert len(spans) == len(BY_ID[doc_id]["spans"])
        assert all(isinstance(span, GoldSpan) for span in spans)


def _words(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"][:3])
def test_restoring_removes_degraded_forms(record: dict[str, Any]) -> None:
    """Replacing every req span that has a canonical leaves no occurrence of its degraded form
    except where the same words also occur outside the replaced spans (ordinary uses, opt spans,
    spans whose canonical is unknown) or inside a canonical form."""
    text = read_seed(record["id"])
    restored = _restored(record["id"])
    replaced = [
        s
        for s in record["spans"]
        if s["severity"] == "req" and s["canonical"] is not None and s["label"] != "boilerplate"
    ]
    assert replaced or record["id"][:3] in ("000", "001")
    for form in sorted({s["text"] for s in replaced}):
        pattern = _words(form)
        kept = sum(
            1
            for m in pattern.finditer(text)
            if not any(s["start"] <= m.start() and m.end() <= s["end"] for s in replaced)
        )
        introduced = sum(len(pattern.findall(s["canonical"])) for s in replaced)
        found = len(pattern.findall(restored))
        assert found <= kept + introduced, f"{form!r} survives restoration"
        if kept == 0 and introduced == 0:
            assert found == 0


def test_restored_spun_article_reads_like_the_original() -> None:
    restored = _restored(SPUN)
    for expected in (
        "Eastern Europe",
        "Deputy Foreign Minister Sergei A. Ryabkov",
        "Organization for Security and Cooperation in Europe",
        "European Council on Foreign Relations",
        "Intermediate-Range Nuclear Forces Treaty",
        "the Defense Department, the State Department and the National Security Council",
        "by force",
        "we have no intention",
        "a couple of weeks ago, American officials told",
        "preparing for everything",
        "open door policy",
        "American officials",
        "military exercises",
    ):
        assert expected in restored, expected
    for degraded in (
        "Jap",
        "Overseas",
        "Group for Safety",
        "by drive",
        "the whole lot",
        "we have now no",
        "warfare",
        "stated",
        "officers",
        "elevated",
        "informed",
        "in the past",
        'Press "Enter"',
        "Source link",
        "Comments are closed.",
    ):
        assert degraded not in restored, degraded


def test_restored_mt_articles() -> None:
    restored_004 = _restored("004_a8b16bb4524b9f61.txt")
    for expected in ("non-starters", "gaslighting", "global ripple effects", "a gun to the head"):
        assert expected in restored_004
    for degraded in ("not beginners", "igniting gas", "wavy", "NATO. allies", ". ,"):
        assert degraded not in restored_004
    restored_002 = _restored("002_451f7cf8bec56172.txt")
    assert "told reporters on a conference call Monday." in restored_002
    assert "insisting that the other party" in restored_002
    for degraded in ("Monday. reporter.", "insisting Said", "Leave a Reply", "Source link"):
        assert degraded not in restored_002


def test_restored_boilerplate() -> None:
    restored_000 = _restored("000_91c3d4301d021a5a.txt")
    title = "Moscow and Washington prepare for the next steps in Ukraine negotiations"
    assert restored_000.count(title) == 1
    for degraded in ("Read More", "Did you miss", "Sourced From:", "https://"):
        assert degraded not in restored_000
    restored_001 = _restored("001_8eb623820132897e.txt")
    assert "bloggers like this" not in restored_001
    assert "(Washington Post)" not in restored_001
    assert restored_001.rstrip().endswith("doesn\u2019t promise it.\u201d")
