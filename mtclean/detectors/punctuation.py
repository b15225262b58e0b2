"""Sentence-level machine-translation damage, found by rules (component ``punctuation``).

Pipelines that translate a sentence or a chunk at a time and glue the pieces back leave marks
that no clean, edited news text has: a full stop inside a sentence ("NATO. allies"), a full stop
as a token of its own ("place ."), a clash of punctuation ("Russia. ,"), a sentence break that
disappeared ("today But the"), a function word capitalised mid-sentence ("Said", "Of"),
function words that cannot follow each other ("to of", "does not would", "the the"), and
direct speech whose quote marks were lost or moved ("We have nowhere to retreat, Putin said"),
and a name cut off its sentence by a stray full stop ("to support oil shipments in Ukraine. Navy
and Air Defense.").
These rules are cheap and precise; the trained ``model`` detector covers the open-ended rest.

Every rule is a pure function ``text -> spans`` registered in :data:`RULES` under the name that
becomes the span's ``reason``. A span carries a ``replacement`` where the repair is mechanical
(drop the stray full stop); only repairs that are nearly always right score at or above the
cleaner's default edit threshold.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import ClassVar, Final

from mtclean.intervals import DisjointIntervals
from mtclean.records import Detection, Document, Span
from mtclean.text import ABBREVIATIONS, STOP_WORDS, WORD_RE, sentences

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
_DOUBLE_QUOTE_RE: Final = re.compile('[\u201c\u201d"]')
# After a quote mark that closes a quotation before its attribution: ',” Ryabkov said',
# '," he told', the misplaced ', “Ryabkov said' (the comma before the mark or after it).
_ATTRIBUTION_AFTER_RE: Final = re.compile(
    rf",?\s?(?:[\w.\u2019'-]+\s+){{0,4}}?(?:{SPEECH_VERBS})\b"
)
_WORD_START_RE: Final = re.compile(r"[\w\u2019'-]+")
_SENTENCE_END_INSIDE_RE: Final = re.compile(r"[a-z]{2,}['\u2019]?[.!?]\s")
# Verbless fragments: what a sentence of a name alone may not hold (figures, lists, scores,
# quotations, abbreviations), the words that make it a clause, and the most words it has.
_NOT_A_NAME_RE: Final = re.compile(r"[\d:;,()\[\]&/\"\u201c\u201d]|\.(?!$)|'|\u2019")
_ROMAN_RE: Final = re.compile(r"[IVXLC]+")
_NOT_A_NAME_TAGS: Final = ("JJ", "RB")  # a first word with such a reading opens a comment
AUXILIARIES: Final = frozenset(
    [
        "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "do",
        "does", "did", "will", "would", "can", "could", "shall", "should", "may", "might",
        "must", "cannot"
    ]
)  # fmt: skip
FRAGMENT_MAX_WORDS: Final = 8
FRAGMENT_MIN_PREVIOUS_WORDS: Final = 5


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


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line (paragraph) of ``text`` with its offset, the line break kept."""
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line
        offset += len(line)


def unquoted_speech(text: str) -> Iterator[Span]:
    """First-person speech attributed with "…, X said" in a paragraph without any quote mark:
    the opening and closing quote marks were lost ("We have nowhere to retreat, Putin said").
    First-person sentences right after the attribution's sentence are the speaker's words too
    (", Putin said last month. They have pushed us into a line we can not cross."): the
    quotation that resumes there lost both of its marks as well."""
    for offset, line in _lines(text):
        if not any(mark in line for mark in QUOTE_MARKS):
            yield from _unquoted_in_line(line, offset)


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
        yield from _resumed_quotation(line, offset, sentence_starts, m.end(1))


def _resumed_quotation(
    line: str, offset: int, sentence_starts: list[int], after: int
) -> Iterator[Span]:
    """The unmarked quotation that resumes after an attribution: the run of first-person
    sentences from the first sentence after the attribution's sentence (``after``: where the
    quotation before the attribution ends), a sentence with an attribution of its own ending
    it. Its first word gets the opening mark, its last word and final punctuation the closing
    mark. Only after a narrator who is not first-person: "…, she told me. I was …" is a story
    told in the first person, not a quotation."""
    k = bisect.bisect_right(sentence_starts, after)
    bounds = [*sentence_starts[k:], len(line)]
    if _FIRST_PERSON_RE.search(line[after : bounds[0]]):
        return
    last_end: int | None = None
    for begin, end in itertools.pairwise(bounds):
        sentence = line[begin:end].rstrip()
        if not _FIRST_PERSON_RE.search(sentence) or _ATTRIBUTION_RE.search(sentence):
            break
        last_end = begin + len(sentence)
    if last_end is None:
        return
    begin = bounds[0]
    first = re.match(r"[\w\u2019'-]+", line[begin:])
    final = re.search(r"[\w\u2019'-]+[.!?]*$", line[begin:last_end])
    if first is None or final is None or begin + first.end() > begin + final.start():
        return
    yield _span(
        offset + begin, offset + begin + first.end(), 0.7, "unquoted_speech",
        "\u201c" + first.group(),
    )  # fmt: skip
    yield _span(
        offset + begin + final.start(), offset + last_end, 0.7, "unquoted_speech",
        final.group() + "\u201d",
    )  # fmt: skip


