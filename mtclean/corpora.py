"""Reading the shared corpora (BBC news, MLQE-PE) used for training and evaluation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_DETOK_BEFORE = re.compile(r" ([,.;:!?%)\]}]|'s\b|n't\b|'re\b|'ve\b|'ll\b|'d\b|'m\b)")
_DETOK_AFTER = re.compile(r"([(\[{$]) ")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a JSONL file; blank lines are skipped."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def detokenize(sentence: str) -> str:
    """Undo MLQE-PE's tokenisation (spaces before punctuation) so the text reads like news."""
    return _DETOK_AFTER.sub(r"\1", _DETOK_BEFORE.sub(r"\1", " ".join(sentence.split())))
