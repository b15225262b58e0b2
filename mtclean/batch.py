"""Batch runs behind the CLI: read inputs, run the Cleaner, write outputs, count problems."""

from __future__ import annotations

import collections
import enum
import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtclean.cleaner import Cleaner
from mtclean.reading import NON_FINITE, InputDocument, InputProblem, Source, read_source
from mtclean.records import CleanResult, Document
from mtclean.serialize import detect_record, json_line, mtclean_field, span_record
from mtclean.writing import STDOUT, OutputWriteError, Sink, atomic_writer, open_output, sidecar_path

logger = logging.getLogger(__name__)

ProblemHandler = Callable[[InputProblem], None]


class ExitCode(enum.IntEnum):
    """What ``mtclean detect`` and ``mtclean clean`` exit with (documented in the README)."""

    OK = 0
    INPUT_REJECTED = 1  # some input could not be read; the rest was processed
    USAGE = 2  # bad options, or outputs that would overwrite an input or each other
    OUTPUT_FAILED = 3  # an output could not be written; finished outputs are kept


WARNINGS = {
    NON_FINITE: "NaN or Infinity (not valid JSON) in the input record; written as null",
}


@dataclass
class RunSummary:
    """Counts of a batch run: documents processed, problems by reason, stats summed."""

    documents: int = 0
    edits: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    stats: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    # outputs moved into place (kept even if a later output fails)
    written: list[str] = field(default_factory=list)

    def add(self, result: CleanResult) -> None:
        self.documents += 1
        self.edits += len(result.edits)
        self.stats.update(result.stats)

    @property
    def exit_code(self) -> int:
        return ExitCode.INPUT_REJECTED if self.problems else ExitCode.OK

    def describe(self, verb: str) -> str:
        line = f"{verb} {self.documents} document(s), {self.edits} edit(s)"
        if self.problems:
            reasons = ", ".join(f"{k}: {v}" for k, v in sorted(self.problems.items()))
            line += f"; {sum(self.problems.values())} input problem(s) ({reasons})"
        if self.warnings:
            reasons = ", ".join(f"{k}: {v}" for k, v in sorted(self.warnings.items()))
            line += f"; {sum(self.warnings.values())} warning(s) ({reasons})"
        return line


class OutputFailed(Exception):
    """Writing an output failed during a run: ``error`` says which and why, ``summary`` counts
    what was done before (the outputs in ``summary.written`` are complete and kept)."""

    def __init__(self, error: OutputWriteError, summary: RunSummary) -> None:
        super().__init__(str(error))
        self.error = error
        self.summary = summary


def progress(total: int | None, enabled: bool, unit: str = "doc") -> Any:
    """A tqdm bar on stderr, silent when disabled or when stderr is not a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, file=sys.stderr, disable=None if enabled else True)


def _counted_total(sources: Sequence[Source]) -> int | None:
    return len(sources) if all(s.kind == "txt" for s in sources) else None


class _Run:
    """Shared state of one run: the cleaner, the summary, the problem sinks, the bar."""

    def __init__(
        self,
        cleaner: Cleaner,
        sources: Sequence[Source],
        on_problem: ProblemHandler,
        rejects: Sink | None,
        show_progress: bool,
        batch_size: int,
        early: Sequence[InputProblem],
        workers: int = 1,
    ) -> None:
        self.cleaner = cleaner
        self.workers = workers
        self.summary = RunSummary()
        self.on_problem = on_problem
        self.rejects = rejects
        self.bar = progress(_counted_total(sources), show_progress)
        self.batch_size = batch_size
        for problem in early:
            self.problem(problem)

    def problem(self, item: InputProblem) -> None:
        self.summary.problems[item.reason] += 1
        self.on_problem(item)
        if self.rejects is not None:
            self.rejects.write(
                json_line(
                    {
                        "location": item.location,
                        "reason": item.reason,
                        "message": item.message,
                        "raw": item.raw,
                    }
                )
            )

    def warn(self, item: InputDocument) -> None:
        for key in item.warnings:
            self.summary.warnings[key] += 1
        for key in sorted(set(item.warnings)):
            where = item.source.name if item.line is None else f"{item.source.name}:{item.line}"
            logger.warning("%s: %s", where, WARNINGS.get(key, key))

    def cleaned(
        self, items: Iterable[InputDocument | InputProblem]
    ) -> Iterator[tuple[InputDocument, CleanResult]]:
        """Clean the documents among ``items`` as one stream (batched, in ``workers``
        processes); report the problems on the way."""
        pending: collections.deque[InputDocument] = collections.deque()

        def documents() -> Iterator[Document]:
            for item in items:
                if isinstance(item, InputProblem):
                    self.problem(item)
                    continue
                if item.warnings:
                    self.warn(item)
                pending.append(item)
                yield item.document

        results = self.cleaner.pipe(documents(), batch_size=self.batch_size, workers=self.workers)
        for result in results:
            item = pending.popleft()
            self.summary.add(result)
            self.bar.update(1)
            yield item, result


def _all_items(
    sources: Sequence[Source], text_field: str, id_field: str
) -> Iterator[InputDocument | InputProblem]:
    for source in sources:
        yield from read_source(source, text_field, id_field)


def _text_report(result: CleanResult, original: str) -> str:
    lines = [f"== {result.id}  score={result.score:.3f}  spans={len(result.spans)}"]
    for span in result.spans:
        rec = span_record(span, original)
        shown = rec["text"].replace("\n", "\\n")
        if len(shown) > 70:
            shown = shown[:67] + "..."
        arrow = "" if span.replacement is None else f" -> {span.replacement!r}"
        if span.candidates:  # the normalizer's: how sure the restoration is
            arrow += f" p={span.candidates[0].score:.2f}"
        lines.append(
            f"  [{span.start}:{span.end}] {span.label:<11} {span.score:.2f} {span.source:<11}"
            f" {shown!r}{arrow}"
        )
    return "\n".join(lines) + "\n"


def run_detect(
    cleaner: Cleaner,
    sources: Sequence[Source],
    out: Sink,
    *,
    fmt: str = "jsonl",
    text_field: str = "text",
    id_field: str = "id",
    on_problem: ProblemHandler,
    rejects: Sink | None = None,
    show_progress: bool = True,
    batch_size: int = 64,
    early: Sequence[InputProblem] = (),
    workers: int = 1,
    flush: bool = False,
) -> RunSummary:
    """Write one detect record per readable document to ``out``.

    ``early`` holds problems found before reading (missing paths); they are reported and
    counted like the others. ``workers``: processes cleaning batches (see ``Cleaner.pipe``).
    Raises ``OutputFailed`` when ``out`` or ``rejects`` cannot be written.
    """
    run = _Run(cleaner, sources, on_problem, rejects, show_progress, batch_size, early, workers)
    try:
        with run.bar:
            for item, result in run.cleaned(_all_items(sources, text_field, id_field)):
                original = item.document.text
                if fmt == "jsonl":
                    out.write(json_line(detect_record(result, original)))
                else:
                    out.write(_text_report(result, original).encode("utf-8"))
                if flush:
                    _flush(out)
    except OutputWriteError as err:
        raise OutputFailed(err, run.summary) from err
    return run.summary


def _sidecar(result: CleanResult, original: str, source: Source) -> dict[str, Any]:
    return {"id": result.id, "input": source.name, **mtclean_field(result, original)}


def run_clean(
    cleaner: Cleaner,
    plan: dict[Source, Path | str],
    *,
    text_field: str = "text",
    id_field: str = "id",
    on_problem: ProblemHandler,
    rejects: Sink | None = None,
    sidecar: bool = True,
    show_progress: bool = True,
    batch_size: int = 64,
    early: Sequence[InputProblem] = (),
    workers: int = 1,
    flush: bool = False,
    keep_original: str | None = None,
) -> RunSummary:
    """Clean every input unit into its planned output (see ``writing.plan_outputs``).

    Text files become text files (plus a ``.mtclean.json`` sidecar with the spans, edits and
    extracted metadata unless ``sidecar`` is off); JSONL becomes JSONL with the cleaned text in
    the same field and everything else under the key ``mtclean`` (and, with ``keep_original``,
    the text as read in that field). JSONL files are cleaned one after the other, each as a
    stream; all text files together as one stream.
    """
    run = _Run(cleaner, list(plan), on_problem, rejects, show_progress, batch_size, early, workers)
    try:
        with run.bar:
            _clean_into(run, plan, text_field, id_field, sidecar, flush, keep_original)
    except OutputWriteError as err:
        raise OutputFailed(err, run.summary) from err
    return run.summary


def _jsonl_record(
    item: InputDocument, result: CleanResult, text_field: str, keep_original: str | None = None
) -> bytes | None:
    """The output line of a cleaned JSONL record; None if the record cannot be JSON again.
    ``keep_original``: the field that keeps the text as read (the spans' ``start``/``end``
    index it)."""
    record = dict(item.record or {})
    record[text_field] = result.text
    if keep_original is not None:
        record[keep_original] = item.document.text
    record["mtclean"] = mtclean_field(result, item.document.text)
    try:
        return json_line(record)
    except (ValueError, RecursionError):
        return None


def _flush(out: Sink) -> None:
    flush = getattr(out, "flush", None)
    if flush is not None:
        flush()


def _clean_into(
    run: _Run,
    plan: dict[Source, Path | str],
    text_field: str,
    id_field: str,
    sidecar: bool,
    flush: bool = False,
    keep_original: str | None = None,
) -> None:
    texts: list[Source] = []
    for source, target in plan.items():
        if source.kind == "txt":
            texts.append(source)
            continue
        with open_output(target) as handle:
            for item, result in run.cleaned(read_source(source, text_field, id_field)):
                line = _jsonl_record(item, result, text_field, keep_original)
                if line is None:
                    location = f"{source.name}:{item.line}"
                    message = "the cleaned record cannot be written as JSON (nested too deeply)"
                    run.problem(InputProblem(source, location, "unwritable_record", message))
                    continue
                handle.write(line)
                if flush:
                    _flush(handle)
        if target != STDOUT:
            run.summary.written.append(str(target))
    for item, result in run.cleaned(_all_items(texts, text_field, id_field)):
        target = plan[item.source]
        with open_output(target) as handle:
            handle.write(result.text.encode("utf-8"))
        if target == STDOUT:
            continue
        run.summary.written.append(str(target))
        if sidecar:
            with atomic_writer(sidecar_path(target)) as handle:
                handle.write(json_line(_sidecar(result, item.document.text, item.source)))
            run.summary.written.append(str(sidecar_path(target)))
