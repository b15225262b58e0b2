#!/usr/bin/env python3
"""How cleaning time grows with the document: ``Cleaner.clean`` on one document of 1 KB to
10 MB, for several shapes of text, and the growth exponent per shape.

Shapes (each a unit repeated or cycled to the size, cut at a character):

- ``the``: ``"the "`` repeated (a doubled article every two words: the most spans per byte);
- ``nato``: ``"NATO. allies "`` repeated (a stray sentence break every 13 characters);
- ``bbc``: real BBC articles concatenated (``$MTCLEAN_DATA/bbc_news/articles.jsonl``; the
  seeds when the data is absent, which the output says);
- ``boilerplate``: article paragraphs alternating with scraper lines and glued edge phrases;
- ``quotes``: article sentences as quoted speech with attributions, first person, lost quote
  marks.

The exponent is the least-squares slope of log(time) over log(size) from 100 KB up (a linear
component gives 1.0; a quadratic one tends to 2.0). Each size is timed once (small sizes:
repeated to at least 0.2 s, the mean). Prints a Markdown table and writes JSON:

    python scripts/bench_growth.py --out benchmarks/growth.json
    python scripts/bench_growth.py --model --max-size 1e6 --out benchmarks/growth_model.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import cycle
from pathlib import Path
from typing import Any

from mtclean import Cleaner, CleanerConfig
from mtclean.corpora import read_jsonl
from mtclean.paths import REPO, default_data_dir

SIZES = (1_000, 10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000)
FIT_FROM = 100_000

BOILERPLATE_LINES = (
    "Source link",
    "Leave a Reply",
    "Share this:",
    "%d bloggers like this:",
    'Press "Enter" to skip to content',
    "Read More",
    "Posted on January 12, 2022",
    "Your email address will not be published. Required fields are marked *",
    "Tags: Russia, NATO, Ukraine",
    "https://example.com/2022/01/12/talks",
)
SPEECH = ("said", "told reporters", "added", "warned", "insisted")


def articles(limit: int = 400) -> tuple[list[str], str]:
    path = default_data_dir() / "bbc_news" / "articles.jsonl"
    if path.is_file():
        texts = [r["text"] for r, _ in zip(read_jsonl(path), range(limit), strict=False)]
        return texts, f"BBC news, first {len(texts)} articles of {path}"
    seeds = [p.read_text("utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    return seeds, f"the seeds ({path} not found)"


def _fill(pieces: Iterator[str], size: int) -> str:
    out: list[str] = []
    total = 0
    for piece in pieces:
        out.append(piece)
        total += len(piece)
        if total >= size:
            break
    return "".join(out)[:size]


def shapes(texts: list[str]) -> dict[str, Callable[[int], str]]:
    paragraphs = [p for t in texts for p in t.split("\n\n") if p.strip()]
    sentences = [s.strip() for p in paragraphs for s in p.split(". ") if len(s.split()) > 4]

    def boilerplate(size: int) -> str:
        def pieces() -> Iterator[str]:
            lines = cycle(BOILERPLATE_LINES)
            for k, paragraph in enumerate(cycle(paragraphs)):
                if k % 3 == 2:  # glued: an edge phrase run into the paragraph's end
                    yield f"{paragraph}{next(lines)}\n\n"
                else:
                    yield f"{paragraph}\n\n{next(lines)}\n\n"

        return _fill(pieces(), size)

    def quotes(size: int) -> str:
        def pieces() -> Iterator[str]:
            verbs = cycle(SPEECH)
            for k, sentence in enumerate(cycle(sentences)):
                body = sentence.rstrip(".")
                if k % 4 == 0:
                    yield f'"{body}," the minister {next(verbs)}. '
                elif k % 4 == 1:
                    yield f"\u201cWe {body[0].lower()}{body[1:]},\u201d she {next(verbs)}. "
                elif k % 4 == 2:  # first person without quote marks, in a paragraph of its own
                    yield f"\n\nI think {body[0].lower()}{body[1:]}, Putin {next(verbs)}.\n\n"
                else:
                    yield f"{body}. "

        return _fill(pieces(), size)

    return {
        "the": lambda size: _fill(cycle(["the "]), size),
        "nato": lambda size: _fill(cycle(["NATO. allies "]), size),
        "bbc": lambda size: _fill(cycle(t + "\n\n" for t in texts), size),
        "boilerplate": boilerplate,
        "quotes": quotes,
    }


def time_clean(cleaner: Cleaner, text: str, once_from: int) -> tuple[float, int, int]:
    """Seconds per clean (the mean of repeats up to 0.2 s), spans and edits of one clean."""
    runs = 0
    start = time.perf_counter()
    while True:
        result = cleaner.clean(text)
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= 0.2 or len(text) >= once_from:
            return elapsed / runs, len(result.spans), len(result.edits)


def slope(points: list[tuple[int, float]], fit_from: int = FIT_FROM) -> float | None:
    """Least-squares slope of log(seconds) over log(size), sizes from ``fit_from`` up."""
    usable = [(math.log(n), math.log(t)) for n, t in points if n >= fit_from and t > 0]
    if len(usable) < 2:
        return None
    mx = sum(x for x, _ in usable) / len(usable)
    my = sum(y for _, y in usable) / len(usable)
    sxx = sum((x - mx) ** 2 for x, _ in usable)
    return round(sum((x - mx) * (y - my) for x, y in usable) / sxx, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-size", type=float, default=10_000_000, help="largest size (chars)")
    parser.add_argument("--shapes", nargs="*", help="only these shapes (default: all)")
    parser.add_argument("--model", action="store_true", help="the default Cleaner, model on")
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    parser.add_argument(
        "--fit-from", type=int, default=FIT_FROM, help="smallest size in the fit (chars)"
    )
    args = parser.parse_args()
    commit = _commit()  # the code that is timed (read before it runs)
    texts, what = articles()
    makers = shapes(texts)
    chosen = args.shapes or list(makers)
    try:
        config = CleanerConfig(model=args.model, max_document_chars=None)
    except TypeError:  # a version without the size limit (to measure the code before it)
        config = CleanerConfig(model=args.model)
    cleaner = Cleaner(config)
    cleaner.clean("Warm up: the resources load once. NATO. allies met.")
    sizes = [n for n in SIZES if n <= args.max_size]
    results: dict[str, dict[str, Any]] = {}
    print(f"Texts: {what}; model {'on' if args.model else 'off'}\n", file=sys.stderr)
    for name in chosen:
        rows: list[dict[str, float | int]] = []
        for size in sizes:
            text = makers[name](size)
            seconds, spans, edits = time_clean(cleaner, text, args.fit_from)
            per_mb = seconds / (len(text) / 1e6)
            row = {"chars": len(text), "seconds": round(seconds, 4), "s_per_mb": round(per_mb, 3)}
            rows.append({**row, "spans": spans, "edits": edits})
            print(
                f"  {name:12s} {len(text):>10,} chars  {seconds:8.3f} s  {spans:>9,} spans",
                file=sys.stderr,
                flush=True,
            )
        exponent = slope([(int(r["chars"]), float(r["seconds"])) for r in rows], args.fit_from)
        worst = max(float(r["s_per_mb"]) for r in rows if int(r["chars"]) >= args.fit_from)
        results[name] = {"exponent": exponent, "max_s_per_mb": worst, "rows": rows}
    report = {
        "command": "python scripts/bench_growth.py " + " ".join(sys.argv[1:]),
        "texts": what,
        "model": args.model,
        "python": platform.python_version(),
        "commit": commit,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "fit_from_chars": args.fit_from,
        "shapes": results,
    }
    print(table(report))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1) + "\n", "utf-8")


def table(report: dict[str, Any]) -> str:
    """The Markdown table of a report: seconds per size, the exponent, the worst s/MB."""
    shapes = report["shapes"]
    sizes = [int(r["chars"]) for r in next(iter(shapes.values()))["rows"]]
    lines = [
        "| shape | " + " | ".join(_size(n) for n in sizes) + " | exponent | max s/MB |",
        "|---|" + "---:|" * (len(sizes) + 2),
    ]
    for name, result in shapes.items():
        cells = [f"{r['seconds']:.3f}" for r in result["rows"]]
        tail = f" | {result['exponent']} | {result['max_s_per_mb']} |"
        lines.append(f"| `{name}` | " + " | ".join(cells) + tail)
    return "\n".join(lines)


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return ""


def _size(n: int) -> str:
    return f"{n // 1_000_000} MB" if n >= 1_000_000 else f"{n // 1_000} KB"


if __name__ == "__main__":
    main()
