"""Sentence-level machine-translation damage, found by rules (component ``punctuation``).

Pipelines that translate a sentence or a chunk at a time and glue the pieces back leave marks
that no clean, edited news text has: a full stop inside a sentence ("NATO. allies"), a full stop
as a token of its own ("place ."), a clash of punctuation ("Russia. ,"), a sentence break that
disappeared ("today But the"), a function word capitalised mid-sentence ("Said", "Of"),
function words that cannot follow each other ("to of", "does not would", "the the"), and
direct speech whose quote marks were lost or moved ("We have nowhere to retreat, Putin said").
These rules are cheap and precise; the trained ``model`` detector covers the open-ended rest.

Every rule is a pure function ``text -> spans`` registered in :data:`RULES` under the name that
becomes the span's ``reason``. A span carries a ``replacement`` where the repair is mechanical
(drop the stray full stop); only repairs that are nearly always right score at or above the
cleaner's default edit threshold.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from typing import ClassVar, Final

from mtclean.intervals import DisjointIntervals
from mtclean.records import Detection, Document, Span
from mtclean.text import ABBREVIATIONS

SOURCE: Final = "punctuation"
Rule = Callable[[str], Iterator[Span]]

CAPITALISED_FUNCTION_WORDS: Final = frozenset(
    [
        "Of", "To", "And", "In", "For", "With", "At", "By", "From", "That", "Said", "Is", "Are",
        "Was", "Were", "Be", "Been", "Has", "Have", "Had", "Will", "Would", "Can", "Could",
        "Or", "As", "An", "Its", "Their", "His", "Her", "Our", "Into"
    ]
)  # fmt: skip
# Words after which a capitalised word is usually a title or a name ("for The Goat").
TITLE_INTRODUCERS: Final = frozenset(
    [
        "for", "of", "in", "on", "at", "by", "from", "with", "about", "as", "called", "titled",
        "entitled", "named", "dubbed", "film", "films", "movie", "show", "series", "album",
        "albums", "book", "novel", "song", "single", "play", "musical", "magazine", "newspaper",
        "paper", "programme", "program", "drama", "sitcom", "comedy", "game"
    ]
)  # fmt: skip
SENTENCE_OPENERS: Final = (
    "But|However|The|This|These|That|It|He|She|They|We|There|In|And|So|Yet|Meanwhile|Still"
)
SPEECH_VERBS: Final = "said|says|told|added|warned|insisted|stressed|noted|explained"
QUOTE_MARKS: Final = '\u201c\u201d"\u2018'

_ELLIPSIS_RE: Final = re.compile(r"\.(?:\s*\.){2,}")
_STRAY_BREAK_RE: Final = re.compile(r"(?<![\w.@/])([A-Za-z][\w'\u2019-]*)\. ([a-z]+)\b(?![.@/]\w)")
_STRAY_STOP_RE: Final = re.compile(r"(?<=\w) \.(?=\s|$)")
_CLASH_RE: Final = re.compile(r"(?<=\w)([.,;:]) ([.,;:])(?=\s|$)")
_MISSING_BREAK_RE: Final = re.compile(rf"\b([a-z]{{2,}}) ({SENTENCE_OPENERS}) (?=[a-z])")
_CAPITAL_RE: Final = re.compile(r"\b([a-z]{2,}) ([A-Z][a-z]+)(?= [a-z])")
_ATTRIBUTION_RE: Final = re.compile(
    rf"(\w+),\s+(?:(?:[\w.\u2019'-]+\s+){{0,5}}?(?:{SPEECH_VERBS})|(?:{SPEECH_VERBS})\s+\w+)\b"
)
_FIRST_PERSON_RE: Final = re.compile(
    r"\b(?:[Ww]e|us|[Oo]urs?|I|[Mm]y|me|[Ww]e[\u2019']re|I[\u2019']m|[Ll]et[\u2019']s)\b"
)
_SENTENCE_START_RE: Final = re.compile(r"(?:^|(?<=[.!?])\s+)(?=[A-Z])")
_DOUBLED_RE: Final = re.compile(
    r"(?<![\w-])([Tt]he|[Aa]n?|[Oo]f|[Tt]o|[Ii]n|[Oo]n|[Aa]t|[Bb]y|[Ff]or|[Ff]rom|[Ww]ith)"
    r"(?= (the|an?|of|to|in|on|at|by|for|from|with)\b(?!-))"
)
_MODALS = "would|will|can|could|should|must|may|might|shall"
_CLASH_WORDS_RE: Final = re.compile(
    rf"(?<![\w-])(?:(?:[Tt]he|[Aa]n?) (?:the|an?)|to of|(?:[Dd]o|[Dd]oes|[Dd]id) not (?:{_MODALS})"
    rf"|(?:{_MODALS}) (?:{_MODALS}))\b(?!-)"
)
_MISPLACED_QUOTE_RE: Final = re.compile(
    rf",\s?\u201c(?=(?:[\w.\u2019'-]+\s+){{0,4}}?(?:{SPEECH_VERBS})\b)"
)


def _span(start: int, end: int, score: float, reason: str, replacement: str | None) -> Span:
    return Span(start, end, "mt", score, SOURCE, replacement, reason)


def stray_break(text: str) -> Iterator[Span]:
    """A full stop between two words of one sentence: "NATO. allies" -> "NATO allies"."""
    for m in _STRAY_BREAK_RE.finditer(text):
        before = m.group(1)
        if len(before) < 2 or before.lower() in ABBREVIATIONS or before.isdigit():
            continue
        yield _span(m.start(), m.end(), 0.85, "stray_break", f"{before} {m.group(2)}")


def stray_stop(text: str) -> Iterator[Span]:
    """A full stop as a token of its own: "place ." -> "place."."""
    for m in _STRAY_STOP_RE.finditer(text):
        yield _span(m.start(), m.end(), 0.9, "stray_stop", ".")


def punctuation_clash(text: str) -> Iterator[Span]:
    """Two punctuation marks in a row: "Russia. , while" -> "Russia, while"."""
    for m in _CLASH_RE.finditer(text):
        yield _span(m.start(), m.end(), 0.9, "punctuation_clash", m.group(2))


def missing_break(text: str) -> Iterator[Span]:
    """A sentence opener capitalised after a lowercase word: "today But the" (a lost full stop)."""
    for m in _MISSING_BREAK_RE.finditer(text):
        yield _span(m.start(), m.end(2), 0.75, "missing_break", f"{m.group(1)}. {m.group(2)}")


def capital_mid_sentence(text: str) -> Iterator[Span]:
    """A function word capitalised between lowercase words: "the talks Said the"."""
    for m in _CAPITAL_RE.finditer(text):
        word = m.group(2)
        if word in CAPITALISED_FUNCTION_WORDS and m.group(1) not in TITLE_INTRODUCERS:
            yield _span(m.start(2), m.end(2), 0.7, "capital_mid_sentence", word.lower())


def doubled_word(text: str) -> Iterator[Span]:
    """An article or preposition twice (or more) in a row: "the the talks" -> "the talks";
    a run ("the the the") is one repair, so the repaired text holds no doubled word."""
    run_end = 0
    for m in _DOUBLED_RE.finditer(text):
        if m.start() < run_end or m.group(1).lower() != m.group(2):
            continue
        again = _AGAIN.setdefault(m.group(2), re.compile(rf" {m.group(2)}\b(?!-)"))
        end = m.end() + 1 + len(m.group(2))
        while (more := again.match(text, end)) is not None:
            end = more.end()
        run_end = end
        yield _span(m.start(), end, 0.85, "doubled_word", m.group(1))


_AGAIN: dict[str, re.Pattern[str]] = {}  # " the" after a doubled "the", per word


def word_clash(text: str) -> Iterator[Span]:
    """Function words that cannot follow each other: "the a", "to of", "does not would"."""
    for m in _CLASH_WORDS_RE.finditer(text):
        yield _span(m.start(), m.end(), 0.75, "word_clash", None)


def unquoted_speech(text: str) -> Iterator[Span]:
    """First-person speech attributed with "…, X said" in a paragraph without any quote mark:
    the opening and closing quote marks were lost ("We have nowhere to retreat, Putin said")."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if not any(mark in line for mark in QUOTE_MARKS):
            yield from _unquoted_in_line(line, offset)
        offset += len(line)


