"""The ``mtclean`` command line: a thin layer over ``mtclean.batch``."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from mtclean import __version__
from mtclean.batch import (
    ExitCode,
    OutputFailed,
    ResumeMismatch,
    RunSummary,
    StopFlag,
    run_clean,
    run_detect,
    stop_on_signals,
)
from mtclean.cleaner import Cleaner, default_workers
from mtclean.config import DEFAULT_EDIT_THRESHOLD, DEFAULT_MAX_DOCUMENT_CHARS, CleanerConfig
from mtclean.paths import DEFAULT_BASELINE
from mtclean.reading import STDIN, InputProblem, Source, expand_paths, read_source
from mtclean.writing import (
    STDOUT,
    STDOUT_NAME,
    Output,
    OutputError,
    OutputWriteError,
    atomic_writer,
    check_outputs,
    clean_outputs,
    plan_outputs,
)

app = typer.Typer(
    name="mtclean",
    help="Find and repair spun, machine-translated and boilerplate-polluted English news text.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)

PathsArg = Annotated[
    list[str],
    typer.Argument(
        help="Inputs: .txt files, .html pages (their text extracted by trafilatura), .jsonl "
        "files (plain, .gz, .bz2, .zst), .csv/.tsv (with --text-field), .parquet files, "
        "folders of any of these, or - for stdin.",
        show_default=False,
    ),
]
TextField = Annotated[
    str | None,
    typer.Option(
        help="JSONL field (CSV/Parquet column) holding the document text [default: text; a "
        "CSV input needs it named]",
        show_default=False,
    ),
]
HtmlField = Annotated[
    str | None,
    typer.Option(
        "--html-field",
        metavar="FIELD",
        help="JSONL field (CSV/Parquet column) holding each record's HTML page: the text "
        "trafilatura extracts from it is the document (offsets index it; written as "
        "mtclean.extracted_text).",
        show_default=False,
    ),
]
IdField = Annotated[
    str, typer.Option(help="JSONL field (CSV/Parquet column) holding the document id.")
]
InputFormat = Annotated[
    str,
    typer.Option(
        help="auto (by extension and magic bytes: .jsonl[.gz|.bz2|.zst], .csv, .tsv, "
        ".parquet, .html; a page by its first bytes; anything else text), txt, html, jsonl, "
        "csv or parquet; stdin is text (or HTML, sniffed) unless this says jsonl or csv "
        "(compressed stdin is recognised by its magic bytes)."
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary.")]
Rejects = Annotated[
    Path | None,
    typer.Option(help="Write every unreadable input (location, reason, raw line) to this JSONL."),
]
EditThreshold = Annotated[
    float,
    typer.Option(
        min=0.0, max=1.0, help="Spans scoring below this are only flagged, never applied."
    ),
]
MaxDocumentChars = Annotated[
    int,
    typer.Option(
        "--max-document-chars", min=0,
        help="Reject (reason too_large, with the record in --rejects) a document longer than "
        "this many characters; 0: no limit.",
    ),
]  # fmt: skip
NoEncoding = Annotated[
    bool,
    typer.Option(
        "--no-encoding",
        help="Switch the encoding component off (mojibake and HTML entity repair).",
    ),
]
NoBoilerplate = Annotated[
    bool, typer.Option("--no-boilerplate", help="Switch the boilerplate component off.")
]
NoLexicon = Annotated[bool, typer.Option("--no-lexicon", help="Switch the lexicon component off.")]
NoPunctuation = Annotated[
    bool, typer.Option("--no-punctuation", help="Switch the punctuation component off.")
]
UseModel = Annotated[
    bool,
    typer.Option(
        "--model/--no-model",
        help="The trained span classifier (on by default; --no-model leaves the rules only).",
    ),
]
UseQe = Annotated[
    bool,
    typer.Option(
        "--qe/--no-qe",
        help="Sentence-level MT quality estimation: flag whole sentences the estimator reads "
        "as badly machine-translated, and add the document MT score (off by default: slow).",
    ),
]
ModelThreshold = Annotated[
    float | None,
    typer.Option(
        "--model-threshold", min=0.0, max=1.0,
        help="One fixed calibrated probability at which the model flags a word in every "
        "document (default: decided per document, strict in clean-looking text).",
    ),
]  # fmt: skip
Siblings = Annotated[
    list[str] | None,
    typer.Option(
        "--siblings",
        help="Related articles (same story, other outlets): a .txt file, a folder of them or a "
        ".jsonl file; repeatable. The normalizer prefers the originals they use.",
        show_default=False,
    ),
]
Cluster = Annotated[
    bool,
    typer.Option(
        "--cluster",
        help="The inputs are related articles: each one's siblings are the others (read "
        "into memory first, so for a few thousand documents, not a corpus).",
    ),
]
UseNormalizer = Annotated[
    bool,
    typer.Option(
        "--normalizer/--no-normalizer",
        help="Rank candidate originals for flagged spun spans (on by default).",
    ),
]
Resume = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Continue an interrupted run: keep the records its JSONL outputs hold (or, after "
        "a SIGKILL, the whole records of its temporary file), checked against the input by id, "
        "and process the rest; clean skips text files already written.",
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers", "-j", min=1,
        help="Processes cleaning in parallel (default: every usable core, at most 8).",
        show_default=False,
    ),
]  # fmt: skip


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mtclean {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
) -> None:
    """Find and repair spun, machine-translated and boilerplate-polluted English news text."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="mtclean: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )


