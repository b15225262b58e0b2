"""Reading input documents, streaming: text files, HTML pages, JSONL (plain or compressed), CSV,
Parquet, folders of them, and stdin.

One reader module for every input. Nothing is read wholly into memory except a single text
document (or page): JSONL and CSV are read line by line (through the decompressor for
``.gz``, ``.bz2`` and ``.zst``, recognised by suffix and by magic bytes), Parquet in record
batches. An HTML page (by its name, ``.html``/``.htm``/``.xhtml``, plain or compressed, or by
its first bytes, on stdin too) and the HTML field of a record (``html_field``) become the
document of the text trafilatura extracts from them (:func:`mtclean.extract.html_document`:
offsets index that text; the page's metadata goes under ``metadata["page"]``); a page with
no text to extract is an ``InputProblem`` (``no_text_extracted``). What cannot be read is
refused before any work with ``UnsupportedInput`` (a usage error): HTML without trafilatura
installed, CSV without a named text column, Parquet on stdin.

Every problem with one input (missing file, binary data, invalid UTF-8, an empty document, a
JSONL line that is not JSON or lacks the text field, a truncated compressed file) becomes an
``InputProblem`` naming the file and line, so that a batch run reports it, counts it and goes
on with the other documents.
"""

from __future__ import annotations

import bz2
import contextlib
import csv
import dataclasses
import datetime
import decimal
import gzip
import io
import json
import logging
import math
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from mtclean.records import Document

SourceKind = Literal["txt", "html", "jsonl", "csv", "parquet"]
Compression = Literal["gzip", "bz2", "zstd"]
INPUT_FORMATS = ("auto", "txt", "html", "jsonl", "csv", "parquet")
STDIN = "-"
_BINARY_SNIFF_BYTES = 8192
_HTML_SNIFF_BYTES = 1024
PARQUET_BATCH_ROWS = 1024  # rows per record batch read from a Parquet file
_BOM = b"\xef\xbb\xbf"  # UTF-8's byte order mark, which some tools write first

MAGIC: dict[bytes, Compression] = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bz2",
    b"\x28\xb5\x2f\xfd": "zstd",
}
COMPRESSION_SUFFIXES: dict[str, Compression] = {
    ".gz": "gzip",
    ".gzip": "gzip",
    ".bz2": "bz2",
    ".zst": "zstd",
    ".zstd": "zstd",
}
_PARQUET_MAGIC = b"PAR1"
_KIND_SUFFIXES: dict[str, SourceKind] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
NO_TEXT = "no_text_extracted"  # the problem key: a page trafilatura finds no article text in

logger = logging.getLogger(__name__)


class UnsupportedInput(ValueError):
    """An input mtclean cannot read as text (HTML without trafilatura; CSV without
    ``--text-field``; Parquet on stdin). Found before any work; a usage error."""


@dataclass(frozen=True, slots=True)
class Source:
    """One input unit: a text file, a JSONL/CSV/Parquet file, or stdin (``path is None``).

    ``relpath`` is where the unit's output goes relative to the output folder (a CSV or Parquet
    input is cleaned into JSONL, so its ``relpath`` names a ``.jsonl`` file; an HTML page into
    text, ``.txt``). ``html_field``: the record field holding each record's HTML page (JSONL,
    CSV, Parquet), whose extracted text is then the document.
    """

    kind: SourceKind
    path: Path | None
    relpath: Path
    html_field: str | None = None

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else "<stdin>"

    @property
    def one_document(self) -> bool:
        """A text file or an HTML page: one document, cleaned into a text file."""
        return self.kind in ("txt", "html")


@dataclass(frozen=True, slots=True)
class InputDocument:
    """A readable document; ``warnings`` lists what was changed on reading (see
    ``NON_FINITE``), by short counter key."""

    document: Document
    source: Source
    line: int | None = None
    record: dict[str, Any] | None = field(default=None, repr=False)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that could not be read as a document; ``reason`` is a short counter key."""

    source: Source | None
    location: str
    reason: str
    message: str
    raw: str | None = field(default=None, repr=False)
    # how ``raw`` holds the input's bytes: None for text as read; "latin-1" for a line that
    # is not UTF-8 (each byte one character: ``raw.encode("latin-1")`` gives the bytes back)
    raw_encoding: str | None = None

    def describe(self) -> str:
        return f"{self.location}: {self.message}"


# --- what an input is ------------------------------------------------------------------------


def compression_of(head: bytes) -> Compression | None:
    """The compression a file's first bytes announce, None for none we read."""
    for magic, name in MAGIC.items():
        if head.startswith(magic):
            return name
    return None


