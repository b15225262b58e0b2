"""Candidate originals for a spun wording: the shipped paraphrase tables read backwards.

A spinner replaced an original lemma by one of its listed synonyms and re-inflected it, so the
original of a spun word is a lemma whose synonym list holds the spun word's lemma, inflected the
way the spun word is ("officers" -> officer <- official -> "officials"; "stated" -> state <- say
-> "said"). Multiword wordings are looked up whole, as written and with their inflected word
lemmatised ("developed into" -> develop into <- become -> "became"), and the fixed rewrites of
function words are read backwards exactly ("by no means" -> "never").

Each candidate names the tables that propose it (its evidence) and the best rank the spun
wording has in those tables' synonym lists of it (spinners take early synonyms).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from mtclean.degrade.inflection import (
    THESAURUS_POS,
    Upos,
    choose_tag,
    inflect,
    match_case,
    readings,
)

# The tables, in the order the spinner's union reads them (mtclean.degrade.sources).
TABLES: tuple[str, ...] = ("function_words", "phrasebook", "thesaurus", "pivot", "wordnet_hop")
MAX_PHRASE_WORDS = 4
_UPOS_OF: dict[str, Upos] = {pos: upos for upos, pos in THESAURUS_POS.items()}
_PLAIN_TAG: dict[Upos, str] = {"NOUN": "NN", "VERB": "VB", "ADJ": "JJ", "ADV": "RB"}


@dataclass(frozen=True, slots=True)
class Proposal:
    """One candidate original of a wording, before ranking in context."""

    text: str
    tables: tuple[str, ...]  # which tables propose it, in ``TABLES`` order
    rank: int  # best 0-based position of the spun wording among the original's synonyms


class _Origin(NamedTuple):  # a named tuple: the index holds about 700,000 (fast to build)
    lemma: str  # the original lemma (or, for function words, the exact original wording)
    upos: Upos | None  # None: a function-word rewrite, used as written
    table: str
    rank: int


def _straight(text: str) -> str:
    return text.lower().replace("\u2019", "'")


class CandidateIndex:
    """Spun lemma (lowercased) -> the lemmas whose synonym lists hold it, over every table."""

    def __init__(self, tables: Iterable[tuple[str, Iterable[tuple[str, str, Sequence[str]]]]]):
        reverse: dict[str, list[_Origin]] = {}
        for table, entries in tables:
            for lemma, pos, synonyms in entries:
                upos = None if pos == "" else _UPOS_OF.get(pos)
                if pos and upos is None:
                    continue
                own = _straight(lemma)
                for rank, synonym in enumerate(synonyms):
                    key = _straight(synonym)
                    if key != own:
                        reverse.setdefault(key, []).append(_Origin(lemma, upos, table, rank))
        self._reverse = reverse

    def __contains__(self, wording: object) -> bool:
        return isinstance(wording, str) and _straight(wording) in self._reverse

    def origins(self, wording: str) -> tuple[_Origin, ...]:
        return tuple(self._reverse.get(_straight(wording), ()))

    def propose(self, wording: str, prev: str = "", prev2: str = "") -> list[Proposal]:
        """Candidate originals of ``wording`` as it stands in the text (``prev``/``prev2``: the
        two words before it, lowercased, which choose between past tense and participle),
        re-inflected like it and cased like it; best-ranked and most-attested first."""
        found: dict[str, tuple[set[str], int]] = {}

        def add(text: str | None, table: str, rank: int) -> None:
            if not text or _straight(text) == _straight(wording):
                return
            if wording.islower() and not text.islower():
                return  # a name is not the original of a lowercase word ("assembly" <- "Bench")
            cased = match_case(wording, text)
            tables, best = found.get(cased, (set(), rank))
            tables.add(table)
            found[cased] = (tables, min(best, rank))

        for origin in self.origins(wording):  # exact: function words, plain lemmas
            if origin.upos is None:
                add(origin.lemma, origin.table, origin.rank)
        for form, upos, tag in _analyses(_straight(wording), prev, prev2):
            for origin in self.origins(form):
                if origin.upos == upos:
                    add(inflect(origin.lemma, upos, tag), origin.table, origin.rank)
        order = {t: i for i, t in enumerate(TABLES)}
        proposals = [
            Proposal(text, tuple(sorted(tables, key=lambda t: order.get(t, len(order)))), rank)
            for text, (tables, rank) in found.items()
        ]
        proposals.sort(key=lambda p: (p.rank, -len(p.tables), p.text))
        return proposals


def _analyses(wording: str, prev: str, prev2: str) -> list[tuple[str, Upos, str]]:
    """(lemma form, part of speech, Penn tag) readings of a lowercased wording: a word's own
    readings (a word without any, as written, in every part of speech); a phrase as written
    (plain tag), with its first word lemmatised (verbs: "developed into"), or with its last
    word lemmatised (nouns: "international locations")."""
    words = wording.split()
    plain: list[tuple[str, Upos, str]] = [(wording, upos, _PLAIN_TAG[upos]) for upos in _PLAIN_TAG]
    if len(words) == 1:
        found = readings(wording)
        if not found:  # a word the lexicon does not know ("usa", "jap"): taken as written
            return plain
        out: list[tuple[str, Upos, str]] = []
        for reading in found:
            tag = choose_tag(reading, prev, prev2)
            if tag is not None:
                out.append((reading.lemma, reading.upos, tag))
        return out
    out = plain
    for lemma, tag in _inflected(words[0], prev, prev2, "VERB"):
        out.append((" ".join([lemma, *words[1:]]), "VERB", tag))
    for lemma, tag in _inflected(words[-1], words[-2], prev, "NOUN"):
        out.append((" ".join([*words[:-1], lemma]), "NOUN", tag))
    return out


def _inflected(word: str, prev: str, prev2: str, upos: Upos) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for reading in readings(word):
        if reading.upos != upos or reading.lemma == word:
            continue
        tag = choose_tag(reading, prev, prev2)
        if tag is not None and tag != _PLAIN_TAG[upos]:
            found.append((reading.lemma, tag))
    return found


def _entries(source: object) -> Iterable[tuple[str, str, Sequence[str]]]:
    for entry in source.entries():  # type: ignore[attr-defined]
        yield entry.lemma, entry.pos, entry.synonyms


def _function_entries(
    table: Mapping[str, Sequence[str]],
) -> Iterable[tuple[str, str, Sequence[str]]]:
    for wording, rewrites in table.items():
        yield wording, "", rewrites


def table_sources() -> list[tuple[str, Callable[[], Iterable[tuple[str, str, Sequence[str]]]]]]:
    """Each shipped table by name, as a function giving its (lemma, pos, synonyms) entries."""
    from mtclean import thesaurus
    from mtclean.degrade.function_words import FUNCTION_REPLACEMENTS, PHRASEBOOK
    from mtclean.degrade.spinner import DictThesaurus

    return [
        ("function_words", lambda: _function_entries(FUNCTION_REPLACEMENTS)),
        ("phrasebook", lambda: _entries(DictThesaurus(PHRASEBOOK))),
        ("thesaurus", lambda: _entries(thesaurus.load_thesaurus())),
        ("pivot", lambda: _entries(thesaurus.load_pivot())),
        ("wordnet_hop", lambda: _entries(thesaurus.load_wordnet_hop())),
    ]


@functools.lru_cache(maxsize=1)
def default_index() -> CandidateIndex:
    """Every shipped table read backwards (built once per process, a few seconds)."""
    return CandidateIndex((name, entries()) for name, entries in table_sources())


__all__ = [
    "MAX_PHRASE_WORDS",
    "TABLES",
    "CandidateIndex",
    "Proposal",
    "default_index",
    "table_sources",
]
