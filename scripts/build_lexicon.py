#!/usr/bin/env python3
"""Build the lexicon tables mtclean ships: mtclean/resources/lexicon_pps.tsv and lexicon_news.tsv.

lexicon_pps.tsv: the Problematic Paper Screener tortured-phrase list (Cabanac, Labbé &
Magazinov 2021, CC BY 4.0), read from $MTCLEAN_DATA/tortured_phrases/tortured_phrases.tsv and
filtered. An entry is dropped, with the reason counted, when
  expected_question   its expected phrase contains "?" (the curators were unsure)
  query_syntax        it carries query or annotation syntax: AND/OR/NOT, quotes, '*', '~',
                      brackets, '=', '\\', or parentheses (a trailing "(acronym)" shared by both
                      sides, or on the expected side only, is stripped first:
                      "synthetic intelligence (ai)" -> "artificial intelligence (ai)" becomes
                      "synthetic intelligence" -> "artificial intelligence")
  annotated_expected  the expected side is an editor's note, not a replacement ("[network]
                      traffic patterns", "relative risk (please note ...)")
  contained           the tortured phrase is contained in its expected phrase or vice versa
                      (word-level: "neural network" -> "[neural network] layer outputs")
  single_word         one-word phrases (too ambiguous for news)
  conflicting         the same tortured phrase with different expected phrases (all dropped:
                      precision first)
  duplicate           the same pair twice (one kept)
  english_term        the tortured phrase is itself a multiword lemma of WordNet 3.0 (Debian
                      wordnet-base, --wordnet): a real English term ("search engine", "supply
                      route", "benign tumor"), so a hit in news is the term, not a tortured
                      phrase ("search engine" -> "machine learning" flagged 17 times in 100
                      clean BBC articles)
  clean_news          the phrase occurs >= 2 times in clean BBC news (categories other than
                      the held-out "tech"); a single occurrence keeps the entry, scored 0.5
                      (flagged, never edited)
Scores: 0.9 for phrases of three words or more, 0.85 for two words, 0.6 (flag only) for
two-word phrases made of common words (wordfreq Zipf >= 4.0 each: "international
organizations", "new crown" read as normal news English). An entry keeps an edit-level score only
when it holds in news: its expected phrase occurs in clean BBC news (non-tech); otherwise it is
science vocabulary ("keen gadget" -> "smart device") and scored NOT_NEWS_SCORE (0.6: flagged
with its candidate, never edited).

lexicon_news.tsv: a news-domain lexicon derived, not copied. scripts/data/news_terms.txt lists
canonical multiword news terms by hand (institutions and titles, collocations, idioms). Each term
is expanded as an article spinner would: one or two of its content words are replaced by
sense-blind synonyms from the shipped thesaurus (mtclean/resources/thesaurus.tsv.gz; plural
nouns are re-inflected with lemminflect, capitals are kept). A variant is dropped when it is
itself normal English: it occurs in clean BBC news (non-tech), it is a thesaurus lemma or one of
the canonical terms, or a synonym is a spelling variant of the word (defence/defense), contains
the word, is a proper noun, or is rare (wordfreq Zipf < 2.5, i.e. not what spinners output).
Scores (the edit threshold is 0.8):
  institution (matched in Title Case only): 3+ words 0.95; 2 words 0.9, or 0.75 when the
      substituted word is very common (Zipf >= 4.5: "International Affairs" may be genuine)
  collocation (any case): 3+ words 0.85; 2 words 0.7, or 0.55 with a very common synonym
  idiom (any case): 0.5 ("by drive" can be literal: flag, never edit)
A variant produced by two canonical terms keeps the higher score; equal scores with different
canonicals are dropped as ambiguous.

Data path: $MTCLEAN_DATA, default ../shared/data relative to the repository root.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
from lemminflect import getInflection, getLemma
from wordfreq import zipf_frequency

from mtclean.corpora import read_jsonl
from mtclean.detectors.lexicon import (
    FUNCTION_WORDS,
    LexiconEntry,
    is_word_char,
    normalize,
    normalize_phrase,
)
from mtclean.model.data import HELD_OUT_BBC
from mtclean.paths import default_data_dir
from mtclean.thesaurus import Thesaurus, load_thesaurus

WORDNET_DIR = Path("/usr/share/wordnet")  # Debian wordnet-base

LOG = logging.getLogger("build_lexicon")

REPO = Path(__file__).resolve().parent.parent
RESOURCES = REPO / "mtclean" / "resources"
TERMS = REPO / "scripts" / "data" / "news_terms.txt"

MIN_ZIPF = 2.5
COMMON_ZIPF = 4.5
SYNS_PER_WORD = 12
SYNS_PER_WORD_DOUBLE = 6

PPS_HEADER = """\
# Tortured phrases from the Problematic Paper Screener (PPS).
# Source: Cabanac G., Labbé C., Magazinov A. (2021), "Tortured phrases: A dubious writing style
# emerging in science. Evidence of critical issues affecting established journals",
# arXiv:2107.06751; list as published by the Problematic Paper Screener
# (https://www.irit.fr/~Guillaume.Cabanac/problematic-paper-screener),
# via the giladfeldman/torturedcheck copy.
# License: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). Changes: noisy entries
# removed and a confidence score added by mtclean's scripts/build_lexicon.py (see its --help).
"""

NEWS_HEADER = """\
# mtclean news-domain spin lexicon, generated by scripts/build_lexicon.py (see its --help).
# Canonical terms: scripts/data/news_terms.txt (written by hand). Variants: thesaurus
# substitutions (mtclean/resources/thesaurus.tsv.gz, WordNet 3.0 + mythes-en-us) that do not
# occur in clean news. License: as mtclean (MIT); thesaurus notices in THESAURUS_LICENSE.txt.
"""

COLUMNS = ("phrase", "canonical", "score", "origin", "match_case")
NOT_NEWS_SCORE = 0.6  # PPS entries whose expected phrase never occurs in clean news: flag only
QUERY_SYNTAX = re.compile(r"\b(?:AND|OR|NOT|NEAR)\b|[\"*~\[\]=\\(){}<>;?]")
ANNOTATION = re.compile(r"[\[\](){}?]|please note|\be\.g\.|\bi\.e\.")
TRAILING_PAREN = re.compile(r"\s*(\([^()]*\))\s*$")
TRAILING_ACRONYM = re.compile(r"\s*\([\w-]{1,8}\)\s*$")


def clean_news_texts(root: Path) -> list[str]:
    """BBC article texts, all categories except the held-out one."""
    return [
        record["title"] + "\n\n" + record["text"]
        for record in read_jsonl(root / "bbc_news" / "articles.jsonl")
        if record["category"] != HELD_OUT_BBC
    ]


def count_hits(phrases: Iterable[str], texts: Iterable[str]) -> Counter[str]:
    """Occurrences of each phrase (normalised, on word boundaries, overlaps counted)."""
    keys = {normalize_phrase(p) for p in phrases}
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    automaton.make_automaton()
    counts: Counter[str] = Counter()
    for text in texts:
        norm, _ = normalize(text)
        for end, key in automaton.iter(norm):
            start = end - len(key) + 1
            if start > 0 and is_word_char(norm[start - 1]):
                continue
            if end + 1 < len(norm) and is_word_char(norm[end + 1]):
                continue
            counts[key] += 1
    return counts


def write_table(path: Path, header: str, rows: Iterable[LexiconEntry]) -> int:
    tmp = path.with_suffix(".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header)
        handle.write("\t".join(COLUMNS) + "\n")
        for row in rows:
            fields = (row.phrase, row.canonical, f"{row.score:.2f}", row.origin, row.match_case)
            if any("\t" in f or "\n" in f for f in fields):
                LOG.warning("skipped a row with a tab or newline: %r", row)
                continue
            handle.write("\t".join(fields) + "\n")
            n += 1
    tmp.replace(path)
    return n


# ----------------------------------------------------------------------------------- PPS


def words_in(inner: str, outer: str) -> bool:
    return f" {inner} " in f" {outer} "


def pps_reason(tortured: str, expected: str) -> tuple[str | None, str, str]:
    """(drop reason or None, cleaned tortured, cleaned expected)."""
    if "?" in expected:
        return "expected_question", tortured, expected
    t_par, e_par = TRAILING_PAREN.search(tortured), TRAILING_PAREN.search(expected)
    if t_par and e_par and t_par.group(1) == e_par.group(1):
        tortured, expected = tortured[: t_par.start()], expected[: e_par.start()]
    acronym = TRAILING_ACRONYM.search(expected)
    if acronym and not t_par:
        expected = expected[: acronym.start()]  # "internet of things (iot)" -> "internet of things"
    if QUERY_SYNTAX.search(tortured):
        return "query_syntax", tortured, expected
    if ANNOTATION.search(expected):
        return "annotated_expected", tortured, expected
    t, e = normalize_phrase(tortured), normalize_phrase(expected)
    if not t or not e or words_in(t, e) or words_in(e, t):
        return "contained", tortured, expected
    if len(t.split()) < 2:
        return "single_word", tortured, expected
    return None, " ".join(tortured.split()), " ".join(expected.split())


def wordnet_terms(wordnet_dir: Path) -> frozenset[str]:
    """WordNet's multiword lemmas, lowercased ("search engine")."""
    from build_thesaurus import parse_index_file  # scripts/, beside this one

    return frozenset(
        normalize_phrase(lemma)
        for pos in ("noun", "verb", "adj", "adv")
        for lemma, _ in parse_index_file(wordnet_dir / f"index.{pos}")
        if " " in lemma
    )


