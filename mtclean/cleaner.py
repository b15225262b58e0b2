"""The Python API: ``Cleaner().detect(text)``, ``.clean(text)``, ``.pipe(texts)``."""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mtclean.config import CleanerConfig
from mtclean.detectors import Detector, build_detectors
from mtclean.edits import apply_edits
from mtclean.quotes import QuotedSpeech
from mtclean.records import CleanResult, Detection, Document, Edit, Span
from mtclean.resolve import resolve_edits
from mtclean.scoring import degradation_score
from mtclean.view import TextView, compose

logger = logging.getLogger(__name__)

QUOTED = "inside quotation marks: flag only"
MAX_ROUNDS = 4  # passes of the rules over their own repairs (see Cleaner._settled)

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


@dataclass(frozen=True, slots=True)
class Analysis:
    """One document's detections: the segmenters' in offsets into the document, the others'
    in offsets into ``view`` (the document with the segmenters' removals applied)."""

    view: TextView
    detections: list[tuple[str, Detection]]
    segmenters: frozenset[str]


def _inside_any(span: Span, edits: Sequence[Edit], starts: Sequence[int]) -> bool:
    """Whether ``span`` is a repair lying wholly inside one of ``edits`` (sorted, disjoint;
    ``starts``: their starts)."""
    if span.replacement is None or span.label == "boilerplate" or not edits:
        return False
    import bisect

    k = bisect.bisect_right(starts, span.start) - 1
    return k >= 0 and span.end <= edits[k].end and edits[k].label == span.label


def _run(detector: Detector, docs: Sequence[Document]) -> list[Detection]:
    batch = getattr(detector, "detect_batch", None)
    return list(batch(docs)) if callable(batch) else [detector.detect(d) for d in docs]


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


def _mt_score(metadata: dict[str, Any]) -> float | None:
    """The document MT score the ``qe`` detector put in ``metadata["qe"]``, if it ran."""
    qe = metadata.get("qe")
    return float(qe["mt_score"]) if isinstance(qe, dict) and "mt_score" in qe else None


def document_score(
    text: str, spans: Sequence[Span], detections: Sequence[tuple[str, Detection]]
) -> float:
    """The document's degradation score: the share of degraded content words by the spans, or
    a component's own estimate of it (the model's mean word probability) when that is higher."""
    estimates = [d.score for _, d in detections if d.score is not None]
    return round(max([degradation_score(text, spans), *estimates]), 4)


