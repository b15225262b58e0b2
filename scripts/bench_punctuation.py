#!/usr/bin/env python3
"""Measure the punctuation detector on clean text: flags per 1,000 words, per rule, with examples.

Clean text: all BBC News articles (edited news, every category; in-sample: its false flags were
read to tighten the rules) and the human post-edits of MLQE-PE (Wikipedia sentences: alone, five
to a document one per line as mtclean's training and evaluation data hold them, and five joined
by spaces). About 9% of the post-edits lack a final full stop or start in lower case, so joining
them by spaces fakes lost or stray sentence breaks ("... held The next ...", "... army.
pisivasakul ..."): the third count shows how much.
Recall on real damage is measured by ``mtclean evaluate`` (seeds 002/004, ``bbc_punctuation``).

Data path: $MTCLEAN_DATA, default ../shared/data relative to the repository root.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from mtclean.config import DEFAULT_EDIT_THRESHOLD
from mtclean.corpora import detokenize, read_jsonl
from mtclean.detectors.punctuation import RULES, find_spans
from mtclean.model.data import MLQE_DOC_SENTENCES, MLQE_SENTENCE_SEP
from mtclean.paths import default_data_dir

WORD_RE = re.compile(r"\w+")


def measure(name: str, texts: Iterable[str], examples: int) -> None:
    words = 0
    flags: Counter[str] = Counter()
    edits = 0
    shown: dict[str, list[str]] = {}
    for text in texts:
        words += len(WORD_RE.findall(text))
        for span in find_spans(text):
            flags[span.reason] += 1
            edits += span.replacement is not None and span.score >= DEFAULT_EDIT_THRESHOLD
            if len(shown.setdefault(span.reason, [])) < examples:
                context = text[max(0, span.start - 30) : span.end + 30].replace("\n", " ")
                shown[span.reason].append(context)
    total = sum(flags.values())
    per_1000 = 1000.0 * total / max(words, 1)
    print(f"\n## {name}: {words:,} words, {total} spans ({per_1000:.3f} per 1,000 words), "
          f"{edits} of them edits")  # fmt: skip
    print("\n| rule | spans | per 1,000 words |\n|---|---:|---:|")
    for rule in RULES:
        print(f"| {rule} | {flags[rule]} | {1000.0 * flags[rule] / max(words, 1):.3f} |")
    for rule, contexts in shown.items():
        for context in contexts:
            print(f"- {rule}: …{context}…")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--examples", type=int, default=3, help="examples shown per rule")
    args = parser.parse_args()
    bbc = args.data / "bbc_news" / "articles.jsonl"
    mlqe = args.data / "mlqe_pe" / "mt_postedit.jsonl"
    if not bbc.is_file() or not mlqe.is_file():
        sys.exit(f"needs {bbc} and {mlqe} (set MTCLEAN_DATA or --data)")
    measure("BBC News, all articles", (str(r["text"]) for r in read_jsonl(bbc)), args.examples)
    post_edits = [detokenize(str(r["pe"])) for r in read_jsonl(mlqe)]
    size = MLQE_DOC_SENTENCES
    documents = (
        MLQE_SENTENCE_SEP.join(post_edits[i : i + size]) for i in range(0, len(post_edits), size)
    )
    measure("MLQE-PE post-edits, one sentence per document", post_edits, args.examples)
    measure(f"MLQE-PE post-edits, {size} per document, one per line", documents, args.examples)
    spaced = (" ".join(post_edits[i : i + size]) for i in range(0, len(post_edits), size))
    measure(f"MLQE-PE post-edits, {size} per document, joined by spaces", spaced, args.examples)


if __name__ == "__main__":
    main()