def build_pps(
    source: Path, clean: list[str], english_terms: frozenset[str] = frozenset()
) -> tuple[list[LexiconEntry], Counter[str]]:
    reasons: Counter[str] = Counter()
    candidates: dict[str, set[str]] = {}
    first: dict[str, tuple[str, str]] = {}
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for record in reader:
            reasons["read"] += 1
            reason, tortured, expected = pps_reason(record["tortured"], record["expected"])
            if reason:
                reasons[reason] += 1
                continue
            key = normalize_phrase(tortured)
            if key in english_terms:
                reasons["english_term"] += 1
                continue
            if key in candidates and normalize_phrase(expected) in candidates[key]:
                reasons["duplicate"] += 1
                continue
            candidates.setdefault(key, set()).add(normalize_phrase(expected))
            first.setdefault(key, (tortured, expected))
    conflicting = {k for k, v in candidates.items() if len(v) > 1}
    reasons["conflicting"] += sum(len(candidates[k]) for k in conflicting)
    kept = {k: first[k] for k in candidates if k not in conflicting}
    hits = count_hits(kept, clean)
    expected_hits = count_hits([e for _, e in kept.values()], clean)
    rows = []
    for key, (tortured, expected) in sorted(kept.items()):
        n = hits.get(key, 0)
        if n >= 2:
            reasons["clean_news"] += 1
            LOG.info("pps: dropped %r (%d hits in clean news)", tortured, n)
            continue
        score = 0.9 if len(key.split()) >= 3 else 0.85
        if len(key.split()) == 2 and min(zipf_frequency(w, "en") for w in key.split()) >= 4.0:
            reasons["down_scored_common_words"] += 1
            score = 0.6
        if n == 1:
            reasons["down_scored_clean_news"] += 1
            LOG.info("pps: down-scored %r (1 hit in clean news)", tortured)
            score = 0.5
        elif score > NOT_NEWS_SCORE and not expected_hits.get(normalize_phrase(expected)):
            # science vocabulary: in news the hit is as likely a correct phrase ("keen gadget
            # users") as a tortured one, so it is flagged with its candidate, never edited
            reasons["flag_only_not_news"] += 1
            score = NOT_NEWS_SCORE
        rows.append(LexiconEntry(tortured, expected, score, "pps"))
    reasons["kept"] = len(rows)
    return rows, reasons


