"""Sentence-level damage of machine-translation pipelines: stray and missing sentence breaks,
stray punctuation, capitals mid-sentence and lost quote marks.

Pipelines that translate sentence by sentence (or a chunk at a time) and glue the pieces back
leave marks a word-substitution generator never makes: "a conference call Monday. reporter.",
"NATO. allies", "place ." , "today But", "to of Stoke", an opening quote mark dropped while its
closing mark stays. :func:`punctuate` adds such damage, as ``mt`` spans, to a clean or already
degraded text, touching only text outside (and not next to) the spans it already has, so that
``restore`` still gives back the clean text.

Each kind of damage is one pure function from a regular-expression match to
``(region start, region end, new text)``; :data:`DAMAGE` is the registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final

from mtclean.degrade.base import Degraded, Seed, as_degraded, make_rng, merge
from mtclean.records import Label

Site = tuple[int, int, str]  # region [start, end) of the input and the text that replaces it
Damage = Callable[[re.Match[str]], Site | None]

_LOWER_PAIR_RE: Final = re.compile(r"\b([a-z][a-z'\u2019-]*) ([a-z][a-z'\u2019-]*)\b")
_SENTENCE_END_RE: Final = re.compile(r"\b([a-z][a-z'\u2019-]{2,})\. ([A-Z][a-z]+)\b")
_WORD_AFTER_LOWER_RE: Final = re.compile(r"(?<=[a-z,] )([a-z]{3,})\b(?! [A-Z])")
_WORD_COMMA_RE: Final = re.compile(r"\b([A-Za-z][a-z]+),(?= [a-z])")
_WORD_FULL_STOP_RE: Final = re.compile(r"\b([a-z][a-z]+)\.(?=\s|$)")
_OPEN_QUOTE_RE: Final = re.compile(r"[\u201c\"](?=[A-Z])([A-Za-z]+)")
_CLOSE_QUOTE_RE: Final = re.compile(r"\b([A-Za-z]+[,.?!])[\u201d\"]")


def stray_break(match: re.Match[str]) -> Site | None:
    """ "conference call" -> "conference. call" (sometimes "conference. Call")."""
    first, second = match.group(1), match.group(2)
    return match.start(), match.end(), f"{first}. {second}"


def stray_break_capital(match: re.Match[str]) -> Site | None:
    first, second = match.group(1), match.group(2)
    return match.start(), match.end(), f"{first}. {second[:1].upper()}{second[1:]}"


def missing_break(match: re.Match[str]) -> Site | None:
    """ "today. But" -> "today But"."""
    return match.start(), match.end(), f"{match.group(1)} {match.group(2)}"


def capital_mid_sentence(match: re.Match[str]) -> Site | None:
    """ "to stoke" -> "to Stoke"."""
    word = match.group(1)
    return match.start(1), match.end(1), word[:1].upper() + word[1:]


def stray_period_token(match: re.Match[str]) -> Site | None:
    """ "place." -> "place ." and "allies say" -> "allies . say"."""
    word = match.group(1)
    return match.start(), match.end(), f"{word} ."


def stray_period_inside(match: re.Match[str]) -> Site | None:
    return match.start(1), match.end(1), f"{match.group(1)} ."


def comma_clash(match: re.Match[str]) -> Site | None:
    """ "Moscow, while" -> "Moscow. , while"."""
    return match.start(), match.end(), f"{match.group(1)}. ,"


def lost_open_quote(match: re.Match[str]) -> Site | None:
    """ "“Requests" -> "Requests"."""
    return match.start(), match.end(), match.group(1)


def lost_close_quote(match: re.Match[str]) -> Site | None:
    """ "place,”" -> "place,"."""
    return match.start(), match.end(), match.group(1)


DAMAGE: Final[Mapping[str, tuple[re.Pattern[str], Damage]]] = {
    "stray_break": (_LOWER_PAIR_RE, stray_break),
    "stray_break_capital": (_LOWER_PAIR_RE, stray_break_capital),
    "missing_break": (_SENTENCE_END_RE, missing_break),
    "capital_mid_sentence": (_WORD_AFTER_LOWER_RE, capital_mid_sentence),
    "stray_period_token": (_WORD_FULL_STOP_RE, stray_period_token),
    "stray_period_inside": (_LOWER_PAIR_RE, stray_period_inside),
    "comma_clash": (_WORD_COMMA_RE, comma_clash),
    "lost_open_quote": (_OPEN_QUOTE_RE, lost_open_quote),
    "lost_close_quote": (_CLOSE_QUOTE_RE, lost_close_quote),
}
# How often each kind is drawn, relative to the others (stray breaks dominate real output).
WEIGHTS: Final[Mapping[str, float]] = {
    "stray_break": 3.0,
    "stray_break_capital": 1.0,
    "missing_break": 1.0,
    "capital_mid_sentence": 1.5,
    "stray_period_token": 1.0,
    "stray_period_inside": 0.5,
    "comma_clash": 0.5,
    "lost_open_quote": 2.0,
    "lost_close_quote": 2.0,
}


def _free(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    """No overlap with, and at least one character away from, every taken region."""
    return all(end + 1 <= s or start >= e + 1 for s, e in taken)


def punctuate(doc: str | Degraded, seed: Seed, rate: float = 0.01) -> Degraded:
    """Add sentence-level MT damage at about ``rate`` sites per word, as ``mt`` spans.

    Text inside, or next to, the spans ``doc`` already has is left alone.
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must lie in [0, 1], got {rate}")
    degraded = as_degraded(doc)
    rng = make_rng(seed)
    text = degraded.text
    taken: list[tuple[int, int]] = [(s.start, s.end) for s in degraded.spans]
    scans: dict[re.Pattern[str], list[re.Match[str]]] = {}
    for pattern, _ in DAMAGE.values():
        if pattern not in scans:
            scans[pattern] = list(pattern.finditer(text))
    candidates = {name: scans[pattern] for name, (pattern, _) in DAMAGE.items()}
    n_words = len(re.findall(r"\w+", text))
    wanted = sum(1 for _ in range(n_words) if rng.random() < rate)
    names = [name for name in DAMAGE if candidates[name]]
    sites: list[Site] = []
    attempts = 0
    while len(sites) < wanted and names and attempts < 20 * (wanted + 1):
        attempts += 1
        name = rng.choices(names, weights=[WEIGHTS[n] for n in names])[0]
        match = rng.choice(candidates[name])
        site = DAMAGE[name][1](match)
        if site is None or site[2] == text[site[0] : site[1]] or not _free(site[0], site[1], taken):
            continue
        taken.append((site[0], site[1]))
        sites.append(site)
    mt: Label = "mt"
    return merge(degraded, [(start, end, new, text[start:end], mt) for start, end, new in sites])
