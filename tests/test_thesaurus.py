"""The shipped thesaurus table and its API."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

from mtclean.thesaurus import (
    POS_TAGS,
    Thesaurus,
    ThesaurusEntry,
    load_pivot,
    load_thesaurus,
    load_wordnet_hop,
    parse_lines,
    read_thesaurus,
)


@pytest.fixture(scope="module")
def thesaurus() -> Thesaurus:
    return load_thesaurus()


def test_loaded_once(thesaurus: Thesaurus) -> None:
    assert load_thesaurus() is thesaurus
    assert len(thesaurus) > 100_000


def test_spinner_substitutes(thesaurus: Thesaurus) -> None:
    assert "overseas" in thesaurus.synonyms("foreign", "adj")
    assert "insurance" in thesaurus.synonyms("policy")
    assert "officer" in thesaurus.synonyms("official") or "functionary" in thesaurus.synonyms(
        "official"
    )
    assert thesaurus.synonyms("no-such-word-xyz") == ()


def test_case_insensitive_and_proper_nouns(thesaurus: Thesaurus) -> None:
    assert thesaurus.synonyms("Foreign") == thesaurus.synonyms("foreign")
    assert "Nip" in thesaurus.synonyms("Jap")
    assert "Jap" in thesaurus


def test_sense_frequency_order(thesaurus: Thesaurus) -> None:
    # "state" as a country/nation is its most frequent noun sense; "nation" comes early.
    syns = thesaurus.synonyms("state", "noun")
    assert "nation" in syns[:5]


def test_pos_filter(thesaurus: Thesaurus) -> None:
    assert set(thesaurus.pos_of("march")) == {"noun", "verb"}
    assert "parade" in thesaurus.synonyms("march", "verb")
    assert "parade" not in thesaurus.synonyms("march", "noun")
    with pytest.raises(ValueError, match="part of speech"):
        thesaurus.synonyms("march", "verbs")


def test_multiword_lemmas(thesaurus: Thesaurus) -> None:
    assert thesaurus.synonyms("take part")
    assert any(" " in syn for syn in thesaurus.synonyms("policy"))


def test_entries_are_clean(thesaurus: Thesaurus) -> None:
    n = 0
    for entry in thesaurus.entries():
        n += 1
        assert entry.pos in POS_TAGS
        assert entry.synonyms
        lowered = [s.lower() for s in entry.synonyms]
        assert entry.lemma.lower() not in lowered
        assert len(set(lowered)) == len(lowered)
        assert all(s and "|" not in s and "\t" not in s for s in entry.synonyms)
    assert n == len(thesaurus)


def test_parse_and_read(tmp_path: Path) -> None:
    lines = ["# header", "foreign\tadj\toverseas|alien", "Jap\tnoun\tNip"]
    entries = list(parse_lines(lines))
    assert entries[0] == ThesaurusEntry("foreign", "adj", ("overseas", "alien"))
    path = tmp_path / "t.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    table = read_thesaurus(path)
    assert table.synonyms("FOREIGN") == ("overseas", "alien")
    with pytest.raises(ValueError, match="line 1"):
        list(parse_lines(["foreign\tadjective\toverseas"]))


def test_shipped_file_is_small() -> None:
    path = Path(__file__).resolve().parent.parent / "mtclean" / "resources" / "thesaurus.tsv.gz"
    assert path.stat().st_size < 5_000_000


RESOURCES = Path(__file__).resolve().parent.parent / "mtclean" / "resources"


@pytest.mark.parametrize(
    ("loader", "name", "minimum"),
    [(load_pivot, "pivot.tsv.gz", 10_000), (load_wordnet_hop, "wordnet_hop.tsv.gz", 50_000)],
    ids=["pivot", "wordnet_hop"],
)
def test_paraphrase_tables_load(loader: Callable[[], Thesaurus], name: str, minimum: int) -> None:
    table = loader()
    assert loader() is table
    assert len(table) > minimum
    for entry in table.entries():
        assert entry.pos in POS_TAGS
        assert 0 < len(entry.synonyms) <= 12
        lowered = [s.lower() for s in entry.synonyms]
        assert entry.lemma.lower() not in lowered
        assert len(set(lowered)) == len(lowered)
        assert all(s and "|" not in s and "\t" not in s for s in entry.synonyms)
    assert (RESOURCES / name).stat().st_size < 2_000_000


def test_pivot_pairs() -> None:
    pivot = load_pivot()
    # official -> oficial/funcionario/... -> officer: the most shared pivots come first.
    assert pivot.synonyms("official", "noun")[0] == "officer"
    assert "home" in pivot.synonyms("house", "noun")
    assert "rapidly" in pivot.synonyms("quickly", "adv")
    assert "participate" in pivot.synonyms("take part", "verb")
    assert pivot.synonyms("no-such-word-xyz") == ()


def test_wordnet_hop_pairs() -> None:
    hop = load_wordnet_hop()
    thesaurus = load_thesaurus()
    assert "canine" in hop.synonyms("dog", "noun")  # hypernym
    assert "ambulance" in hop.synonyms("car", "noun")  # hyponym
    assert "dwelling" in hop.synonyms("house", "noun")
    # Plain synonyms stay in the thesaurus, not here.
    for lemma, pos in (("dog", "noun"), ("car", "noun"), ("house", "noun")):
        assert not set(hop.synonyms(lemma, pos)) & set(thesaurus.synonyms(lemma, pos))