def _fail(message: str) -> NoReturn:
    typer.secho(f"mtclean: error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(ExitCode.USAGE)


def _check_outputs(
    outputs: list[Output], sources: list[Source], paths: list[str], siblings: list[str] | None
) -> None:
    """Refuse outputs that would destroy an input (the siblings included) or each other
    (exit 2) or that cannot be written (exit 3), before any work."""
    if siblings:
        related, _ = _sources(siblings, "auto")
        sources, paths = [*sources, *related], [*paths, *siblings]
    try:
        check_outputs(outputs, sources, paths)
    except OutputError as err:
        _fail(str(err))
    except OutputWriteError as err:
        _output_failed(err, None)


def _output_failed(error: OutputWriteError, summary: RunSummary | None) -> NoReturn:
    if error.broken_pipe:  # the reader stopped (| head): quietly, and no second error at exit
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(ExitCode.OUTPUT_FAILED)
    message = f"mtclean: error: {error}"
    if summary is not None and error.target == STDOUT_NAME:
        message += f" (after {summary.documents} document(s))"
    elif summary is not None:
        message += (
            f" (after {summary.documents} document(s); kept {len(summary.written)} finished "
            f"output file(s), removed the unfinished {error.target})"
        )
    typer.secho(message, err=True, fg=typer.colors.RED)
    raise typer.Exit(ExitCode.OUTPUT_FAILED)


@contextlib.contextmanager
def _output_errors() -> Iterator[None]:
    """An output that fails while the run writes it: one message, exit 3."""
    try:
        yield
    except OutputFailed as err:
        _output_failed(err.error, err.summary)
    except OutputWriteError as err:
        _output_failed(err, None)


def _stopping(signal_name: str) -> None:
    typer.secho(
        f"mtclean: {signal_name}: finishing the documents in progress, keeping what is written "
        "(send it again to abort)",
        err=True, fg=typer.colors.YELLOW,
    )  # fmt: skip


@contextlib.contextmanager
def _resume_errors() -> Iterator[None]:
    try:
        yield
    except ResumeMismatch as err:
        _fail(str(err))


def _say_interrupted(summary: RunSummary, stop: StopFlag) -> None:
    """After SIGINT/SIGTERM: what was kept, and how to continue."""
    if not summary.interrupted:
        return
    kept = ", ".join(summary.written[-3:]) or "none"
    typer.secho(
        f"mtclean: interrupted ({stop.signal_name}) after {summary.documents} document(s); "
        f"the outputs hold complete records only (last written: {kept}); to continue, run "
        "the same command again with --resume",
        err=True, fg=typer.colors.YELLOW,
    )  # fmt: skip


def _report_problem(problem: InputProblem) -> None:
    typer.secho(f"mtclean: {problem.describe()}", err=True, fg=typer.colors.YELLOW)


def _sources(
    paths: list[str],
    input_format: str,
    text_field: str | None = "text",
    html_field: str | None = None,
) -> tuple[list[Source], list[InputProblem]]:
    """The input units; HTML without trafilatura, CSV without ``--text-field`` and unknown
    formats exit 2 here, before any work."""
    if paths.count("-") > 1:
        _fail("stdin (-) can be given only once")
    try:
        return expand_paths(paths, input_format, text_field=text_field, html_field=html_field)
    except ValueError as err:
        _fail(str(err))


def _streaming(paths: list[str], workers: int | None) -> tuple[int, int, bool]:
    """Batch size, workers and flushing: from stdin, each document is cleaned and written
    (flushed) as soon as it has arrived; otherwise batches of 64 over every core."""
    if STDIN in paths:
        return 1, workers or 1, True
    return 64, workers or default_workers(), False


def _cleaner(
    edit_threshold: float,
    no_boilerplate: bool,
    no_punctuation: bool,
    no_lexicon: bool,
    model: bool,
    model_threshold: float | None,
    normalizer: bool = True,
    siblings: list[str] | None = None,
    text_field: str = "text",
    id_field: str = "id",
    max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS,
    qe: bool = False,
    encoding: bool = True,
) -> Cleaner:
    config = CleanerConfig(
        encoding=encoding,
        boilerplate=not no_boilerplate,
        punctuation=not no_punctuation,
        lexicon=not no_lexicon,
        model=model,
        model_threshold=model_threshold,
        normalizer=normalizer,
        qe=qe,
        edit_threshold=edit_threshold,
        max_document_chars=max_document_chars or None,
    )
    related = _sibling_texts(siblings, text_field, id_field) if siblings else None
    try:
        return Cleaner(config, siblings=related)
    except ImportError as err:
        _fail(
            f"the model needs packages that are missing ({err}); install them with: "
            "pip install torch==2.13.0 && pip install mtclean (or pass --no-model)"
        )
    except FileNotFoundError as err:
        _fail(f"cannot load the model: {err}")


def _related(siblings: list[str] | None, paths: list[str], cluster: bool) -> list[str] | None:
    """The sibling paths: ``--siblings``, plus the inputs themselves with ``--cluster``."""
    if not cluster:
        return siblings
    if STDIN in paths:
        _fail("--cluster reads the inputs twice, so it cannot take stdin (-)")
    return [*(siblings or []), *paths]


def _sibling_texts(paths: list[str], text_field: str, id_field: str) -> list[str]:
    """The texts of the sibling articles; an unreadable sibling is an error (it is evidence)."""
    if STDIN in paths:
        _fail("--siblings cannot be stdin")
    sources, problems = _sources(paths, "auto")
    texts: list[str] = []
    for source in sources:
        for item in read_source(source, text_field, id_field):
            if isinstance(item, InputProblem):
                problems.append(item)
            else:
                texts.append(item.document.text)
    if problems:
        _fail(f"--siblings: {problems[0].describe()}")
    return texts


def _colored_stdout() -> bool:
    from mtclean.display.terminal import wants_color

    return wants_color(sys.stdout)


def _finish(summary: RunSummary, verb: str, quiet: bool) -> None:
    if not quiet:
        typer.echo(f"mtclean: {summary.describe(verb)}", err=True)
    raise typer.Exit(summary.exit_code)


@contextlib.contextmanager
def _open_rejects(rejects: Path | None) -> Iterator[Any]:
    """The rejects file; when another output fails, the rejects found so far are kept."""
    if rejects is None:
        yield None
        return
    failure: OutputFailed | None = None
    with atomic_writer(rejects) as handle:
        try:
            yield handle
        except OutputFailed as err:
            if err.error.target == str(rejects):
                raise
            failure = err
    if failure is not None:
        raise failure


MAX_REVIEW_DOCUMENTS = 200  # documents on one review page (a corpus run shows its first ones)


class _Display:
    """What a person sees of a ``clean`` run: each document's summary on stderr as it is
    cleaned, and the records kept for the review page."""

    def __init__(self, edit_threshold: float, summary: bool, review: bool) -> None:
        from mtclean.display.terminal import wants_color

        self.edit_threshold = edit_threshold
        self.summary = summary
        self.review = review
        self.color = summary and wants_color(sys.stderr)
        self.views: list[Any] = []
        self.omitted = 0

    @property
    def wanted(self) -> bool:
        return self.summary or self.review

    def add(self, record: dict[str, Any], original: str) -> None:
        from mtclean.display.entries import document_view

        view = document_view(
            record, original, edit_threshold=self.edit_threshold, name=record.get("input", "")
        )
        if self.summary:
            from tqdm import tqdm

            from mtclean.display.terminal import render_document

            tqdm.write(render_document(view, "clean", self.color), file=sys.stderr, end="")
        if self.review:
            if len(self.views) < MAX_REVIEW_DOCUMENTS:
                self.views.append(view)
            else:
                self.omitted += 1

    def write_review(self, target: Path) -> None:
        from mtclean.display.review import review_page

        page = review_page(self.views, omitted=self.omitted)
        with atomic_writer(target) as handle:
            handle.write(page.encode("utf-8"))


@app.command(
    epilog="Examples:\n\n"
    "    mtclean detect article.txt\n\n"
    "    mtclean detect seeds/ --format text\n\n"
    "    mtclean detect corpus.jsonl --text-field body --id-field url -o spans.jsonl\n\n"
    "    mtclean detect page.html\n\n"
    "    mtclean detect pages.jsonl --html-field html\n\n"
    "    cat article.txt | mtclean detect -"
)
def detect(
    paths: PathsArg,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="jsonl (one object per document), text, or dolma (span attributes: "
            '{"id", "attributes": {"mtclean__spun": [[start, end, score], ...], ...}}).',
        ),
    ] = "jsonl",
    output: Annotated[
        str, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = STDOUT,
    text_field: TextField = None,
    html_field: HtmlField = None,
    id_field: IdField = "id",
    input_format: InputFormat = "auto",
    edit_threshold: EditThreshold = DEFAULT_EDIT_THRESHOLD,
    max_document_chars: MaxDocumentChars = DEFAULT_MAX_DOCUMENT_CHARS,
    no_encoding: NoEncoding = False,
    no_boilerplate: NoBoilerplate = False,
    no_punctuation: NoPunctuation = False,
    no_lexicon: NoLexicon = False,
    model: UseModel = True,
    model_threshold: ModelThreshold = None,
    normalizer: UseNormalizer = True,
    qe: UseQe = False,
    siblings: Siblings = None,
    cluster: Cluster = False,
    workers: Workers = None,
    resume: Resume = False,
    rejects: Rejects = None,
    quiet: Quiet = False,
) -> None:
    """Report degraded spans (spun, mt, boilerplate) per document; change nothing.

    Each JSONL line is {"id", "score", "spans": [{"start", "end", "label", "score", "text",
    "replacement", "source", "reason", "candidates"}]}; offsets index the text exactly as read;
    "candidates" are the normalizer's ranked originals ({"text", "score", "evidence"}).
    """
    if format not in ("jsonl", "text", "dolma"):
        _fail(f"unknown --format {format!r}; use jsonl, text or dolma")
    if resume and (output == STDOUT or format == "text"):
        _fail("--resume needs an output file (-o) in the jsonl or dolma format")
    sources, early = _sources(paths, input_format, text_field, html_field)
    text_field = text_field or "text"
    batch_size, workers, flush = _streaming(paths, workers)
    outputs = [Output(Path(output), "-o")] if output != STDOUT else []
    _check_outputs(
        outputs + ([Output(rejects, "--rejects")] if rejects else []), sources, paths, siblings
    )
    cleaner = _cleaner(
        edit_threshold, no_boilerplate, no_punctuation, no_lexicon, model, model_threshold,
        normalizer, _related(siblings, paths, cluster), text_field, id_field, max_document_chars,
        qe, encoding=not no_encoding,
    )  # fmt: skip
    with (
        _output_errors(),
        _resume_errors(),
        stop_on_signals(_stopping) as stop,
        _open_rejects(rejects) as rejects_handle,
    ):
        summary = run_detect(
            cleaner, sources, output, fmt=format, text_field=text_field, id_field=id_field,
            on_problem=_report_problem, rejects=rejects_handle, show_progress=not quiet,
            early=early, workers=workers, batch_size=batch_size, flush=flush,
            color=format == "text" and output == STDOUT and _colored_stdout(),
            resume=resume, stop=stop,
        )  # fmt: skip
    _say_interrupted(summary, stop)
    _finish(summary, "checked", quiet)


