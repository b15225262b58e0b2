"""Known spun / tortured phrases, matched with a multi-pattern (Aho-Corasick) automaton.

The tables are ``mtclean/resources/lexicon_*.tsv``: ``#`` comment lines (sources, licenses),
then a header and one entry per line with the columns

    phrase      the spun wording, matched case-insensitively on word boundaries
    canonical   the wording it replaces
    score       confidence in [0, 1] that a hit is spun AND the canonical is right
    origin      where the entry comes from (``pps``, ``news:institution``, ...)
    match_case  optional: ``any`` (default) or ``title`` (each capitalised word of the phrase
                must be capitalised in the text: spinners keep the capitals of a proper name,
                so "White Home" is a hit and "a white home" is not)

Matching runs on a normalised copy of the text whose positions map back exactly to the
original: characters are lowered one by one (a character whose lowercase form is longer, such
as "İ", keeps one character), curly apostrophes become straight ones, and a whitespace run with
at most one line break counts as a single space, so a phrase still matches across a line wrap
or a double space but never across a paragraph break. Hits must start and end on word
boundaries; overlapping hits resolve to the leftmost, then longest. The replacement takes the
case of the matched text (see :func:`transfer_case`).
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

import ahocorasick

from mtclean.records import Detection, Document, Span

LOG = logging.getLogger(__name__)

MatchCase = Literal["any", "title"]
MATCH_CASES: tuple[MatchCase, ...] = ("any", "title")
REQUIRED_COLUMNS = ("phrase", "canonical", "score", "origin")
RESOURCE_GLOB = "lexicon_*.tsv"
PARAGRAPH_BREAK = "\n"
APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'"}
FUNCTION_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the"}
    | {"to", "with", "via", "de", "del", "der", "des", "du", "la", "le", "von"}
)


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One spun phrase and the canonical wording it stands for."""

    phrase: str
    canonical: str
    score: float
    origin: str
    match_case: MatchCase = "any"

    def __post_init__(self) -> None:
        if not self.phrase.strip():
            raise ValueError("a lexicon entry needs a non-empty phrase")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"lexicon score {self.score} for {self.phrase!r} is outside [0, 1]")
        if self.match_case not in MATCH_CASES:
            raise ValueError(f"match_case must be one of {MATCH_CASES}, got {self.match_case!r}")


@dataclass(frozen=True, slots=True)
class Match:
    """A lexicon hit: ``[start, end)`` in the original text and the entry it matched."""

    start: int
    end: int
    entry: LexiconEntry


# --------------------------------------------------------------------------- loading tables


def parse_lexicon(lines: Iterable[str], source: str = "<lexicon>") -> Iterator[LexiconEntry]:
    """Parse a lexicon TSV (comment lines, header, rows); errors name ``source`` and the line."""
    rows = (line for line in lines if line.strip() and not line.startswith("#"))
    reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"{source}: header lacks column(s) {', '.join(missing)}")
    for row in reader:
        try:
            yield LexiconEntry(
                phrase=row["phrase"].strip(),
                canonical=row["canonical"].strip(),
                score=float(row["score"]),
                origin=row["origin"].strip(),
                match_case=cast(MatchCase, (row.get("match_case") or "any").strip()),
            )
        except (ValueError, AttributeError) as exc:
            raise ValueError(f"{source}: bad row {reader.line_num}: {exc}") from exc