def suffix_compression(path: Path | str) -> Compression | None:
    """The compression a file name announces by its last suffix (``.gz``, ``.bz2``, ``.zst``)."""
    return COMPRESSION_SUFFIXES.get(Path(path).suffix.lower())


def _inner_suffix(path: Path) -> str:
    """The format suffix under any compression suffix: ``a.jsonl.gz`` -> ``.jsonl``."""
    name = path.name.lower()
    stem = Path(name)
    if stem.suffix in COMPRESSION_SUFFIXES:
        stem = Path(stem.stem)
    return stem.suffix


def is_html_name(path: Path) -> bool:
    return _inner_suffix(path) in _HTML_SUFFIXES


def looks_like_html(head: bytes) -> bool:
    """Text that starts (after a BOM and white space) with ``<!DOCTYPE html`` or ``<html``."""
    start = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n").lower()
    return start.startswith(("<!doctype html", "<html"))


def _head(path: Path, size: int = _HTML_SNIFF_BYTES) -> bytes:
    """The first bytes of a file, decompressed; empty if it cannot be read (the reader then
    reports why)."""
    try:
        with _open_path(path) as stream:
            return stream.read(size)
    except (OSError, EOFError, ValueError, zlib.error, ImportError):
        return b""
    except Exception:  # zstandard.ZstdError and the like: the reader reports it
        return b""


def _raw_head(path: Path, size: int = 8) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _kind_for(path: Path, input_format: str) -> SourceKind:
    if input_format != "auto":
        return input_format  # type: ignore[return-value]
    if _raw_head(path, 4) == _PARQUET_MAGIC:
        return "parquet"
    kind = _KIND_SUFFIXES.get(_inner_suffix(path))
    if kind is not None and kind != "txt":
        return kind
    raw = _raw_head(path)
    if kind is None and compression_of(raw) is not None:  # corpus.gz: JSONL if it starts so
        head = _head(path, 64).removeprefix(_BOM).lstrip()  # a BOM first: still JSONL
        if head.startswith(b"{"):
            return "jsonl"
    return "html" if looks_like_html(_head(path)) else "txt"  # a page saved as .txt


def _is_input_file(path: Path) -> bool:
    inner = _inner_suffix(path)
    return inner in _KIND_SUFFIXES and not path.name.startswith(".")


def _output_relpath(rel: Path, kind: SourceKind) -> Path:
    """Where a unit's cleaned output goes: CSV and Parquet are cleaned into JSONL (keeping a
    compression suffix: ``a.csv.gz`` -> ``a.jsonl.gz``)."""
    if kind == "html":  # cleaned into text: page.html -> page.txt, page.html.gz -> page.txt.gz
        compressed = suffix_compression(rel)
        base = rel.with_suffix("") if compressed else rel
        name = base.with_suffix(".txt")
        return name.with_name(name.name + rel.suffix) if compressed else name
    if kind not in ("csv", "parquet"):
        return rel
    compressed = suffix_compression(rel) if kind == "csv" else None
    base = rel.with_suffix("") if compressed else rel
    name = base.with_suffix(".jsonl")
    return name.with_name(name.name + rel.suffix) if compressed else name


