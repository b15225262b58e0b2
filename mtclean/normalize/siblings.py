"""Sibling articles as evidence: a term bank of the wordings related articles use, and an
index to find a document's verbatim source among them.

Articles covering the same story name the same things the canonical way ("Deputy Foreign
Minister", "Eastern Europe"); a candidate original they attest is more likely right. The bank
counts every 1- to 4-word run (lowercased) of the siblings' text. When one sibling is the
document's source (``mtclean.normalize.alignment``), its wording is restored outright.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mtclean.normalize.candidates import MAX_PHRASE_WORDS
from mtclean.text import WORD_RE

if TYPE_CHECKING:
    from mtclean.normalize.alignment import SourceIndex


@dataclass(frozen=True)
class SiblingBank:
    """Counts of the word runs of some sibling texts (``count("foreign minister")``)."""

    counts: Counter[str] = field(default_factory=Counter)
    documents: int = 0

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> SiblingBank:
        counts: Counter[str] = Counter()
        n = 0
        for text in texts:
            n += 1
            for line in text.split("\n"):
                words = [w.lower() for w in WORD_RE.findall(line)]
                for size in range(1, MAX_PHRASE_WORDS + 1):
                    counts.update(
                        " ".join(words[i : i + size]) for i in range(len(words) - size + 1)
                    )
        return cls(counts, n)

    def count(self, wording: str) -> int:
        return self.counts.get(" ".join(w.lower() for w in WORD_RE.findall(wording)), 0)

    def __bool__(self) -> bool:
        return self.documents > 0


@dataclass(frozen=True)
class Siblings:
    """Everything the normalizer takes from sibling articles: the term bank and the source
    index (``None`` when source alignment is off)."""

    bank: SiblingBank
    sources: SourceIndex | None
    texts: tuple[str, ...] = ()

    @classmethod
    def from_texts(cls, items: Iterable[tuple[str, str]], align: bool = True) -> Siblings:
        """From ``(id, text)`` pairs (ids must be unique)."""
        from mtclean.normalize.alignment import SourceIndex

        pairs = list(items)
        index = SourceIndex() if align else None
        if index is not None:
            index.add_all(pairs)
        texts = tuple(text for _, text in pairs)
        return cls(SiblingBank.from_texts(texts), index, texts)

    def count(self, wording: str) -> int:
        return self.bank.count(wording)
