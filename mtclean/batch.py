"""Batch runs behind the CLI: read inputs, run the Cleaner, write outputs, count problems."""

from __future__ import annotations

import collections
import contextlib
import enum
import json
import logging
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mtclean.cleaner import Cleaner
from mtclean.reading import (
    MTCLEAN_FIELD_REPLACED,
    NON_FINITE,
    InputDocument,
    InputProblem,
    Source,
    read_source,
)
from mtclean.records import CleanResult, Document
from mtclean.serialize import (
    MAX_NESTING,
    detect_record,
    dolma_record,
    json_line,
    mtclean_field,
    nesting,
    record_line,
)
from mtclean.writing import (
    STDOUT,
    OutputWriteError,
    Sink,
    abandoned,
    atomic_writer,
    open_output,
    sidecar_path,
)

logger = logging.getLogger(__name__)

ProblemHandler = Callable[[InputProblem], None]
# Called with each cleaned document's record (the sidecar's shape: id, input, score, spans,
# edits, metadata, stats) and its text as read: the CLI's summary and review page.
ResultHandler = Callable[[dict[str, Any], str], None]


class ExitCode(enum.IntEnum):
    """What ``mtclean detect`` and ``mtclean clean`` exit with (documented in the README)."""

    OK = 0
    INPUT_REJECTED = 1  # some input could not be read; the rest was processed
    USAGE = 2  # bad options, or outputs that would overwrite an input or each other
    OUTPUT_FAILED = 3  # an output could not be written; finished outputs are kept
    INTERRUPTED = 130  # SIGINT/SIGTERM: outputs hold the complete records; --resume continues


WARNINGS = {
    NON_FINITE: "NaN or Infinity (not valid JSON) in the input record; written as null",
    MTCLEAN_FIELD_REPLACED: "the input record already has a 'mtclean' field; clean writes "
    "its own in its place (rename the field first to keep it)",
}


@dataclass
class RunSummary:
    """Counts of a batch run: documents processed, problems by reason, stats summed."""

    documents: int = 0
    edits: int = 0
    spans: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    stats: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    # outputs moved into place (kept even if a later output fails)
    written: list[str] = field(default_factory=list)
    resumed: int = 0  # documents an earlier run had written (--resume)
    interrupted: bool = False  # stopped by SIGINT/SIGTERM; the outputs hold what was done

    def add(self, result: CleanResult) -> None:
        self.documents += 1
        self.edits += len(result.edits)
        self.spans += len(result.spans)
        self.stats.update(result.stats)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        return ExitCode.INPUT_REJECTED if self.problems else ExitCode.OK

    def describe(self, verb: str) -> str:
        """The closing line: ``clean`` applied its edits; ``detect`` ("checked") changed
        nothing, so it says how many of its spans ``clean`` would apply."""
        flags = self.spans - self.edits
        if verb == "checked":
            line = (
                f"{verb} {self.documents} document(s): {self.spans} span(s), {self.edits} of "
                f"them edits clean would apply, {flags} flag(s); nothing changed"
            )
        else:
            line = (
                f"{verb} {self.documents} document(s): {self.edits} edit(s) applied, "
                f"{flags} span(s) left as flags"
            )
        if self.resumed:
            line += f" (after {self.resumed} done by an earlier run)"
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


def preload(cleaner: Cleaner) -> None:
    """Build now what ``cleaner`` would build on first use, before worker processes fork, so
    that they share one copy (copy-on-write) instead of each building its own: the normalizer
    (loaded on the first document when the model is off) and, with the model on, whose spans
    need it in nearly every document, the normalizer's candidate index (the tables read
    backwards: seconds of CPU and hundreds of MB per process; a rules-only run builds it where
    a span needs it, as before). No output changes: the same objects, built earlier."""
    normalizer = cleaner.normalizer
    if normalizer is not None and cleaner.config.model:
        normalizer.index  # noqa: B018 (the property builds and keeps it)


