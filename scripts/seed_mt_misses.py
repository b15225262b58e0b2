#!/usr/bin/env python3
"""List the seeds' req ``mt`` gold spans the rules miss (and their false flags), by kind.

Runs the ``mtclean-rules`` system (``CleanerConfig(model=False)``) on the seeds, matches its
``mt`` spans to the gold with the evaluation's own matching (``match_spans``), and prints every
missed req span under a kind read from the gold alone: ``quote`` (the canonical adds or moves a
quote mark), ``break`` (a full stop inside the span, or punctuation the canonical changes),
``punctuation`` (only punctuation), ``words`` (the rest: mistranslated or garbled wording).
Then the unmatched predictions (false flags), with the rule that made them.

    PYTHONPATH=$PWD python scripts/seed_mt_misses.py
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from mtclean.cleaner import Cleaner
from mtclean.config import CleanerConfig
from mtclean.evaluation.gold import GoldSpan
from mtclean.evaluation.metrics import match_spans
from mtclean.evaluation.parts import seed_parts

ROOT = Path(__file__).resolve().parent.parent
QUOTES = '\u201c\u201d"'


def _punctuation(text: str) -> str:
    return "".join(c for c in text if c in ".,;:")


def kind(text: str, span: GoldSpan) -> str:
    """The kind of damage a gold span records, from its text and canonical only."""
    damaged = text[span.start : span.end]
    canonical = span.canonical or ""
    if sum(canonical.count(q) for q in QUOTES) != sum(damaged.count(q) for q in QUOTES):
        return "quote"
    if not any(c.isalnum() for c in damaged):
        return "punctuation"
    if "." in damaged.rstrip(".") or (
        span.canonical is not None and _punctuation(damaged) != _punctuation(span.canonical)
    ):
        return "break"
    return "words"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    args = parser.parse_args()
    seeds = next(p for p in seed_parts(args.seeds, args.seeds / "gold.jsonl") if p.name == "seeds")
    cleaner = Cleaner(CleanerConfig(model=False))
    missed: dict[str, list[str]] = defaultdict(list)
    false_flags: list[str] = []
    found = total = predicted = 0
    per_document: list[str] = []
    for doc in seeds.docs:
        spans = [s for s in cleaner.clean(doc.text).spans if s.label == "mt"]
        match = match_spans(doc.gold, spans, "mt")
        req = sum(1 for g in doc.gold if g.label == "mt" and g.severity == "req")
        total += req
        found += len(match.pairs)
        predicted += len(match.pairs) + len(match.false_positives)
        if req:
            per_document.append(f"{doc.id[:3]}: {len(match.pairs)} of {req}")
        for gi in match.false_negatives:
            g = doc.gold[gi]
            missed[kind(doc.text, g)].append(
                f"{doc.id[:3]} {g.start:>5} {doc.text[g.start : g.end]!r} -> {g.canonical!r}"
            )
        for pi in match.false_positives:
            s = spans[pi]
            context = doc.text[max(0, s.start - 30) : s.end + 30].replace("\n", " ")
            false_flags.append(f"{doc.id[:3]} {s.start:>5} {s.reason}: …{context}…")
    print(
        f"req mt spans found: {found} of {total} ({', '.join(per_document)}); "
        f"predictions matched: {found} of {predicted}"
    )
    for name in sorted(missed, key=lambda k: -len(missed[k])):
        print(f"\n## missed, {name} ({len(missed[name])})")
        print("\n".join(missed[name]))
    print(f"\n## false flags ({len(false_flags)})")
    print("\n".join(false_flags))


if __name__ == "__main__":
    main()
