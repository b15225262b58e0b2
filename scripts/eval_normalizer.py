#!/usr/bin/env python
"""Measure the normalizer: restoration of spun spans, false edits, source retrieval.

Prints (and with --out writes) one JSON report:

- ``seed_003``: the default Cleaner on seed 003, without and with its siblings 000/001/002/004:
  req spun spans of seeds/gold.jsonl restored exactly in the cleaned text (by edits) and by the
  best candidates (edits or not), spun edits made and how many of them are wrong.
- ``sibling_bodies``: edits other than boilerplate in the clean seeds 000 and 001.
- ``clean_bbc_tech``: edits other than boilerplate per 1,000 words on clean BBC ``tech``.
- ``heldout_spin``: BBC ``tech`` spun at 20% from the held-out pairs only: restoration by the
  default Cleaner with no source available, and with the source among 1,000 siblings
  (retrieval rate, restoration, milliseconds per document to find and align the source).
- ``ablation``: restoration when the normalizer ranks candidates for the gold spans themselves
  (detection errors excluded), with each candidate table switched off in turn.

    python scripts/eval_normalizer.py --data ../shared/data --out benchmarks/normalizer.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mtclean import Cleaner  # noqa: E402
from mtclean.evaluation.gold import GoldSpan, load_gold  # noqa: E402
from mtclean.evaluation.metrics import Restoration, restoration, word_count  # noqa: E402
from mtclean.records import CleanResult, Span  # noqa: E402

SIBLINGS_OF_003 = ("000", "001", "002", "004")


def seed_files() -> dict[str, tuple[str, str]]:
    """Seed prefix ("003") -> (file name, text)."""
    out = {}
    for path in sorted((REPO / "seeds").glob("0*.txt")):
        out[path.name[:3]] = (path.name, path.read_text("utf-8"))
    return out


def bbc(data: Path, held_out: bool, limit: int) -> list[tuple[str, str]]:
    sys.path.insert(0, str(REPO / "scripts"))
    from train_normalizer import articles

    return articles(data / "bbc_news" / "articles.jsonl", held_out, limit)


def spun_edits(text: str, gold: list[GoldSpan], result: CleanResult) -> dict[str, int]:
    """Spun edits, and the wrong ones: those that restore no gold spun span exactly."""
    edits = [e for e in result.edits if e.label == "spun"]
    targets = [g for g in gold if g.label == "spun" and g.canonical is not None]
    wrong = sum(1 for e in edits if not restoration(text, targets, [e], []).by_edits)
    return {"spun_edits": len(edits), "wrong_spun_edits": wrong}


def seed_003(cleaner: Cleaner, with_siblings: Cleaner) -> dict[str, Any]:
    seeds = seed_files()
    gold = load_gold(REPO / "seeds" / "gold.jsonl")
    name, text = seeds["003"]
    out: dict[str, Any] = {}
    for key, c in (("without_siblings", cleaner), ("with_siblings", with_siblings)):
        result = c.clean(text)
        counts = restoration(text, gold[name], result.edits, result.spans)
        out[key] = {**counts.record(), **spun_edits(text, gold[name], result)}
    bodies = {}
    for prefix in ("000", "001"):
        sib_name, sib_text = seeds[prefix]
        result = cleaner.clean(sib_text)
        bodies[sib_name] = sum(1 for e in result.edits if e.label != "boilerplate")
    return {"seed_003": out, "sibling_bodies_non_boilerplate_edits": bodies}


def clean_tech(cleaner: Cleaner, docs: list[tuple[str, str]]) -> dict[str, Any]:
    from collections import Counter

    words = 0
    by_source: Counter[str] = Counter()
    for _, text in docs:
        result = cleaner.clean(text)
        words += word_count(text)
        by_source.update(e.source for e in result.edits if e.label != "boilerplate")
    edits = sum(by_source.values())
    return {
        "documents": len(docs),
        "words": words,
        "edits": edits,
        "edits_per_1000_words": round(1000 * edits / max(words, 1), 3),
        "edits_by_source": dict(by_source),
        "normalizer_restorations_per_1000_words": round(
            1000 * (by_source["model"] + by_source["normalizer"]) / max(words, 1), 3
        ),
    }


def heldout(cleaner: Cleaner, tech: list[tuple[str, str]], distractors: list[tuple[str, str]]):
    from mtclean.degrade.spinner import held_out_spinner
    from mtclean.evaluation.parts import gold_from_degraded
    from mtclean.normalize.siblings import Siblings

    spinner = held_out_spinner()
    spun = []
    for doc_id, text in tech:
        degraded = spinner.spin(text, random.Random(f"eval_normalizer:{doc_id}"), density=0.2)
        spun.append((doc_id, text, degraded.text, list(gold_from_degraded(degraded.spans))))
    no_source = Restoration()
    for _, _, text, gold in spun:
        result = cleaner.clean(text)
        no_source += restoration(text, gold, result.edits, result.spans)
    siblings = [*distractors[: 1000 - len(tech)], *tech]
    started = time.time()
    bank = Siblings.from_texts(siblings)
    built = time.time() - started
    assert bank.sources is not None
    cleaner.siblings = bank
    with_source = Restoration()
    retrieved = 0
    find_seconds = 0.0
    for _, original, text, gold in spun:
        started = time.time()
        found = bank.sources.find(text)
        find_seconds += time.time() - started
        if found is not None and dict(siblings)[found.source_id] == original:
            retrieved += 1  # the source or a verbatim copy of it (BBC has duplicates)
        result = cleaner.clean(text)
        with_source += restoration(text, gold, result.edits, result.spans)
    cleaner.siblings = None
    return {
        "documents": len(spun),
        "no_source": no_source.record(),
        "with_source": {
            **with_source.record(),
            "siblings": len(siblings),
            "retrieved": round(retrieved / len(spun), 4),
            "find_ms_per_document": round(1000 * find_seconds / len(spun), 1),
            "index_build_s": round(built, 1),
        },
    }


def oracle(normalizer: Any, text: str, gold: list[GoldSpan]) -> Restoration:
    spans = [Span(g.start, g.end, "spun", 1.0, "gold") for g in gold if g.label == "spun"]
    normalized, _ = normalizer.normalize(text, spans)
    return restoration(text, gold, [], normalized)


def ablation(tech: list[tuple[str, str]]) -> dict[str, Any]:
    from mtclean.degrade.spinner import held_out_spinner
    from mtclean.detectors.model import model_dir
    from mtclean.evaluation.parts import gold_from_degraded
    from mtclean.normalize import candidates
    from mtclean.normalize.normalizer import Normalizer, load_normalizer

    shipped = load_normalizer(model_dir().resolve())
    spinner = held_out_spinner()
    synthetic = []
    for doc_id, text in tech:
        degraded = spinner.spin(text, random.Random(f"eval_normalizer:{doc_id}"), density=0.2)
        synthetic.append((degraded.text, list(gold_from_degraded(degraded.spans))))
    seeds = seed_files()
    gold = load_gold(REPO / "seeds" / "gold.jsonl")
    name, text003 = seeds["003"]
    tables = dict(candidates.table_sources())
    out: dict[str, Any] = {}
    for off in (None, *tables):
        index = candidates.CandidateIndex([(t, s()) for t, s in tables.items() if t != off])
        normalizer = Normalizer(shipped.ranker, shipped.scorer, index, shipped.masked)
        synth = sum((oracle(normalizer, t, g) for t, g in synthetic), Restoration())
        seed = oracle(normalizer, text003, gold[name])
        out["all tables" if off is None else f"without {off}"] = {
            "heldout_spin_by_candidates": synth.record()["restored_by_candidates_rate"],
            "seed_003_by_candidates": seed.record()["restored_by_candidates_rate"],
        }
        print(f"  ablation {off}: {out[list(out)[-1]]}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--tech-docs", type=int, default=60)
    parser.add_argument("--clean-docs", type=int, default=100)
    parser.add_argument("--no-ablation", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    seeds = seed_files()
    cleaner = Cleaner()
    with_siblings = Cleaner(siblings=[seeds[p][1] for p in SIBLINGS_OF_003])
    report: dict[str, Any] = {
        "command": "python scripts/eval_normalizer.py " + " ".join(sys.argv[1:])
    }
    report.update(seed_003(cleaner, with_siblings))
    print(json.dumps(report, indent=1), flush=True)
    tech = bbc(args.data, True, max(args.tech_docs, args.clean_docs))
    report["clean_bbc_tech"] = clean_tech(cleaner, tech[: args.clean_docs])
    print(json.dumps(report["clean_bbc_tech"]), flush=True)
    distractors = bbc(args.data, False, 1000)
    report["heldout_spin"] = heldout(cleaner, tech[: args.tech_docs], distractors)
    print(json.dumps(report["heldout_spin"], indent=1), flush=True)
    if not args.no_ablation:
        report["ablation"] = ablation(tech[: args.tech_docs])
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