@app.command(
    epilog="Examples:\n\n"
    "    mtclean clean article.txt -o article.clean.txt\n\n"
    "    mtclean clean seeds/ -o out/seeds\n\n"
    "    mtclean clean corpus.jsonl -o clean.jsonl --rejects rejected.jsonl\n\n"
    "    mtclean clean page.html -o page.txt\n\n"
    "    mtclean clean pages.jsonl --html-field html -o clean.jsonl\n\n"
    "    mtclean clean article.txt -o article.clean.txt --review review.html\n\n"
    "    cat article.txt | mtclean clean - -o -"
)
def clean(
    paths: PathsArg,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="Output file or folder (mirrors the input layout); - for stdout (one input).",
            show_default=False,
        ),
    ],
    text_field: TextField = None,
    html_field: HtmlField = None,
    id_field: IdField = "id",
    input_format: InputFormat = "auto",
    edit_threshold: EditThreshold = DEFAULT_EDIT_THRESHOLD,
    max_document_chars: MaxDocumentChars = DEFAULT_MAX_DOCUMENT_CHARS,
    no_encoding: NoEncoding = False,
    no_boilerplate: NoBoilerplate = False,
    no_punctuation: NoPunctuation = False,
    no_lexicon: NoLexicon = False,
    model: UseModel = True,
    model_threshold: ModelThreshold = None,
    normalizer: UseNormalizer = True,
    qe: UseQe = False,
    siblings: Siblings = None,
    cluster: Cluster = False,
    workers: Workers = None,
    sidecar: Annotated[
        bool,
        typer.Option(
            help="Beside each cleaned text file, write NAME.mtclean.json with the spans, edits "
            "and extracted metadata (bylines, source URLs, dates)."
        ),
    ] = True,
    keep_original: Annotated[
        str | None,
        typer.Option(
            "--keep-original",
            metavar="FIELD",
            help="JSONL/CSV/Parquet records: keep the text as read in this field (the spans' "
            "start/end index it; clean_start/clean_end index the cleaned text either way).",
            show_default=False,
        ),
    ] = None,
    resume: Resume = False,
    rejects: Rejects = None,
    review: Annotated[
        Path | None,
        typer.Option(
            "--review",
            metavar="HTML",
            help="Write a review page: each article with its spans highlighted, edits as "
            "before/after, flags with their candidates and evidence, the extracted metadata "
            f"and removed boilerplate (one self-contained file; several documents get a list; "
            f"at most the first {MAX_REVIEW_DOCUMENTS}).",
            show_default=False,
        ),
    ] = None,
    summary_shown: Annotated[
        bool | None,
        typer.Option(
            "--summary/--no-summary",
            help="Print each document's summary on stderr: scores, keep/drop, one line per "
            "edit and per flag [default: on for text files, off for JSONL/CSV/Parquet records; "
            "-q: off]",
            show_default=False,
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Write cleaned copies of the inputs; never writes over an input.

    Text stays text (file to file, folder to folder); JSONL stays JSONL with the cleaned text in
    the same field and the spans, edits and extracted metadata under "mtclean".
    """
    sources, early = _sources(paths, input_format, text_field, html_field)
    text_field = text_field or "text"
    if html_field is not None and html_field in (text_field, "mtclean"):
        _fail(f"--html-field {html_field!r}: the cleaned text goes into --text-field "
              f"({text_field!r}) and the record keeps its page; name another field for the "
              "text, e.g. --text-field text")  # fmt: skip
    if keep_original is not None and keep_original in (text_field, "mtclean", ""):
        _fail(f"--keep-original {keep_original!r} would overwrite the cleaned text or the "
              "mtclean field; choose another field name, e.g. text_original")  # fmt: skip
    batch_size, workers, flush = _streaming(paths, workers)
    plan: dict[Source, Path | str]
    if output == STDOUT:
        if resume:
            _fail("--resume needs an output file or folder (-o), not stdout")
        if len(sources) != 1:
            _fail("-o - (stdout) takes exactly one input document or JSONL file")
        plan = {sources[0]: STDOUT}
    else:
        try:
            plan = dict(plan_outputs(sources, paths, output))
        except OutputError as err:
            _fail(str(err))
        except OutputWriteError as err:
            _output_failed(err, None)
    outputs = clean_outputs(plan, sidecar, rejects)
    if review is not None:
        outputs.append(Output(review, "--review"))
    _check_outputs(outputs, sources, paths, siblings)
    if summary_shown is None:
        summary_shown = not quiet and all(source.one_document for source in sources)
    display = _Display(edit_threshold, summary_shown, review is not None)
    cleaner = _cleaner(
        edit_threshold, no_boilerplate, no_punctuation, no_lexicon, model, model_threshold,
        normalizer, _related(siblings, paths, cluster), text_field, id_field, max_document_chars,
        qe, encoding=not no_encoding,
    )  # fmt: skip
    with (
        _output_errors(),
        _resume_errors(),
        stop_on_signals(_stopping) as stop,
        _open_rejects(rejects) as rejects_handle,
    ):
        summary = run_clean(
            cleaner, plan, text_field=text_field, id_field=id_field, on_problem=_report_problem,
            rejects=rejects_handle, sidecar=sidecar, show_progress=not quiet, early=early,
            workers=workers, batch_size=batch_size, flush=flush, keep_original=keep_original,
            resume=resume, stop=stop, on_result=display.add if display.wanted else None,
        )  # fmt: skip
        if review is not None:
            display.write_review(review)
            summary.written.append(str(review))
    _say_interrupted(summary, stop)
    _finish(summary, "cleaned", quiet)


@app.command(
    epilog="Examples:\n\n"
    "    mtclean evaluate\n\n"
    "    mtclean evaluate --quick --gate\n\n"
    "    mtclean evaluate --quick --update-baseline\n\n"
    "    mtclean evaluate --quick --no-model\n\n"
    "    MTCLEAN_DATA=/data/mtclean mtclean evaluate --limit 100 --out reports/"
)
def evaluate(
    data: Annotated[
        Path | None,
        typer.Option(
            help="Folder holding bbc_news/, mlqe_pe/, article_extraction_benchmark/ "
            "[default: $MTCLEAN_DATA or ../shared/data]",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for report.json, report.md, plots.")] = Path(
        "reports"
    ),
    quick: Annotated[
        bool, typer.Option("--quick", help="Small sample (the CI gate): 20 BBC, 12 MLQE docs.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic degradations.")] = 0,
    limit: Annotated[
        int | None, typer.Option(min=1, help="At most this many documents per synthetic part.")
    ] = None,
    gate: Annotated[
        bool, typer.Option("--gate", help="Compare with the baseline; exit 1 on regression.")
    ] = False,
    baseline: Annotated[Path, typer.Option(help="Baseline floors (JSON).")] = DEFAULT_BASELINE,
    update_baseline: Annotated[
        bool,
        typer.Option("--update-baseline", help="Pin this run's numbers (minus noise) as floors."),
    ] = False,
    allow_lower: Annotated[
        bool, typer.Option("--allow-lower", help="Let --update-baseline lower existing floors.")
    ] = False,
    model: Annotated[
        bool,
        typer.Option(
            "--model/--no-model",
            help="Measure the systems that need the trained model (mtclean, the default "
            "Cleaner); --no-model skips them (faster). Skipped with the reason when the model or "
            "its packages are missing.",
        ),
    ] = True,
    quiet: Quiet = False,
) -> None:
    """Measure do-nothing, lexicon-only, mtclean-rules (the Cleaner without the model) and
    mtclean (the default Cleaner, with the trained model) on the seeds, synthetic and clean text.

    Writes report.json and report.md (a table per label per part) and PNG plots; parts whose
    data or tools are missing are skipped with a note saying how to get them.
    """
    from mtclean.evaluation.run import Options as EvaluationOptions
    from mtclean.evaluation.run import evaluate_and_write  # only this command needs it

    outcome = evaluate_and_write(
        EvaluationOptions(
            data=data, out=out, quick=quick, seed=seed, limit=limit, gate=gate,
            baseline=baseline, update_baseline=update_baseline, allow_lower=allow_lower,
            model=model, show_progress=not quiet, command=["mtclean", *sys.argv[1:]],
        )
    )  # fmt: skip
    for skip in outcome.report["skipped"]:
        typer.secho(
            f"mtclean: skipped {skip['part']}: {skip['reason']}; to fix: {skip['fix']}",
            err=True,
            fg=typer.colors.YELLOW,
        )
    if not quiet:
        for path in outcome.written:
            typer.echo(f"mtclean: wrote {path}", err=True)
    if outcome.gate is not None:
        for line in (*outcome.gate.failures, *outcome.gate.warnings):
            typer.secho(f"mtclean: gate: {line}", err=True, fg=typer.colors.RED)
        for line in outcome.gate.not_gated:
            typer.echo(f"mtclean: gate: {line}", err=True)
        verdict = "passed" if outcome.gate.ok else "FAILED"
        typer.echo(f"mtclean: gate {verdict}: {len(outcome.gate.passed)} checks passed, "
                   f"{len(outcome.gate.failures)} failed, {len(outcome.gate.not_checked)} "
                   "not checked", err=True)  # fmt: skip
    if outcome.baseline_written is not None:
        typer.echo(f"mtclean: wrote baseline {outcome.baseline_written}", err=True)
    for error in outcome.errors:
        typer.secho(f"mtclean: error: {error}", err=True, fg=typer.colors.RED)
    raise typer.Exit(outcome.exit_code)