def read_lexicon(path: Path) -> list[LexiconEntry]:
    """Read one lexicon TSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(parse_lexicon(handle, str(path)))


def shipped_lexicon() -> list[LexiconEntry]:
    """Every entry of the tables shipped in ``mtclean/resources`` (sorted by file name)."""
    folder = resources.files("mtclean") / "resources"
    entries: list[LexiconEntry] = []
    names = sorted(
        item.name
        for item in folder.iterdir()
        if item.name.startswith("lexicon_") and item.name.endswith(".tsv")
    )
    for name in names:
        text = (folder / name).read_text(encoding="utf-8")
        entries.extend(parse_lexicon(text.splitlines(), f"mtclean/resources/{name}"))
    if not entries:
        LOG.warning("no lexicon tables found in mtclean/resources (%s)", RESOURCE_GLOB)
    return entries


# --------------------------------------------------------------------------- normalising text


def normalize_char(char: str) -> str:
    """One character lowered to exactly one character (so offsets never shift)."""
    if char in APOSTROPHES:
        return APOSTROPHES[char]
    lowered = char.lower()
    return lowered if len(lowered) == 1 else lowered[0]


class _Fold(dict[int, str]):
    """``str.translate`` table of :func:`normalize_char`, filled on first use of a character."""

    def __missing__(self, code: int) -> str:
        folded = normalize_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _Fold()
# Whitespace runs other than one plain space (which the matching copy keeps as it is).
_WHITESPACE_RUN = re.compile(r"[^\S ]\s*|\s{2,}")


def normalize(text: str) -> tuple[str, list[int]]:
    """The matching copy of ``text`` and, per copy position, its offset in ``text``.

    Whitespace runs with at most one line break become one space; longer runs (paragraph
    breaks) become one ``PARAGRAPH_BREAK``, which no phrase contains.
    """
    folded = text.translate(_FOLD)  # one character per character: offsets do not move
    parts: list[str] = []
    positions: list[int] = []
    cursor = 0
    for run in _WHITESPACE_RUN.finditer(folded):
        parts.append(folded[cursor : run.start()])
        positions.extend(range(cursor, run.start()))
        parts.append(PARAGRAPH_BREAK if text.count("\n", run.start(), run.end()) > 1 else " ")
        positions.append(run.start())
        cursor = run.end()
    parts.append(folded[cursor:])
    positions.extend(range(cursor, len(folded)))
    return "".join(parts), positions


def normalize_phrase(phrase: str) -> str:
    """A table phrase in the matching copy's form (lowered, single spaces)."""
    return " ".join("".join(normalize_char(c) for c in word) for word in phrase.split())


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


# --------------------------------------------------------------------------- case transfer


def _words(text: str) -> list[str]:
    return [w for w in text.split() if any(c.isalpha() for c in w)]


def _first_alpha(word: str) -> str:
    return next((c for c in word if c.isalpha()), "")


def is_title_case(text: str) -> bool:
    """Every content word starts with a capital (function words may stay lowercase)."""
    words = _words(text)
    content = [w for i, w in enumerate(words) if i == 0 or w.lower() not in FUNCTION_WORDS]
    return len(words) > 1 and all(_first_alpha(w).isupper() for w in content)


def _title_word(word: str, first: bool) -> str:
    if any(c.isupper() for c in word):
        return word  # acronyms and names stay as written ("NATO", "iPhone")
    if not first and word.lower() in FUNCTION_WORDS:
        return word
    for i, c in enumerate(word):
        if c.isalpha():
            return word[:i] + c.upper() + word[i + 1 :]
    return word


