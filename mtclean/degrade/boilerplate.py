"""Boilerplate injection: real scraper boilerplate lines, injected lines and glued documents.

The lines come from the article-extraction benchmark pages at run time (a page's visible text
lines that are not part of its article body); nothing harvested is stored in the repository.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from mtclean.degrade.base import Builder, Degraded, Seed, Site, as_degraded, make_rng, merge
from mtclean.paths import default_data_dir

logger = logging.getLogger(__name__)

Where = Literal["head", "tail", "between"]
BENCHMARK_DIR = "article_extraction_benchmark"
INSTALL_HINT = (
    "the article-extraction benchmark is missing: put scrapinghub/article-extraction-benchmark "
    "(html/*.html.gz and ground-truth.json) in $MTCLEAN_DATA/article_extraction_benchmark"
)
_SPACES_RE = re.compile(r"\s+")


def _normalise(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip()


def _mostly_latin(line: str, floor: float = 0.9) -> bool:
    letters = [c for c in line if c.isalpha()]
    return sum(c.isascii() for c in letters) >= floor * len(letters)


def page_boilerplate(html: str, article_body: str, *, max_chars: int = 200) -> list[str]:
    """Visible text lines of a page that are not in its article body (in page order)."""
    import html_text

    body = _normalise(article_body)
    lines: list[str] = []
    for raw in html_text.extract_text(html, guess_layout=True).splitlines():
        line = _normalise(raw)
        if not line or len(line) > max_chars or not any(c.isalpha() for c in line):
            continue
        if line in body or not _mostly_latin(line):
            continue
        lines.append(line)
    return lines


@functools.lru_cache(maxsize=4)
def harvest_boilerplate(root: Path | None = None, *, max_chars: int = 200) -> tuple[str, ...]:
    """Distinct boilerplate lines of every benchmark page under ``root`` (default: shared data)."""
    folder = (root or default_data_dir() / BENCHMARK_DIR).resolve()
    truth_path = folder / "ground-truth.json"
    if not truth_path.is_file():
        raise FileNotFoundError(f"{truth_path} not found; {INSTALL_HINT}")
    truth: dict[str, dict[str, str]] = json.loads(truth_path.read_text("utf-8"))
    seen: dict[str, None] = {}
    for page_id in sorted(truth):
        html_path = folder / "html" / f"{page_id}.html.gz"
        if not html_path.is_file():
            logger.warning("benchmark page %s has no HTML file; skipped", page_id)
            continue
        html = gzip.decompress(html_path.read_bytes()).decode("utf-8", errors="replace")
        for line in page_boilerplate(
            html, truth[page_id].get("articleBody", ""), max_chars=max_chars
        ):
            seen.setdefault(line, None)
    logger.info("harvested %d boilerplate lines from %s", len(seen), folder)
    return tuple(seen)


def inject_boilerplate(
    doc: str | Degraded,
    lines: Sequence[str],
    seed: Seed,
    *,
    n: int = 3,
    where: Sequence[Where] = ("head", "tail", "between"),
    max_block: int = 3,
) -> Degraded:
    """Inject ``n`` blocks of 1..``max_block`` boilerplate lines at the head, tail or between
    paragraphs. Each span covers an injected block with the line breaks it added (original "")."""
    if not lines:
        raise ValueError("no boilerplate lines to inject")
    rng = make_rng(seed)
    base = as_degraded(doc)
    text = base.text
    # Candidate insertion points: (offset, kind). Between paragraphs: right after a blank line.
    points: list[tuple[int, Where]] = []
    if "head" in where:
        points.append((0, "head"))
    if "tail" in where:
        points.append((len(text), "tail"))
    if "between" in where:
        for match in re.finditer(r"\n[ \t]*\n\s*", text):
            offset = match.end()
            if 0 < offset < len(text) and not any(s.start < offset < s.end for s in base.spans):
                points.append((offset, "between"))
    if not points:
        return base
    chosen = sorted(rng.choice(points) for _ in range(n))
    sites: list[Site] = []
    for offset, kind in chosen:
        block = "\n".join(rng.choice(lines) for _ in range(rng.randint(1, max_block)))
        if kind == "tail" or (kind == "head" and not text):
            new = ("\n\n" + block) if text else block
        else:
            new = block + "\n\n"
        sites.append((offset, offset, new, "", "boilerplate"))
    # zero-width sites: an existing span ending at (or empty at) the offset stays before the block
    return merge(base, sites)


def glue_documents(
    first: str | Degraded,
    second: str | Degraded,
    lines: Sequence[str],
    seed: Seed,
    *,
    separator: str = "\n\n",
    max_tail: int = 2,
    max_head: int = 2,
) -> Degraded:
    """Two documents run together on one line, joined by the first's tail boilerplate and the
    second's head boilerplate ("...fields are marked *Press "Enter" to skip to content...").

    The clean reference is ``first + separator + second``: the join is one span whose original
    is ``separator``.
    """
    if not lines:
        raise ValueError("no boilerplate lines to glue with")
    rng = make_rng(seed)
    tail = [rng.choice(lines) for _ in range(rng.randint(0, max_tail))]
    head = [rng.choice(lines) for _ in range(rng.randint(1, max_head))]
    joiner = rng.choice(("", " "))
    a, b = as_degraded(first), as_degraded(second)
    glue = joiner + joiner.join([*tail, *head]) + joiner
    builder = Builder()
    builder.add(a)
    builder.replace(glue if glue != separator else glue + " ", separator, "boilerplate")
    builder.add(b)
    return builder.build()