def _counted_total(sources: Sequence[Source]) -> int | None:
    return len(sources) if all(s.one_document for s in sources) else None


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
        if workers > 1:
            preload(cleaner)
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
                        **({"raw_encoding": item.raw_encoding} if item.raw_encoding else {}),
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
                if self.cleaner.too_large(item.document):
                    self.problem(_too_large(item, self.cleaner.config.max_document_chars))
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


def _too_large(item: InputDocument, limit: int | None) -> InputProblem:
    """The reject of a document over the size limit; ``raw`` holds the whole record (or the
    text of a text file), so nothing is lost."""
    where = item.source.name if item.line is None else f"{item.source.name}:{item.line}"
    text = item.document.text
    raw: str | None = text
    if item.record is not None:
        line = record_line(item.record)
        raw = None if line is None else line.decode("utf-8")[:-1]
    return InputProblem(
        item.source,
        where,
        "too_large",
        f"document of {len(text):,} characters is over the limit of {limit:,}; "
        "raise it with --max-document-chars (0: no limit)",
        raw=raw,
    )


def _all_items(
    sources: Sequence[Source], text_field: str, id_field: str
) -> Iterator[InputDocument | InputProblem]:
    for source in sources:
        yield from read_source(source, text_field, id_field)


def _text_report(result: CleanResult, original: str, edit_threshold: float, color: bool) -> str:
    """``detect --format text``: the terminal summary of the document (``mtclean.display``)."""
    from mtclean.display.entries import document_view
    from mtclean.display.terminal import render_document

    record = {"id": result.id, **mtclean_field(result, original)}
    view = document_view(record, original, edit_threshold=edit_threshold)
    return render_document(view, "detect", color)


def run_detect(
    cleaner: Cleaner,
    sources: Sequence[Source],
    output: Path | str,
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
    color: bool = False,
    resume: bool = False,
    stop: StopFlag | None = None,
) -> RunSummary:
    """Write one detect record per readable document to ``output`` (a path, or ``-``: stdout).

    ``early`` holds problems found before reading (missing paths); they are reported and
    counted like the others. ``workers``: processes cleaning batches (see ``Cleaner.pipe``).
    ``color``: the text format with ANSI colour (for a terminal). ``resume`` and ``stop`` as
    in ``run_clean`` (the jsonl and dolma formats: records matched by their ``id``).
    Raises ``OutputFailed`` when ``output`` or ``rejects`` cannot be written.
    """
    run = _Run(cleaner, sources, on_problem, rejects, show_progress, batch_size, early, workers)
    try:
        with run.bar, _output(output, resume) as (out, previous):
            items = _all_items(sources, text_field, id_field)
            if previous is not None:
                items = _skip_done(run, items, previous, out, _detect_matching(cleaner, fmt))
            for item, result in run.cleaned(items):
                original = item.document.text
                if fmt == "jsonl":
                    out.write(json_line(detect_record(result, original)))
                elif fmt == "dolma":
                    out.write(json_line(dolma_record(result, original)))
                else:
                    report = _text_report(result, original, cleaner.config.edit_threshold, color)
                    out.write(report.encode("utf-8"))
                if flush:
                    _flush(out)
                if _stopped(run, stop):
                    break
        if output != STDOUT:
            run.summary.written.append(str(output))
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
    resume: bool = False,
    stop: StopFlag | None = None,
    on_result: ResultHandler | None = None,
) -> RunSummary:
    """Clean every input unit into its planned output (see ``writing.plan_outputs``).

    Text files become text files (plus a ``.mtclean.json`` sidecar with the spans, edits and
    extracted metadata unless ``sidecar`` is off); JSONL becomes JSONL with the cleaned text in
    the same field and everything else under the key ``mtclean`` (and, with ``keep_original``,
    the text as read in that field). JSONL files are cleaned one after the other, each as a
    stream; all text files together as one stream.

    ``resume``: a JSONL output that exists is read back, checked record by record (by
    ``id_field``) against the input's first documents, copied, and continued after them; a
    text file whose output exists is skipped. ``stop``: when it is set (by a signal), the
    run stops after the documents in progress, keeping every complete output record
    (``summary.interrupted``). ``on_result``: called with each cleaned document's record and
    its text as read, after its output was written.
    """
    run = _Run(cleaner, list(plan), on_problem, rejects, show_progress, batch_size, early, workers)
    try:
        with run.bar:
            options = _CleanOptions(
                text_field, id_field, sidecar, flush, keep_original, resume, stop, on_result
            )
            _clean_into(run, plan, options)
    except OutputWriteError as err:
        raise OutputFailed(err, run.summary) from err
    return run.summary


