#!/usr/bin/env python3
"""Throughput of the Cleaner on this machine, per component, measured in one run.

Texts: clean BBC articles (non-tech) from $MTCLEAN_DATA (default ../shared/data), or the
seeds repeated when the data is absent. Prints a Markdown table: load time (resources are
read once per process, so only the first row pays for them), documents/s, words/s and MB/s
for each configuration, so ratios can be compared within one run.

    python scripts/bench_speed.py --docs 1000
"""

from __future__ import annotations

import argparse
import time

from mtclean import Cleaner, CleanerConfig
from mtclean.corpora import read_jsonl
from mtclean.model.data import HELD_OUT_BBC
from mtclean.paths import REPO, default_data_dir


def load_texts(limit: int) -> tuple[list[str], str]:
    data = default_data_dir()
    articles = data / "bbc_news" / "articles.jsonl"
    if articles.is_file():
        texts: list[str] = []
        for record in read_jsonl(articles):
            if record["category"] != HELD_OUT_BBC:
                texts.append(record["text"])
            if len(texts) >= limit:
                break
        return texts, f"BBC news (non-tech), {len(texts)} articles"
    seeds = [p.read_text("utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    texts = [seeds[i % len(seeds)] for i in range(limit)]
    return texts, f"seeds repeated ({len(texts)} documents; {articles} not found)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents to clean")
    args = parser.parse_args()
    texts, what = load_texts(args.docs)
    words = sum(len(t.split()) for t in texts)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    configs = {
        "full (default)": CleanerConfig(),  # first: its load time includes reading tables
        "boilerplate only": CleanerConfig(punctuation=False, lexicon=False),
        "punctuation only": CleanerConfig(boilerplate=False, lexicon=False),
        "lexicon only": CleanerConfig(boilerplate=False, punctuation=False),
    }
    print(f"Texts: {what}; {words:,} words, {megabytes:.1f} MB\n")
    print("| configuration | load s | docs/s | words/s | MB/s |")
    print("|---|---:|---:|---:|---:|")
    for name, config in configs.items():
        start = time.perf_counter()
        cleaner = Cleaner(config)
        loaded = time.perf_counter()
        for _ in cleaner.pipe(texts, batch_size=64):
            pass
        seconds = time.perf_counter() - loaded
        print(
            f"| {name} | {loaded - start:.2f} | {len(texts) / seconds:,.0f} | "
            f"{words / seconds:,.0f} | {megabytes / seconds:.2f} |"
        )


if __name__ == "__main__":
    main()