def expand_paths(
    paths: Sequence[str],
    input_format: str = "auto",
    *,
    text_field: str | None = "text",
    html_field: str | None = None,
) -> tuple[list[Source], list[InputProblem]]:
    """Turn command-line PATHs into input units.

    A folder contributes its text, JSONL (plain or compressed), CSV and Parquet files
    (recursively, sorted by path); a folder holding text files is a folder of articles and
    contributes those only (a ``gold.jsonl`` beside them is not a document). With several
    PATHs, each unit's ``relpath`` starts with the PATH's own name so that outputs of
    different inputs cannot collide. ``html_field``: the records' field holding HTML pages.
    Raises ``UnsupportedInput`` before anything is read for HTML when trafilatura is missing,
    for CSV when ``text_field`` is None (no column named), and for Parquet on stdin.
    """
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"unknown input format {input_format!r}; use {', '.join(INPUT_FORMATS)}")
    sources: list[Source] = []
    problems: list[InputProblem] = []
    several = len(paths) > 1
    given = [os.path.normpath(p) for p in paths if p != STDIN]
    twice = sorted({p for p in given if given.count(p) > 1})
    if twice:
        raise UnsupportedInput(f"{twice[0]} is given twice; give each input once")
    for raw in paths:
        if raw == STDIN:
            sources.append(_stdin_source(input_format))
            continue
        path = Path(raw)
        if path.is_dir():
            found = _folder_sources(path, raw, input_format, several, problems)
            sources.extend(found)
        elif path.exists():
            kind = _kind_for(path, input_format)
            sources.append(Source(kind, path, _output_relpath(Path(path.name), kind)))
        elif os.path.islink(path):
            problems.append(
                InputProblem(
                    None, raw, "dangling_symlink",
                    "a symbolic link to nothing (or a loop of links); fix or remove it",
                )
            )  # fmt: skip
        else:
            problems.append(
                InputProblem(None, raw, "missing", "no such file or folder; check the path")
            )
    if html_field is not None:
        sources = [
            dataclasses.replace(s, html_field=html_field) if s.kind in _RECORD_KINDS else s
            for s in sources
        ]
    for source in sources:
        _check_supported(source, text_field)
    return sources, problems


_RECORD_KINDS: tuple[SourceKind, ...] = ("jsonl", "csv", "parquet")


def _stdin_source(input_format: str) -> Source:
    kind: SourceKind = "txt" if input_format == "auto" else input_format  # type: ignore[assignment]
    if input_format == "auto":
        peek = getattr(sys.stdin.buffer, "peek", None)
        head = peek(_HTML_SNIFF_BYTES)[:_HTML_SNIFF_BYTES] if peek is not None else b""
        if compression_of(head) is None and looks_like_html(head):
            kind = "html"
    if kind == "parquet":
        raise UnsupportedInput("Parquet cannot be read from stdin (-); give the file's path")
    name = {"txt": "stdin", "html": "stdin.txt"}.get(kind, "stdin.jsonl")
    return Source(kind, None, Path(name))


def _walk(root: Path, problems: list[InputProblem]) -> list[Path]:
    """Every file under ``root``, symbolic links to folders followed once; what cannot be
    read is a problem, never skipped in silence: an unreadable subfolder, a link to a folder
    already on the way down (a loop), an input-named link to nothing."""
    found: list[Path] = []
    seen = {os.path.realpath(root)}

    def unreadable(err: OSError) -> None:
        where = err.filename or str(root)
        message = f"cannot read folder: {err.strerror}"
        problems.append(InputProblem(None, str(where), "unreadable", message))

    for folder, subfolders, names in os.walk(root, onerror=unreadable, followlinks=True):
        kept = []
        here = os.path.realpath(folder)
        for name in sorted(subfolders):
            full = os.path.join(folder, name)
            real = os.path.realpath(full)
            # a folder reached a second time (through a link below it), or a link to a folder
            # holding this one (its parent, the root's parent): following it reads files twice
            if real in seen or here.startswith(real.rstrip(os.sep) + os.sep):
                problems.append(
                    InputProblem(
                        None, full, "symlink_loop",
                        f"a symbolic link to a folder already read or holding it ({real}); "
                        "not followed",
                    )
                )  # fmt: skip
                continue
            seen.add(real)
            kept.append(name)
        subfolders[:] = kept
        for name in names:
            path = Path(folder, name)
            if path.is_symlink() and not path.exists() and _is_input_file(path):
                problems.append(
                    InputProblem(
                        None, str(path), "dangling_symlink",
                        "a symbolic link to nothing (or a loop of links); fix or remove it",
                    )
                )  # fmt: skip
                continue
            found.append(path)
    return found


