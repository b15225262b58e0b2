"""Sibling evaluation: how much of an article's wording is attested in clean articles on the story.

A spun or machine-translated repost replaces names, titles and ordinary words by wording that
no clean report of the same event uses ("Jap Europe", "Group for Safety and Cooperation in
Europe", "army workout routines"). Clean sibling articles on the same story are therefore a
reference that needs no gold annotation: the more of an article's terms the siblings attest,
the closer its wording is to the real reporting. Measure the degraded text and the cleaned text
(the caller passes each) and compare.

Definitions
-----------
- **Tokens**: words (letters/digits, with inner apostrophes, hyphens or periods), lowercased,
  possessive ``'s`` removed. Punctuation and line breaks split the text into *segments*;
  n-grams never cross a segment boundary in the article being measured.
- **Content words**: tokens that are not in a compact stop list, have at least two characters
  and contain a letter. ``content_word_support`` = share of the article's content-word
  occurrences whose word occurs anywhere in a sibling.
- **Terms**: (a) capitalised multiword sequences (names, titles, institutions): maximal runs of
  capitalised words, possibly joined by ``of/for/and/on/in/the/de``, with stop words trimmed
  from both ends, at least two words long; (b) content-word bigrams: two adjacent content words
  in a segment, unless both lie inside one capitalised term. A term is attested when its token
  sequence occurs contiguously in a sibling's token stream. ``term_support`` = share of the
  article's term occurrences that are attested.
- ``unsupported_terms``: unattested terms with their counts, most frequent first (ties in order
  of first appearance).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mtclean.text import STOP_WORDS

__all__ = [
    "SiblingComparison",
    "SiblingSupport",
    "compare_with_siblings",
    "content_words",
    "extract_terms",
    "segments",
    "sibling_support",
]

_CONNECTORS = frozenset({"of", "for", "and", "on", "in", "the", "de"})
_APOSTROPHES = "'\u2019"
_BREAKS = '.,;:!?"()\\[\\]\u201c\u201d\u2014\u2013\u2026'
_TOKEN = re.compile(rf"(?P<word>[^\W_]+(?:[{_APOSTROPHES}.\-][^\W_]+)*)|(?P<punct>[{_BREAKS}]|\n)")
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s$")


@dataclass(frozen=True, slots=True)
class _Token:
    surface: str
    norm: str

    @property
    def capitalised(self) -> bool:
        return self.surface[:1].isupper()

    @property
    def content(self) -> bool:
        return (
            len(self.norm) >= 2
            and self.norm not in STOP_WORDS
            and any(ch.isalpha() for ch in self.norm)
        )


@dataclass(frozen=True, slots=True)
class SiblingSupport:
    """How much of one article's wording the sibling articles attest."""

    content_word_support: float
    term_support: float
    content_words: int
    terms: int
    unsupported_terms: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class SiblingComparison:
    """Sibling support of the degraded text and of the cleaned text."""

    before: SiblingSupport
    after: SiblingSupport

    @property
    def term_support_gain(self) -> float:
        return self.after.term_support - self.before.term_support

    @property
    def content_word_support_gain(self) -> float:
        return self.after.content_word_support - self.before.content_word_support


def _normalise(word: str) -> str:
    return _POSSESSIVE.sub("", word.lower().replace("\u2019", "'"))


def segments(text: str) -> list[list[_Token]]:
    """Word tokens grouped into runs that no punctuation or line break interrupts."""
    result: list[list[_Token]] = [[]]
    for match in _TOKEN.finditer(text):
        word = match.group("word")
        if word is None:
            if result[-1]:
                result.append([])
            continue
        result[-1].append(_Token(word, _normalise(word)))
    return [segment for segment in result if segment]


def content_words(text: str) -> list[str]:
    """The content-word occurrences of ``text`` (lowercased, in order)."""
    return [tok.norm for segment in segments(text) for tok in segment if tok.content]


def _capitalised_runs(segment: Sequence[_Token]) -> list[tuple[int, int]]:
    """``[start, end)`` token ranges of capitalised multiword terms in one segment."""
    runs: list[tuple[int, int]] = []
    i = 0
    n = len(segment)
    while i < n:
        if not segment[i].capitalised:
            i += 1
            continue
        j = i + 1
        last_cap = i
        while j < n and (segment[j].capitalised or segment[j].norm in _CONNECTORS):
            if segment[j].capitalised:
                last_cap = j
            j += 1
        start, end = i, last_cap + 1
        while start < end and segment[start].norm in STOP_WORDS:
            start += 1
        while end > start and segment[end - 1].norm in STOP_WORDS:
            end -= 1
        if end - start >= 2:
            runs.append((start, end))
        i = last_cap + 1
    return runs


def extract_terms(text: str) -> list[tuple[str, ...]]:
    """Term occurrences of ``text`` as lowercased token tuples, in order of appearance."""
    terms: list[tuple[str, ...]] = []
    for segment in segments(text):
        runs = _capitalised_runs(segment)
        inside: list[int] = [-1] * len(segment)
        for index, (start, end) in enumerate(runs):
            for k in range(start, end):
                inside[k] = index
        found: list[tuple[int, tuple[str, ...]]] = [
            (start, tuple(tok.norm for tok in segment[start:end])) for start, end in runs
        ]
        for k in range(len(segment) - 1):
            a, b = segment[k], segment[k + 1]
            if not (a.content and b.content):
                continue
            if inside[k] >= 0 and inside[k] == inside[k + 1]:
                continue
            found.append((k, (a.norm, b.norm)))
        found.sort(key=lambda item: item[0])
        terms.extend(term for _, term in found)
    return terms


def _ngrams(texts: Iterable[str], max_n: int) -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for text in texts:
        stream = [tok.norm for segment in segments(text) for tok in segment]
        for n in range(1, max_n + 1):
            for i in range(len(stream) - n + 1):
                grams.add(tuple(stream[i : i + n]))
    return grams


def sibling_support(text: str, siblings: Sequence[str]) -> SiblingSupport:
    """Share of ``text``'s content words and terms attested in ``siblings``."""
    if not siblings:
        raise ValueError("no sibling texts given; pass at least one clean article on the story")
    words = content_words(text)
    terms = extract_terms(text)
    max_n = max((len(term) for term in terms), default=1)
    attested = _ngrams(siblings, max_n)
    sibling_vocabulary = {gram[0] for gram in attested if len(gram) == 1}

    supported_words = sum(1 for word in words if word in sibling_vocabulary)
    unsupported: Counter[tuple[str, ...]] = Counter(term for term in terms if term not in attested)
    first_seen: dict[tuple[str, ...], int] = {}
    for index, term in enumerate(terms):
        first_seen.setdefault(term, index)
    ordered = sorted(unsupported.items(), key=lambda item: (-item[1], first_seen[item[0]]))
    return SiblingSupport(
        content_word_support=supported_words / len(words) if words else 0.0,
        term_support=(len(terms) - sum(unsupported.values())) / len(terms) if terms else 0.0,
        content_words=len(words),
        terms=len(terms),
        unsupported_terms=tuple((" ".join(term), count) for term, count in ordered),
    )


def compare_with_siblings(before: str, after: str, siblings: Sequence[str]) -> SiblingComparison:
    """Sibling support of a degraded text (``before``) and its cleaned version (``after``)."""
    return SiblingComparison(
        before=sibling_support(before, siblings), after=sibling_support(after, siblings)
    )
