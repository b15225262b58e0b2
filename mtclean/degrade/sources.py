"""Synonym sources for the spinner: several tables read as one, and pair filters.

Real spinners draw on dictionaries no single installable resource matches (DESIGN.md: MyThes,
WordNet, WordNet one hop and a bilingual pivot each cover a different third of real pairs), so
the training spinner reads their union. A pair filter drops (lemma, synonym) pairs: the pairs
held out to measure generalisation to unseen spinners, or the pairs that occur in the seeds'
gold (so that no seed substitution is trained on).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from mtclean.degrade.spinner import DictEntry, SynonymSource

PairFilter = Callable[[str, str], bool]  # (lemma, synonym) -> keep


@dataclass(frozen=True)
class UnionSource:
    """The synonyms of every source in turn (first source first), deduplicated, filtered.

    ``keep(lemma, synonym)``, when given, decides each pair (both lowercased).
    """

    sources: Sequence[SynonymSource]
    keep: PairFilter | None = None
    _cache: dict[tuple[str, str], tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def synonyms(self, lemma: str, pos: str) -> tuple[str, ...]:
        key = (lemma, pos)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        seen = {lemma.lower()}
        out: list[str] = []
        for source in self.sources:
            for syn in source.synonyms(lemma, pos):
                low = syn.lower()
                if low in seen or (self.keep is not None and not self.keep(lemma.lower(), low)):
                    continue
                seen.add(low)
                out.append(syn)
        result = tuple(out)
        self._cache[key] = result
        return result

    def entries(self) -> Iterator[DictEntry]:
        done: set[tuple[str, str]] = set()
        for source in self.sources:
            for entry in source.entries():
                key = (entry.lemma, entry.pos)
                if key not in done:
                    done.add(key)
                    yield DictEntry(entry.lemma, entry.pos, self.synonyms(*key))


def excluding(pairs: Iterable[tuple[str, str]]) -> PairFilter:
    """A filter that drops the given (lemma, synonym) pairs (case-insensitive)."""
    dropped = frozenset((a.lower(), b.lower()) for a, b in pairs)
    return lambda lemma, syn: (lemma, syn) not in dropped


def both(*filters: PairFilter | None) -> PairFilter | None:
    """A filter that keeps a pair only when every given filter keeps it."""
    chosen = [f for f in filters if f is not None]
    if not chosen:
        return None
    return lambda lemma, syn: all(f(lemma, syn) for f in chosen)


HELD_OUT_PAIR_SHARE = 0.15


def held_out_pair(lemma: str, synonym: str) -> bool:
    """Whether (lemma, synonym) belongs to the pairs never trained on (a fixed 15% by hash):
    spin drawn only from them measures generalisation to unseen spinner dictionaries."""
    import hashlib

    digest = hashlib.sha1(f"pair:{lemma.lower()}|{synonym.lower()}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < HELD_OUT_PAIR_SHARE


def trained_pair(lemma: str, synonym: str) -> bool:
    return not held_out_pair(lemma, synonym)


def news_sources(keep: PairFilter | None = None) -> UnionSource:
    """The spinner's dictionaries: the phrasebook, the shipped thesaurus (MyThes + WordNet), the
    bilingual-pivot and the WordNet one-hop tables, in that order."""
    from mtclean import thesaurus
    from mtclean.degrade.function_words import PHRASEBOOK
    from mtclean.degrade.spinner import DictThesaurus

    sources: tuple[SynonymSource, ...] = (
        DictThesaurus(PHRASEBOOK),
        thesaurus.load_thesaurus(),
        thesaurus.load_pivot(),
        thesaurus.load_wordnet_hop(),
    )
    return UnionSource(sources, keep)