def _folder_sources(
    path: Path, raw: str, input_format: str, several: bool, problems: list[InputProblem]
) -> list[Source]:
    every = _walk(path, problems)
    files = sorted(p for p in every if p.is_file() and _is_input_file(p))
    texts = [p for p in files if _kind_for(p, input_format) in ("txt", "html")]
    if texts and len(texts) < len(files):
        # a folder of articles: the data files beside them (a gold.jsonl) are not documents
        logger.warning(
            "%s: reading its %d text files; %d data file(s) beside them are not read "
            "(give them as PATHs of their own to clean them)",
            raw, len(texts), len(files) - len(texts),
        )  # fmt: skip
        files = texts
    if not files:
        problems.append(
            InputProblem(
                None, raw, "no_input",
                "folder holds no .txt, .html, .jsonl (.gz, .bz2, .zst), .csv or .parquet files",
            )
        )  # fmt: skip
    sources = []
    for file in files:
        kind = _kind_for(file, input_format)
        rel = file.relative_to(path)
        rel = Path(path.name) / rel if several else rel
        sources.append(Source(kind, file, _output_relpath(rel, kind)))
    return sources


def _check_supported(source: Source, text_field: str | None) -> None:
    if source.kind == "csv" and text_field is None:
        raise UnsupportedInput(
            f"{source.name} is CSV: name the column holding the text with --text-field COLUMN "
            "(and the id column with --id-field COLUMN)"
        )
    if source.kind == "html" or source.html_field is not None:
        from mtclean.extract import ExtractionUnavailable, require_extraction

        try:
            require_extraction()
        except ExtractionUnavailable as err:
            raise UnsupportedInput(f"{source.name}: {err}") from err


# --- opening, decompressing ------------------------------------------------------------------


def _decompressing(raw: IO[bytes], compression: Compression | None) -> IO[bytes]:
    if compression == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if compression == "bz2":
        return bz2.BZ2File(raw, "rb")
    if compression == "zstd":
        return io.BufferedReader(_ZstdReader(raw))
    return raw


class ZstdTruncated(EOFError):
    """A ``.zst`` stream that ends inside a frame (zstandard's stream reader says nothing)."""


class _ZstdReader(io.RawIOBase):
    """Zstandard frames decompressed one after the other; raises ``ZstdTruncated`` when the
    input ends inside a frame, so that a truncated file is a problem, not a silent end."""

    _CHUNK = 1 << 16

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard  # only .zst inputs need it

        self._raw = raw
        self._new = zstandard.ZstdDecompressor().decompressobj
        self._frame = self._new()
        self._started = False  # the current frame has had input
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = self._raw.read(self._CHUNK)
            if not chunk:
                if self._started and not self._frame.eof:
                    raise ZstdTruncated("the .zst stream ends inside a frame")
                return 0
            while chunk:
                if self._frame.eof:
                    self._frame, self._started = self._new(), False
                self._started = True
                self._pending += self._frame.decompress(chunk)
                chunk = self._frame.unused_data if self._frame.eof else b""
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _sniff(raw: IO[bytes]) -> Compression | None:
    peek = getattr(raw, "peek", None)
    if peek is None:
        return None
    return compression_of(peek(4)[:4])


@contextlib.contextmanager
def _open_path(path: Path) -> Iterator[IO[bytes]]:
    with open(path, "rb") as raw:
        yield _decompressing(raw, _sniff(raw))


@contextlib.contextmanager
def open_input(source: Source) -> Iterator[IO[bytes]]:
    """A binary stream of ``source``'s bytes, decompressed by magic bytes (a file or stdin)."""
    if source.path is None:
        raw = sys.stdin.buffer
        if not hasattr(raw, "peek"):  # a replaced stdin (io.BytesIO): sniffing needs peek
            raw = io.BufferedReader(raw)
        yield _decompressing(raw, _sniff(raw))
        return
    with _open_path(source.path) as stream:
        yield stream


_DECOMPRESSION_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)


def _is_decompression_error(err: BaseException) -> bool:
    return isinstance(err, _DECOMPRESSION_ERRORS) or type(err).__name__ == "ZstdError"