def _kept_fields(
    item: InputDocument, text: str, text_field: str, keep_original: str | None
) -> dict[str, Any]:
    """The fields of a cleaned JSONL record but ``mtclean``: the input record's, with ``text``
    in ``text_field`` and, with ``keep_original``, the text as read in that field."""
    record = {k: v for k, v in (item.record or {}).items() if k != "mtclean"}
    record[text_field] = text
    if keep_original is not None:
        record[keep_original] = item.document.text
    return record


def _jsonl_record(
    item: InputDocument, result: CleanResult, text_field: str, keep_original: str | None = None
) -> bytes | None:
    """The output line of a cleaned JSONL record; None if the record cannot be JSON again
    (nested more than ``MAX_NESTING`` deep: ``_writable`` says which beforehand).
    ``keep_original``: the field that keeps the text as read (the spans' ``start``/``end``
    index it)."""
    record = _kept_fields(item, result.text, text_field, keep_original)
    record["mtclean"] = mtclean_field(result, item.document.text)
    return record_line(record)


def _writable(item: InputDocument, text_field: str, keep_original: str | None) -> bool:
    """Whether ``_jsonl_record`` writes ``item``'s record, from the record alone (the
    ``mtclean`` field nests a few levels, far from the limit)."""
    return nesting(_kept_fields(item, "", text_field, keep_original)) <= MAX_NESTING


def _flush(out: Sink) -> None:
    flush = getattr(out, "flush", None)
    if flush is not None:
        flush()


@dataclass(frozen=True)
class _CleanOptions:
    text_field: str
    id_field: str
    sidecar: bool
    flush: bool
    keep_original: str | None
    resume: bool
    stop: StopFlag | None
    on_result: ResultHandler | None = None


class ResumeMismatch(Exception):
    """``--resume`` found an output that does not continue this input (a usage error)."""


@dataclass(frozen=True)
class _Matching:
    """How ``--resume`` matches an earlier run's output records to the input's documents:
    ``fields`` every record of that command and format holds, ``id_field`` the one holding
    the id, ``expected`` the id a document's record has there, ``written`` whether a document
    gets a record at all (False: it is a reject, such as a document over the size limit)."""

    fields: tuple[str, ...]
    id_field: str
    expected: Callable[[InputDocument], Any]
    written: Callable[[InputDocument], bool]


def _clean_matching(cleaner: Cleaner, options: _CleanOptions) -> _Matching:
    def written(item: InputDocument) -> bool:
        if cleaner.too_large(item.document):
            return False
        return _writable(item, options.text_field, options.keep_original)

    def expected(item: InputDocument) -> Any:
        return (item.record or {}).get(options.id_field)

    return _Matching(("mtclean", options.text_field), options.id_field, expected, written)


def _detect_matching(cleaner: Cleaner, fmt: str) -> _Matching:
    fields = ("id", "attributes") if fmt == "dolma" else ("id", "score", "spans")

    def written(item: InputDocument) -> bool:
        return not cleaner.too_large(item.document)

    def expected(item: InputDocument) -> Any:
        return item.document.id

    return _Matching(fields, "id", expected, written)


@dataclass(frozen=True)
class _Previous:
    """The complete records an interrupted run left for an output, read from ``path``."""

    path: Path
    records: Iterator[tuple[bytes, dict[str, Any]]]
    killed: bool  # ``path`` is the temporary file of a run killed while writing

    @property
    def where(self) -> str:
        """``path`` as messages name it."""
        return (
            f"{self.path} (the temporary file of a killed run)" if self.killed else str(self.path)
        )


