"""Machine-translation round trips with Apertium (English -> pivot -> English), per sentence.

Sentences are sent one per line in large batches (one ``apertium`` pipeline per batch per
direction). Each round-tripped sentence is aligned with its original token by token; the changed
regions become ``mt`` spans whose original is the clean wording, and everything else, including
all whitespace between sentences, is copied from the clean text, so restore() is exact.
"""

from __future__ import annotations

import difflib
import logging
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mtclean.degrade.base import Builder, Degraded, Seed, make_rng
from mtclean.text import Piece, sentences

logger = logging.getLogger(__name__)

Pivot = Literal["spa", "cat"]
PIVOTS: tuple[Pivot, ...] = ("spa", "cat")
INSTALL_HINT = (
    "apertium is not installed: apt-get install apertium apertium-eng-spa apertium-eng-cat"
)
_TOKEN_RE = re.compile(r"\w+(?:[-'\u2019]\w+)*|[^\w\s]")
_BATCH = 2000


class ApertiumError(RuntimeError):
    """Apertium is missing or failed."""


@dataclass(frozen=True, slots=True)
class _Token:
    lead: str  # whitespace before the token
    text: str


def apertium_available() -> bool:
    return shutil.which("apertium") is not None


def _apertium(lines: Sequence[str], pair: str) -> list[str]:
    if not apertium_available():
        raise ApertiumError(INSTALL_HINT)
    payload = "\n".join(lines) + "\n"
    result = subprocess.run(
        ["apertium", "-u", pair],
        input=payload.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", errors="replace").strip()
        raise ApertiumError(f"apertium -u {pair} failed ({result.returncode}): {message}")
    out = result.stdout.decode("utf-8", errors="replace").split("\n")
    if out and out[-1] == "":
        out.pop()
    return [line.strip() for line in out]


def _translate_aligned(lines: Sequence[str], pair: str) -> list[str]:
    """Translate line by line; if apertium merges or splits lines, bisect the batch."""
    if not lines:
        return []
    out = _apertium(lines, pair)
    if len(out) == len(lines):
        return out
    if len(lines) == 1:
        logger.info("apertium %s changed the line count of one line; kept it", pair)
        return [" ".join(out)]
    logger.debug("apertium %s misaligned a batch of %d lines; bisecting", pair, len(lines))
    middle = len(lines) // 2
    return _translate_aligned(lines[:middle], pair) + _translate_aligned(lines[middle:], pair)


def round_trip_sentences(sentences_in: Sequence[str], pivot: Pivot = "spa") -> list[str]:
    """English sentences translated to ``pivot`` and back, one output per input, in order."""
    if pivot not in PIVOTS:
        raise ValueError(f"unknown pivot {pivot!r}; expected one of {PIVOTS}")
    clean = [" ".join(s.split()) for s in sentences_in]  # one line each
    results: list[str] = []
    for begin in range(0, len(clean), _BATCH):
        batch = clean[begin : begin + _BATCH]
        there = _translate_aligned(batch, f"eng-{pivot}")
        results.extend(_translate_aligned(there, f"{pivot}-eng"))
    return results


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    cursor = 0
    for match in _TOKEN_RE.finditer(text):
        tokens.append(_Token(text[cursor : match.start()], match.group()))
        cursor = match.end()
    return tokens


def _join(tokens: Sequence[_Token]) -> str:
    """Tokens with their whitespace, without the first token's leading whitespace."""
    return "".join(t.lead + t.text for t in tokens)[len(tokens[0].lead) :] if tokens else ""


def _opcodes(a: Sequence[str], b: Sequence[str]) -> list[tuple[bool, int, int, int, int]]:
    """Alignment blocks ``(changed, i1, i2, j1, j2)`` where every change covers at least one token
    on each side: a pure insertion or deletion takes in a neighbouring unchanged token."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    blocks = [[tag != "equal", i1, i2, j1, j2] for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    for index, block in enumerate(blocks):
        if not block[0] or (block[1] != block[2] and block[3] != block[4]):
            continue
        prev = blocks[index - 1] if index > 0 else None
        nxt = blocks[index + 1] if index + 1 < len(blocks) else None
        if prev is not None and not prev[0] and prev[2] > prev[1]:
            prev[2], prev[4] = prev[2] - 1, prev[4] - 1
            block[1], block[3] = block[1] - 1, block[3] - 1
        elif nxt is not None and not nxt[0] and nxt[2] > nxt[1]:
            nxt[1], nxt[3] = nxt[1] + 1, nxt[3] + 1
            block[2], block[4] = block[2] + 1, block[4] + 1
    merged: list[list[int]] = []
    for block in blocks:
        if block[1] == block[2] and block[3] == block[4]:
            continue
        if merged and block[0] and merged[-1][0]:
            merged[-1][2], merged[-1][4] = block[2], block[4]
        else:
            merged.append(block)
    return [(bool(m[0]), m[1], m[2], m[3], m[4]) for m in merged]


def align_sentence(original: str, translated: str) -> Degraded:
    """``translated`` as a Degraded text whose unchanged tokens are copied from ``original``."""
    a, b = _tokens(original), _tokens(translated)
    if not a or not b:
        return Degraded.clean(original)
    builder = Builder()
    builder.keep(original[: len(a[0].lead)])
    for changed, i1, i2, j1, j2 in _opcodes([t.text for t in a], [t.text for t in b]):
        lead = a[i1].lead if 0 < i1 < len(a) else ""
        if not changed or i1 == i2 or j1 == j2:  # one side empty throughout: keep the original
            builder.keep(lead + _join(a[i1:i2]))
            continue
        builder.keep(lead)
        builder.replace(_join(b[j1:j2]), _join(a[i1:i2]), "mt")
    return builder.build()


def roundtrip_documents(
    texts: Sequence[str], seed: Seed = 0, *, pivot: Pivot | None = None, rate: float = 1.0
) -> list[Degraded]:
    """Round-trip a share ``rate`` of each text's sentences through Apertium, in one batch.

    ``pivot`` None draws Spanish or Catalan per document from the seed.
    """
    rng = make_rng(seed)
    plans: list[tuple[Pivot, list[Piece], list[bool]]] = []
    for text in texts:
        chosen_pivot: Pivot = pivot if pivot is not None else rng.choice(PIVOTS)
        pieces = list(sentences(text))
        plans.append((chosen_pivot, pieces, [rng.random() < rate for _ in pieces]))
    translations: dict[tuple[Pivot, str], str] = {}
    for each_pivot in PIVOTS:
        wanted = sorted(
            {
                p.text
                for plan_pivot, pieces, picks in plans
                if plan_pivot == each_pivot
                for p, pick in zip(pieces, picks, strict=True)
                if pick
            }
        )
        if wanted:
            for source, target in zip(
                wanted, round_trip_sentences(wanted, each_pivot), strict=True
            ):
                translations[each_pivot, source] = target
    results: list[Degraded] = []
    for text, (plan_pivot, pieces, picks) in zip(texts, plans, strict=True):
        builder = Builder()
        cursor = 0
        for piece, pick in zip(pieces, picks, strict=True):
            builder.keep(text[cursor : piece.start])
            if pick:
                builder.add(align_sentence(piece.text, translations[plan_pivot, piece.text]))
            else:
                builder.keep(piece.text)
            cursor = piece.end
        builder.keep(text[cursor:])
        results.append(builder.build())
    return results


def roundtrip(
    text: str, seed: Seed = 0, *, pivot: Pivot | None = None, rate: float = 1.0
) -> Degraded:
    """One text round-tripped (see :func:`roundtrip_documents`; batch many texts for speed)."""
    return roundtrip_documents([text], seed, pivot=pivot, rate=rate)[0]