def misplaced_quote(text: str) -> Iterator[Span]:
    """A closing quote mark moved after the comma, and the only quote mark in its paragraph:
    'word, “Ryabkov said' -> 'word,” Ryabkov said'."""
    for offset, line in _lines(text):
        if sum(line.count(mark) for mark in QUOTE_MARKS) == 1:
            for m in _MISPLACED_QUOTE_RE.finditer(line):
                yield _span(
                    offset + m.start(), offset + m.end(), 0.75, "misplaced_quote", ",\u201d "
                )


@dataclass(frozen=True, slots=True)
class QuoteMark:
    """A double quote mark of a paragraph: what it does (``open``, ``close`` or ``either``, see
    :func:`_quote_role`) and whether a quotation was open just before it."""

    match: re.Match[str]
    role: str
    after_open: bool

    @property
    def opens(self) -> bool:
        return self.role == "open" or (self.role == "either" and not self.after_open)


def _paragraph_quote_marks(text: str) -> Iterator[tuple[int, str, list[QuoteMark]]]:
    """Each line (paragraph) with its offset and its double quote marks read in order; a
    quotation left open by the paragraph before goes on into the next."""
    open_before = False
    for offset, line in _lines(text):
        marks: list[QuoteMark] = []
        is_open = open_before
        for m in _DOUBLE_QUOTE_RE.finditer(line):
            mark = QuoteMark(m, _quote_role(line, m), is_open)
            marks.append(mark)
            is_open = mark.opens
        yield offset, line, marks
        if line.strip():
            open_before = is_open


def lost_opening_quote(text: str) -> Iterator[Span]:
    """A quotation that ends before its attribution ('…,” Ryabkov said', '…," he told', or with
    the mark moved: '…, “Ryabkov said') but was never opened: no quotation is open there (the
    paragraph's double quote marks read in order), so its opening mark was lost. The quotation
    opened at the earliest of the first-person sentences just before the mark ("Requests from
    … for us … . This is …, “Ryabkov said" -> "“Requests from …"), never before the
    paragraph's previous quote mark; without a first-person word there the rule says nothing.
    Only the first mark out of balance in a paragraph counts: after it, which mark opens and
    which closes is no longer known."""
    for offset, line, marks in _paragraph_quote_marks(text):
        previous_end = 0  # where the previous quote mark of the paragraph ends
        for mark in marks:
            m = mark.match
            if not mark.after_open and mark.role != "open" and _closes_before_attribution(line, m):
                opening = _quotation_start(line, previous_end, m.start())
                if opening is not None:
                    symbol = '"' if m.group() == '"' else "\u201c"
                    yield _span(
                        offset + opening.start(), offset + opening.end(), 0.7,
                        "lost_opening_quote", symbol + opening.group(),
                    )  # fmt: skip
                break
            previous_end = m.end()


def lost_closing_quote(text: str) -> Iterator[Span]:
    """A quotation opened and attributed ('"We will fight on, he said') with no closing mark
    between: the closing mark was lost after the word before the attribution's comma ("on," ->
    'on,"'). Not when the next quote mark closes a quotation (the attribution is then inside
    it), when the opening mark itself sits before an attribution (a moved closing mark, see
    ``misplaced_quote``), or when the attribution's speaker is first-person or it runs over a
    sentence end (the quotation goes on: '"In public, I have stressed …'). Only the first
    such quotation in a paragraph counts."""
    for offset, line, marks in _paragraph_quote_marks(text):
        for i, mark in enumerate(marks):
            m = mark.match
            if mark.after_open or not mark.opens or _closes_before_attribution(line, m):
                continue
            following = marks[i + 1] if i + 1 < len(marks) else None
            stop = len(line) if following is None else following.match.start()
            attribution = _ATTRIBUTION_RE.search(line, m.end(), stop)
            if attribution is None or (following is not None and following.role == "close"):
                continue
            speaker = line[attribution.end(1) + 1 : attribution.end()]
            if _FIRST_PERSON_RE.search(speaker) or _SENTENCE_END_INSIDE_RE.search(speaker):
                continue  # "In public, I have stressed …": the speaker's own words go on
            word = attribution.group(1)
            symbol = '"' if m.group() == '"' else "\u201d"
            yield _span(
                offset + attribution.start(1), offset + attribution.end(1) + 1, 0.7,
                "lost_closing_quote", word + "," + symbol,
            )  # fmt: skip
            break


def _quote_role(line: str, mark: re.Match[str]) -> str:
    """Whether a double quote mark opens, closes or may do either: curly marks say so (an
    opening mark after a comma before a speech verb is a closing one moved: 'word, “Ryabkov
    said'); a straight one opens before a word after a space ('… last resort. "We're …': a
    quotation going on into the next paragraph, the paragraphs run together), closes after a
    word or punctuation before a space or punctuation, and may do either otherwise."""
    before = line[mark.start() - 1] if mark.start() else " "
    after = line[mark.end()] if mark.end() < len(line) else " "
    if mark.group() == "\u201d":
        return "close"
    if mark.group() == "\u201c":
        return "either" if line[max(0, mark.start() - 2) : mark.start()] == ", " else "open"
    if (before.isspace() or before in "([\u2014-") and not after.isspace():
        return "open"
    if not before.isspace() and (after.isspace() or after in ".,;:!?)"):
        return "close"
    return "either"


