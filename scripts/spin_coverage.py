#!/usr/bin/env python3
"""How many of seed 003's gold substitutions each paraphrase resource, and the spinner, could
produce (measurement only: no pair from a seed is ever added to a resource).

    python scripts/spin_coverage.py

For every req ``spun`` gold span of the spun seed with a canonical wording, the pair
(canonical -> spun) is covered by a resource when a lemma of the spun wording is listed among the
synonyms of a lemma of the canonical wording (lemmas by lemminflect; for a phrase, its first word
lemmatised; case-folded). Resources: the shipped thesaurus (MyThes + WordNet), the WordNet one-hop
table, the bilingual-pivot table, the spinner's phrasebook and connective table, and their union
(what ``mtclean.degrade.spinner.default_spinner`` draws from). The training spinner draws from the
same union minus the held-out pairs and minus every seed pair, so its coverage of the seed is 0
by construction.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from mtclean.degrade.function_words import FUNCTION_REPLACEMENTS, PHRASEBOOK
from mtclean.degrade.inflection import phrase_lemmas
from mtclean.degrade.sources import held_out_pair
from mtclean.paths import REPO
from mtclean.thesaurus import POS_TAGS, load_pivot, load_thesaurus, load_wordnet_hop

Lookup = Callable[[str], set[str]]


def thesaurus_lookup(table: object) -> Lookup:
    def lookup(lemma: str) -> set[str]:
        found: set[str] = set()
        for pos in POS_TAGS:
            found.update(s.lower() for s in table.synonyms(lemma, pos))  # type: ignore[attr-defined]
        return found

    return lookup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=REPO / "seeds" / "gold.jsonl")
    parser.add_argument("--seed", default="003_b922d01c8accb03d.txt")
    parser.add_argument("--list", action="store_true", help="print every pair and its sources")
    args = parser.parse_args()
    record = next(
        json.loads(line)
        for line in args.gold.read_text("utf-8").splitlines()
        if line.strip() and json.loads(line)["id"] == args.seed
    )
    pairs = [
        (span["canonical"], span["text"])
        for span in record["spans"]
        if span["label"] == "spun" and span["severity"] == "req" and span.get("canonical")
    ]
    resources: dict[str, Lookup] = {
        "thesaurus (MyThes + WordNet)": thesaurus_lookup(load_thesaurus()),
        "WordNet one hop": thesaurus_lookup(load_wordnet_hop()),
        "bilingual pivot (Apertium, GPL-2 pairs)": thesaurus_lookup(load_pivot()),
        "phrasebook": lambda lemma: {
            s.lower() for (head, _), syns in PHRASEBOOK.items() if head == lemma for s in syns
        },
        "connective table": lambda lemma: {s.lower() for s in FUNCTION_REPLACEMENTS.get(lemma, ())},
    }
    covered: dict[str, list[bool]] = {name: [] for name in resources}
    union: list[bool] = []
    held: list[bool] = []
    rows = []
    for canonical, spun in pairs:
        targets = phrase_lemmas(spun)
        hits = {}
        for name, lookup in resources.items():
            found = set().union(*(lookup(c) for c in phrase_lemmas(canonical)))
            hits[name] = bool(found & targets)
            covered[name].append(hits[name])
        union.append(any(hits.values()))
        held.append(
            any(held_out_pair(c, t) for c in phrase_lemmas(canonical) for t in targets)
            and union[-1]
        )
        rows.append((canonical, spun, [n for n, h in hits.items() if h]))
    total = len(pairs)
    print(f"Seed {args.seed}: {total} req spun spans with a canonical wording\n")
    print("| resource | spans covered | share |")
    print("|---|---:|---:|")
    for name, flags in covered.items():
        print(f"| {name} | {sum(flags)} | {sum(flags) / total:.1%} |")
    print(f"| union (the news spinner's dictionaries) | {sum(union)} | {sum(union) / total:.1%} |")
    print(f"| of which pairs held out from training | {sum(held)} | {sum(held) / total:.1%} |")
    print("| training spinner (seed pairs removed) | 0 | 0.0% |")
    if args.list:
        for canonical, spun, names in rows:
            print(f"{canonical} -> {spun}: {', '.join(names) or '-'}")


if __name__ == "__main__":
    main()
