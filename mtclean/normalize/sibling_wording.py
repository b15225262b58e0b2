"""Spun words the detector missed, found against the wording of sibling articles.

Articles covering the same story write its recurring words the same, canonical way; a spinner
replaces each of them consistently in its repost ("officials" becomes "officers" every time).
So in a document that reads as spun, a word is suspect when the siblings never write it while
they write one of its candidate originals (``mtclean.normalize.candidates``) again and again,
and the document itself never does. One such word means little in a clean article (clean
writers choose their own words: "led" where a sibling has "took"), which is why the caller
asks only of documents the model reads as spun through.

Pure: the siblings' and the document's wording counts and the candidate index in, the suspect
words out; one pass over the document's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from mtclean.text import WORD_RE

MIN_SIBLING_COUNT = 3  # times the siblings write the candidate original
PROPOSALS_READ = 50  # candidate originals looked at per word, best-ranked first


class Counts(Protocol):
    def count(self, wording: str) -> int: ...


class Proposer(Protocol):
    def propose(self, wording: str, prev: str = "", prev2: str = "") -> Sequence[_Proposal]: ...


class _Proposal(Protocol):
    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class SiblingWording:
    """``text[start:end]`` (``word``) is never written by the siblings, which write
    ``original`` ``count`` times; the document never writes ``original``."""

    start: int
    end: int
    word: str
    original: str
    count: int


def sibling_wording(
    text: str,
    siblings: Counts,
    document: Counts,
    index: Proposer,
    occupied: Sequence[tuple[int, int]] = (),
    min_count: int = MIN_SIBLING_COUNT,
) -> list[SiblingWording]:
    """The suspect words of ``text`` outside the ``occupied`` stretches (sorted, disjoint
    ``(start, end)`` pairs: words other spans already cover), in text order."""
    found: list[SiblingWording] = []
    cursor = 0
    cache: dict[str, tuple[str, int] | None] = {}
    for match in WORD_RE.finditer(text):
        start, end = match.span()
        while cursor < len(occupied) and occupied[cursor][1] <= start:
            cursor += 1
        if cursor < len(occupied) and occupied[cursor][0] < end:
            continue
        word = match.group()
        lower = word.lower()
        if lower not in cache:
            cache[lower] = _attested(lower, siblings, document, index, min_count)
        best = cache[lower]
        if best is not None:
            original = best[0] if word.islower() else _cased_like(word, best[0])
            found.append(SiblingWording(start, end, word, original, best[1]))
    return found


def _attested(
    lower: str, siblings: Counts, document: Counts, index: Proposer, min_count: int
) -> tuple[str, int] | None:
    """The candidate original of ``lower`` the siblings write most (at least ``min_count``
    times, and the document never), when the siblings never write ``lower`` itself."""
    if not lower.isalpha() or siblings.count(lower) > 0:
        return None
    best: tuple[str, int] | None = None
    for proposal in index.propose(lower)[:PROPOSALS_READ]:
        original = proposal.text.lower()
        count = siblings.count(original)
        better = count >= min_count and (best is None or count > best[1])
        if better and document.count(original) == 0:
            best = (original, count)
    return best


def _cased_like(word: str, original: str) -> str:
    if word.isupper() and len(word) > 1:
        return original.upper()
    if word[:1].isupper():
        return original[:1].upper() + original[1:]
    return original