def _broken(source: Source, after: int, err: BaseException) -> InputProblem:
    if isinstance(err, OSError) and err.strerror and not isinstance(err, gzip.BadGzipFile):
        why = err.strerror
    else:
        why = str(err) or type(err).__name__
    return InputProblem(
        source, f"{source.name}:{after + 1}", "unreadable",
        f"cannot read past line {after} ({why}); the file is truncated or corrupt",
    )  # fmt: skip


# --- decoding --------------------------------------------------------------------------------


def _decode(
    data: bytes, location: str, source: Source, keep_raw: bool = False
) -> str | InputProblem:
    """``data`` as UTF-8 text, or the problem with it; ``keep_raw``: the problem carries the
    bytes (as latin-1, one character per byte: a JSONL line, lost otherwise; a text file
    stays on disk)."""
    raw = data.decode("latin-1") if keep_raw else None
    encoding = "latin-1" if keep_raw else None
    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        return InputProblem(
            source, location, "binary", "looks like a binary file (NUL bytes), not text",
            raw=raw, raw_encoding=encoding,
        )  # fmt: skip
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return InputProblem(
            source,
            f"{location}:{line}" if ":" not in location else location,
            "invalid_utf8",
            f"invalid UTF-8 at byte {err.start}; convert the file to UTF-8 first "
            "(for example: iconv -f latin1 -t utf-8 IN > OUT)",
            raw=raw,
            raw_encoding=encoding,
        )


NON_FINITE = "non_finite_number"  # the warning key: NaN/Infinity read as null
MTCLEAN_FIELD_REPLACED = "mtclean_field_replaced"  # the record already had a "mtclean" field


def _loads(line: str) -> tuple[Any, int]:
    """The JSON value of ``line`` and how many NaN/Infinity numbers in it became ``None``
    (they are not JSON; written back they would make the output invalid). Raises ValueError
    (not JSON, an integer too long to convert) or RecursionError (nested too deep)."""
    replaced = 0

    def constant(_name: str) -> None:  # NaN, Infinity, -Infinity
        nonlocal replaced
        replaced += 1

    def number(text: str) -> float | None:  # 1e999 is infinite too
        value = float(text)
        if math.isfinite(value):
            return value
        nonlocal replaced
        replaced += 1
        return None

    return json.loads(line, parse_constant=constant, parse_float=number), replaced


# --- text files ------------------------------------------------------------------------------


def _read_bytes(source: Source) -> bytes | InputProblem:
    try:
        with open_input(source) as stream:
            return stream.read()
    except OSError as err:
        if err.strerror and not isinstance(err, gzip.BadGzipFile):
            return InputProblem(source, source.name, "unreadable", f"cannot read: {err.strerror}")
        return _broken(source, 0, err)
    except Exception as err:
        if not _is_decompression_error(err):
            raise
        return _broken(source, 0, err)


def _no_text(source: Source, location: str, raw: str | None) -> InputProblem:
    return InputProblem(
        source, location, NO_TEXT,
        "trafilatura found no article text in the HTML page (nothing to clean)", raw=raw,
    )  # fmt: skip


def _html_document(source: Source, data: bytes | None = None) -> InputDocument | InputProblem:
    """A page (a file or stdin; ``data``: its bytes, if read) as the document of the text
    trafilatura extracts from it."""
    from mtclean.extract import ExtractionUnavailable, html_document, page_text, require_extraction

    if data is None:
        read = _read_bytes(source)
        if isinstance(read, InputProblem):
            return read
        data = read
    if source.kind != "html":  # stdin that could not be sniffed before reading
        try:
            require_extraction()
        except ExtractionUnavailable as err:
            kept = data.decode("latin-1")
            return InputProblem(source, source.name, "missing_package", str(err), kept, "latin-1")
    raw = data.decode("latin-1") if source.path is None else None  # stdin: kept on a problem
    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        return InputProblem(
            source, source.name, "binary", "looks like a binary file (NUL bytes), not HTML",
            raw=raw, raw_encoding="latin-1" if raw is not None else None,
        )  # fmt: skip
    doc_id = source.path.name if source.path is not None else "stdin"
    if source.path is not None:
        doc_id = source.relpath.with_name(source.path.name).as_posix()
    doc = html_document(page_text(data), doc_id)
    if not doc.text.strip():
        problem = _no_text(source, source.name, raw)
        return dataclasses.replace(problem, raw_encoding="latin-1" if raw is not None else None)
    return InputDocument(doc, source)