def _count_applied(stats: dict[str, int], edits: Sequence[Edit]) -> None:
    """Counters after the resolver decided: a detector counts what it found as
    ``<component>.flagged_<reason>``; the spans the resolver applied move to
    ``<component>.edited_<reason>``, so ``flagged_`` counts the spans left as flags (before,
    five stray breaks applied as edits were reported as ``punctuation.flagged_stray_break: 5``)."""
    for edit in edits:
        if stats.get(f"{edit.source}.removed_{edit.reason}", 0) > 0:
            continue  # a component that counts its removals itself (boilerplate)
        flagged = f"{edit.source}.flagged_{edit.reason}"
        if stats.get(flagged, 0) > 0:
            stats[flagged] -= 1
            if not stats[flagged]:
                del stats[flagged]
            edited = f"{edit.source}.edited_{edit.reason}"
            stats[edited] = stats.get(edited, 0) + 1


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

    def _detections(
        self, docs: Sequence[Document], detectors: Sequence[Detector] | None = None
    ) -> list[Analysis]:
        """Every detector (of ``detectors``, default all) over a batch (``detect_batch``
        where a detector has one): first the segmenting ones (``segments = True``:
        boilerplate) on the documents as given, then the others on each document's view with
        the segmenters' confident removals applied (offsets into the view; see
        :class:`~mtclean.view.TextView`). Raises :class:`DocumentTooLarge` first if a
        document is over the size limit."""
        self._checked(docs)
        chosen = self.detectors if detectors is None else tuple(detectors)
        found: dict[int, list[Detection]] = {}
        segmenters = [i for i, d in enumerate(chosen) if getattr(d, "segments", False)]
        for i in segmenters:
            found[i] = _run(chosen[i], docs)
        views = [self._view(doc, [found[i][k] for i in segmenters]) for k, doc in enumerate(docs)]
        content = [
            doc if view.identity else Document(view.text, doc.id, doc.metadata)
            for doc, view in zip(docs, views, strict=True)
        ]
        for i, detector in enumerate(chosen):
            if i not in found:
                found[i] = _run(detector, content)
        named = frozenset(chosen[i].name for i in segmenters)
        return [
            Analysis(view, [(d.name, found[i][k]) for i, d in enumerate(chosen)], named)
            for k, view in enumerate(views)
        ]

    def _view(self, doc: Document, segmented: Sequence[Detection]) -> TextView:
        """The document with the removals the resolver will choose among the segmenters'
        spans (they win every conflict, so these are the edits the result will hold)."""
        threshold = self.config.report_threshold
        spans = [s for det in segmented for s in det.spans if s.score >= threshold]
        return TextView(doc.text, resolve_edits(spans, self.config.edit_threshold))

    def _reported(self, analysis: Analysis) -> tuple[list[Span], dict[int, tuple[Span, Span]]]:
        """The reported spans in view offsets (the segmenters' spans moved into the view),
        and the segmenters' spans by the id of their image in the view (with the image, which
        so stays alive: its id is not reused)."""
        threshold = self.config.report_threshold
        originals: dict[int, tuple[Span, Span]] = {}
        spans: list[Span] = []
        for name, det in analysis.detections:
            for span in det.spans:
                if span.score < threshold:
                    continue
                if name in analysis.segmenters:
                    image = analysis.view.to_view(span)
                    if image is None:  # removed whole: nothing of it in the view
                        continue
                    originals[id(image)] = (image, span)
                    span = image
                spans.append(span)
        kept = inside_boilerplate_dropped(spans)
        return sorted(kept, key=lambda s: (s.start, s.end, s.source)), originals

    def _spans(
        self, doc: Document, analysis: Analysis, stats: dict[str, int], hold: bool | None = None
    ) -> list[Span]:
        """The reported spans with the normalizer's candidates, in offsets into ``doc``;
        ``hold``: see :meth:`_hold` (default: decided from ``analysis``)."""
        view = analysis.view
        spans, originals = self._reported(analysis)
        if hold is None:
            hold = self._hold(analysis.detections)
        reads_spun = self._reads_spun(analysis.detections)
        spans = self._normalized(view.text, spans, stats, hold, reads_spun)
        out = [originals[id(s)][1] if id(s) in originals else view.to_original(s) for s in spans]
        for name, det in analysis.detections:  # removed whole: not in the view, still reported
            if name in analysis.segmenters:
                out.extend(
                    s
                    for s in det.spans
                    if s.score >= self.config.report_threshold and view.to_view(s) is None
                )
        return sorted(self._quotes_held(doc.text, out), key=lambda s: (s.start, s.end, s.source))

    def _quotes_held(self, text: str, spans: list[Span]) -> list[Span]:
        """Spun and mt repairs inside quotation marks kept as flags unless their edit score
        reaches ``config.quoted_edit_threshold`` or they restore a verified source's wording
        (``alignment`` evidence: the source's quote is the speaker's words; see
        :mod:`mtclean.quotes`)."""
        threshold = max(self.config.quoted_edit_threshold, self.config.edit_threshold)
        at_risk = [
            i
            for i, s in enumerate(spans)
            if s.label != "boilerplate"
            and s.replacement is not None
            and self.config.edit_threshold <= s.edit_score < threshold
            and not (s.candidates and s.candidates[0].evidence[:1] == ("alignment",))
        ]
        if not at_risk:
            return spans
        quotes = QuotedSpeech(text)
        out = list(spans)
        for i in at_risk:
            span = spans[i]
            if quotes.overlaps(span.start, span.end):
                reason = f"{span.reason}; {QUOTED}" if span.reason else QUOTED
                out[i] = dataclasses.replace(span, replacement=None, reason=reason)
        return out

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

    def _reading(
        self, detections: Sequence[tuple[str, Detection]]
    ) -> Literal["clean", "spun"] | None:
        """How the model reads the document: ``"clean"`` when its estimated degraded share is
        below the cascade policy's ``rate_low`` (or the screen kept the encoder away),
        ``"spun"`` from there up; ``None`` without the model."""
        policies = {d.name: getattr(d, "policy", None) for d in self.detectors}
        for name, detection in detections:
            policy = policies.get(name)
            if name == "model" and policy is not None:
                clean = detection.score is None or detection.score < policy.rate_low
                return "clean" if clean else "spun"
        return None

    def _hold(self, detections: Sequence[tuple[str, Detection]]) -> bool:
        """Whether the model reads the document as clean (then restorations stay flags)."""
        return self._reading(detections) == "clean"

    def _reads_spun(self, detections: Sequence[tuple[str, Detection]]) -> bool:
        """Whether the model reads the document as spun through (then the siblings' wording
        may flag words: ``mtclean.normalize.sibling_wording``)."""
        return self._reading(detections) == "spun"

    def _normalized(
        self,
        text: str,
        spans: list[Span],
        stats: dict[str, int],
        hold: bool,
        reads_spun: bool = False,
    ) -> list[Span]:
        normalizer = self.normalizer
        if normalizer is None:
            return spans
        spans, counts = normalizer.normalize(text, spans, self.siblings, hold, reads_spun)
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

    def _result(self, doc: Document, analysis: Analysis) -> CleanResult:
        stats: dict[str, int] = {}
        detections = analysis.detections
        hold = self._hold(detections)
        spans = self._spans(doc, analysis, stats, hold)
        edits = resolve_edits(spans, self.config.edit_threshold)
        metadata: dict[str, Any] = {}
        page = doc.metadata.get("page")  # what trafilatura read of the page (mtclean.extract)
        if isinstance(page, dict):
            metadata["page"] = dict(page)
        for name, det in detections:
            metadata.update(det.metadata)
            for key, value in det.stats.items():
                stats[f"{name}.{key}"] = stats.get(f"{name}.{key}", 0) + value
        edits, spans = self._settled(doc, edits, spans, hold, stats)
        _count_applied(stats, edits)
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
            mt_score=_mt_score(metadata),
        )

    def _settled(
        self,
        doc: Document,
        edits: tuple[Edit, ...],
        spans: list[Span],
        hold: bool,
        stats: dict[str, int],
    ) -> tuple[tuple[Edit, ...], list[Span]]:
        """The edits and spans, with what the detectors that run again (``reruns = True``: the
        rules; not the model) still repair in the text they give, until nothing is left (at
        most :data:`MAX_ROUNDS` passes): so cleaning the result again changes nothing. A
        repair that makes another one possible ("focused . on" -> "focused. on") and a line
        that reads as boilerplate once its neighbours are gone are taken in the same run. A
        later repair is merged with the earlier edits it touches (:func:`compose`) and
        reported as one span, in place of the spans of the repairs it holds."""
        rerun = [d for d in self.detectors if getattr(d, "reruns", False)]
        for _ in range(MAX_ROUNDS):
            if not edits or not rerun:
                break
            view = TextView(doc.text, edits)
            again = Document(view.text, doc.id, doc.metadata)
            found = self._spans(again, self._detections([again], rerun)[0], {}, hold)
            later = [  # a repair to what the text already says is no repair
                e
                for e in resolve_edits(found, self.config.edit_threshold)
                if view.text[e.start : e.end] != e.replacement
            ]
            if not later:
                break
            edits, new = compose(view, later)
            starts = [e.start for e in new]
            spans = [s for s in spans if not _inside_any(s, new, starts)]
            spans.extend(
                Span(e.start, e.end, e.label, max(0.0, min(1.0, e.score)), e.source,
                     e.replacement, f"{e.reason} (a later pass)".lstrip())
                for e in new
            )  # fmt: skip
            stats["rounds"] = stats.get("rounds", 1) + 1
        return edits, sorted(spans, key=lambda s: (s.start, s.end, s.source))

    def detect(self, text: str | Document) -> list[Span]:
        """Spans scoring at least ``config.report_threshold``, sorted by position, with the
        normalizer's candidates."""
        doc = as_document(text)
        return self._spans(doc, self._detections([doc])[0], {})

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
            self._result(doc, analysis)
            for doc, analysis in zip(batch, self._detections(batch), strict=True)
        ]


def default_workers() -> int:
    """Worker processes for corpus runs: every core this process may use, at most 8."""
    import os

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(8, usable or 1))


_WORKER: Cleaner | None = None  # the Cleaner a forked worker inherited


def _worker_init() -> None:
    import sys

    _die_with_parent()
    torch = sys.modules.get("torch")
    if torch is not None:  # one intra-op thread per worker: the workers share the cores
        torch.set_num_threads(1)


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the process that started it dies: a run
    killed with SIGKILL then leaves no orphan workers behind to print broken-pipe tracebacks.
    Elsewhere, and where prctl is unavailable, nothing changes."""
    import os
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request was made
        os._exit(0)


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
