#!/usr/bin/env python3
"""Build mtclean/resources/thesaurus.tsv.gz from WordNet 3.0 and mythes-en-us.

The table is sense-blind, the way real article spinners use a thesaurus: for every
(lemma, part of speech) it lists the union of the synonyms of all its senses.

Sources (Debian packages, needed only to build, never at run time):
  * wordnet-base (+ wordnet-sense-index): /usr/share/wordnet/{index,data}.{noun,verb,adj,adv}
  * mythes-en-us: /usr/share/mythes/th_en_US_v2.dat (the OpenOffice/LibreOffice thesaurus)

Method:
  * WordNet: for each word form in each synset, its synonyms are the other members of the
    synset (plus, for adjectives, the members of "similar to" satellite synsets). Senses are
    visited in the order of the lemma's index entry, which WordNet sorts by tagged sense
    frequency (the counts in cntlist), so the most frequent senses' synonyms come first.
  * mythes: each sense line ``(pos)|syn|syn (similar term)|...`` adds its plain synonyms and
    "(similar term)" items; "(generic term)" (hypernyms), "(related term)" and "(antonym)"
    items are left out, and so are items WordNet does not know in that part of speech (mythes
    writes adjective pertainyms as ``(adj)|political unit|...`` under "national").
    Its additions come after the WordNet ones, in mythes order.
  * Lemmas are lowercase except proper nouns (the case WordNet writes them in, e.g. "Jap");
    a mythes sense line that contains a case variant of its head word ("jap" -> "Jap") is
    filed under that variant. Multiword lemmas keep spaces. Synonyms are deduplicated
    (case-insensitively) and never include the lemma itself.

Output: gzip'd UTF-8 TSV, one line per (lemma, pos): ``lemma<TAB>pos<TAB>syn1|syn2|...``,
sorted, with ``#`` comment lines at the top naming the sources and licenses.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from mtclean.thesaurus import POS_TAGS

LOG = logging.getLogger("build_thesaurus")

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "mtclean" / "resources" / "thesaurus.tsv.gz"
WORDNET_DIR = Path("/usr/share/wordnet")
MYTHES_DAT = Path("/usr/share/mythes/th_en_US_v2.dat")

# WordNet's files are named by the thesaurus's part-of-speech tags (data.noun, index.adj, ...);
# mythes marks them in parentheses ("(noun)").
MYTHES_POS = {f"({pos})": pos for pos in POS_TAGS}
ADJ_MARKER = re.compile(r"\((?:a|p|ip)\)$")
MYTHES_EXCLUDED = ("(generic term)", "(related term)", "(antonym)")
MYTHES_SIMILAR = " (similar term)"

HEADER = """\
# mtclean thesaurus: lemma<TAB>pos<TAB>syn1|syn2|... (sense-blind union, frequent senses first)
# Built by scripts/build_thesaurus.py from WordNet 3.0 (Princeton University, WordNet 3.0
# license) and mythes-en-us th_en_US_v2 (LibreOffice dictionaries, en: Kevin Atkinson's
# permissive word-list license). See THESAURUS_LICENSE.txt next to this file.
"""

Key = tuple[str, str]


def clean_word(raw: str) -> str:
    """A WordNet data-file word: underscores to spaces, adjective markers removed."""
    return ADJ_MARKER.sub("", raw).replace("_", " ").strip()


def valid_word(word: str) -> bool:
    return bool(word) and "|" not in word and "\t" not in word and "\n" not in word


def parse_data_file(path: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """Yield (offset, words, similar_to_offsets) for every synset in a data.* file."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("  "):
                continue  # license header
            fields = line.split(" | ", 1)[0].split()
            offset = fields[0]
            w_cnt = int(fields[3], 16)
            words = [clean_word(fields[4 + 2 * i]) for i in range(w_cnt)]
            cursor = 4 + 2 * w_cnt
            p_cnt = int(fields[cursor])
            cursor += 1
            similar: list[str] = []
            for _ in range(p_cnt):
                symbol, target, target_pos = fields[cursor], fields[cursor + 1], fields[cursor + 2]
                if symbol == "&" and target_pos in ("a", "s"):
                    similar.append(target)
                cursor += 4
            yield offset, words, similar


