"""Cheap morphology for the spinner: word readings, a context-rule POS choice, re-inflection
and case transfer. Built on lemminflect's lexicon (no tagger model, no spaCy)."""

from __future__ import annotations

import functools
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Upos = Literal["NOUN", "VERB", "ADJ", "ADV"]
THESAURUS_POS: dict[Upos, str] = {"NOUN": "noun", "VERB": "verb", "ADJ": "adj", "ADV": "adv"}
# Tags a replacement may take; comparatives/superlatives only when the lexicon knows the form.
_PLAIN_TAGS = frozenset({"NN", "NNS", "VB", "VBD", "VBG", "VBN", "VBZ", "JJ", "RB"})

DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "your",
        "some",
        "any",
        "no",
        "every",
        "each",
        "another",
        "many",
        "few",
        "several",
        "much",
        "more",
        "most",
        "such",
        "all",
        "both",
        "either",
        "neither",
        "whose",
        "which",
        "what",
    ]
)
PREPOSITIONS = frozenset(
    [
        "of",
        "in",
        "on",
        "for",
        "with",
        "by",
        "from",
        "about",
        "at",
        "into",
        "over",
        "under",
        "after",
        "before",
        "between",
        "against",
        "during",
        "without",
        "through",
        "across",
        "among",
        "toward",
        "towards",
        "upon",
        "within",
        "behind",
        "beyond",
        "despite",
        "amid",
    ]
)
SUBJECTS = frozenset(["i", "we", "they", "you", "he", "she", "it", "who", "which", "that", "there"])
VERB_MARKERS = frozenset(
    [
        "to",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "must",
        "should",
        "shall",
        "did",
        "does",
        "do",
        "not",
        "never",
        "also",
        "cannot",
        "won't",
        "don't",
        "didn't",
        "doesn't",
    ]
)
HAVE_FORMS = frozenset(["have", "has", "had", "having", "'ve", "'s"])
BE_FORMS = frozenset(["be", "been", "being", "is", "are", "was", "were", "am", "'re"])


@dataclass(frozen=True, slots=True)
class Reading:
    """One analysis of a word form: universal POS, lemma and Penn tag(s) it can carry."""

    upos: Upos
    lemma: str
    tags: tuple[str, ...]


@functools.lru_cache(maxsize=200_000)
def all_inflections(lemma: str, upos: str | None = None) -> Mapping[str, tuple[str, ...]]:
    """``lemminflect.getAllInflections(lemma, upos)``, read-only and cached (lemminflect
    deep-copies its tables on every call, the largest cost of the model's features)."""
    import lemminflect

    return types.MappingProxyType(lemminflect.getAllInflections(lemma, upos=upos))


@functools.lru_cache(maxsize=200_000)
def readings(word: str) -> tuple[Reading, ...]:
    """Every open-class reading lemminflect's lexicon gives the (lowercase) word form."""
    import lemminflect

    found: list[Reading] = []
    for upos_name, lemmas in lemminflect.getAllLemmas(word).items():
        if upos_name not in THESAURUS_POS:
            continue
        upos: Upos = upos_name
        for lemma in lemmas:
            forms = all_inflections(lemma, upos)
            tags = tuple(sorted(tag for tag, values in forms.items() if word in values))
            if word == lemma and not tags:
                tags = {"NOUN": ("NN",), "VERB": ("VB",), "ADJ": ("JJ",), "ADV": ("RB",)}[upos]
            if tags:
                found.append(Reading(upos, lemma, tags))
    return tuple(found)


def phrase_lemmas(phrase: str) -> set[str]:
    """The phrase lowercased (curly apostrophes straightened), as written and with its first word
    replaced by each of that word's lemmas ("stated" -> {"stated", "state"}; "developed into" ->
    {"developed into", "develop into"})."""
    import lemminflect

    words = phrase.lower().replace("\u2019", "'").split()
    if not words:
        return set()
    firsts = {words[0]} | {
        lemma for forms in lemminflect.getAllLemmas(words[0]).values() for lemma in forms
    }
    return {" ".join([first, *words[1:]]) for first in firsts}


def choose_tag(reading: Reading, prev: str, prev2: str) -> str | None:
    """The Penn tag for this occurrence, or None when the replacement cannot be re-inflected."""
    tags = set(reading.tags)
    if {"VBD", "VBN"} <= tags:
        tags -= {"VBN"} if not ({prev, prev2} & (HAVE_FORMS | BE_FORMS)) else {"VBD"}
    if {"NN", "NNS"} <= tags:
        tags -= {"NNS"}
    if "VB" in tags or "VBP" in tags:
        tags -= {"VBP"}
        tags.add("VB")
    plain = sorted(tags & _PLAIN_TAGS)
    if plain:
        return plain[0]
    return sorted(tags)[0] if tags & {"JJR", "JJS", "RBR", "RBS"} else None


