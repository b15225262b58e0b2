"""Gold annotations: stand-off spans over a document's original text.

The format is JSONL, one document per line::

    {"id": "003_b922d01c8accb03d.txt",
     "spans": [{"start": 317, "end": 320, "label": "spun", "severity": "req",
                "canonical": "Eastern", "text": "Jap", "note": "..."}]}

Offsets are half-open ``[start, end)`` Python code-point offsets into the text read as UTF-8
with newlines untranslated. ``canonical`` is the original wording (``""`` deletes the span,
``null`` when it is unknown). ``text`` and ``note`` are for readers and checks; they are not
needed to score. See ``seeds/GUIDELINES.md`` for what each label and severity means.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mtclean.records import LABELS, Label

Severity = Literal["req", "opt"]
SEVERITIES: tuple[Severity, ...] = ("req", "opt")


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """One annotated degraded region.

    ``severity`` is ``"req"`` (a system must find it) or ``"opt"`` (arguable: finding it is not
    rewarded, missing it is not penalised). ``canonical`` is the correct wording, ``""`` for text
    to delete, ``None`` when unknown.
    """

    start: int
    end: int
    label: Label
    severity: Severity = "req"
    canonical: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid gold span offsets [{self.start}, {self.end})")
        if self.label not in LABELS:
            raise ValueError(f"unknown gold label {self.label!r}; expected one of {LABELS}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}; expected one of {SEVERITIES}")


def gold_span_from_json(obj: Mapping[str, Any]) -> GoldSpan:
    """A :class:`GoldSpan` from one JSON span object (extra keys such as ``text`` are ignored)."""
    canonical = obj.get("canonical")
    if canonical is not None and not isinstance(canonical, str):
        raise ValueError(f"canonical must be a string or null, got {canonical!r}")
    return GoldSpan(
        start=int(obj["start"]),
        end=int(obj["end"]),
        label=obj["label"],
        severity=obj.get("severity", "req"),
        canonical=canonical,
    )


def parse_gold_lines(lines: Iterable[str]) -> dict[str, list[GoldSpan]]:
    """Parse gold JSONL lines into ``{document id: spans sorted by offset}``."""
    gold: dict[str, list[GoldSpan]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            doc_id = str(record["id"])
            spans = sorted(
                (gold_span_from_json(span) for span in record.get("spans", [])),
                key=lambda s: (s.start, s.end),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"gold line {number}: {error}") from error
        if doc_id in gold:
            raise ValueError(f"gold line {number}: duplicate document id {doc_id!r}")
        gold[doc_id] = spans
    return gold


def load_gold(path: str | Path) -> dict[str, list[GoldSpan]]:
    """Read a gold JSONL file: ``{document id: spans sorted by offset}``."""
    with open(path, encoding="utf-8") as handle:
        return parse_gold_lines(handle)


def restore(text: str, spans: Sequence[GoldSpan]) -> str:
    """Replace every ``req`` span that has a canonical form by that form.

    ``opt`` spans and spans with ``canonical=None`` are left as they are. Spans must not overlap.
    """
    out: list[str] = []
    position = 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.severity != "req" or span.canonical is None:
            continue
        if span.start < position:
            raise ValueError(f"overlapping gold spans at [{span.start}, {span.end})")
        out.append(text[position : span.start])
        out.append(span.canonical)
        position = span.end
    out.append(text[position:])
    return "".join(out)
