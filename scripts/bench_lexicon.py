#!/usr/bin/env python3
"""Measure the lexicon detector: hits on the spun seed, false hits on clean text.

Reports
  * every hit on seeds/003 (the spun repost), with score and proposed replacement;
  * hits on seeds 000 and 001 (clean siblings; target: none);
  * hits per 1,000 words on clean BBC news, all categories except the held-out "tech"
    (in-sample: build_lexicon.py filters its variants on this text), and on the human
    post-edits of MLQE-PE outside the held-out test20 split (out-of-sample clean English);
  split by edits (score >= the edit threshold) and flags.

Data path: $MTCLEAN_DATA, default ../shared/data relative to the repository root.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from mtclean.config import DEFAULT_EDIT_THRESHOLD, DEFAULT_REPORT_THRESHOLD
from mtclean.detectors.lexicon import LexiconDetector
from mtclean.paths import default_data_dir
from mtclean.records import Document, Span

REPO = Path(__file__).resolve().parent.parent


def reported(spans: Iterable[Span]) -> list[Span]:
    return [s for s in spans if s.score >= DEFAULT_REPORT_THRESHOLD]


def rate(detector: LexiconDetector, name: str, texts: list[str], show: int) -> dict[str, object]:
    words = sum(len(t.split()) for t in texts)
    edits = flags = 0
    examples: Counter[str] = Counter()
    for text in texts:
        for span in reported(detector.detect(Document(text)).spans):
            if span.score >= DEFAULT_EDIT_THRESHOLD:
                edits += 1
            else:
                flags += 1
            examples[f"{span.text_in(text)!r} -> {span.replacement!r} ({span.score:.2f})"] += 1
    per_k = 1000 * (edits + flags) / max(words, 1)
    print(
        f"{name}: {len(texts)} docs, {words} words, {edits} edits + {flags} flags "
        f"= {per_k:.3f} hits per 1,000 words ({1000 * edits / max(words, 1):.3f} edits)"
    )
    for example, n in examples.most_common(show):
        print(f"    {n:4d}  {example}")
    return {
        "docs": len(texts),
        "words": words,
        "edits": edits,
        "flags": flags,
        "hits_per_1000_words": round(per_k, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--show", type=int, default=15, help="examples listed per corpus")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args(argv)
    detector = LexiconDetector()
    results: dict[str, object] = {}

    seeds = REPO / "seeds"
    spun = next(seeds.glob("003_*.txt"))
    text = spun.read_text(encoding="utf-8")
    spans = reported(detector.detect(Document(text, spun.name)).spans)
    print(
        f"{spun.name}: {len(spans)} hits "
        f"({sum(s.score >= DEFAULT_EDIT_THRESHOLD for s in spans)} edits)"
    )
    for s in spans:
        print(
            f"    [{s.start:5d},{s.end:5d}) {s.text_in(text)!r} -> {s.replacement!r} "
            f"score={s.score:.2f} {s.reason}"
        )
    results["seed_003"] = [
        {
            "start": s.start,
            "end": s.end,
            "text": s.text_in(text),
            "replacement": s.replacement,
            "score": s.score,
            "reason": s.reason,
        }
        for s in spans
    ]
    siblings = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("00[01]_*.txt"))]
    results["seeds_000_001"] = rate(detector, "seeds 000+001", siblings, args.show)

    root = default_data_dir()
    bbc = root / "bbc_news" / "articles.jsonl"
    if bbc.exists():
        with bbc.open(encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle]
        texts = [r["title"] + "\n\n" + r["text"] for r in records if r["category"] != "tech"]
        results["bbc_non_tech"] = rate(detector, "BBC (non-tech)", texts, args.show)
    else:
        print(f"skipped BBC: {bbc} is missing (set MTCLEAN_DATA)")
    mlqe = root / "mlqe_pe" / "mt_postedit.jsonl"
    if mlqe.exists():
        with mlqe.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle]
        texts = [r["pe"] for r in rows if r.get("split") != "test20"]
        results["mlqe_pe_postedits"] = rate(detector, "MLQE-PE post-edits", texts, args.show)
    else:
        print(f"skipped MLQE-PE: {mlqe} is missing (set MTCLEAN_DATA)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
