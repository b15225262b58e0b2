"""Names misspelt against a reference: the document itself and its siblings.

Machine translation and careless reposting misspell names ("Blnken" for "Blinken" in an
article that writes "Blinken" six times, "Anthony Blinken" where every sibling writes "Antony
Blinken"). A repair needs a reference, so only two cases are proposed:

- a capitalised word no dictionary knows (wordfreq Zipf below :data:`UNKNOWN_ZIPF`), one edit
  (Damerau-Levenshtein, rapidfuzz) away from a capitalised word the document or its siblings
  use at least :data:`MIN_REFERENCE` times and :data:`DOMINANCE` times as often;
- a first name before a surname, when the siblings write that surname at least
  :data:`MIN_REFERENCE` times after one other first name at most two edits away and never after
  this one.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

NAME_RE = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*\b")
UNKNOWN_ZIPF = 1.5
MIN_REFERENCE = 2
DOMINANCE = 3
MIN_LENGTH = 5


@dataclass(frozen=True, slots=True)
class NameFix:
    start: int
    end: int
    replacement: str
    reference: str  # "document" or "siblings"


def _names(texts: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(m.group() for m in NAME_RE.finditer(text))
    return counts


def _pairs(texts: Iterable[str]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for text in texts:
        found = list(NAME_RE.finditer(text))
        for a, b in itertools.pairwise(found):
            if text[a.end() : b.start()] == " ":
                counts[(a.group(), b.group())] += 1
    return counts


def _inflected(a: str, b: str) -> bool:
    """One is the other with a plural or possessive ending ("Emiew", "Emiews")."""
    short, long_ = sorted((a, b), key=len)
    return long_ in (short + "s", short + "'s", short + "es")


def _deletions(word: str) -> set[str]:
    """The word and the word without one of its characters: two words one edit apart
    (Damerau-Levenshtein) share one of these keys."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _one_edit_index(names: list[str]) -> dict[str, list[int]]:
    """Deletion keys of ``names`` -> their indices (a symmetric-delete index)."""
    index: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        for key in _deletions(name):
            index.setdefault(key, []).append(i)
    return index


def _one_edit_candidates(index: dict[str, list[int]], word: str, names: list[str]) -> list[str]:
    """The names that may be one edit from ``word`` (a superset; in the order of ``names``),
    found through the index instead of comparing ``word`` with every name."""
    found = sorted({i for key in _deletions(word) for i in index.get(key, ())})
    return [names[i] for i in found]


def misspelt_names(text: str, siblings: Iterable[str] = ()) -> list[NameFix]:
    """Proposed repairs of misspelt names in ``text``, in text order."""
    from rapidfuzz.distance import DamerauLevenshtein

    from mtclean.text import zipf

    related = list(siblings)
    own = _names([text])
    reference = own + _names(related)
    fixes: list[NameFix] = []
    known = [n for n, c in reference.items() if c >= MIN_REFERENCE and len(n) >= MIN_LENGTH]
    near = _one_edit_index(known)
    for match in NAME_RE.finditer(text):
        word = match.group()
        if len(word) < MIN_LENGTH or zipf(word.lower()) >= UNKNOWN_ZIPF:
            continue
        close = [
            n
            for n in _one_edit_candidates(near, word, known)
            if n != word
            and n[0] == word[0]
            and reference[n] >= DOMINANCE * reference[word]
            and not _inflected(n, word)
            and DamerauLevenshtein.distance(n, word, score_cutoff=1) <= 1
        ]
        if len(close) == 1:
            where = "document" if own[close[0]] >= MIN_REFERENCE else "siblings"
            fixes.append(NameFix(match.start(), match.end(), close[0], where))
    if related:
        theirs = _pairs(related)
        by_last: dict[str, list[tuple[str, int]]] = {}  # surname -> (first name, count)
        for (f, l_), c in theirs.items():
            by_last.setdefault(l_, []).append((f, c))
        fixed = {f.start for f in fixes}
        found = list(NAME_RE.finditer(text))
        for a, b in itertools.pairwise(found):
            if text[a.end() : b.start()] != " " or a.start() in fixed:
                continue
            first, last = a.group(), b.group()
            if theirs[(first, last)]:
                continue
            options = [
                f
                for f, c in by_last.get(last, ())
                if c >= MIN_REFERENCE
                and f[0] == first[0]
                and DamerauLevenshtein.distance(f, first, score_cutoff=2) <= 2
            ]
            if len(options) == 1:
                fixes.append(NameFix(a.start(), a.end(), options[0], "siblings"))
    return sorted(fixes, key=lambda f: f.start)
