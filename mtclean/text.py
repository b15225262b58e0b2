"""The package's text primitives, at the bottom of it: words, sentences, paragraphs,
abbreviations, stop words and word frequency (wordfreq's Zipf scale). Detectors, model
features, generators, scoring and evaluation count the same words with these.

(The model's own tokenisation, ``mtclean.model.features.tokenize``, reads words with
:data:`WORD_RE` too; the spinner's ``mtclean.degrade.function_words.STOPWORDS`` is a different
list on purpose: closed-class words the thesaurus must never look up, a model feature.)"""

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
# Words that end with a full stop inside a sentence in clean text (lowercased, without the final
# stop): a full stop after them does not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "eg", "ie", "no", "nos", "gen",
        "lt", "col", "sgt", "rep", "reps", "sen", "gov", "govt", "inc", "co", "corp", "ltd",
        "llc", "plc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
        "nov", "dec", "approx", "est", "dept", "fig", "figs", "vol", "vols", "pp", "ed", "eds",
        "al", "cf", "ft", "mt", "rev", "prof", "capt", "cmdr", "adm", "maj", "pvt", "hon",
        "messrs", "ave", "blvd", "rd", "op", "min", "max", "av", "univ", "assn", "bros", "cie",
        "dist", "div", "ex", "mins", "hrs", "sq", "yr", "yrs", "wk", "wt", "pt", "pts", "tel",
        "ref", "nr", "u.s", "u.k", "e.g", "i.e"
    ]
)  # fmt: skip
# Words that carry no topic: what content words are not (closed-class words, the commonest
# verbs of reporting, titles, months and weekdays).
STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also although am among an and another any are around
    as at be because been before being below between both but by can could did do does doing
    done down during each either else even ever every few for from further had has have having
    he her here hers herself him himself his how however i if in into is it its itself just
    least less like made make many may me might more most much must my myself neither no nor
    not now of off on once one only onto or other others otherwise our ours ourselves out over
    own per rather said same say says several she should since so some still such than that the
    their theirs them themselves then there these they this those though through thus to too
    toward towards under until up upon us very via was we were what whatever when where whether
    which while who whom whose why will with within without would yet you your yours yourself
    mr mrs ms dr st jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday
    """.split()  # noqa: SIM905 (a word list reads better as prose)
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
