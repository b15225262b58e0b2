"""The record every degradation generator returns, and the functions that restore and combine them.

A generator turns clean text into a :class:`Degraded` text whose spans index the DEGRADED text
and carry the clean wording they replaced. Invariant (tested for every generator):
``restore(degrade(clean)) == clean``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from mtclean.records import LABELS, Label

Seed = int | random.Random


@dataclass(frozen=True, slots=True)
class DegradedSpan:
    """``degraded_text[start:end]`` replaced the clean wording ``original`` (``""`` if injected)."""

    start: int
    end: int
    label: Label
    original: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span offsets [{self.start}, {self.end})")
        if self.label not in LABELS:
            raise ValueError(f"unknown span label {self.label!r}; expected one of {LABELS}")

    def shifted(self, offset: int) -> DegradedSpan:
        return DegradedSpan(self.start + offset, self.end + offset, self.label, self.original)


@dataclass(frozen=True, slots=True)
class Degraded:
    """A degraded text and its gold spans (sorted, non-overlapping, offsets into ``text``)."""

    text: str
    spans: tuple[DegradedSpan, ...] = ()

    def __post_init__(self) -> None:
        previous_end = 0
        for span in self.spans:
            if span.start < previous_end:
                raise ValueError(f"spans overlap or are unsorted at {span.start}")
            if span.end > len(self.text):
                raise ValueError(f"span [{span.start}, {span.end}) runs past the text")
            previous_end = span.end

    @classmethod
    def clean(cls, text: str) -> Degraded:
        """A text with nothing degraded."""
        return cls(text, ())

    def span_texts(self) -> list[str]:
        return [self.text[s.start : s.end] for s in self.spans]


def restore(degraded: Degraded) -> str:
    """Replace every span by its original wording: the clean text the generator started from."""
    parts: list[str] = []
    cursor = 0
    for span in degraded.spans:
        parts.append(degraded.text[cursor : span.start])
        parts.append(span.original)
        cursor = span.end
    parts.append(degraded.text[cursor:])
    return "".join(parts)


def make_rng(seed: Seed) -> random.Random:
    """A private random generator: the one passed in, or a new one seeded with the int."""
    if isinstance(seed, random.Random):
        return seed
    return random.Random(seed)


def as_degraded(doc: str | Degraded) -> Degraded:
    return doc if isinstance(doc, Degraded) else Degraded.clean(doc)


def concat(parts: Iterable[str | Degraded]) -> Degraded:
    """Join texts and degraded texts end to end, shifting each part's spans."""
    builder = Builder()
    for part in parts:
        builder.add(as_degraded(part))
    return builder.build()


Site = tuple[int, int, str, str, Label]
"""``(start, end, new, original, label)``: replace ``text[start:end]`` by ``new``, a span whose
clean wording is ``original`` (a zero-width site, ``start == end``, inserts ``new``)."""


def merge(degraded: Degraded, sites: Iterable[Site]) -> Degraded:
    """Add new spans to a degraded text: each site replaces a region of ``degraded.text``.

    Sites must not overlap each other or the existing spans. Existing spans and sites are put in
    order by ``(start, end)`` with a stable sort, so zero-width spans at one offset keep their
    order (existing spans first, then sites in the order given).
    """
    text = degraded.text
    events: list[Site] = [
        (s.start, s.end, text[s.start : s.end], s.original, s.label) for s in degraded.spans
    ]
    events.extend(sites)
    events.sort(key=lambda event: (event[0], event[1]))
    builder = Builder()
    cursor = 0
    for start, end, new, original, label in events:
        builder.keep(text[cursor:start])
        builder.replace(new, original, label)
        cursor = end
    builder.keep(text[cursor:])
    return builder.build()


class Builder:
    """Assemble a degraded text piece by piece: kept clean text, and replacements with spans."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._spans: list[DegradedSpan] = []
        self._length = 0

    def keep(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)

    def replace(self, new: str, original: str, label: Label) -> None:
        """Emit ``new`` in place of the clean wording ``original``, recorded as a span."""
        if new == original:
            self.keep(new)
            return
        self._spans.append(DegradedSpan(self._length, self._length + len(new), label, original))
        self._parts.append(new)
        self._length += len(new)

    def add(self, part: Degraded) -> None:
        self._spans.extend(s.shifted(self._length) for s in part.spans)
        self._parts.append(part.text)
        self._length += len(part.text)

    def build(self) -> Degraded:
        return Degraded("".join(self._parts), tuple(self._spans))


def substituted_share(degraded: Degraded) -> float:
    """Share of the clean text's words that lie inside spans (the measured density)."""
    from mtclean.text import count_words

    clean_words = count_words(restore(degraded))
    if not clean_words:
        return 0.0
    changed = sum(count_words(s.original) for s in degraded.spans)
    return changed / clean_words
