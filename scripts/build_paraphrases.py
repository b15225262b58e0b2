#!/usr/bin/env python3
"""Build mtclean/resources/{pivot,wordnet_hop}.tsv.gz: two paraphrase tables beside the thesaurus.

Both tables use exactly the thesaurus format (``lemma<TAB>pos<TAB>syn1|syn2|...``, gzip'd UTF-8,
``#`` comment header, pos in noun/verb/adj/adv; see mtclean/thesaurus.py) and are loaded with
``mtclean.thesaurus.load_pivot()`` and ``load_wordnet_hop()``.

Sources (Debian packages, needed only to build, never at run time):
  * pivot.tsv.gz: the bilingual dictionaries of the four GPL-2 Apertium pairs (packages
    apertium-eng-spa, apertium-en-gl, apertium-eo-en, apertium-mkd-eng; see Licenses),
    i.e. the compiled ``*.autobil.bin`` transducers in /usr/share/apertium/apertium-*/, both
    directions where the pair ships both (mkd-eng ships only Macedonian -> English). They are
    dumped with ``lt-print`` (package lttoolbox).
  * wordnet_hop.tsv.gz: WordNet 3.0 (wordnet-base + wordnet-sense-index),
    /usr/share/wordnet/{index,data}.{noun,verb,adj,adv}; plus the shipped thesaurus.tsv.gz
    (whose synonyms are left out of this table).

Method, pivot table (English lemma -> foreign lemma -> English lemma):
  * ``lt-print`` writes each transducer as ATT arcs ``src dst input output weight`` (sections
    separated by ``--``, one final state each; ``ε`` is the empty symbol, multichar tags like
    ``<n>`` are single symbols, a space is a blank ``<b/>``, ``#`` marks an invariable part
    ``<g>`` as in "take# part"). Regular-expression sections and e-mail/URL style patterns are
    loops: states on a cycle (non-trivial strongly connected components and self-loops) are cut,
    which leaves the finite dictionary as a DAG, and paths are bounded to MAX_PATH arcs.
  * Every path from the start state towards a final state is walked until both sides have read
    their first tag; the entry is (input lemma, input first tag, output lemma, output first
    tag), the lemma being the surface characters before the first tag (``#`` dropped, blanks
    kept as spaces). Only the first tags <n> (noun), <vblex> <vbser> <vbhaver> <vbmod> (verb),
    <adj> (adj), <adv> <preadv> (adv) are kept on both sides; proper nouns (<np>) and all
    other tags are dropped, and so are lemmas with characters other than letters, space,
    hyphen and apostrophe (numbers, URLs, abbreviations with dots, ...).
  * English lemmas are written as the dictionary writes them: lowercase, except the few common
    words it capitalises; multiword lemmas keep their spaces.
  * For each English (lemma e, pos): its pivot synonyms are the English lemmas e2 != e of the
    same pos that share a foreign lemma (same foreign lemma and foreign pos, in the same pair)
    with e, in either direction of any pair. They are ordered by the number of distinct
    (pair, foreign lemma, foreign pos) pivots connecting them, most first, ties by wordfreq
    Zipf frequency (higher first) then spelling; at most CAP synonyms per entry.

Method, WordNet one-hop table:
  * For each lemma and pos, the members of the synsets reached from any of its senses by one
    hypernym (@) or hyponym (~) pointer (nouns, verbs), similar-to (&), also-see (^) or verb-group
    ($) pointer; instance hypernyms/hyponyms are not followed. Semantic pointers (source/target
    field 0000) apply to every member of the synset; lexical pointers only to their source word.
  * Order: the lemma's senses in index order (WordNet sorts them by tagged sense frequency),
    then the pointers in data-file order, then the target synset's members in order. The lemma
    itself and its plain synonyms in thesaurus.tsv.gz are left out (they are in that table);
    at most CAP per entry. Lemma case as in build_thesaurus.py (WordNet's own spelling).

A table whose file would exceed 2 MB gzip'd loses the entries of rare head lemmas (wordfreq
Zipf < 2.0; their synonyms stay wherever a common lemma lists them). Only the one-hop table is
that large (2.06 MB in full).

Licenses: the pivot table is a derived word-pair table of Apertium bilingual dictionaries. The
Debian copyright files (/usr/share/doc/apertium-*/copyright) declare eng-spa, en-gl, eo-en and
mkd-eng "GPL-2" (version 2 only), eng-cat GPL-3.0-or-later and hbs-eng "GPL-3" (version 3
only); GPL-2-only and GPL-3-only material cannot be combined under one license, so the table is
built from the four GPL-2 pairs only and is distributed under the GPL, version 2 (a data file
with its own license inside the MIT-licensed package; mtclean's code does not derive from it).
The one-hop table is derived from
WordNet 3.0 (Princeton University, WordNet 3.0 license, permissive) and from thesaurus.tsv.gz
(WordNet and mythes-en-us, permissive). Full texts and notices:
mtclean/resources/THESAURUS_LICENSE.txt.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from build_thesaurus import parse_index_file  # scripts/ is on sys.path when run as a script
from wordfreq import zipf_frequency

from mtclean.thesaurus import POS_TAGS, Thesaurus, read_thesaurus

LOG = logging.getLogger("build_paraphrases")

REPO = Path(__file__).resolve().parent.parent
RESOURCES = REPO / "mtclean" / "resources"
DEFAULT_PIVOT_OUT = RESOURCES / "pivot.tsv.gz"
DEFAULT_HOP_OUT = RESOURCES / "wordnet_hop.tsv.gz"
DEFAULT_THESAURUS = RESOURCES / "thesaurus.tsv.gz"
APERTIUM_DIR = Path("/usr/share/apertium")
WORDNET_DIR = Path("/usr/share/wordnet")

# pair name -> (package directory, bin stem English->X or None, bin stem X->English or None).
# Only the pairs licensed GPL-2 (version 2 only) are read, so that the table has one license:
# eng-cat (GPL-3.0-or-later) and hbs-eng (GPL-3 only) cannot be combined with GPL-2-only data.
PAIRS: dict[str, tuple[str, str | None, str | None]] = {
    "spa": ("apertium-eng-spa", "eng-spa", "spa-eng"),
    "glg": ("apertium-en-gl", "en-gl", "gl-en"),
    "epo": ("apertium-eo-en", "en-eo", "eo-en"),
    "mkd": ("apertium-mkd-eng", None, "mkd-eng"),
}

TAG_POS = {
    "<n>": "noun",
    "<vblex>": "verb",
    "<vbser>": "verb",
    "<vbhaver>": "verb",
    "<vbmod>": "verb",
    "<adj>": "adj",
    "<adv>": "adv",
    "<preadv>": "adv",
}
EPSILON = "ε"
GROUP_MARK = "#"
MAX_PATH = 100  # arcs; the longest real entries are far shorter
MAX_STEPS = 5_000_000  # states expanded per section (a guard against pattern sections)
CAP = 12
MAX_BYTES = 2_000_000
MIN_ZIPF = 2.0
# Letters (any script) separated by single spaces, hyphens or apostrophes.
LEMMA_RE = re.compile(r"[^\W\d_]+(?:[ '\-][^\W\d_]+)*")
RIGHT_QUOTE = "\u2019"  # typographic apostrophe, written as "'"
# WordNet pointers followed for the one-hop table.
HOP_POINTERS = {"@", "~", "&", "^", "$"}
WN_POS = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}
ADJ_MARKER = re.compile(r"\((?:a|p|ip)\)$")

PIVOT_HEADER = """\
# mtclean paraphrase table (bilingual pivot): lemma<TAB>pos<TAB>syn1|syn2|...
# English lemma -> foreign lemma -> English lemma over the Apertium bilingual dictionaries
# eng-spa, en-gl, eo-en, mkd-eng (the GPL-2 pairs); most shared pivots first. Built by
# scripts/build_paraphrases.py. A derived word-pair table of GPL-2 dictionaries, distributed
# under the GNU GPL version 2: see THESAURUS_LICENSE.txt next to this file.
"""
HOP_HEADER = """\
# mtclean paraphrase table (WordNet one hop): lemma<TAB>pos<TAB>syn1|syn2|...
# Members of synsets one hypernym/hyponym/similar-to/also-see/verb-group pointer away, frequent
# senses first, without the plain synonyms of thesaurus.tsv.gz. Built by
# scripts/build_paraphrases.py from WordNet 3.0 (Princeton University, WordNet 3.0 license).
# See THESAURUS_LICENSE.txt next to this file.
"""

Key = tuple[str, str]
Table = dict[Key, list[str]]


@cache
def zipf(word: str) -> float:
    return float(zipf_frequency(word, "en"))


def valid_word(word: str) -> bool:
    return bool(word) and "|" not in word and "\t" not in word and "\n" not in word


class TableBuilder:
    """Ordered, case-insensitively deduplicated synonym lists per (lemma, pos)."""

    def __init__(self) -> None:
        self.table: Table = {}
        self.seen: dict[Key, set[str]] = {}

    def add(
        self, lemma: str, pos: str, synonyms: Iterable[str], exclude: Iterable[str] = ()
    ) -> None:
        key = (lemma, pos)
        out = self.table.setdefault(key, [])
        seen = self.seen.setdefault(key, {lemma.lower()})
        seen.update(s.lower() for s in exclude)
        for syn in synonyms:
            low = syn.lower()
            if valid_word(syn) and low not in seen:
                seen.add(low)
                out.append(syn)

    def result(self, cap: int) -> Table:
        return {key: syns[:cap] for key, syns in self.table.items() if syns}


# --------------------------------------------------------------------------- Apertium / ATT


@dataclass
class Section:
    """One transducer of an ATT dump: arcs by source state, and the final states."""

    arcs: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)
    finals: set[int] = field(default_factory=set)


def parse_att(lines: Iterable[str]) -> list[Section]:
    sections = [Section()]
    for raw in lines:
        line = raw.rstrip("\n")
        if line == "--":
            sections.append(Section())
            continue
        parts = line.split("\t")
        if len(parts) >= 4:
            src, dst = int(parts[0]), int(parts[1])
            sections[-1].arcs.setdefault(src, []).append((dst, parts[2], parts[3]))
        elif parts[0]:
            sections[-1].finals.add(int(parts[0]))
    return [s for s in sections if s.arcs]


def cyclic_states(arcs: dict[int, list[tuple[int, str, str]]]) -> set[int]:
    """States on a cycle (non-trivial strongly connected components, self-loops); Tarjan."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    cyclic: set[int] = set()
    counter = 0
    for root in list(arcs):
        if root in index:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            state, i = work[-1]
            succ = arcs.get(state, [])
            if i < len(succ):
                work[-1] = (state, i + 1)
                nxt = succ[i][0]
                if nxt == state:
                    cyclic.add(state)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[state] = min(low[state], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[state])
            if low[state] == index[state]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == state:
                        break
                if len(component) > 1:
                    cyclic.update(component)
    return cyclic