def _text_document(source: Source) -> InputDocument | InputProblem:
    data = _read_bytes(source)
    if isinstance(data, InputProblem):
        return data
    if source.path is None and looks_like_html(data[:_HTML_SNIFF_BYTES]):
        return _html_document(source, data)  # a page on a stdin that cannot be peeked at
    # stdin's bytes are gone once read: a problem with them keeps them (a file stays on disk)
    text = _decode(data, source.name, source, keep_raw=source.path is None)
    if isinstance(text, InputProblem):
        return text
    if not text.strip():
        return InputProblem(source, source.name, "empty", "empty document (no text)")
    doc_id = source.relpath.as_posix() if source.path is not None else "stdin"
    return InputDocument(Document(text=text, id=doc_id), source)


# --- records: JSONL, CSV, Parquet ------------------------------------------------------------


def _record_item(
    record: Any,
    source: Source,
    number: int,
    text_field: str,
    id_field: str,
    raw: str | None,
    replaced: int = 0,
) -> InputDocument | InputProblem:
    """Record ``number`` of a JSONL/CSV/Parquet input as a document, or the problem with it."""
    location = f"{source.name}:{number}"
    if not isinstance(record, dict):
        return InputProblem(
            source, location, "invalid_json", "a JSONL line must be a JSON object", raw=raw
        )
    if source.html_field is not None:
        return _html_record(record, source, number, id_field, raw, replaced)
    text = record.get(text_field)
    if not isinstance(text, str):
        fields = ", ".join(sorted(str(k) for k in record)) or "none"
        what = "has no" if text_field not in record else "has a non-string"
        return InputProblem(
            source,
            location,
            "missing_text",
            f"{what} field {text_field!r} (fields: {fields}); choose one with --text-field",
            raw=raw,
        )
    if not text.strip():
        return InputProblem(source, location, "empty", "empty document (no text)", raw=raw)
    if looks_like_html(text[:_HTML_SNIFF_BYTES].encode("utf-8", "ignore")):
        return InputProblem(
            source, location, "html",
            f"the field {text_field!r} holds an HTML page; to clean the text trafilatura "
            f"extracts from it, say so with --html-field {text_field} (and name the field for "
            "the cleaned text with --text-field)",
            raw=raw,
        )  # fmt: skip
    return _record_document(Document(text=text), record, source, number, id_field, replaced)


def _record_document(
    doc: Document,
    record: dict[str, Any],
    source: Source,
    number: int,
    id_field: str,
    replaced: int,
) -> InputDocument:
    raw_id = record.get(id_field)
    base = source.path.name if source.path is not None else "stdin"
    doc_id = str(raw_id) if raw_id is not None else f"{base}:{number}"
    warnings = (NON_FINITE,) * replaced + ((MTCLEAN_FIELD_REPLACED,) if "mtclean" in record else ())
    return InputDocument(dataclasses.replace(doc, id=doc_id), source, number, record, warnings)


def _html_record(
    record: dict[str, Any],
    source: Source,
    number: int,
    id_field: str,
    raw: str | None,
    replaced: int,
) -> InputDocument | InputProblem:
    """A record whose ``source.html_field`` holds a page: the document of its extracted text
    (the record's ``url`` field, if any, helps trafilatura with relative links and metadata)."""
    from mtclean.extract import html_document

    location = f"{source.name}:{number}"
    field_name = source.html_field
    page = record.get(field_name) if field_name is not None else None
    if not isinstance(page, str):
        fields = ", ".join(sorted(str(k) for k in record)) or "none"
        what = "has no" if field_name not in record else "has a non-string"
        return InputProblem(
            source, location, "missing_html",
            f"{what} field {field_name!r} (fields: {fields}); choose one with --html-field",
            raw=raw,
        )  # fmt: skip
    url = record.get("url")
    doc = html_document(page, url=url if isinstance(url, str) and url else None)
    if not doc.text.strip():
        return _no_text(source, location, raw)
    return _record_document(doc, record, source, number, id_field, replaced)


