"""Random mixes of degradations over article text, for property tests and drills.

``degraded_mix(paragraphs, lines, seed)``: a few consecutive paragraphs with, each drawn by the
seed, spin, sentence-level MT damage, injected boilerplate lines, a glued second document and a
boilerplate phrase glued to the end ("...gasSource link"). Deterministic given the seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from mtclean.degrade.boilerplate import glue_documents, inject_boilerplate
from mtclean.degrade.punctuation import punctuate
from mtclean.degrade.spinner import spin

GLUED_ENDS = ("Source link", "Leave a Reply", "Source link\n")


def degraded_mix(paragraphs: Sequence[str], lines: Sequence[str], seed: int) -> str:
    rng = random.Random(seed)
    first = rng.randrange(len(paragraphs))
    count = rng.randint(1, 5)
    text = "\n\n".join(paragraphs[(first + k) % len(paragraphs)] for k in range(count))
    doc = (
        spin(text, rng.randrange(10**6), density=rng.uniform(0, 0.4))
        if rng.random() < 0.5
        else text
    )
    if rng.random() < 0.5:
        doc = punctuate(doc, rng.randrange(10**6), rate=rng.uniform(0, 0.05))
    if rng.random() < 0.5:
        doc = inject_boilerplate(doc, lines, rng.randrange(10**6), n=rng.randint(1, 3))
    out = doc if isinstance(doc, str) else doc.text
    if rng.random() < 0.3:
        other = paragraphs[rng.randrange(len(paragraphs))]
        out = glue_documents(out, other, lines, rng.randrange(10**6)).text
    if rng.random() < 0.3:
        out = out.rstrip("\n") + rng.choice(GLUED_ENDS)
    if rng.random() < 0.3:  # drawn last: the mixes without it are those of before
        out = stored_badly(out, rng)
    return out


def stored_badly(text: str, rng: random.Random) -> str:
    """``text`` with one paragraph as a careless scraper stores it: UTF-8 read as
    Windows-1252 (mojibake) or HTML-escaped (entities, sometimes twice)."""
    import html

    paragraphs = text.split("\n\n")
    k = rng.randrange(len(paragraphs))
    if rng.random() < 0.5:
        data = paragraphs[k].encode("utf-8")
        paragraphs[k] = data.decode("cp1252", errors=rng.choice(["replace", "ignore"]))
    else:
        escaped = html.escape(paragraphs[k]).replace("\u2019", "&rsquo;")
        paragraphs[k] = escaped.replace("&amp;", "&amp;amp;") if rng.random() < 0.3 else escaped
    return "\n\n".join(paragraphs)