def choose_reading(
    options: tuple[Reading, ...],
    prev: str,
    nxt: str,
    nxt_is_content: bool,
    usable: tuple[Reading, ...] = (),
) -> Reading:
    """Context rules in place of a tagger: pick the most plausible reading of an ambiguous word.

    ``nxt_is_content`` means the next word can be a noun (so this one may be its adjective).
    ``usable``: the readings that have synonyms, used to choose between adjective and adverb."""
    by_pos = {r.upos: r for r in reversed(options)}
    if len(by_pos) == 1:
        return options[0]

    def first(*order: Upos) -> Reading | None:
        return next((by_pos[p] for p in order if p in by_pos), None)

    participle = any(
        t in ("VBD", "VBN", "VBG") for r in options if r.upos == "VERB" for t in r.tags
    )
    pick: Reading | None = None
    if prev in DETERMINERS or prev in PREPOSITIONS or prev.endswith(("'s", "\u2019s")):
        pick = first("ADJ", "NOUN") if nxt_is_content else first("NOUN", "ADJ")
    elif prev in VERB_MARKERS or prev in SUBJECTS:
        pick = first("VERB", "ADV", "ADJ")
    elif prev in BE_FORMS or prev in HAVE_FORMS:
        pick = first("VERB", "ADJ") if participle else first("ADJ", "ADV", "NOUN")
    elif participle:
        pick = first("VERB")
    elif nxt_is_content and "ADJ" in by_pos:
        pick = by_pos["ADJ"]
    if pick is not None:
        return pick
    # no rule: a noun before a verb; between adjective and adverb, whichever has synonyms
    default = first("NOUN", "VERB", "ADJ", "ADV") or options[0]
    if default.upos in ("ADJ", "ADV"):
        return next((r for r in usable if r.upos in ("ADJ", "ADV")), default)
    return default


def _inflect_word(lemma: str, tag: str) -> str | None:
    if tag in ("JJ", "RB", "VB"):
        return lemma
    oov = tag not in ("JJR", "JJS", "RBR", "RBS")
    forms = inflection(lemma, tag, oov)
    return forms[0] if forms else None


def inflection(lemma: str, tag: str, inflect_oov: bool = True) -> tuple[str, ...]:
    """``lemminflect.getInflection(lemma, tag, inflect_oov)`` (its steps, lemminflect 0.2.3)
    over the cached :func:`all_inflections` and :func:`oov_inflections`: the lexicon's forms
    for the tag, else for its alternative tags, else (``inflect_oov``) the rules' form."""
    import lemminflect
    from lemminflect.core.LexicalUtils import pennTagAlts, tagToUPos

    if tag in ("NNP", "NNPS"):  # proper nouns: lemminflect's own way (not cached)
        return tuple(lemminflect.getInflection(lemma, tag=tag, inflect_oov=inflect_oov))
    forms = all_inflections(lemma)
    form = forms.get(tag)
    if form is None:
        for alt_tag in pennTagAlts(tag):
            form = forms.get(alt_tag)
            if form:
                break
    if form is None and inflect_oov:
        form = oov_inflections(lemma, tagToUPos(tag)).get(tag)
    return () if form is None else tuple(form)


@functools.lru_cache(maxsize=200_000)
def oov_inflections(lemma: str, upos: str) -> Mapping[str, tuple[str, ...]]:
    """``lemminflect.getAllInflectionsOOV(lemma, upos)``, read-only and cached."""
    import lemminflect

    return types.MappingProxyType(lemminflect.getAllInflectionsOOV(lemma, upos))


def load_lexicon() -> None:
    """Load lemminflect's tables now (they load on first use: in a process that forks workers,
    once in the parent rather than once in every worker)."""
    import lemminflect

    lemminflect.getAllLemmas("said")
    lemminflect.getAllInflections("say")
    lemminflect.getAllInflectionsOOV("blorf", "VERB")


def _plural_only(word: str) -> bool:
    nouns = [r for r in readings(word) if r.upos == "NOUN"]
    return bool(nouns) and all(r.tags == ("NNS",) and r.lemma != word for r in nouns)


@functools.lru_cache(maxsize=200_000)
def inflect(phrase: str, upos: Upos, tag: str) -> str | None:
    """``phrase`` (a lemma, maybe multiword) inflected for ``tag``; None if it cannot be.

    Multiword: verbs inflect their first word ("take part" -> "took part"), nouns their last, or
    the word before "of" ("head of state" -> "heads of state"); adjectives and adverbs only in the
    plain form; a multiword name (its last word capitalised: "United States") only as written.
    """
    words = phrase.split(" ")
    if upos == "NOUN" and len(words) > 1 and words[-1][:1].isupper():
        return phrase if tag == "NN" else None  # a name as written ("United States")
    if upos == "NOUN" and _plural_only(words[-1]):
        return phrase if tag == "NNS" else None  # "talks" is already plural
    if len(words) == 1:
        return _inflect_word(phrase, tag)
    if upos in ("ADJ", "ADV"):
        return phrase if tag in ("JJ", "RB") else None
    head = 0 if upos == "VERB" else words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    form = _inflect_word(words[head], tag)
    if form is None:
        return None
    return " ".join([*words[:head], form, *words[head + 1 :]])


def match_case(template: str, replacement: str) -> str:
    """Give ``replacement`` the capitalisation pattern of ``template`` (ALL CAPS, Title, lower);
    under ALL CAPS a replacement with capitals of its own keeps them (an acronym's expansion)."""
    letters = [c for c in template if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        # an acronym's expansion keeps its own capitals ("USA" <- "United States")
        return replacement if replacement != replacement.lower() else replacement.upper()
    if template[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement
