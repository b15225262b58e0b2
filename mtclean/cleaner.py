"""The Python API: ``Cleaner().detect(text)``, ``.clean(text)``, ``.pipe(texts)``."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mtclean.config import CleanerConfig
from mtclean.detectors import Detector, build_detectors
from mtclean.edits import apply_edits
from mtclean.records import CleanResult, Detection, Document, Span
from mtclean.resolve import resolve_edits
from mtclean.scoring import degradation_score

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from mtclean.normalize.normalizer import Normalizer
    from mtclean.normalize.siblings import Siblings


class DocumentTooLarge(ValueError):
    """A document longer than ``CleanerConfig.max_document_chars``."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"document of {length:,} characters is over the limit of {limit:,} "
            "(raise it with CleanerConfig(max_document_chars=...) or --max-document-chars; "
            "None, or 0 on the command line: no limit)"
        )
        self.length = length
        self.limit = limit


def as_document(item: str | Document) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(text=item)
    raise TypeError(f"expected a str or mtclean.Document, got {type(item).__name__}")


def inside_boilerplate_dropped(spans: Sequence[Span]) -> list[Span]:
    """The spans without the spun/mt ones that lie wholly inside boilerplate (which goes as a
    whole: a model flag on "Enter" in 'Press "Enter" to skip to content' says nothing)."""
    import bisect

    blocks: list[list[int]] = []
    for start, end in sorted((s.start, s.end) for s in spans if s.label == "boilerplate"):
        if blocks and start <= blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], end)
        else:
            blocks.append([start, end])
    if not blocks:
        return list(spans)
    starts = [b[0] for b in blocks]

    def covered(span: Span) -> bool:
        i = bisect.bisect_right(starts, span.start) - 1
        return i >= 0 and span.end <= blocks[i][1]

    return [s for s in spans if s.label == "boilerplate" or not covered(s)]


def document_score(
    text: str, spans: Sequence[Span], detections: Sequence[tuple[str, Detection]]
) -> float:
    """The document's degradation score: the share of degraded content words by the spans, or
    a component's own estimate of it (the model's mean word probability) when that is higher."""
    estimates = [d.score for _, d in detections if d.score is not None]
    return round(max([degradation_score(text, spans), *estimates]), 4)


