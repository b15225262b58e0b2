"""Records passed between mtclean's components.

Every offset is a half-open ``[start, end)`` index in Python code points into the ORIGINAL
document text, never into an intermediate copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Label = Literal["spun", "mt", "boilerplate", "encoding"]
# The degradations the evaluation scores; ``encoding`` (mojibake and HTML entities, repaired by
# the ``encoding`` component) is a repair of how the text was stored, not of its wording.
LABELS: tuple[Label, ...] = ("spun", "mt", "boilerplate")
SPAN_LABELS: tuple[Label, ...] = (*LABELS, "encoding")


@dataclass(frozen=True, slots=True)
class Document:
    """A text to clean, with a stable id and free-form metadata."""

    text: str
    id: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One proposed original wording of a span, from the normalizer.

    ``score`` is the normalizer's probability that this is the original wording given that the
    span is degraded; ``evidence`` names what proposed or supported it (paraphrase tables,
    ``context`` for the n-gram ranking, ``masked`` for the masked-word model, ``sibling``,
    ``alignment``).
    """

    text: str
    score: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Span:
    """A degraded region found by one component.

    ``replacement`` is the proposed new text (``""`` deletes the span), or ``None`` when the span
    is flagged but the component cannot restore it. ``reason`` says why the component flagged it
    (a rule name or a feature summary) so that a report can explain every decision.
    ``candidates``: the normalizer's ranked proposals (``replacement`` is the first one's text).
    """

    start: int
    end: int
    label: Label
    score: float
    source: str
    replacement: str | None = None
    reason: str = ""
    candidates: tuple[Candidate, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span offsets [{self.start}, {self.end})")
        if self.label not in SPAN_LABELS:
            raise ValueError(f"unknown span label {self.label!r}; expected one of {SPAN_LABELS}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"span score {self.score} is outside [0, 1]")

    def text_in(self, text: str) -> str:
        """The span's text in the document it indexes."""
        return text[self.start : self.end]

    @property
    def edit_score(self) -> float:
        """How sure mtclean is that replacing the span is right: the span's score, times the
        normalizer's probability of its best candidate when the replacement is one."""
        return self.score * self.candidates[0].score if self.candidates else self.score


@dataclass(frozen=True, slots=True)
class Edit:
    """One change applied to the original text: ``text[start:end]`` becomes ``replacement``."""

    start: int
    end: int
    replacement: str
    source: str
    score: float
    label: Label
    reason: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid edit offsets [{self.start}, {self.end})")

    @classmethod
    def from_span(cls, span: Span) -> Edit:
        if span.replacement is None:
            raise ValueError("a span without a replacement cannot become an edit")
        return cls(
            span.start,
            span.end,
            span.replacement,
            span.source,
            round(span.edit_score, 6),
            span.label,
            span.reason,
        )


@dataclass(frozen=True, slots=True)
class Detection:
    """What one component found in one document: spans, extracted metadata, counters, and
    (``score``, optional) the component's own estimate of the share of degraded words."""

    spans: tuple[Span, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    stats: Mapping[str, int] = field(default_factory=dict)
    score: float | None = None


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The cleaned text and everything needed to explain and replay it.

    Invariant: ``apply_edits(original_text, result.edits) == result.text``. ``score`` is the
    document's degradation score (:func:`mtclean.cleaner.document_score`); ``mt_score`` the
    document MT score (:mod:`mtclean.mt_score`: P(machine-translated)), ``None`` when the ``qe``
    component did not run.
    """

    id: str
    text: str
    edits: tuple[Edit, ...]
    spans: tuple[Span, ...]
    metadata: Mapping[str, Any]
    score: float
    stats: Mapping[str, int] = field(default_factory=dict)
    mt_score: float | None = None