def coreachable(section: Section, removed: set[int]) -> set[int]:
    """States (not removed) from which a final state is reachable through non-removed states."""
    reverse: dict[int, list[int]] = defaultdict(list)
    for src, out in section.arcs.items():
        if src in removed:
            continue
        for dst, _, _ in out:
            if dst not in removed:
                reverse[dst].append(src)
    good = {f for f in section.finals if f not in removed}
    todo = list(good)
    while todo:
        state = todo.pop()
        for prev in reverse.get(state, ()):
            if prev not in good:
                good.add(prev)
                todo.append(prev)
    return good


def is_tag(symbol: str) -> bool:
    return len(symbol) > 2 and symbol.startswith("<") and symbol.endswith(">")


def lemma_char_ok(symbol: str) -> bool:
    return symbol in (" ", "-", "'", RIGHT_QUOTE, GROUP_MARK) or symbol.isalpha()


def _step(chars: str, tag: str | None, symbol: str) -> tuple[str, str | None, bool]:
    """Read one symbol on one side: (chars, first tag, still viable)."""
    if tag is not None or symbol == EPSILON:
        return chars, tag, True
    if is_tag(symbol):
        return chars, symbol, True
    if not lemma_char_ok(symbol):
        return chars, tag, False
    if len(chars) == 1 and chars.isupper() and symbol.isupper():
        return chars, tag, False  # an all-capitals abbreviation (and the acronym patterns)
    return chars + symbol, tag, True