def _complete_records(stream: IO[bytes]) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """The whole lines of an earlier output that are JSON objects, up to the first that is
    not (a line cut short: a run killed while writing, a truncated compressed tail)."""
    try:
        for line in stream:
            if not line.endswith(b"\n"):
                return
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                return
            if not isinstance(record, dict):
                return
            yield line, record
    except Exception as err:  # a truncated compressed tail: what came before is kept
        if not isinstance(err, OSError | EOFError | zlib.error | ValueError) and (
            type(err).__name__ != "ZstdError"
        ):
            raise
        return


@contextlib.contextmanager
def _output(target: Path | str, resume: bool) -> Iterator[tuple[Sink, _Previous | None]]:
    """``open_output(target)`` and, with ``resume``, what an interrupted run left for it: the
    temporary file of a run killed while writing it (SIGKILL), the newest work, else
    ``target``. That file is opened before the new writer removes dead runs' temporary files
    (see ``writing.atomic_writer``), and read as it is copied."""
    from mtclean.reading import open_input

    with contextlib.ExitStack() as stack:
        previous = None
        if resume and target != STDOUT:
            killed = abandoned(Path(target))
            path = killed or Path(target)
            if path.is_file():
                try:
                    stream = stack.enter_context(open_input(Source("jsonl", path, Path(path.name))))
                except OSError as err:
                    raise ResumeMismatch(f"--resume: cannot read {path}: {err}") from err
                if killed is not None:
                    logger.info("%s: resuming from %s, left by a run that was killed", target, path)
                previous = _Previous(path, _complete_records(stream), killed is not None)
        yield stack.enter_context(open_output(target)), previous


def _skip_done(
    run: _Run,
    items: Iterable[InputDocument | InputProblem],
    previous: _Previous,
    out: Sink,
    matching: _Matching,
) -> Iterator[InputDocument | InputProblem]:
    """``items`` without the documents an interrupted run already wrote: each is checked
    against its output record (``matching``) and the record copied into ``out``; problems,
    and documents that get no record (rejects), pass, so that the rejects are complete again."""
    count = 0
    done = False
    where = previous.where
    for item in items:
        if done or isinstance(item, InputProblem) or not matching.written(item):
            yield item
            continue
        entry = next(previous.records, None)
        if entry is None:
            done = True
            if count:
                logger.info("%s: resumed after %d record(s)", where, count)
            yield item
            continue
        line, record = entry
        written_id, expected = record.get(matching.id_field), matching.expected(item)
        if written_id != expected:
            raise ResumeMismatch(
                f"--resume: record {count + 1} of {where} has {matching.id_field} "
                f"{written_id!r} but the input's document there ({item.source.name}:"
                f"{item.line}) has {expected!r}: it does not continue this input; remove it, "
                "or run without --resume"
            )
        missing = [name for name in matching.fields if name not in record]
        if missing:
            raise ResumeMismatch(
                f"--resume: record {count + 1} of {where} has no {missing[0]!r} field: it is "
                "not an output of this command and format; remove it, or run without --resume"
            )
        count += 1
        out.write(line)
        run.summary.resumed += 1
        run.bar.update(1)
    if not done and next(previous.records, None) is not None:
        raise ResumeMismatch(
            f"--resume: {where} holds more records than the input has documents: it is not "
            "the output of this input; remove it, or run without --resume"
        )


def _stopped(run: _Run, stop: StopFlag | None) -> bool:
    if stop is not None and stop.requested:
        run.summary.interrupted = True
        return True
    return False