def _jsonl_item(
    line: str, source: Source, number: int, text_field: str, id_field: str
) -> InputDocument | InputProblem:
    """Line ``number`` of a JSONL input as a document, or the problem with it."""
    location = f"{source.name}:{number}"
    try:
        record, replaced = _loads(line)
    except json.JSONDecodeError as err:
        return InputProblem(
            source, location, "invalid_json", f"not valid JSON ({err.msg})", raw=line
        )
    except ValueError as err:  # e.g. an integer of more than 4,300 digits
        return InputProblem(source, location, "invalid_json", f"not readable ({err})", raw=line)
    return _record_item(record, source, number, text_field, id_field, line, replaced)


def _lines(source: Source, stream: IO[bytes]) -> Iterator[tuple[int, bytes] | InputProblem]:
    """The numbered lines of ``stream`` as they arrive; a decompression error ends them with
    a problem."""
    number = 0
    iterator = iter(stream)
    while True:
        try:
            raw_line = next(iterator)
        except StopIteration:
            return
        except Exception as err:
            if not _is_decompression_error(err):
                raise
            yield _broken(source, number, err)
            return
        number += 1
        yield number, raw_line.rstrip(b"\n").rstrip(b"\r")


@contextlib.contextmanager
def _opened(source: Source) -> Iterator[IO[bytes] | InputProblem]:
    try:
        cm = open_input(source)
        stream = cm.__enter__()
    except OSError as err:
        yield InputProblem(source, source.name, "unreadable", f"cannot read: {err.strerror}")
        return
    except ImportError:
        yield InputProblem(
            source, source.name, "missing_package",
            "reading .zst needs the zstandard package: pip install 'mtclean[formats]'",
        )  # fmt: skip
        return
    try:
        yield stream
    finally:
        with contextlib.suppress(Exception):
            cm.__exit__(None, None, None)


def _jsonl_documents(
    source: Source, text_field: str, id_field: str
) -> Iterator[InputDocument | InputProblem]:
    with _opened(source) as stream:
        if isinstance(stream, InputProblem):
            yield stream
            return
        extra = 0  # lines ended by a lone CR (old Mac line ends) before this one
        for entry in _lines(source, stream):
            if isinstance(entry, InputProblem):
                yield entry
                return
            first, whole = entry
            if first == 1 and whole.startswith(_BOM):  # a byte order mark: not the record
                whole = whole[len(_BOM) :]
            pieces = _cr_lines(whole)
            for offset, raw_line in enumerate(pieces):
                number = first + extra + offset
                if raw_line.strip():
                    yield _jsonl_line(raw_line, source, number, text_field, id_field)
            extra += len(pieces) - 1


def _cr_lines(raw_line: bytes) -> list[bytes]:
    """A line split at lone CRs (a file with old Mac line ends reads as one line), unless it
    is JSON as a whole (a CR is JSON white space; inside a string it must be escaped, so a
    split never cuts a valid record)."""
    if b"\r" not in raw_line:
        return [raw_line]
    try:
        json.loads(raw_line)
    except (ValueError, RecursionError):
        return raw_line.split(b"\r")
    record = raw_line.lstrip(b" \t\r")  # lines ended by a CR before it: counted, for its number
    return [b""] * raw_line[: len(raw_line) - len(record)].count(b"\r") + [record]


def _jsonl_line(
    raw_line: bytes, source: Source, number: int, text_field: str, id_field: str
) -> InputDocument | InputProblem:
    location = f"{source.name}:{number}"
    line = _decode(raw_line, location, source, keep_raw=True)
    if isinstance(line, InputProblem):
        return line
    try:
        return _jsonl_item(line, source, number, text_field, id_field)
    except RecursionError:  # from the decoder, or from str() of a deep id
        return InputProblem(
            source, location, "invalid_json",
            "JSON nested too deeply to read (over Python's recursion limit)", raw=line,
        )  # fmt: skip