def section_entries(section: Section) -> Iterator[tuple[str, str, str, str]]:
    """(input chars, input first tag, output chars, output first tag) of every dictionary path."""
    removed = cyclic_states(section.arcs)
    good = coreachable(section, removed)
    if 0 not in good:
        return
    seen: set[tuple[str, str, str, str]] = set()
    budget = MAX_STEPS
    stack: list[tuple[int, str, str | None, str, str | None, int]] = [(0, "", None, "", None, 0)]
    while stack:
        state, ichars, itag, ochars, otag, depth = stack.pop()
        if depth >= MAX_PATH:
            continue
        budget -= 1
        if budget < 0:
            LOG.warning("section with %d states: path budget exhausted", len(section.arcs))
            return
        for dst, isym, osym in section.arcs.get(state, ()):
            if dst not in good:
                continue
            ni, nit, iok = _step(ichars, itag, isym)
            no, not_, ook = _step(ochars, otag, osym)
            if not (iok and ook):
                continue
            if nit is not None and not_ is not None:
                entry = (ni, nit, no, not_)
                if entry not in seen:
                    seen.add(entry)
                    yield entry
                continue
            stack.append((dst, ni, nit, no, not_, depth + 1))


def clean_lemma(chars: str) -> str | None:
    lemma = " ".join(chars.replace(GROUP_MARK, "").split()).replace(RIGHT_QUOTE, "'")
    return lemma if LEMMA_RE.fullmatch(lemma) else None


