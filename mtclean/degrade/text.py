"""Cheap regex tokenisation shared by the package: words, sentences, paragraphs, and word
frequency (wordfreq's Zipf scale)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

# A word: letters/digits with inner hyphens or apostrophes ("pro-Western", "won't", "Russia's").
WORD_RE = re.compile(r"\w+(?:[-'\u2019]\w+)*")
# Sentence end: terminal punctuation, optional closing quotes/brackets, then whitespace.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+|\n+")
_PARAGRAPH_SEP_RE = re.compile(r"\n\s*\n")
# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "gen",
        "sen",
        "rep",
        "gov",
        "lt",
        "col",
        "adm",
        "prof",
        "sgt",
        "capt",
        "cmdr",
        "maj",
        "jr",
        "sr",
        "inc",
        "corp",
        "co",
        "ltd",
        "vs",
        "etc",
        "no",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)


@dataclass(frozen=True, slots=True)
class Piece:
    """A slice ``text[start:end]`` of a larger text."""

    start: int
    end: int
    text: str


def count_words(text: str) -> int:
    return sum(1 for _ in WORD_RE.finditer(text))


def words(text: str) -> list[Piece]:
    return [Piece(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]


def _ends_with_abbreviation(text: str) -> bool:
    match = re.search(r"([\w.]+)\.$", text)
    if match is None:
        return False
    token = match.group(1).lower()
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def sentences(text: str) -> Iterator[Piece]:
    """Sentences of ``text`` (no surrounding whitespace); the gaps between them are whitespace."""
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        candidate = text[start : match.start()]
        if "\n" not in match.group() and _ends_with_abbreviation(candidate):
            continue
        following = text[match.end() : match.end() + 1]
        if "\n" not in match.group() and following.islower():
            continue
        yield from _strip_piece(text, start, match.start())
        start = match.end()
    yield from _strip_piece(text, start, len(text))


def paragraphs(text: str) -> Iterator[Piece]:
    """Blocks separated by blank lines (no surrounding whitespace)."""
    start = 0
    for match in _PARAGRAPH_SEP_RE.finditer(text):
        yield from _strip_piece(text, start, match.start())
        start = match.end()
    yield from _strip_piece(text, start, len(text))


def _strip_piece(text: str, start: int, end: int) -> Iterator[Piece]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + len(chunk) - len(chunk.lstrip())
        yield Piece(offset, offset + len(stripped), stripped)


@functools.lru_cache(maxsize=1 << 18)
def zipf(word: str) -> float:
    """How common ``word`` is in English (wordfreq's Zipf scale: 0 unknown, ~7 "the")."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))