def parse_index_file(path: Path) -> Iterator[tuple[str, list[str]]]:
    """Yield (lowercase lemma, synset offsets in sense-frequency order) from an index.* file."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("  "):
                continue
            fields = line.split()
            lemma = fields[0].replace("_", " ")
            synset_cnt = int(fields[2])
            yield lemma, fields[len(fields) - synset_cnt :]


class TableBuilder:
    """Accumulates ordered, deduplicated synonym lists per (lemma, pos)."""

    def __init__(self) -> None:
        self.table: dict[Key, list[str]] = {}
        self.seen: dict[Key, set[str]] = {}
        self.forms: dict[tuple[str, str], set[str]] = {}  # (lower lemma, pos) -> cased forms

    def add_form(self, lemma: str, pos: str) -> None:
        self.table.setdefault((lemma, pos), [])
        self.seen.setdefault((lemma, pos), {lemma.lower()})
        self.forms.setdefault((lemma.lower(), pos), set()).add(lemma)

    def add(self, lemma: str, pos: str, synonyms: Iterable[str]) -> None:
        self.add_form(lemma, pos)
        seen = self.seen[(lemma, pos)]
        out = self.table[(lemma, pos)]
        for syn in synonyms:
            key = syn.lower()
            if valid_word(syn) and key not in seen:
                seen.add(key)
                out.append(syn)


def add_wordnet(builder: TableBuilder, wordnet_dir: Path) -> None:
    synsets: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for pos in POS_TAGS:
        for offset, words, similar in parse_data_file(wordnet_dir / f"data.{pos}"):
            synsets[(pos, offset)] = (words, similar)
    LOG.info("WordNet: %d synsets", len(synsets))
    for pos in POS_TAGS:
        for lemma, offsets in parse_index_file(wordnet_dir / f"index.{pos}"):
            for offset in offsets:
                words, similar = synsets[(pos, offset)]
                # The synset's own spelling of this lemma (keeps proper-noun case).
                forms = [w for w in words if w.lower() == lemma] or [lemma]
                synonyms = [w for w in words if w.lower() != lemma]
                for target in similar:
                    synonyms.extend(synsets[(pos, target)][0])
                for form in forms:
                    builder.add(form, pos, synonyms)


def parse_mythes(path: Path) -> Iterator[tuple[str, str, list[str]]]:
    """Yield (head word, pos, items) for every sense line of a mythes .dat file."""
    with path.open(encoding="utf-8") as handle:
        handle.readline()  # encoding line
        for line in handle:
            head, _, count = line.rstrip("\n").rpartition("|")
            for _ in range(int(count)):
                parts = handle.readline().rstrip("\n").split("|")
                pos = MYTHES_POS.get(parts[0])
                if pos is not None:
                    yield head, pos, parts[1:]


def add_mythes(builder: TableBuilder, path: Path) -> None:
    lines = 0
    for head, pos, items in parse_mythes(path):
        lines += 1
        synonyms: list[str] = []
        for item in items:
            if item.endswith(MYTHES_EXCLUDED):
                continue
            word = item.removesuffix(MYTHES_SIMILAR).strip()
            # Adjective lines that encode a pertainym ("national" -> "(adj)|political unit|...")
            # list a noun unmarked: keep only items WordNet knows in this part of speech.
            if (word.lower(), pos) in builder.forms:
                synonyms.append(word)
        variants = [s for s in synonyms if s.lower() == head.lower() and s != head]
        lemma = variants[0] if variants else head
        if not variants and head == head.lower():
            # A lowercase head word whose only WordNet spelling is capitalised ("jap" -> "Jap").
            forms = builder.forms.get((head, pos), set())
            if forms and head not in forms:
                lemma = sorted(forms)[0]
        builder.add(lemma, pos, [s for s in synonyms if s.lower() != head.lower()])
    LOG.info("mythes: %d sense lines", lines)


def build(wordnet_dir: Path, mythes: Path) -> dict[Key, list[str]]:
    builder = TableBuilder()
    add_wordnet(builder, wordnet_dir)
    add_mythes(builder, mythes)
    return {key: syns for key, syns in builder.table.items() if syns}


def write_table(table: dict[Key, list[str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    # mtime=0 keeps the gzip bytes reproducible.
    with (
        tmp.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(HEADER.encode("utf-8"))
        for (lemma, pos), syns in sorted(table.items()):
            gz.write(f"{lemma}\t{pos}\t{'|'.join(syns)}\n".encode())
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--wordnet", type=Path, default=WORDNET_DIR, help="WordNet dict dir")
    parser.add_argument("--mythes", type=Path, default=MYTHES_DAT, help="mythes .dat file")
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="output .tsv.gz")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    for needed in (args.wordnet / "index.noun", args.mythes):
        if not needed.exists():
            LOG.error("%s is missing: apt-get install wordnet-base mythes-en-us", needed)
            return 1
    table = build(args.wordnet, args.mythes)
    write_table(table, args.out)
    n_syns = sum(len(s) for s in table.values())
    print(
        f"wrote {args.out}: {len(table)} entries, {n_syns} synonyms, "
        f"{args.out.stat().st_size / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