def _csv_dialect(source: Source) -> str:
    return "\t" if source.path is not None and _inner_suffix(source.path) == ".tsv" else ","


def _csv_documents(
    source: Source, text_field: str, id_field: str
) -> Iterator[InputDocument | InputProblem]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a news article is longer than 128 KiB
    with _opened(source) as stream:
        if isinstance(stream, InputProblem):
            yield stream
            return
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")  # a BOM: not data
        reader = csv.DictReader(text, delimiter=_csv_dialect(source), restkey="_extra")
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as err:
                yield InputProblem(
                    source, f"{source.name}:{reader.line_num + 1}", "invalid_utf8",
                    f"invalid UTF-8 ({err.reason}); convert the file to UTF-8 first "
                    "(for example: iconv -f latin1 -t utf-8 IN > OUT)",
                )  # fmt: skip
                return
            except csv.Error as err:
                yield InputProblem(
                    source, f"{source.name}:{reader.line_num}", "invalid_csv",
                    f"not readable as CSV ({err})",
                )  # fmt: skip
                return
            except Exception as err:
                if not _is_decompression_error(err):
                    raise
                yield _broken(source, reader.line_num, err)
                return
            number = reader.line_num  # the physical line where the row ends
            yield _record_item(dict(row), source, number, text_field, id_field, None)


def _plain(value: Any, replaced: list[int]) -> Any:
    """A Parquet value as JSON can hold it: dates as ISO text, bytes as UTF-8 text (or hex),
    decimals as text, NaN/Infinity as None (counted in ``replaced``)."""
    if isinstance(value, float) and not math.isfinite(value):
        replaced[0] += 1
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v, replaced) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if all(isinstance(v, tuple) and len(v) == 2 for v in value) and value:  # a map
            return {str(k): _plain(v, replaced) for k, v in value}
        return [_plain(v, replaced) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.hex()
    return value


def _parquet_documents(
    source: Source, text_field: str, id_field: str
) -> Iterator[InputDocument | InputProblem]:
    assert source.path is not None, "Parquet is never read from stdin"
    try:
        import pyarrow.parquet as pq  # only Parquet inputs need it
    except ImportError:
        yield InputProblem(
            source, source.name, "missing_package",
            "reading Parquet needs the pyarrow package: pip install 'mtclean[formats]'",
        )  # fmt: skip
        return
    try:
        parquet = pq.ParquetFile(source.path)
    except Exception as err:  # pyarrow.ArrowInvalid and OSError
        yield InputProblem(source, source.name, "unreadable", f"not readable as Parquet ({err})")
        return
    columns = parquet.schema_arrow.names
    needed = source.html_field or text_field
    if needed not in columns:
        option = "--html-field" if source.html_field else "--text-field"
        yield InputProblem(
            source, source.name, "missing_html" if source.html_field else "missing_text",
            f"has no column {needed!r} (columns: {', '.join(columns) or 'none'}); "
            f"choose one with {option}",
        )  # fmt: skip
        return
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for row in batch.to_pylist():
                number += 1
                replaced = [0]
                record = {str(k): _plain(v, replaced) for k, v in row.items()}
                yield _record_item(record, source, number, text_field, id_field, None, replaced[0])
    except Exception as err:  # a corrupt page or row group
        if isinstance(err, GeneratorExit):
            raise
        yield InputProblem(
            source, f"{source.name}:{number + 1}", "unreadable",
            f"cannot read past row {number} ({err}); the file is truncated or corrupt",
        )  # fmt: skip


def read_source(
    source: Source, text_field: str = "text", id_field: str = "id"
) -> Iterator[InputDocument | InputProblem]:
    """The documents (or problems) of one input unit, in order, streamed."""
    if source.kind == "jsonl":
        yield from _jsonl_documents(source, text_field, id_field)
    elif source.kind == "csv":
        yield from _csv_documents(source, text_field, id_field)
    elif source.kind == "parquet":
        yield from _parquet_documents(source, text_field, id_field)
    elif source.kind == "html":
        yield _html_document(source)
    else:
        yield _text_document(source)
