"""A compact, sense-blind English thesaurus shipped inside the package.

Format
    ``mtclean/resources/thesaurus.tsv.gz``: gzip'd UTF-8 text, ``#`` lines are comments, then one
    line per (lemma, part of speech)::

        lemma<TAB>pos<TAB>syn1|syn2|...

    ``pos`` is one of ``noun``, ``verb``, ``adj``, ``adv``. Lemmas are lowercase except proper
    nouns (written as WordNet writes them, e.g. ``Jap``); multiword lemmas and synonyms are space
    separated. Synonyms are the union over all senses of the lemma (sense-blind, which is what
    article spinners do), most frequent senses first, deduplicated, never the lemma itself.

Sources
    Built by ``scripts/build_thesaurus.py`` from WordNet 3.0 (synsets and "similar to" adjective
    satellites, ordered by the tagged sense counts in the index files) and the mythes-en-us
    thesaurus ``th_en_US_v2`` (the OpenOffice/LibreOffice thesaurus many spinners are built on;
    its synonyms and "similar terms", not its hypernyms, related terms or antonyms). The Debian
    packages are needed only to rebuild the table, never at run time.

Licenses
    WordNet 3.0 Copyright 2006 by Princeton University, WordNet 3.0 license (permissive: use,
    copy, modify and distribute with the copyright notice and disclaimer kept). mythes-en-us
    (LibreOffice dictionaries, ``dictionaries/en``): Copyright 2000-2018 Kevin Atkinson, 2016
    Benjamin Titze, a permissive license (use, copy, modify, distribute and sell with the notice
    kept). Full texts: ``mtclean/resources/THESAURUS_LICENSE.txt``.

Paraphrase tables (same format and class, built by ``scripts/build_paraphrases.py``)
    ``pivot.tsv.gz``: bilingual pivot, English lemma -> foreign lemma -> English lemma over the
    Apertium bilingual dictionaries of six pairs (eng-spa, eng-cat, en-gl, eo-en, hbs-eng,
    mkd-eng), most shared pivots first; GPL-licensed like the dictionaries it is derived from
    (GPL-2 or GPL-3 depending on the pair, see the license file). ``wordnet_hop.tsv.gz``:
    WordNet 3.0 one-hop relations (members of the synsets one hypernym, hyponym, similar-to,
    also-see or verb-group pointer away), frequent senses first, without the plain synonyms
    already in ``thesaurus.tsv.gz``; WordNet 3.0 license.

API (stable; the spinner in the evaluation package builds on it)
    ``load_thesaurus()`` returns the shipped table, loaded once and cached; ``load_pivot()``
    and ``load_wordnet_hop()`` do the same for the two paraphrase tables.
    ``Thesaurus.synonyms(lemma, pos=None)`` and ``Thesaurus.entries()``.
"""

from __future__ import annotations

import gzip
import io
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, cast

LOG = logging.getLogger(__name__)

Pos = Literal["noun", "verb", "adj", "adv"]
POS_TAGS: tuple[Pos, ...] = ("noun", "verb", "adj", "adv")
RESOURCE_NAME = "thesaurus.tsv.gz"
PIVOT_RESOURCE_NAME = "pivot.tsv.gz"
WORDNET_HOP_RESOURCE_NAME = "wordnet_hop.tsv.gz"
_PARAPHRASES = (
    "`python scripts/build_paraphrases.py` (needs apt packages wordnet-base lttoolbox and the "
    "Apertium pairs eng-spa eng-cat en-gl eo-en hbs-eng mkd-eng)"
)
REBUILD = {
    RESOURCE_NAME: "`python scripts/build_thesaurus.py` (needs apt packages wordnet-base "
    "mythes-en-us)",
    PIVOT_RESOURCE_NAME: _PARAPHRASES,
    WORDNET_HOP_RESOURCE_NAME: _PARAPHRASES,
}