# ----------------------------------------------------------------------------------- news


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    section: str


def read_terms(path: Path) -> list[Term]:
    terms: list[Term] = []
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        text, _, flag = line.partition(" = ")
        terms.append(Term(text.strip(), section))
        if flag.strip() == "plural":
            words = text.split()
            plural = getInflection(words[-1].lower(), "NNS")
            if plural:
                last = plural[0]
                if words[-1][0].isupper():
                    last = last[0].upper() + last[1:]
                terms.append(Term(" ".join([*words[:-1], last]), section))
    return terms


def spelling_key(word: str) -> str:
    w = word.lower().replace("-", "").replace(" ", "")
    for a, b in (
        ("ise", "ize"),
        ("isa", "iza"),
        ("our", "or"),
        ("ence", "ense"),
        ("tre", "ter"),
        ("ll", "l"),
        ("ae", "e"),
        ("oe", "e"),
        ("ogue", "og"),
    ):
        w = w.replace(a, b)
    return w


def capitalise(phrase: str) -> str:
    return " ".join(
        w if (i and w in FUNCTION_WORDS) else w[:1].upper() + w[1:]
        for i, w in enumerate(phrase.split())
    )


def word_synonyms(word: str, thesaurus: Thesaurus, limit: int) -> list[str]:
    """Spinner substitutes for one word of a term, in its form (plural kept, capitals kept)."""
    lower = word.lower()
    if not word.isalpha() or lower in FUNCTION_WORDS or (word.isupper() and len(word) > 1):
        return []
    plural = False
    lemma = lower
    noun_lemmas = getLemma(lower, upos="NOUN")
    if noun_lemmas and noun_lemmas[0] != lower and (lower not in thesaurus or lower.endswith("s")):
        lemma, plural = noun_lemmas[0], True
    if not thesaurus.pos_of(lemma):
        return []
    out: list[str] = []
    for syn in thesaurus.synonyms(lemma):
        if any(c.isupper() for c in syn) or not all(c.isalpha() or c in " -" for c in syn):
            continue  # proper nouns, numbers, punctuation
        if len(syn.split()) > 3 or words_in(lemma, syn) or words_in(lower, syn):
            continue
        if (
            spelling_key(syn) == spelling_key(lemma)
            or syn.startswith(lemma)
            or lemma.startswith(syn)
        ):
            continue
        if min(zipf_frequency(w, "en") for w in syn.replace("-", " ").split()) < MIN_ZIPF:
            continue
        if plural:
            parts = syn.split()
            inflected = getInflection(parts[-1], "NNS")
            if not inflected:
                continue
            syn = " ".join([*parts[:-1], inflected[0]])
        if word[0].isupper():
            syn = capitalise(syn)
        if syn.lower() not in (s.lower() for s in out):
            out.append(syn)
        if len(out) >= limit:
            break
    return out