def transfer_case(matched: str, canonical: str) -> str:
    """``canonical`` in the case of ``matched``.

    ALL CAPS (two letters or more) → upper; Title Case words → each content word capitalised;
    a capital first letter → capitalise the first letter; otherwise the table's case.
    Words of the canonical that already contain a capital (acronyms, names) stay as written
    except in the ALL CAPS case.
    """
    letters = [c for c in matched if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return canonical.upper()
    if is_title_case(matched):
        parts = canonical.split(" ")
        return " ".join(_title_word(w, i == 0) for i, w in enumerate(parts))
    if letters and letters[0].isupper():
        return _title_word(canonical, first=True) if canonical else canonical
    return canonical


def case_fits(matched: str, entry: LexiconEntry) -> bool:
    """For ``title`` entries: the text keeps the phrase's capitals.

    Each capitalised word of the phrase must be capitalised in the text; a phrase written all
    in lowercase asks for every content word to be capitalised.
    """
    if entry.match_case == "any":
        return True
    got = matched.split()
    want = entry.phrase.split()
    if len(got) != len(want):
        return False
    lowercase_phrase = not any(c.isupper() for c in entry.phrase)
    for g, w in zip(got, want, strict=True):
        first = _first_alpha(w)
        needs_capital = first.isupper() or (
            lowercase_phrase and first != "" and w.lower() not in FUNCTION_WORDS
        )
        if needs_capital and not _first_alpha(g).isupper():
            return False
    return True


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class LexiconMatcher:
    """An Aho-Corasick automaton over normalised phrases, and the entries they map to."""

    automaton: Any
    entries: tuple[LexiconEntry, ...]

    @classmethod
    def build(cls, entries: Iterable[LexiconEntry]) -> LexiconMatcher:
        """Index ``entries``; a phrase listed twice keeps its highest-scoring entry."""
        best: dict[str, LexiconEntry] = {}
        for entry in entries:
            key = normalize_phrase(entry.phrase)
            if key not in best or entry.score > best[key].score:
                best[key] = entry
        automaton = ahocorasick.Automaton()
        kept = tuple(best.values())
        for index, key in enumerate(best):
            automaton.add_word(key, (index, len(key)))
        if kept:
            automaton.make_automaton()
        return cls(automaton, kept)

    def find(self, text: str) -> list[Match]:
        """Non-overlapping hits on word boundaries, leftmost then longest first."""
        if not self.entries or not text:
            return []
        norm, positions = normalize(text)
        candidates: list[tuple[int, int, LexiconEntry]] = []
        for end_index, (index, length) in self.automaton.iter(norm):
            start_index = end_index - length + 1
            if start_index > 0 and is_word_char(norm[start_index - 1]):
                continue
            if end_index + 1 < len(norm) and is_word_char(norm[end_index + 1]):
                continue
            start, end = positions[start_index], positions[end_index] + 1
            entry = self.entries[index]
            if case_fits(text[start:end], entry):
                candidates.append((start, end, entry))
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        matches: list[Match] = []
        cursor = 0
        for start, end, entry in candidates:
            if start >= cursor:
                matches.append(Match(start, end, entry))
                cursor = end
        return matches


@lru_cache(maxsize=1)
def default_matcher() -> LexiconMatcher:
    """The matcher over the shipped tables, built once per process."""
    matcher = LexiconMatcher.build(shipped_lexicon())
    LOG.debug("lexicon: %d phrases", len(matcher.entries))
    return matcher


def match_to_span(text: str, match: Match) -> Span:
    entry = match.entry
    return Span(
        start=match.start,
        end=match.end,
        label="spun",
        score=entry.score,
        source=LexiconDetector.name,
        replacement=transfer_case(text[match.start : match.end], entry.canonical),
        reason=f"{entry.origin}:{entry.phrase}",
    )


class LexiconDetector:
    """Flags known spun phrases and proposes their canonical wording.

    ``LexiconDetector()`` uses the tables shipped in ``mtclean/resources``; pass ``entries``
    and/or ``paths`` (lexicon TSV files) to use other tables instead, and ``include_shipped``
    to add the shipped ones to them.
    """

    name: ClassVar[str] = "lexicon"
    reruns: ClassVar[bool] = True  # cheap: reads the repaired text again (Cleaner._settled)

    def __init__(
        self,
        *,
        entries: Iterable[LexiconEntry] | None = None,
        paths: Sequence[Path | str] | None = None,
        include_shipped: bool = False,
    ) -> None:
        if entries is None and paths is None:
            self.matcher = default_matcher()
            return
        chosen: list[LexiconEntry] = list(shipped_lexicon()) if include_shipped else []
        for path in paths or ():
            chosen.extend(read_lexicon(Path(path)))
        chosen.extend(entries or ())
        self.matcher = LexiconMatcher.build(chosen)

    def detect(self, doc: Document) -> Detection:
        spans = tuple(match_to_span(doc.text, m) for m in self.matcher.find(doc.text))
        return Detection(spans=spans, stats={"hits": len(spans)})


__all__ = [
    "LexiconDetector",
    "LexiconEntry",
    "LexiconMatcher",
    "Match",
    "default_matcher",
    "normalize",
    "parse_lexicon",
    "read_lexicon",
    "shipped_lexicon",
    "transfer_case",
]
