"""The Python API: ``Cleaner().detect(text)``, ``.clean(text)``, ``.pipe(texts)``."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from mtclean.config import CleanerConfig
from mtclean.detectors import Detector, build_detectors
from mtclean.edits import apply_edits
from mtclean.records import CleanResult, Detection, Document, Span
from mtclean.resolve import resolve_edits
from mtclean.scoring import degradation_score


def as_document(item: str | Document) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(text=item)
    raise TypeError(f"expected a str or mtclean.Document, got {type(item).__name__}")


class Cleaner:
    """Finds degraded spans and repairs what it is confident about.

    Build it once (it loads its resources once) and reuse it for every document.
    """

    def __init__(
        self, config: CleanerConfig | None = None, detectors: Sequence[Detector] | None = None
    ) -> None:
        self.config = config or CleanerConfig()
        self.detectors: tuple[Detector, ...] = tuple(
            detectors if detectors is not None else build_detectors(self.config)
        )

    def _detections(self, docs: Sequence[Document]) -> list[list[tuple[str, Detection]]]:
        """Every detector over a batch: ``detect_batch`` where a detector has one."""
        per_doc: list[list[tuple[str, Detection]]] = [[] for _ in docs]
        for detector in self.detectors:
            batch = getattr(detector, "detect_batch", None)
            found = batch(docs) if callable(batch) else [detector.detect(d) for d in docs]
            for collected, detection in zip(per_doc, found, strict=True):
                collected.append((detector.name, detection))
        return per_doc

    def _reported(self, detections: list[tuple[str, Detection]]) -> list[Span]:
        threshold = self.config.report_threshold
        spans = [s for _, det in detections for s in det.spans if s.score >= threshold]
        return sorted(spans, key=lambda s: (s.start, s.end, s.source))

    def _result(self, doc: Document, detections: list[tuple[str, Detection]]) -> CleanResult:
        spans = self._reported(detections)
        edits = resolve_edits(spans, self.config.edit_threshold)
        metadata: dict[str, Any] = {}
        stats: dict[str, int] = {}
        for name, det in detections:
            metadata.update(det.metadata)
            for key, value in det.stats.items():
                stats[f"{name}.{key}"] = stats.get(f"{name}.{key}", 0) + value
        stats["spans"] = len(spans)
        stats["edits"] = len(edits)
        return CleanResult(
            id=doc.id,
            text=apply_edits(doc.text, edits),
            edits=edits,
            spans=tuple(spans),
            metadata=metadata,
            score=degradation_score(doc.text, spans),
            stats=stats,
        )

    def detect(self, text: str | Document) -> list[Span]:
        """Spans scoring at least ``config.report_threshold``, sorted by position."""
        return self._reported(self._detections([as_document(text)])[0])

    def clean(self, text: str | Document) -> CleanResult:
        """Detect, choose the confident edits, apply them to the original text."""
        doc = as_document(text)
        return self._result(doc, self._detections([doc])[0])

    def pipe(self, items: Iterable[str | Document], batch_size: int = 64) -> Iterator[CleanResult]:
        """Clean a stream lazily, ``batch_size`` documents at a time, keeping input order.

        Detectors with a ``detect_batch`` method (the model) see a whole batch at once.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        iterator = iter(items)
        while batch := [as_document(item) for item in itertools.islice(iterator, batch_size)]:
            for doc, detections in zip(batch, self._detections(batch), strict=True):
                yield self._result(doc, detections)