class Cleaner:
    """Finds degraded spans and repairs what it is confident about.

    Build it once (it loads its resources once) and reuse it for every document.
    """

    def __init__(
        self,
        config: CleanerConfig | None = None,
        detectors: Sequence[Detector] | None = None,
        siblings: Iterable[str | Document] | None = None,
    ) -> None:
        """``siblings``: related articles (the same story from other outlets); the normalizer
        prefers the candidate originals they use."""
        self.config = config or CleanerConfig()
        self.detectors: tuple[Detector, ...] = tuple(
            detectors if detectors is not None else build_detectors(self.config)
        )
        self._normalizer: Normalizer | None = None
        self._unavailable = False  # the normalizer's files are missing (model off: no error)
        if self.config.normalizer and self.config.model:
            self._normalizer = self._load_normalizer()  # before workers fork: loaded once
        self.siblings: Siblings | None = None
        if siblings is not None:
            from mtclean.normalize.siblings import Siblings

            docs = [as_document(s) for s in siblings]
            self.siblings = Siblings.from_texts(
                (d.id or f"sibling-{i}", d.text) for i, d in enumerate(docs)
            )

    def _detections(self, docs: Sequence[Document]) -> list[list[tuple[str, Detection]]]:
        """Every detector over a batch: ``detect_batch`` where a detector has one. Raises
        :class:`DocumentTooLarge` first if a document is over the size limit."""
        self._checked(docs)
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
        return sorted(inside_boilerplate_dropped(spans), key=lambda s: (s.start, s.end, s.source))

    @staticmethod
    def _load_normalizer() -> Normalizer:
        from mtclean.detectors.model import model_dir
        from mtclean.normalize.normalizer import load_normalizer

        return load_normalizer(model_dir().resolve())

    @property
    def normalizer(self) -> Normalizer | None:
        """The normalizer stage (``None`` when the config switches it off); without the model
        it is loaded on first use (its tables only when a span needs them)."""
        if self._normalizer is None and self.config.normalizer and not self._unavailable:
            try:
                self._normalizer = self._load_normalizer()
            except FileNotFoundError as error:  # without the model the rules still run
                logger.warning("normalizer off: %s", error)
                self._unavailable = True
        return self._normalizer

    def _hold(self, detections: Sequence[tuple[str, Detection]]) -> bool:
        """Whether the model reads the document as clean: its estimated degraded share is
        below the cascade policy's ``rate_low`` (then restorations stay flags)."""
        for detector, (name, detection) in zip(self.detectors, detections, strict=True):
            policy = getattr(detector, "policy", None)
            if name == "model" and policy is not None:
                return detection.score is None or detection.score < policy.rate_low
        return False

    def _normalized(
        self,
        text: str,
        spans: list[Span],
        stats: dict[str, int],
        detections: Sequence[tuple[str, Detection]],
    ) -> list[Span]:
        normalizer = self.normalizer
        if normalizer is None:
            return spans
        spans, counts = normalizer.normalize(text, spans, self.siblings, self._hold(detections))
        for key, value in counts.items():
            stats[f"{normalizer.name}.{key}"] = value
        return spans

    def too_large(self, doc: Document) -> bool:
        """Whether ``doc`` is longer than ``config.max_document_chars``."""
        limit = self.config.max_document_chars
        return limit is not None and len(doc.text) > limit

    def _checked(self, docs: Sequence[Document]) -> None:
        for doc in docs:
            if self.too_large(doc):
                assert self.config.max_document_chars is not None
                raise DocumentTooLarge(len(doc.text), self.config.max_document_chars)

    def _result(self, doc: Document, detections: list[tuple[str, Detection]]) -> CleanResult:
        stats: dict[str, int] = {}
        spans = self._normalized(doc.text, self._reported(detections), stats, detections)
        edits = resolve_edits(spans, self.config.edit_threshold)
        metadata: dict[str, Any] = {}
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
            score=document_score(doc.text, spans, detections),
            stats=stats,
        )

    def detect(self, text: str | Document) -> list[Span]:
        """Spans scoring at least ``config.report_threshold``, sorted by position, with the
        normalizer's candidates."""
        doc = as_document(text)
        detections = self._detections([doc])[0]
        return self._normalized(doc.text, self._reported(detections), {}, detections)

    def clean(self, text: str | Document) -> CleanResult:
        """Detect, choose the confident edits, apply them to the original text."""
        doc = as_document(text)
        return self._result(doc, self._detections([doc])[0])

    def pipe(
        self, items: Iterable[str | Document], batch_size: int = 64, workers: int = 1
    ) -> Iterator[CleanResult]:
        """Clean a stream lazily, ``batch_size`` documents at a time, keeping input order.

        Detectors with a ``detect_batch`` method (the model) see a whole batch at once.
        ``workers`` > 1 cleans batches in that many processes (forked: they share this
        Cleaner's loaded resources); at most ``2 * workers`` batches are in flight, so memory
        stays bounded on any stream.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        iterator = iter(items)
        batches = iter(
            lambda: [as_document(item) for item in itertools.islice(iterator, batch_size)], []
        )
        if workers == 1:
            for batch in batches:
                yield from self._clean_batch(batch)
            return
        yield from _parallel(self, batches, workers)

    def _clean_batch(self, batch: Sequence[Document]) -> list[CleanResult]:
        return [
            self._result(doc, detections)
            for doc, detections in zip(batch, self._detections(batch), strict=True)
        ]


def default_workers() -> int:
    """Worker processes for corpus runs: every core this process may use, at most 8."""
    import os

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(8, usable or 1))


_WORKER: Cleaner | None = None  # the Cleaner a forked worker inherited


def _worker_init() -> None:
    import sys

    torch = sys.modules.get("torch")
    if torch is not None:  # one intra-op thread per worker: the workers share the cores
        torch.set_num_threads(1)


def _worker_batch(batch: list[Document]) -> list[CleanResult]:
    assert _WORKER is not None, "mtclean worker started without a Cleaner"
    return _WORKER._clean_batch(batch)


def _parallel(
    cleaner: Cleaner, batches: Iterator[list[Document]], workers: int
) -> Iterator[CleanResult]:
    import collections
    import multiprocessing

    global _WORKER
    _WORKER = cleaner
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_worker_init) as pool:
        pending: collections.deque[Any] = collections.deque()
        for batch in batches:
            pending.append(pool.apply_async(_worker_batch, (batch,)))
            if len(pending) >= 2 * workers:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