def _clean_into(run: _Run, plan: dict[Source, Path | str], options: _CleanOptions) -> None:
    text_field, id_field = options.text_field, options.id_field
    texts: list[Source] = []
    for source, target in plan.items():
        if source.one_document:
            if options.resume and _text_done(target, options.sidecar):
                run.summary.resumed += 1
                continue
            texts.append(source)
            continue
        if _stopped(run, options.stop):
            return
        with _output(target, options.resume) as (handle, previous):
            items: Iterable[InputDocument | InputProblem] = read_source(
                source, text_field, id_field
            )
            if previous is not None:
                items = _skip_done(
                    run, items, previous, handle, _clean_matching(run.cleaner, options)
                )
            for item, result in run.cleaned(items):
                line = _jsonl_record(item, result, text_field, options.keep_original)
                if line is None:
                    location = f"{source.name}:{item.line}"
                    message = "the cleaned record cannot be written as JSON (nested too deeply)"
                    run.problem(InputProblem(source, location, "unwritable_record", message))
                else:
                    handle.write(line)
                    if options.flush:
                        _flush(handle)
                    if options.on_result is not None:
                        original = item.document.text
                        where = f"{source.name}:{item.line}" if item.line else source.name
                        record = {"id": result.id, "input": where}
                        options.on_result({**record, **mtclean_field(result, original)}, original)
                if _stopped(run, options.stop):
                    break
        if target != STDOUT:
            run.summary.written.append(str(target))
        if run.summary.interrupted:
            return
    if _stopped(run, options.stop):
        return
    for item, result in run.cleaned(_all_items(texts, text_field, id_field)):
        target = plan[item.source]
        with open_output(target) as handle:
            handle.write(result.text.encode("utf-8"))
        if target != STDOUT:
            run.summary.written.append(str(target))
            if options.sidecar:
                with atomic_writer(sidecar_path(target)) as handle:
                    handle.write(json_line(_sidecar(result, item.document.text, item.source)))
                run.summary.written.append(str(sidecar_path(target)))
        if options.on_result is not None:
            options.on_result(_sidecar(result, item.document.text, item.source), item.document.text)
        if _stopped(run, options.stop):
            return


def _text_done(target: Path | str, sidecar: bool) -> bool:
    """A text file's output (and sidecar) written by an earlier run: ``--resume`` skips it."""
    if target == STDOUT or not Path(target).is_file():
        return False
    return not sidecar or sidecar_path(target).is_file()


class StopFlag:
    """Set by the first SIGINT/SIGTERM (see ``stop_on_signals``): the run finishes the
    documents in progress, keeps what is written and stops."""

    def __init__(self) -> None:
        self.requested = False
        self.signal_name = ""


_STOPPING_IN: set[int] = set()  # processes whose signals stop_on_signals has taken over
_SAVED: dict[int, Any] = {}  # their handlers while a fork is under way
_FORK_HOOKED = False


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _before_fork() -> None:
    """Fork with the default SIGTERM and an ignored SIGINT, so that a pool worker has them
    from its first instruction (a SIGTERM that arrives before Python's own after-fork code
    runs is otherwise lost, and the pool waits for that worker forever)."""
    import os
    import signal

    if os.getpid() in _STOPPING_IN and _main_thread():
        _SAVED[signal.SIGTERM] = signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _SAVED[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)


def _after_fork_in_parent() -> None:
    import signal

    while _SAVED:
        sig, handler = _SAVED.popitem()
        signal.signal(sig, handler)


def _after_fork_in_child() -> None:
    _SAVED.clear()
    _STOPPING_IN.clear()


@contextlib.contextmanager
def stop_on_signals(on_first: Callable[[str], None] | None = None) -> Iterator[StopFlag]:
    """Turn the first SIGINT or SIGTERM into a request to stop cleanly (a second one aborts
    with KeyboardInterrupt). Processes forked meanwhile (pool workers) ignore SIGINT (the main
    process decides) and die on SIGTERM as usual, so that a pool can be terminated."""
    import os
    import signal

    global _FORK_HOOKED
    if not _FORK_HOOKED and hasattr(os, "register_at_fork"):
        os.register_at_fork(
            before=_before_fork,
            after_in_parent=_after_fork_in_parent,
            after_in_child=_after_fork_in_child,
        )
        _FORK_HOOKED = True
    flag = StopFlag()
    main_pid = os.getpid()

    def handler(signum: int, _frame: Any) -> None:
        if os.getpid() != main_pid:  # a child forked from another thread: behave as default
            if signum == signal.SIGTERM:
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)
            return
        if flag.requested:
            raise KeyboardInterrupt
        flag.requested = True
        flag.signal_name = signal.Signals(signum).name
        if on_first is not None:
            on_first(flag.signal_name)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    _STOPPING_IN.add(main_pid)
    try:
        yield flag
    finally:
        _STOPPING_IN.discard(main_pid)
        for sig, old in previous.items():
            signal.signal(sig, old)
