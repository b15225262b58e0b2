#!/usr/bin/env python
"""Write a synthetic degradation benchmark (JSONL) from clean text.

Each output line: {"id", "text" (degraded), "reference" (clean), "spans": [{"start", "end",
"label", "original", "text"}], "generator", "params"}; replacing every span by its original turns
"text" back into "reference".

Examples (held-out evaluation data: BBC ``tech``, MLQE-PE ``test20``):
    python scripts/make_synthetic.py --category tech --kind mixed --seed 1 -o bench.jsonl
    python scripts/make_synthetic.py --input $MTCLEAN_DATA/mlqe_pe/mt_postedit.jsonl \
        --text-field pe --split test20 --kind spin --density 0.3 -o mlqe_spin.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from mtclean.corpora import read_jsonl
from mtclean.degrade import (
    Degraded,
    concat,
    glue_documents,
    harvest_boilerplate,
    inject_boilerplate,
    restore,
    roundtrip_documents,
)
from mtclean.degrade.spinner import default_spinner
from mtclean.paths import default_data_dir
from mtclean.text import paragraphs

KINDS = ("spin", "mt", "boilerplate", "mixed")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, help="JSONL of clean text (default: BBC articles)")
    parser.add_argument("--text-field", default="text", help="field with the clean text")
    parser.add_argument("--id-field", default="id")
    parser.add_argument("--category", action="append", help="keep only these categories")
    parser.add_argument("--exclude-category", action="append", help="drop these categories")
    parser.add_argument("--split", action="append", help="keep only these splits (MLQE-PE)")
    parser.add_argument("--exclude-split", action="append", help="drop these splits")
    parser.add_argument("--kind", choices=KINDS, default="mixed")
    parser.add_argument("--density", type=float, default=0.2, help="spun share of words")
    parser.add_argument(
        "--density-max", type=float, help="draw each document's density from [density, max]"
    )
    parser.add_argument("--pivot", choices=("spa", "cat", "random"), default="random")
    parser.add_argument("--mt-rate", type=float, default=1.0, help="share of sentences to MT")
    parser.add_argument("--boilerplate-blocks", type=int, default=3)
    parser.add_argument("--glue-rate", type=float, default=0.1, help="mixed: share glued")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, help="at most this many documents")
    parser.add_argument("-o", "--output", type=Path, required=True)
    return parser.parse_args(argv)


def read_clean(args: argparse.Namespace) -> list[tuple[str, str]]:
    path = args.input or default_data_dir() / "bbc_news" / "articles.jsonl"
    if not path.is_file():
        sys.exit(f"{path} not found: pass --input or set MTCLEAN_DATA to the shared data folder")
    rows: list[tuple[str, str]] = []
    for number, record in enumerate(read_jsonl(path)):
        if not _wanted(record, args):
            continue
        text = record.get(args.text_field)
        if not isinstance(text, str) or not text.strip():
            continue
        rows.append((str(record.get(args.id_field, number)), text))
        if args.limit is not None and len(rows) >= args.limit:
            break
    return rows


def _wanted(record: dict[str, Any], args: argparse.Namespace) -> bool:
    category, split = record.get("category"), record.get("split")
    if args.category and category not in args.category:
        return False
    if args.exclude_category and category in args.exclude_category:
        return False
    if args.split and split not in args.split:
        return False
    return not (args.exclude_split and split in args.exclude_split)


def _density(args: argparse.Namespace, rng: random.Random) -> float:
    if args.density_max is None:
        return float(args.density)
    return rng.uniform(args.density, args.density_max)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def degrade_all(
    rows: list[tuple[str, str]], args: argparse.Namespace
) -> Iterator[tuple[str, str, Degraded, dict[str, Any]]]:
    """(id, reference, degraded, params) per document, in input order."""
    spinner = default_spinner() if args.kind in ("spin", "mixed") else None
    lines: tuple[str, ...] = ()
    if args.kind in ("boilerplate", "mixed"):
        lines = harvest_boilerplate()
    pivot = None if args.pivot == "random" else args.pivot
    progress = tqdm(total=len(rows), desc=f"degrading ({args.kind})", unit="doc")
    for batch in _chunks(rows, 100):
        rngs = [random.Random(f"{args.seed}:{doc_id}") for doc_id, _ in batch]
        # plan: every paragraph is spun, round-tripped or kept, by document seed
        plans: list[list[tuple[str, str]]] = []
        for (_, text), rng in zip(batch, rngs, strict=True):
            plans.append(_plan(text, args.kind, rng))
        mt_texts = [chunk for plan in plans for action, chunk in plan if action == "mt"]
        mt_out = iter(
            roundtrip_documents(mt_texts, args.seed, pivot=pivot, rate=args.mt_rate)
            if mt_texts
            else []
        )
        for (doc_id, text), rng, plan in zip(batch, rngs, plans, strict=True):
            density = _density(args, rng)
            parts: list[str | Degraded] = []
            for action, chunk in plan:
                if action == "spin" and spinner is not None:
                    parts.append(spinner.spin(chunk, rng, density=density))
                elif action == "mt":
                    parts.append(next(mt_out))
                else:
                    parts.append(chunk)
            degraded = concat(parts)
            params: dict[str, Any] = {"seed": args.seed, "kind": args.kind}
            if args.kind in ("spin", "mixed"):
                params["density"] = round(density, 4)
            if args.kind in ("mt", "mixed"):
                params.update(pivot=args.pivot, mt_rate=args.mt_rate)
            reference = text
            if lines:
                degraded = inject_boilerplate(degraded, lines, rng, n=args.boilerplate_blocks)
                if args.kind == "mixed" and rng.random() < args.glue_rate:
                    other = rows[rng.randrange(len(rows))][1]
                    degraded = glue_documents(degraded, other, lines, rng)
                    reference = text + "\n\n" + other
                    params["glued"] = True
            yield doc_id, reference, degraded, params
            progress.update()
    progress.close()


def _plan(text: str, kind: str, rng: random.Random) -> list[tuple[str, str]]:
    """Split ``text`` into (action, chunk) with action spin | mt | keep; gaps are kept."""
    if kind in ("spin", "mt"):
        return [(kind, text)]
    if kind == "boilerplate":
        return [("keep", text)]
    plan: list[tuple[str, str]] = []
    cursor = 0
    for piece in paragraphs(text):
        if piece.start > cursor:
            plan.append(("keep", text[cursor : piece.start]))
        action = rng.choices(("spin", "mt", "keep"), weights=(0.5, 0.3, 0.2))[0]
        plan.append((action, piece.text))
        cursor = piece.end
    if cursor < len(text):
        plan.append(("keep", text[cursor:]))
    return plan


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    rows = read_clean(args)
    if not rows:
        sys.exit("no clean documents matched the filters")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    n_spans = 0
    with args.output.open("w", encoding="utf-8") as out:
        for doc_id, reference, degraded, params in degrade_all(rows, args):
            if restore(degraded) != reference:
                raise AssertionError(f"restore() is not exact for {doc_id}; please report")
            spans = [
                {
                    "start": s.start,
                    "end": s.end,
                    "label": s.label,
                    "original": s.original,
                    "text": degraded.text[s.start : s.end],
                }
                for s in degraded.spans
            ]
            n_spans += len(spans)
            record = {
                "id": doc_id,
                "text": degraded.text,
                "reference": reference,
                "spans": spans,
                "generator": f"mtclean.degrade/{args.kind}",
                "params": params,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} documents, {n_spans} spans to {args.output}")


if __name__ == "__main__":
    main()