def dump_transducer(path: Path) -> list[str]:
    result = subprocess.run(
        ["lt-print", str(path)], check=True, capture_output=True, text=True, encoding="utf-8"
    )
    return result.stdout.splitlines()


Link = tuple[str, str, str, str]  # (English lemma, pos, foreign lemma, foreign pos)


def transducer_links(path: Path, english_input: bool) -> set[Link]:
    links: set[Link] = set()
    raw = 0
    for section in parse_att(dump_transducer(path)):
        for ichars, itag, ochars, otag in section_entries(section):
            raw += 1
            ipos, opos = TAG_POS.get(itag), TAG_POS.get(otag)
            if ipos is None or opos is None:
                continue
            ilemma, olemma = clean_lemma(ichars), clean_lemma(ochars)
            if ilemma is None or olemma is None:
                continue
            if english_input:
                links.add((ilemma, ipos, olemma, opos))
            else:
                links.add((olemma, opos, ilemma, ipos))
    LOG.info("%s: %d paths, %d English-foreign links kept", path.name, raw, len(links))
    return links


def pair_links(apertium_dir: Path) -> dict[str, set[Link]]:
    out: dict[str, set[Link]] = {}
    for pair, (package, eng_x, x_eng) in PAIRS.items():
        links: set[Link] = set()
        for stem, english_input in ((eng_x, True), (x_eng, False)):
            if stem is None:
                continue
            path = apertium_dir / package / f"{stem}.autobil.bin"
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: apt-get install {package}")
            links |= transducer_links(path, english_input)
        LOG.info("pair %s: %d links", pair, len(links))
        out[pair] = links
    return out


def build_pivot(links_by_pair: dict[str, set[Link]], cap: int) -> Table:
    # (pair, foreign lemma, foreign pos, English pos) -> English lemmas
    by_pivot: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for pair, links in links_by_pair.items():
        for elemma, epos, flemma, fpos in links:
            by_pivot[(pair, flemma, fpos, epos)].add(elemma)
    counts: dict[Key, Counter[str]] = defaultdict(Counter)
    for (_, _, _, epos), lemmas in by_pivot.items():
        for e in lemmas:
            counter = counts[(e, epos)]
            for e2 in lemmas:
                if e2.lower() != e.lower():
                    counter[e2] += 1
    builder = TableBuilder()
    for (e, pos), counter in counts.items():
        ranked = sorted(counter, key=lambda e2: (-counter[e2], -zipf(e2), e2))
        builder.add(e, pos, ranked)
    return builder.result(cap)


# --------------------------------------------------------------------------- WordNet


def clean_word(raw: str) -> str:
    """A WordNet data-file word: underscores to spaces, adjective markers removed."""
    return ADJ_MARKER.sub("", raw).replace("_", " ").strip()


@dataclass(frozen=True)
class Synset:
    words: tuple[str, ...]
    # (symbol, target offset, target pos, source word number (0 = whole synset), target word)
    pointers: tuple[tuple[str, str, str, int, int], ...]


