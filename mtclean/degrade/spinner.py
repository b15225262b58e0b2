"""An article spinner modelled on real spinner output.

It substitutes words and phrases from a thesaurus blind to word sense, the way spinners do
("policy" -> "coverage" when the thesaurus lists it), but keeps the result grammatical: each
word is lemmatised, a synonym of the lemma is chosen and re-inflected for the word's tag
(officials -> officers, increased -> elevated), and capitalisation is transferred (Title, ALL
CAPS). Single words may become phrases and phrases single words, from the thesaurus's multiword
entries and a small table of connectives (``function_words``). Names (capitalised words inside a
sentence), acronyms, numbers and contractions are left alone.

Speed: the analysis of a text (readings, candidate slots, inflected options) does not depend on
the seed and is cached per text, so drawing fresh substitutions for the same text (one draw per
training epoch) costs little more than sampling.
"""

from __future__ import annotations

import functools
import logging
import math
import random
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from mtclean.degrade.base import Builder, Degraded, Seed, make_rng
from mtclean.degrade.function_words import FUNCTION_REPLACEMENTS, STOPWORDS
from mtclean.degrade.inflection import (
    THESAURUS_POS,
    Upos,
    choose_reading,
    choose_tag,
    inflect,
    match_case,
    readings,
)
from mtclean.text import WORD_RE, sentences, zipf

logger = logging.getLogger(__name__)

_PLACEHOLDERS = frozenset(
    ["one's", "someone", "something", "somebody", "oneself", "someone's", "sb", "sth"]
)
_POS_UPOS: dict[str, Upos] = {v: k for k, v in THESAURUS_POS.items()}


class SynonymEntry(Protocol):
    """One thesaurus entry, as the spinner reads it (``mtclean.thesaurus.ThesaurusEntry`` fits)."""

    @property
    def lemma(self) -> str: ...

    @property
    def pos(self) -> str: ...


class SynonymSource(Protocol):
    """What the spinner needs from a thesaurus (``mtclean.thesaurus.Thesaurus`` fits)."""

    def synonyms(self, lemma: str, pos: str) -> tuple[str, ...]: ...

    def entries(self) -> Iterable[SynonymEntry]: ...


@dataclass(frozen=True, slots=True)
class DictEntry:
    """An entry of a :class:`DictThesaurus`."""

    lemma: str
    pos: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DictThesaurus:
    """A small in-memory thesaurus: ``{(lemma, pos): (synonym, ...)}`` (tests, custom lists)."""

    table: Mapping[tuple[str, str], tuple[str, ...]]

    def synonyms(self, lemma: str, pos: str) -> tuple[str, ...]:
        return tuple(self.table.get((lemma, pos), ()))

    def entries(self) -> Iterable[DictEntry]:
        return (DictEntry(lemma, pos, syns) for (lemma, pos), syns in self.table.items())


@dataclass(frozen=True, slots=True)
class Slot:
    """A place the spinner may substitute: clean ``text[start:end]`` and its ready replacements."""

    start: int
    end: int
    n_words: int
    key: str  # lemma/pos identity, to keep one choice per lemma within a document
    options: tuple[tuple[str, str], ...]  # (synonym lemma, inflected and cased form)
    weight: float
    proper: bool = False


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str
    lower: str
    gap_before: str  # the text between the previous token and this one
    initial: bool  # first word of a sentence or line, or in a headline-style line
    eligible: bool
    proper: bool  # a capitalised word inside a sentence (a name unless proven otherwise)