def variants(term: str, thesaurus: Thesaurus) -> Iterator[tuple[str, list[str]]]:
    """(variant, substituted synonyms) with one or two content words replaced."""
    words = term.split()
    singles = {i: word_synonyms(w, thesaurus, SYNS_PER_WORD) for i, w in enumerate(words)}
    positions = [i for i, syns in singles.items() if syns]
    for i in positions:
        for syn in singles[i]:
            yield " ".join([*words[:i], syn, *words[i + 1 :]]), [syn]
    for i, j in itertools.combinations(positions, 2):
        for a in singles[i][:SYNS_PER_WORD_DOUBLE]:
            for b in singles[j][:SYNS_PER_WORD_DOUBLE]:
                new = list(words)
                new[i], new[j] = a, b
                yield " ".join(new), [a, b]


def score_variant(section: str, variant: str, substituted: list[str]) -> float:
    n_words = len(variant.split())
    common = (
        max(zipf_frequency(w, "en") for syn in substituted for w in syn.replace("-", " ").split())
        >= COMMON_ZIPF
    )
    if section == "institution":
        return 0.95 if n_words >= 3 else (0.75 if common else 0.9)
    if section == "collocation":
        return 0.85 if n_words >= 3 else (0.55 if common else 0.7)
    return 0.5


def build_news(
    terms: list[Term], thesaurus: Thesaurus, clean: list[str]
) -> tuple[list[LexiconEntry], Counter[str]]:
    reasons: Counter[str] = Counter()
    canonical_keys = {normalize_phrase(t.text) for t in terms}
    proposals: dict[str, list[LexiconEntry]] = {}
    for term in terms:
        for variant, substituted in variants(term.text, thesaurus):
            reasons["generated"] += 1
            key = normalize_phrase(variant)
            if key in canonical_keys or (variant.lower() in thesaurus and " " in variant):
                reasons["normal_phrase"] += 1
                continue
            row = LexiconEntry(
                variant,
                term.text,
                score_variant(term.section, variant, substituted),
                f"news:{term.section}",
                "title" if term.section == "institution" else "any",
            )
            proposals.setdefault(key, []).append(row)
    hits = count_hits(proposals, clean)
    rows: list[LexiconEntry] = []
    for key, options in sorted(proposals.items()):
        if hits.get(key, 0):
            reasons["clean_news"] += 1
            LOG.debug("news: dropped %r (%d hits in clean news)", key, hits[key])
            continue
        best = max(o.score for o in options)
        top = {o.canonical.lower(): o for o in options if o.score == best}
        if len(top) > 1:
            reasons["ambiguous"] += 1
            continue
        rows.append(next(iter(top.values())))
    reasons["kept"] = len(rows)
    return rows, reasons


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=None, help="data dir (default $MTCLEAN_DATA)")
    parser.add_argument("--terms", type=Path, default=TERMS, help="canonical news terms file")
    parser.add_argument("--out", type=Path, default=RESOURCES, help="output folder")
    parser.add_argument("--wordnet", type=Path, default=WORDNET_DIR, help="WordNet dict dir")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(name)s: %(message)s"
    )
    root = args.data or default_data_dir()
    pps_source = root / "tortured_phrases" / "tortured_phrases.tsv"
    for needed in (pps_source, root / "bbc_news" / "articles.jsonl", args.wordnet / "index.noun"):
        if not needed.exists():
            LOG.error("%s is missing: set MTCLEAN_DATA to the shared data folder (WordNet: "
                      "apt-get install wordnet-base)", needed)  # fmt: skip
            return 1
    clean = clean_news_texts(root)
    pps_rows, pps_reasons = build_pps(pps_source, clean, wordnet_terms(args.wordnet))
    n = write_table(args.out / "lexicon_pps.tsv", PPS_HEADER, pps_rows)
    print(f"lexicon_pps.tsv: {n} entries; counts: {dict(pps_reasons)}")
    news_rows, news_reasons = build_news(read_terms(args.terms), load_thesaurus(), clean)
    n = write_table(args.out / "lexicon_news.tsv", NEWS_HEADER, news_rows)
    by_origin = Counter(r.origin for r in news_rows)
    print(f"lexicon_news.tsv: {n} entries {dict(by_origin)}; counts: {dict(news_reasons)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