def parse_data_file(path: Path) -> Iterator[tuple[str, Synset]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("  "):
                continue  # license header
            fields = line.split(" | ", 1)[0].split()
            w_cnt = int(fields[3], 16)
            words = tuple(clean_word(fields[4 + 2 * i]) for i in range(w_cnt))
            cursor = 4 + 2 * w_cnt
            p_cnt = int(fields[cursor])
            cursor += 1
            pointers = []
            for _ in range(p_cnt):
                symbol, target, target_pos, st = fields[cursor : cursor + 4]
                pointers.append(
                    (symbol, target, WN_POS[target_pos], int(st[:2], 16), int(st[2:], 16))
                )
                cursor += 4
            yield fields[0], Synset(words, tuple(pointers))


def build_wordnet_hop(wordnet_dir: Path, thesaurus: Thesaurus, cap: int) -> Table:
    synsets: dict[tuple[str, str], Synset] = {}
    for pos in POS_TAGS:
        for offset, synset in parse_data_file(wordnet_dir / f"data.{pos}"):
            synsets[(pos, offset)] = synset
    LOG.info("WordNet: %d synsets", len(synsets))
    builder = TableBuilder()
    for pos in POS_TAGS:
        for lemma, offsets in parse_index_file(wordnet_dir / f"index.{pos}"):
            for offset in offsets:
                synset = synsets[(pos, offset)]
                numbers = [i for i, w in enumerate(synset.words, 1) if w.lower() == lemma]
                forms = [synset.words[i - 1] for i in numbers] or [lemma]
                reached: list[str] = []
                for symbol, target, target_pos, source, target_word in synset.pointers:
                    if symbol not in HOP_POINTERS or target_pos != pos:
                        continue
                    if source and source not in numbers:
                        continue  # a lexical pointer from another member of the synset
                    words = synsets[(pos, target)].words
                    if target_word:
                        reached.append(words[target_word - 1])
                    reached.extend(words)
                for form in forms:
                    builder.add(form, pos, reached, exclude=thesaurus.synonyms(form, pos))
    return builder.result(cap)


# --------------------------------------------------------------------------- output


def render(table: Table, header: str) -> bytes:
    lines = [header]
    for (lemma, pos), syns in sorted(table.items()):
        lines.append(f"{lemma}\t{pos}\t{'|'.join(syns)}\n")
    # mtime=0 keeps the gzip bytes reproducible.
    return gzip.compress("".join(lines).encode("utf-8"), compresslevel=9, mtime=0)


def shrink(table: Table, header: str, max_bytes: int) -> tuple[Table, bytes]:
    """Drop the entries of rare lemmas (Zipf < MIN_ZIPF) if the file would be too large."""
    data = render(table, header)
    if len(data) <= max_bytes:
        return table, data
    LOG.info("%d bytes > %d: dropping lemmas with Zipf < %.1f", len(data), max_bytes, MIN_ZIPF)
    small = {key: syns for key, syns in table.items() if zipf(key[0]) >= MIN_ZIPF}
    return small, render(small, header)


def write(table: Table, header: str, out: Path, max_bytes: int) -> tuple[int, int]:
    table, data = shrink(table, header, max_bytes)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(table), len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--apertium", type=Path, default=APERTIUM_DIR, help="Apertium data dir")
    parser.add_argument("--wordnet", type=Path, default=WORDNET_DIR, help="WordNet dict dir")
    parser.add_argument(
        "--thesaurus", type=Path, default=DEFAULT_THESAURUS, help="thesaurus.tsv.gz to exclude"
    )
    parser.add_argument("--pivot-out", type=Path, default=DEFAULT_PIVOT_OUT, help="pivot table")
    parser.add_argument("--hop-out", type=Path, default=DEFAULT_HOP_OUT, help="one-hop table")
    parser.add_argument("--cap", type=int, default=CAP, help="synonyms per entry (default 12)")
    parser.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="size limit per file")
    parser.add_argument("--only", choices=("pivot", "hop"), help="build only one of the two tables")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    for needed, package in (
        (args.wordnet / "index.noun", "wordnet-base"),
        (args.thesaurus, "(run scripts/build_thesaurus.py)"),
    ):
        if not needed.exists():
            LOG.error("%s is missing: %s", needed, package)
            return 1
    try:
        subprocess.run(["lt-print", "-h"], capture_output=True, check=False)
    except FileNotFoundError:
        LOG.error("lt-print is missing: apt-get install lttoolbox")
        return 1

    report: list[str] = []
    if args.only in (None, "pivot"):
        start = time.perf_counter()
        try:
            links = pair_links(args.apertium)
        except FileNotFoundError as exc:
            LOG.error("%s", exc)
            return 1
        n, size = write(build_pivot(links, args.cap), PIVOT_HEADER, args.pivot_out, args.max_bytes)
        report.append(
            f"wrote {args.pivot_out}: {n} entries, {size / 1e6:.2f} MB "
            f"({time.perf_counter() - start:.0f} s)"
        )
    if args.only in (None, "hop"):
        start = time.perf_counter()
        thesaurus = read_thesaurus(args.thesaurus)
        table = build_wordnet_hop(args.wordnet, thesaurus, args.cap)
        n, size = write(table, HOP_HEADER, args.hop_out, args.max_bytes)
        report.append(
            f"wrote {args.hop_out}: {n} entries, {size / 1e6:.2f} MB "
            f"({time.perf_counter() - start:.0f} s)"
        )
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