class Spinner:
    """Sense-blind synonym spinner over any :class:`SynonymSource`.

    ``zipf_floor``: synonyms with a word rarer than this (wordfreq Zipf scale) are skipped, so
    the output reads naturally. ``max_options``: how many of the first listed synonyms are kept
    (spinners mostly take the first sense's). ``proper_noun_rate``: weight of capitalised words
    inside sentences ("Foreign" in "Deputy Foreign Minister"); 0 leaves every name alone.
    ``consistency``: chance a lemma gets the same synonym again within one document.
    ``function_table``: fixed connective/quantifier rewrites (default ``FUNCTION_REPLACEMENTS``);
    ``keep(wording, replacement)`` filters its pairs (the thesaurus's are filtered by the source,
    see ``mtclean.degrade.sources``).
    """

    def __init__(
        self,
        thesaurus: SynonymSource,
        *,
        zipf_floor: float = 3.0,
        max_options: int = 4,
        function_weight: float = 0.35,
        phrase_weight: float = 1.5,
        proper_noun_rate: float = 0.0,
        consistency: float = 0.85,
        cache_size: int = 4096,
        function_table: Mapping[str, Sequence[str]] = FUNCTION_REPLACEMENTS,
        keep: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.thesaurus = thesaurus
        self.zipf_floor = zipf_floor
        self.max_options = max_options
        self.function_weight = function_weight
        self.phrase_weight = phrase_weight
        self.proper_noun_rate = proper_noun_rate
        self.consistency = consistency
        self.function_table: dict[str, tuple[str, ...]] = {
            key: kept
            for key, values in function_table.items()
            if (kept := tuple(v for v in values if keep is None or keep(key, v.lower())))
        }
        self._max_function_words = max((len(key.split()) for key in self.function_table), default=0)
        self._cache: OrderedDict[str, tuple[tuple[Slot, ...], int]] = OrderedDict()
        self._cache_size = cache_size
        self._synonym_cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self._phrase_index: dict[str, list[tuple[tuple[str, ...], str]]] | None = None

    # --- synonyms -------------------------------------------------------------------------

    def synonym_lemmas(self, lemma: str, pos: str) -> tuple[str, ...]:
        """Usable synonyms of ``lemma``: common, lowercase, not containing the lemma, <= 4 words."""
        key = (lemma, pos)
        cached = self._synonym_cache.get(key)
        if cached is not None:
            return cached
        lemma_words = set(lemma.lower().split())
        kept: list[str] = []
        for syn in self.thesaurus.synonyms(lemma, pos):
            words = syn.split(" ")
            if (
                syn == lemma
                or len(words) > 4
                or syn != syn.lower()
                or not _plausible(words)
                or not all(w.replace("-", "").replace("'", "").isalpha() for w in words)
                or _PLACEHOLDERS.intersection(words)
                or lemma_words.intersection(words)
                or (" " not in lemma and any(w.startswith(lemma) for w in words))
                or min(zipf(w) for w in words) < self.zipf_floor
            ):
                continue
            kept.append(syn)
            if len(kept) == self.max_options:
                break
        result = tuple(kept)
        self._synonym_cache[key] = result
        return result

    def _phrases(self) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        """Multiword thesaurus lemmas with a single-word synonym, indexed by their first word."""
        if self._phrase_index is not None:
            return self._phrase_index
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for entry in self.thesaurus.entries():
            lemma, pos = entry.lemma, entry.pos
            words = tuple(lemma.split(" "))
            if not 2 <= len(words) <= 4 or lemma != lemma.lower() or not lemma.isascii():
                continue
            if not all(w.isalpha() for w in words) or _PLACEHOLDERS.intersection(words):
                continue
            if any(" " not in s for s in self.synonym_lemmas(lemma, pos)):
                index.setdefault(words[0], []).append((words, pos))
        logger.debug("spinner phrase index: %d first words", len(index))
        self._phrase_index = index
        return index

    # --- analysis (seed-independent, cached) ----------------------------------------------------

    def analyse(self, text: str) -> tuple[tuple[Slot, ...], int]:
        """Candidate slots of ``text`` and its word count."""
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        tokens = _tokenise(text)
        slots: list[Slot] = []
        for i, token in enumerate(tokens):
            if not token.eligible:
                continue
            function_slots = self._function_slots(tokens, i)
            slots.extend(function_slots)
            slots.extend(self._phrase_slots(tokens, i, function_slots))
            if token.lower not in STOPWORDS:
                word_slot = self._word_slot(tokens, i)
                if word_slot is not None:
                    slots.append(word_slot)
        result = (tuple(slots), len(tokens))  # one token per WORD_RE match
        self._cache[text] = result
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return result

    def _weight(self, token: _Token, base: float) -> float:
        return base * self.proper_noun_rate if token.proper else base

    def _function_slots(self, tokens: Sequence[_Token], i: int) -> list[Slot]:
        slots: list[Slot] = []
        for length in range(min(self._max_function_words, len(tokens) - i), 0, -1):
            run = tokens[i : i + length]
            if not _contiguous(run):
                continue
            phrase = " ".join(t.lower for t in run)
            replacements = self.function_table.get(phrase)
            if not replacements:
                continue
            options = tuple((r, match_case(run[0].text, r)) for r in replacements)
            slots.append(
                Slot(run[0].start, run[-1].end, length, f"{phrase}/fn", options,
                     self._weight(run[0], self.function_weight), run[0].proper)
            )  # fmt: skip
        return slots

    def _phrase_slots(
        self, tokens: Sequence[_Token], i: int, function_slots: list[Slot]
    ) -> list[Slot]:
        index = self._phrases()
        first = tokens[i]
        verbs = [r for r in readings(first.lower) if r.upos == "VERB"]
        verb = verbs[0] if verbs else None
        # Ordered, not a set: slot order feeds the seeded draw, so it must not depend on hashing.
        keys = list(dict.fromkeys([first.lower, *(r.lemma for r in verbs)]))
        slots: list[Slot] = []
        for key in keys:
            for words, pos in index.get(key, ()):
                run = tokens[i : i + len(words)]
                if len(run) < len(words) or not _contiguous(run):
                    continue
                if [t.lower for t in run[1:]] != list(words[1:]):
                    continue
                if any(s.start == first.start and s.end > run[-1].end for s in function_slots):
                    continue  # "as well" inside "as well as"
                upos = _POS_UPOS[pos]
                tag = "RB" if upos == "ADV" else "JJ" if upos == "ADJ" else "NN"
                if upos == "VERB":
                    if first.lower != words[0] and (verb is None or verb.lemma != words[0]):
                        continue
                    found = (
                        choose_tag(verb, _prev(tokens, i, 1), _prev(tokens, i, 2)) if verb else "VB"
                    )
                    tag = found or "VB"
                elif first.lower != words[0]:
                    continue
                options = []
                for syn in self.synonym_lemmas(" ".join(words), pos):
                    form = inflect(syn, upos, tag) if " " not in syn else None
                    if form:
                        options.append((syn, match_case(first.text, form)))
                if options:
                    slots.append(
                        Slot(first.start, run[-1].end, len(words), f"{' '.join(words)}/{pos}",
                             tuple(options), self._weight(first, self.phrase_weight), first.proper)
                    )  # fmt: skip
        return slots

    def _word_slot(self, tokens: Sequence[_Token], i: int) -> Slot | None:
        token = tokens[i]
        every = readings(token.lower)
        # choose among all readings: when context says VERB and only the noun has synonyms,
        # substituting the noun's synonym would not read naturally, so the word is skipped
        usable = tuple(r for r in every if self.synonym_lemmas(r.lemma, THESAURUS_POS[r.upos]))
        if not usable:
            return None
        nxt = tokens[i + 1] if i + 1 < len(tokens) and _contiguous(tokens[i : i + 2]) else None
        nxt_content = (
            nxt is not None
            and nxt.lower not in STOPWORDS
            and any(r.upos == "NOUN" for r in readings(nxt.lower))
        )
        reading = choose_reading(
            every, _prev(tokens, i, 1), nxt.lower if nxt else "", nxt_content, usable
        )
        tag = choose_tag(reading, _prev(tokens, i, 1), _prev(tokens, i, 2))
        if tag is None:
            return None
        options: list[tuple[str, str]] = []
        for syn in self.synonym_lemmas(reading.lemma, THESAURUS_POS[reading.upos]):
            form = inflect(syn, reading.upos, tag)
            if form and form.lower() != token.lower:
                options.append((syn, match_case(token.text, form)))
        if not options:
            return None
        key = f"{reading.lemma}/{reading.upos}"
        return Slot(token.start, token.end, 1, key, tuple(options), self._weight(token, 1.0),
                    token.proper)  # fmt: skip

    # --- drawing (per seed) ---------------------------------------------------------------------

    def spin(self, text: str, seed: Seed, *, density: float = 0.2) -> Degraded:
        """Substitute about ``density`` of the words of ``text`` (0.05 light, 0.4 heavy)."""
        if not 0.0 <= density <= 1.0:
            raise ValueError(f"density {density} is outside [0, 1]")
        rng = make_rng(seed)
        slots, n_words = self.analyse(text)
        target = math.floor(density * n_words + rng.random())
        # weighted random order (Efraimidis-Spirakis keys), then greedy non-overlapping fill
        keyed = [(rng.random() ** (1.0 / s.weight), s) for s in slots if s.weight > 0]
        keyed.sort(key=lambda pair: -pair[0])
        chosen: list[Slot] = []
        taken: list[tuple[int, int]] = []
        covered = 0
        for _, slot in keyed:
            if covered >= target:
                break
            if covered + slot.n_words > target:
                continue
            if any(slot.start < end and start < slot.end for start, end in taken):
                continue
            chosen.append(slot)
            taken.append((slot.start, slot.end))
            covered += slot.n_words
        if covered < target:
            logger.debug("spin reached %d of %d target words (few candidates)", covered, target)
        memory: dict[str, str] = {}
        builder = Builder()
        cursor = 0
        for slot in sorted(chosen, key=lambda s: s.start):
            builder.keep(text[cursor : slot.start])
            builder.replace(self._pick(slot, memory, rng), text[slot.start : slot.end], "spun")
            cursor = slot.end
        builder.keep(text[cursor:])
        return builder.build()

    def _pick(self, slot: Slot, memory: dict[str, str], rng: random.Random) -> str:
        remembered = memory.get(slot.key)
        if remembered is not None and rng.random() < self.consistency:
            for syn, form in slot.options:
                if syn == remembered:
                    return form
        # earlier (more frequent sense) and commoner synonyms first, as spinners' choices are
        weights = [
            0.6**rank * (0.8 if " " in syn else 1.0) * _commonness(syn)
            for rank, (syn, _) in enumerate(slot.options)
        ]
        syn, form = rng.choices(slot.options, weights=weights)[0]
        memory[slot.key] = syn
        return form


@functools.lru_cache(maxsize=1 << 16)
def _commonness(phrase: str) -> float:
    """A weight in [0.25, 4]: doubles per Zipf unit of the phrase's rarest word above 4."""
    rarest = min(zipf(w) for w in phrase.split(" "))
    return float(min(4.0, max(0.25, 2.0 ** (rarest - 4.0))))


def _plausible(words: Sequence[str]) -> bool:
    """No abbreviations ("yr", "govt"): a one-word synonym needs 3+ letters, every word a vowel."""
    if len(words) == 1 and len(words[0]) < 3:
        return False
    return all(any(c in "aeiouy" for c in w) for w in words)


def _contiguous(run: Sequence[_Token]) -> bool:
    return all(t.eligible for t in run) and all(
        t.gap_before == " " and not t.proper for t in run[1:]
    )


def _prev(tokens: Sequence[_Token], i: int, back: int) -> str:
    """The word ``back`` tokens before ``i`` if only spaces separate them, else ""."""
    for step in range(back):
        j = i - step
        if j <= 0 or tokens[j].gap_before.strip():
            return ""
    return tokens[i - back].lower


def _line_style(line: str) -> str:
    """ "caps" for an ALL CAPS line, "title" for a headline in Title Case, else "prose"."""
    found = [m.group() for m in WORD_RE.finditer(line) if m.group()[:1].isalpha()]
    if len(found) < 3:
        return "prose"
    if sum(w.isupper() for w in found) >= 0.8 * len(found):
        return "caps"
    long_words = [w for w in found if len(w) > 3]
    if (
        long_words
        and sum(w[:1].isupper() for w in long_words) >= 0.8 * len(long_words)
        and not line.rstrip().endswith(".")
    ):
        return "title"
    return "prose"


def _nominal(word: str) -> bool:
    """A noun or adjective reading and no adverb one: could start a name ("Time Warner")."""
    found = {r.upos for r in readings(word)}
    return bool(found & {"NOUN", "ADJ"}) and "ADV" not in found


def _tokenise(text: str) -> list[_Token]:
    initial_offsets: set[int] = set()
    for sentence in sentences(text):
        first = WORD_RE.search(text, sentence.start, sentence.end)
        if first is not None:
            initial_offsets.add(first.start())
    styles: list[tuple[int, int, str]] = []
    offset = 0
    for line in text.split("\n"):
        styles.append((offset, offset + len(line), _line_style(line)))
        offset += len(line) + 1
    raw = list(WORD_RE.finditer(text))
    style_at: list[str] = []
    line_index = 0
    for match in raw:
        while styles[line_index][1] < match.start():
            line_index += 1
        style_at.append(styles[line_index][2])
    # names: capitalised words seen inside sentences of ordinary prose
    names = {
        m.group().lower()
        for m, style in zip(raw, style_at, strict=True)
        if style == "prose" and m.group()[:1].isupper() and m.start() not in initial_offsets
    }
    tokens: list[_Token] = []
    previous_end = 0
    for index, (match, style) in enumerate(zip(raw, style_at, strict=True)):
        word = match.group()
        end = match.end()
        if word[-2:] in ("'s", "\u2019s") and len(word) > 2:
            word, end = word[:-2], end - 2
        initial = match.start() in initial_offsets or style != "prose"
        following = raw[index + 1].group() if index + 1 < len(raw) else ""
        next_capitalised = following[:1].isupper() and text[end : raw[index + 1].start()] == " "
        plain = word.isalpha() and word.isascii()
        eligible = plain
        proper = False
        if plain and word[:1].isupper():
            if word.isupper() and len(word) > 1:
                eligible = style == "caps"
            elif not initial:
                proper = True
            elif word.lower() in names or (
                style == "prose" and next_capitalised and _nominal(word.lower())
            ):
                eligible = False  # a name, or the first word of one ("Time Warner")
        tokens.append(
            _Token(match.start(), end, word, word.lower(), text[previous_end : match.start()],
                   initial, eligible, proper)
        )  # fmt: skip
        previous_end = match.end()
    return tokens


def news_spinner(
    keep: Callable[[str, str], bool] | None = None, *, cache_size: int = 4096
) -> Spinner:
    """A spinner that behaves like the real ones, over every dictionary mtclean ships
    (``mtclean.degrade.sources.news_sources``); ``keep(lemma, synonym)`` filters pairs."""
    from mtclean.degrade.sources import news_sources

    # What real spinners do (DESIGN.md): 15-30% of words, function words and phrases as often as
    # content words, one choice per lemma inside a document, and names and titles spun too.
    return Spinner(
        news_sources(keep),
        max_options=6,
        function_weight=1.0,
        phrase_weight=1.5,
        proper_noun_rate=0.3,
        consistency=0.95,
        cache_size=cache_size,
        keep=keep,
    )


@functools.lru_cache(maxsize=1)
def default_spinner() -> Spinner:
    """The news spinner over every pair (loaded once): the evaluation's synthetic spin."""
    return news_spinner()


@functools.lru_cache(maxsize=1)
def held_out_spinner() -> Spinner:
    """The news spinner restricted to the pairs never trained on (see ``held_out_pair``)."""
    from mtclean.degrade.sources import held_out_pair

    return news_spinner(held_out_pair)


def spin(
    text: str,
    seed: Seed,
    *,
    density: float = 0.2,
    thesaurus: SynonymSource | None = None,
) -> Degraded:
    """Spin ``text`` (see :class:`Spinner`); the shipped thesaurus unless one is passed in."""
    spinner = default_spinner() if thesaurus is None else Spinner(thesaurus)
    return spinner.spin(text, seed, density=density)
