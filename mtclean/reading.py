"""Reading input documents: text files, folders of them, JSONL files and stdin.

Every problem with an input (missing file, binary data, invalid UTF-8, an empty document, a JSONL
line that is not JSON or lacks the text field) becomes an ``InputProblem`` naming the file and
line, so that a batch run reports it, counts it and goes on with the other documents.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mtclean.records import Document

SourceKind = Literal["txt", "jsonl"]
STDIN = "-"
_BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Source:
    """One input unit: a text file, a JSONL file, or stdin (``path is None``).

    ``relpath`` is where the unit's output goes relative to the output folder.
    """

    kind: SourceKind
    path: Path | None
    relpath: Path

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else "<stdin>"


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

    def describe(self) -> str:
        return f"{self.location}: {self.message}"


def _kind_for(path: Path, input_format: str) -> SourceKind:
    if input_format in ("txt", "jsonl"):
        return input_format  # type: ignore[return-value]
    return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "txt"


def expand_paths(
    paths: Sequence[str], input_format: str = "auto"
) -> tuple[list[Source], list[InputProblem]]:
    """Turn command-line PATHs into input units; a folder contributes its ``*.txt`` files.

    With several PATHs, each unit's ``relpath`` starts with the PATH's own name so that outputs
    of different inputs cannot collide.
    """
    if input_format not in ("auto", "txt", "jsonl"):
        raise ValueError(f"unknown input format {input_format!r}; use auto, txt or jsonl")
    sources: list[Source] = []
    problems: list[InputProblem] = []
    several = len(paths) > 1
    for raw in paths:
        if raw == STDIN:
            kind: SourceKind = "jsonl" if input_format == "jsonl" else "txt"
            sources.append(Source(kind, None, Path("stdin.jsonl" if kind == "jsonl" else "stdin")))
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not files:
                problems.append(InputProblem(None, raw, "no_input", "folder holds no .txt files"))
            for file in files:
                rel = file.relative_to(path)
                sources.append(Source("txt", file, Path(path.name) / rel if several else rel))
        elif path.exists():
            sources.append(Source(_kind_for(path, input_format), path, Path(path.name)))
        else:
            problems.append(
                InputProblem(None, raw, "missing", "no such file or folder; check the path")
            )
    return sources, problems


def _decode(data: bytes, location: str, source: Source) -> str | InputProblem:
    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        return InputProblem(
            source, location, "binary", "looks like a binary file (NUL bytes), not text"
        )
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
        )


NON_FINITE = "non_finite_number"  # the warning key: NaN/Infinity read as null


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


def _read_bytes(source: Source) -> bytes | InputProblem:
    if source.path is None:
        return sys.stdin.buffer.read()
    try:
        return source.path.read_bytes()
    except OSError as err:
        return InputProblem(source, source.name, "unreadable", f"cannot read: {err.strerror}")


def _text_document(source: Source) -> InputDocument | InputProblem:
    data = _read_bytes(source)
    if isinstance(data, InputProblem):
        return data
    text = _decode(data, source.name, source)
    if isinstance(text, InputProblem):
        return text
    if not text.strip():
        return InputProblem(source, source.name, "empty", "empty document (no text)")
    doc_id = source.relpath.as_posix() if source.path is not None else "stdin"
    return InputDocument(Document(text=text, id=doc_id), source)


def _jsonl_documents(
    source: Source, text_field: str, id_field: str
) -> Iterator[InputDocument | InputProblem]:
    data = _read_bytes(source)
    if isinstance(data, InputProblem):
        yield data
        return
    base = source.path.name if source.path is not None else "stdin"
    for number, raw_line in enumerate(data.splitlines(), start=1):
        location = f"{source.name}:{number}"
        if not raw_line.strip():
            continue
        line = _decode(raw_line, location, source)
        if isinstance(line, InputProblem):
            yield line
            continue
        item: InputDocument | InputProblem
        try:
            item = _jsonl_item(line, source, number, text_field, id_field, f"{base}:{number}")
        except RecursionError:  # from the decoder, or from str() of a deep id
            item = InputProblem(
                source, location, "invalid_json",
                "JSON nested too deeply to read (over Python's recursion limit)", raw=line,
            )  # fmt: skip
        yield item


def _jsonl_item(
    line: str, source: Source, number: int, text_field: str, id_field: str, default_id: str
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
    if not isinstance(record, dict):
        return InputProblem(
            source, location, "invalid_json", "a JSONL line must be a JSON object", raw=line
        )
    text = record.get(text_field)
    if not isinstance(text, str):
        fields = ", ".join(sorted(record)) or "none"
        what = "has no" if text_field not in record else "has a non-string"
        return InputProblem(
            source,
            location,
            "missing_text",
            f"{what} field {text_field!r} (fields: {fields}); choose one with --text-field",
            raw=line,
        )
    if not text.strip():
        return InputProblem(source, location, "empty", "empty document (no text)", raw=line)
    raw_id = record.get(id_field)
    doc_id = str(raw_id) if raw_id is not None else default_id
    warnings = (NON_FINITE,) * replaced
    return InputDocument(Document(text=text, id=doc_id), source, number, record, warnings)


def read_source(
    source: Source, text_field: str = "text", id_field: str = "id"
) -> Iterator[InputDocument | InputProblem]:
    """The documents (or problems) of one input unit, in order."""
    if source.kind == "jsonl":
        yield from _jsonl_documents(source, text_field, id_field)
    else:
        yield _text_document(source)