def _unquoted_in_line(line: str, offset: int) -> Iterator[Span]:
    # the line's sentence starts, found once: a start is a match of _SENTENCE_START_RE that
    # ends before the attribution (scanning the line up to it for every attribution found
    # the same ones, in quadratic time)
    sentence_starts: list[int] | None = None
    for m in _ATTRIBUTION_RE.finditer(line):
        if sentence_starts is None:
            sentence_starts = [s.end() for s in _SENTENCE_START_RE.finditer(line)]
        k = bisect.bisect_left(sentence_starts, m.start())
        if not k:
            continue
        begin = sentence_starts[k - 1]
        quoted = line[begin : m.end(1)]
        if not _FIRST_PERSON_RE.search(quoted):
            continue
        first = re.match(r"[\w\u2019'-]+", line[begin:])
        if first is None:
            continue
        opening_end = begin + first.end()
        closing_start = m.start(1)
        closing_end = m.end(1) + 1  # the word and its comma
        yield _span(
            offset + begin, offset + opening_end, 0.7, "unquoted_speech",
            "\u201c" + line[begin:opening_end],
        )  # fmt: skip
        if closing_start >= opening_end:
            yield _span(
                offset + closing_start, offset + closing_end, 0.7, "unquoted_speech",
                line[closing_start:closing_end] + "\u201d",
            )  # fmt: skip