@dataclass(frozen=True, slots=True)
class ThesaurusEntry:
    """The synonyms of one lemma in one part of speech, most frequent senses first."""

    lemma: str
    pos: Pos
    synonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Thesaurus:
    """Lemma → synonyms, looked up exactly first, then case-insensitively."""

    table: Mapping[tuple[str, Pos], tuple[str, ...]]
    # lowercased lemma -> its keys in part-of-speech order (table order within one part of speech)
    _by_lower: Mapping[str, tuple[tuple[str, Pos], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_lower: dict[str, list[tuple[str, Pos]]] = {}
        for key in self.table:
            by_lower.setdefault(key[0].lower(), []).append(key)
        object.__setattr__(
            self,
            "_by_lower",
            {
                k: tuple(sorted(v, key=lambda key: POS_TAGS.index(key[1])))
                for k, v in by_lower.items()
            },
        )

    @classmethod
    def from_entries(cls, entries: Iterable[ThesaurusEntry]) -> Thesaurus:
        table: dict[tuple[str, Pos], tuple[str, ...]] = {}
        for entry in entries:
            table[(entry.lemma, entry.pos)] = entry.synonyms
        return cls(table)

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, lemma: object) -> bool:
        return isinstance(lemma, str) and lemma.lower() in self._by_lower

    def _keys(self, lemma: str, pos: str | None) -> list[tuple[str, Pos]]:
        if pos is not None and pos not in POS_TAGS:
            raise ValueError(f"unknown part of speech {pos!r}; expected one of {POS_TAGS}")
        candidates = self._by_lower.get(lemma.lower(), ())
        exact = [key for key in candidates if key[0] == lemma]
        keys = exact or list(candidates)
        if pos is not None:
            keys = [key for key in keys if key[1] == pos]
        return keys

    def synonyms(self, lemma: str, pos: str | None = None) -> tuple[str, ...]:
        """Synonyms of ``lemma`` (union over parts of speech when ``pos`` is None).

        The lemma is matched exactly if the table has that spelling, else case-insensitively
        ("Foreign" finds "foreign"). Unknown lemmas give ``()``. Order: noun, verb, adj, adv,
        and within each, most frequent senses first; no duplicates, never the lemma itself.
        """
        out: list[str] = []
        seen = {lemma.lower()}
        for key in self._keys(lemma, pos):
            for syn in self.table[key]:
                low = syn.lower()
                if low not in seen:
                    seen.add(low)
                    out.append(syn)
        return tuple(out)

    def pos_of(self, lemma: str) -> tuple[Pos, ...]:
        """The parts of speech the table lists ``lemma`` under."""
        return tuple(dict.fromkeys(key[1] for key in self._keys(lemma, None)))

    def entries(self) -> Iterator[ThesaurusEntry]:
        """Every entry, in the table's (sorted) order."""
        for (lemma, pos), syns in self.table.items():
            yield ThesaurusEntry(lemma, pos, syns)


def parse_lines(lines: Iterable[str]) -> Iterator[ThesaurusEntry]:
    """Parse the TSV format described in the module docstring."""
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in POS_TAGS:
            raise ValueError(f"thesaurus line {number} is malformed: {line[:80]!r}")
        lemma, pos, syns = parts
        yield ThesaurusEntry(lemma, cast(Pos, pos), tuple(s for s in syns.split("|") if s))


def read_thesaurus(path: Path) -> Thesaurus:
    """Load a thesaurus file (``.tsv`` or ``.tsv.gz``) from ``path``."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return Thesaurus.from_entries(parse_lines(handle))


def _load_resource(name: str, what: str) -> Thesaurus:
    resource = resources.files("mtclean") / "resources" / name
    try:
        data = resource.read_bytes()
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"mtclean/resources/{name} is missing; rebuild it with {REBUILD[name]}"
        ) from exc
    with gzip.open(io.BytesIO(data), "rt", encoding="utf-8") as handle:
        table = Thesaurus.from_entries(parse_lines(handle))
    LOG.debug("loaded %s: %d entries", what, len(table))
    return table


@lru_cache(maxsize=1)
def load_thesaurus() -> Thesaurus:
    """The thesaurus shipped in ``mtclean/resources`` (loaded once, then cached)."""
    return _load_resource(RESOURCE_NAME, "thesaurus")


@lru_cache(maxsize=1)
def load_pivot() -> Thesaurus:
    """The bilingual-pivot paraphrase table ``pivot.tsv.gz`` (loaded once, then cached)."""
    return _load_resource(PIVOT_RESOURCE_NAME, "pivot table")


@lru_cache(maxsize=1)
def load_wordnet_hop() -> Thesaurus:
    """The WordNet one-hop paraphrase table ``wordnet_hop.tsv.gz`` (loaded once, then cached)."""
    return _load_resource(WORDNET_HOP_RESOURCE_NAME, "WordNet one-hop table")


__all__ = [
    "POS_TAGS",
    "Pos",
    "Thesaurus",
    "ThesaurusEntry",
    "load_pivot",
    "load_thesaurus",
    "load_wordnet_hop",
    "parse_lines",
    "read_thesaurus",
]