def _closes_before_attribution(line: str, mark: re.Match[str]) -> bool:
    """The quote mark sits next to a comma (',”', ', “', '”,') and a speech verb follows within
    five words."""
    before = line[max(0, mark.start() - 2) : mark.start()].rstrip(" ")
    beside = before.endswith(",") or line.startswith(",", mark.end())
    return beside and _ATTRIBUTION_AFTER_RE.match(line, mark.end()) is not None


def _quotation_start(line: str, floor: int, mark: int) -> re.Match[str] | None:
    """The first word of the quotation that ends at ``mark``: the earliest sentence of the run of
    first-person sentences that ends with the mark's sentence (or the one before it), none
    starting before ``floor``."""
    starts = [s.end() for s in _SENTENCE_START_RE.finditer(line, floor, mark)]
    if not starts:
        return None
    bounds = [*starts, mark]
    k = len(starts) - 1
    if not _FIRST_PERSON_RE.search(line, bounds[k], bounds[k + 1]):
        k -= 1  # the mark's sentence has none: "… for us … . This is a non-starter,” he said"
    if k < 0 or not _FIRST_PERSON_RE.search(line, bounds[k], bounds[k + 1]):
        return None
    while k > 0 and _FIRST_PERSON_RE.search(line, bounds[k - 1], bounds[k]):
        k -= 1
    return _WORD_START_RE.match(line, bounds[k])


def verbless_fragment(text: str) -> Iterator[Span]:
    """A name alone as the last sentence of a paragraph, after a full sentence: a stray full
    stop cut it off the sentence it belongs to ("to support oil shipments in Ukraine. Navy and
    Air Defense.", "and give in. NATO."). A flag: where the name belongs is not known.

    The fragment is a name (:func:`_is_name_fragment`) of at most :data:`FRAGMENT_MAX_WORDS`
    words; the sentence before it is a full one (:func:`_is_full_sentence`)."""
    for offset, line in _lines(text):
        pieces = list(sentences(line))
        if len(pieces) < 2:
            continue
        last, previous = pieces[-1], pieces[-2]
        if _is_name_fragment(last.text) and _is_full_sentence(previous.text):
            yield _span(offset + last.start, offset + last.end - 1, 0.6, "verbless_fragment", None)


def _is_full_sentence(sentence: str) -> bool:
    """Ends with a full stop after a word that is no initial or abbreviation ("by D.W.", "of
    Fr."), and has at least :data:`FRAGMENT_MIN_PREVIOUS_WORDS` words."""
    last = re.search(r"(\S+)\.$", sentence)
    if last is None or "." in last.group(1) or not last.group(1)[-1:].isalpha():
        return False
    if last.group(1)[:1].isupper() and len(last.group(1)) <= 2:
        return False
    return len(WORD_RE.findall(sentence)) >= FRAGMENT_MIN_PREVIOUS_WORDS


def _is_name_fragment(sentence: str) -> bool:
    """A name alone: capitalised words (stop words between them), none of one letter, a Roman
    numeral or an auxiliary; the first one no stop word and no word that can be an adjective or
    an adverb ("Very strange.", "Twice."); a capitalised word after it, or a first word the
    lexicon does not know ("NATO"); no figures, lists, quotations or abbreviations."""
    if not (sentence[:1].isupper() and sentence.endswith(".")):
        return False
    found = WORD_RE.findall(sentence)
    if not found or len(found) > FRAGMENT_MAX_WORDS or _NOT_A_NAME_RE.search(sentence):
        return False
    from mtclean.degrade.inflection import readings

    first = found[0].lower()
    tags = [tag for reading in readings(first) for tag in reading.tags]
    if first in STOP_WORDS or any(tag.startswith(_NOT_A_NAME_TAGS) for tag in tags):
        return False  # "Very strange.", "Twice.", "Or so says …": a comment or a clause
    if tags and not any(word[0].isupper() for word in found[1:]):
        return False  # "Nothing at all.": an ordinary word capitalised as the first
    for i, word in enumerate(found):
        lower = word.lower()
        if len(word) == 1 or lower in AUXILIARIES or _ROMAN_RE.fullmatch(word):
            return False
        if not (word[0].isupper() or (i and lower in STOP_WORDS)):
            return False
    return True


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
    "lost_opening_quote": re.compile(SPEECH_VERBS),
    "lost_closing_quote": re.compile(SPEECH_VERBS),
    "verbless_fragment": re.compile(r"\.[\"'\u201d\u2019)\]]*\s+[A-Z]"),
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
    "lost_opening_quote": lost_opening_quote,
    "lost_closing_quote": lost_closing_quote,
    "verbless_fragment": verbless_fragment,
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