def misplaced_quote(text: str) -> Iterator[Span]:
    """A closing quote mark moved after the comma, and the only quote mark in its paragraph:
    'word, “Ryabkov said' -> 'word,” Ryabkov said'."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if sum(line.count(mark) for mark in QUOTE_MARKS) == 1:
            for m in _MISPLACED_QUOTE_RE.finditer(line):
                yield _span(
                    offset + m.start(), offset + m.end(), 0.75, "misplaced_quote", ",\u201d "
                )
        offset += len(line)


# A fast check per rule (a literal first character, so ``re`` can skip ahead): text without a
# match cannot hold that rule's damage, and the rule is not run. Speed only; no effect on output.
HINTS: Final[Mapping[str, re.Pattern[str]]] = {
    "stray_break": re.compile(r"\. [a-z]"),
    "stray_stop": re.compile(r" \.(?:\s|$)"),
    "punctuation_clash": re.compile(r"[.,;:] [.,;:]"),
    "missing_break": re.compile(rf"[a-z] (?:{SENTENCE_OPENERS}) [a-z]"),
    "capital_mid_sentence": re.compile(
        rf"[a-z,] (?:{'|'.join(sorted(CAPITALISED_FUNCTION_WORDS))}) [a-z]"
    ),
    "unquoted_speech": re.compile(SPEECH_VERBS),
    "misplaced_quote": re.compile("\u201c"),
}

RULES: Final[Mapping[str, Rule]] = {
    "stray_break": stray_break,
    "stray_stop": stray_stop,
    "punctuation_clash": punctuation_clash,
    "missing_break": missing_break,
    "capital_mid_sentence": capital_mid_sentence,
    "doubled_word": doubled_word,
    "word_clash": word_clash,
    "unquoted_speech": unquoted_speech,
    "misplaced_quote": misplaced_quote,
}


def _outside_ellipses(text: str, spans: list[Span]) -> list[Span]:
    """The spans that share no character with an ellipsis (the ellipses are disjoint and in
    order: the first one ending after a span's start is the only one to check)."""
    dots = [(m.start(), m.end()) for m in _ELLIPSIS_RE.finditer(text)]
    if not dots:
        return spans
    ends = [e for _, e in dots]
    kept = []
    for span in spans:
        k = bisect.bisect_right(ends, span.start)
        if k == len(dots) or not dots[k][0] < span.end:
            kept.append(span)
    return kept


def find_spans(text: str) -> list[Span]:
    """Every rule's spans, overlaps resolved: the higher score, then the earlier rule, wins."""
    found: list[tuple[float, int, Span]] = []
    for order, (name, rule) in enumerate(RULES.items()):
        hint = HINTS.get(name)
        if hint is None or hint.search(text):
            found.extend((-span.score, order, span) for span in rule(text))
    kept: list[Span] = []
    taken = DisjointIntervals(len(text))  # every rule's span holds a character
    for _, _, span in sorted(found, key=lambda item: (item[0], item[1], item[2].start)):
        if taken.add_if_free(span.start, span.end):
            kept.append(span)
    return sorted(_outside_ellipses(text, kept), key=lambda s: s.start)


class PunctuationDetector:
    """Rules for sentence-level MT damage; label ``mt``; see :data:`RULES`."""

    name: ClassVar[str] = SOURCE
    reruns: ClassVar[bool] = True  # cheap: reads the repaired text again (Cleaner._settled)

    def detect(self, doc: Document) -> Detection:
        spans = find_spans(doc.text)
        stats: dict[str, int] = {}
        for span in spans:
            stats[f"flagged_{span.reason}"] = stats.get(f"flagged_{span.reason}", 0) + 1
        return Detection(spans=tuple(spans), stats=stats)
