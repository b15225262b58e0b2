"""Malformed inputs of every kind, and the check that ``mtclean detect``/``clean`` survive them.

Shared by ``tests/test_fuzz.py`` (a few hundred seeded cases in the test run) and
``scripts/fuzz.py`` (10,000+ locally, writing ``benchmarks/fuzz.json``).

A case is a small folder of inputs made from one seed: JSONL lines broken in one of many ways
(deep nesting, huge integers, wrong types for the text and id fields, NaN/Infinity, a BOM,
truncated last lines, NUL bytes, lone surrogates escaped and as raw bytes, CRLF/CR line ends,
10 MB lines, empty and non-object lines), compressed files (``.gz``, ``.bz2``, ``.zst``) whole,
truncated or corrupted, Parquet and CSV with missing or wrongly typed text columns or truncated,
text files, odd paths (spaces, unicode names, links to nothing, link loops, unreadable files and
folders when not root, empty folders) and stdin.

Every document the case puts in is a ``Unit``: a JSONL/CSV/Parquet record carries its tag in
the field ``fz``, a text file is known by its path. ``check`` runs ``clean`` (with
``--rejects``) and ``detect`` and asserts: no traceback, the documented exit code (1 when
something was rejected, 0 otherwise, 2 for a usage error), and documents in = documents written
+ documents rejected: every unit is found exactly once, in an output (its ``fz`` tag in a JSONL
output, its path as the ``input`` of a text file's sidecar) or in the rejects (by location); a
reject saying a file cannot be read past line N (or at all) accounts for the units after it,
which the reader cannot reach. ``detect`` must report the same documents and rejects.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = os.geteuid() == 0  # chmod does not stop root from reading
TEN_MB = 10 * 1024 * 1024
# the rules only, one process: the readers, writers and batch loop are what is tested
FAST = ["--no-model", "--no-normalizer", "-j", "1", "-q"]

SENTENCES = [
    "Diplomats met on Monday to discuss the crisis in Jap Europe, officials said.",
    "The plant emits nurture gas.",
    "Talks resumed in Geneva after a pause of two weeks.",
    "The Deputy Overseas Minister said the open door coverage would stay.",
    "Prices rose by 3% in March, the statistics office reported.",
    "Read More",
    "Source link",
    'She said: "We will not back down."',
    "Café owners in Zürich welcomed the decision — mostly.",
    "北京 and Kyiv were named; emoji 🙂 too.",
    "A line\u2028separator, a next-line\u0085char, a form\x0cfeed and a vertical\x0btab.",
    "Combining e\u0301 and right-to-left \u05e9\u05dc\u05d5\u05dd text.",
]


@dataclass(frozen=True)
class Unit:
    """One document put in: ``tag`` (the ``fz`` field of a record) or, for a text file, its
    ``path``; ``location``: where a reject of it is reported; ``expect``: written, rejected or
    either (where the generator cannot know, e.g. after a corruption)."""

    location: str
    expect: str
    tag: str | None = None
    path: str | None = None  # the input file the unit is in, as mtclean names it
    line: int | None = None  # its line (record number) in that file


@dataclass
class Case:
    seed: int
    kind: str
    paths: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    stdin: bytes | None = None
    units: list[Unit] = field(default_factory=list)
    # rejects that are no document (a link loop, an empty folder): their locations
    extra_rejects: list[str] = field(default_factory=list)
    # files whose lines cannot be known (binary, compressed twice, corrupted): a unit of
    # theirs that is not written is accounted for by any reject of the file
    mangled: set[str] = field(default_factory=set)
    partial: set[str] = field(default_factory=set)  # units cut short: may be gone altogether
    usage_error: bool = False  # exit 2 expected, nothing written
    setup: list[Callable[[Path], None]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)


# --- making records and lines ------------------------------------------------------------------


def _text(rng: random.Random) -> str:
    count = rng.randint(1, 4)
    return " ".join(rng.choice(SENTENCES) for _ in range(count))


def _nested(rng: random.Random) -> str:
    depth = rng.choice([5, 100, 900, 990, 1000, 1100, 5000, 100_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    return opener * depth + "1" + closer * depth


def _huge_int(rng: random.Random) -> str:
    digits = rng.choice([4000, 4300, 4301, 5000, 20_000])
    return rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(digits - 1))


def _wrong_value(rng: random.Random) -> str:
    """A JSON value of a type the text field must not have."""
    return rng.choice(
        ["1", "-3.5", "true", "false", "null", "[]", '["a", "b"]', "{}", '{"text": "x"}',
         "NaN", "Infinity", "1e999", _huge_int(rng)[:50]]
    )  # fmt: skip


@dataclass
class _Line:
    data: bytes
    expect: str  # written / rejected / either / none (not a document: empty line)


def _record_line(rng: random.Random, tag: str, kind: str | None = None) -> _Line:
    """One JSONL line holding the record tagged ``tag``, broken in one way (or not)."""
    kinds = [
        "valid", "valid", "valid", "nested", "huge_int", "huge_int_id", "wrong_text", "wrong_id",
        "non_finite", "nul_raw", "nul_escaped", "surrogate_escaped", "surrogate_raw",
        "invalid_utf8", "non_object", "garbage", "empty_text", "html_text", "mtclean_field",
        "duplicate_key", "missing_text", "big_field", "control_chars", "bom_inside",
        "truncated",
    ]  # fmt: skip
    kind = kind or rng.choice(kinds)
    text = json.dumps(_text(rng), ensure_ascii=rng.random() < 0.5)
    ident = json.dumps(f"id-{tag}")

    def obj(text_value: str = text, id_value: str = ident, extra: str = "") -> str:
        parts = [f'"fz": "{tag}"', f'"id": {id_value}', f'"text": {text_value}']
        if extra:
            parts.insert(rng.randint(0, len(parts)), extra)
        rng.shuffle(parts)
        return "{" + ", ".join(parts) + "}"

    if kind == "valid":
        return _Line(obj().encode(), "written")
    if kind == "nested":
        value = _nested(rng)
        depth = value.count("[") + value.count("{")
        # json's C decoder reads any depth the stack allows; too deep is a reject either way
        return _Line(obj(extra=f'"deep": {value}').encode(), "written" if depth < 900 else "either")
    if kind == "huge_int":
        value = _huge_int(rng)
        return _Line(
            obj(extra=f'"n": {value}').encode(), "written" if len(value) <= 4300 else "rejected"
        )
    if kind == "huge_int_id":
        value = _huge_int(rng)
        return _Line(obj(id_value=value).encode(), "written" if len(value) <= 4300 else "rejected")
    if kind in ("wrong_text",):
        value = _wrong_value(rng)
        return _Line(obj(text_value=value).encode(), "rejected")
    if kind == "wrong_id":
        value = rng.choice(
            ["1", "2.5", "true", "null", "[1, 2]", '{"a": [1]}', "NaN", "-Infinity", '""']
        )
        return _Line(obj(id_value=value).encode(), "written")
    if kind == "non_finite":
        value = rng.choice(["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
        return _Line(obj(extra=f'"score": {value}').encode(), "written")
    if kind == "nul_raw":
        line = obj().encode()
        at = rng.randint(0, len(line))
        return _Line(line[:at] + b"\x00" + line[at:], "rejected")
    if kind == "nul_escaped":
        return _Line(obj(text_value=json.dumps("NUL\x00inside. " + _text(rng))).encode(), "written")
    if kind == "surrogate_escaped":
        value = rng.choice(
            ['"lone \\ud800 high"', '"lone \\udfff low"', '"\\udc80\\ud800 pair reversed"']
        )
        return _Line(obj(text_value=value, extra=f'"note": {value}').encode(), "written")
    if kind == "surrogate_raw":  # a surrogate encoded as if it were UTF-8: not UTF-8
        line = obj(text_value='"X raw here"').encode()
        return _Line(line.replace(b"X", b"\xed\xa0\x80", 1), "rejected")
    if kind == "invalid_utf8":
        bad = rng.choice([b"\xff", b"\xc0\xaf", b"\xe9", b"\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"])
        line = obj(text_value='"caf@ here"').encode()
        return _Line(line.replace(b"@", bad, 1), "rejected")
    if kind == "non_object":
        value = rng.choice(["[1, 2]", '"a string"', "42", "null", "true", f"[{obj()}]"])
        return _Line(value.encode(), "rejected")
    if kind == "garbage":
        junk = bytes(rng.randint(0x21, 0x7E) for _ in range(rng.randint(1, 80)))
        return _Line(b"{" + junk if rng.random() < 0.5 else junk, "either")
    if kind == "empty_text":
        return _Line(obj(text_value=rng.choice(['""', '"   "', '"\\n\\t"'])).encode(), "rejected")
    if kind == "html_text":
        return _Line(
            obj(text_value='"<!DOCTYPE html><html><body>x</body></html>"').encode(), "rejected"
        )
    if kind == "mtclean_field":
        return _Line(obj(extra='"mtclean": {"old": 1}').encode(), "written")
    if kind == "duplicate_key":
        return _Line(("{" + f'"text": 5, {obj()[1:]}').encode(), "written")
    if kind == "missing_text":
        return _Line(f'{{"fz": "{tag}", "id": {ident}, "body": {text}}}'.encode(), "rejected")
    if kind == "big_field":  # a 10 MB line: the payload beside the text
        return _Line(obj(extra=f'"blob": "{"x" * TEN_MB}"').encode(), "written")
    if kind == "control_chars":
        value = json.dumps(
            "tab\there, bell\x07, esc\x1b[31m, del\x7f, fs\x1c gs\x1d rs\x1e. " + _text(rng)
        )
        return _Line(obj(text_value=value).encode(), "written")
    if kind == "bom_inside":  # a BOM before a record other than the first
        return _Line(b"\xef\xbb\xbf" + obj().encode(), "either")
    if kind == "truncated":  # cut short: not JSON (or, cut at its end, still whole)
        line = obj().encode()
        at = rng.randint(1, len(line) - 1)
        return _Line(line[:at], "rejected")
    raise ValueError(kind)


def _jsonl_bytes(
    rng: random.Random,
    prefix: str,
    path: str,
    case: Case,
    count: int,
    kinds: list[str] | None = None,
) -> bytes:
    """A JSONL file of ``count`` records (each broken or not) and the units it holds."""
    ends = rng.choice([b"\n", b"\n", b"\r\n", b"\r"])
    out = bytearray()
    if rng.random() < 0.15:
        out += b"\xef\xbb\xbf"
    number = 0
    big = 0
    for i in range(count):
        while rng.random() < 0.1:  # empty and blank lines are no documents
            out += rng.choice([b"", b"   ", b"\t"]) + ends
            number += 1
        tag = f"{prefix}.{i}"
        kind = rng.choice(kinds) if kinds else None
        line = _record_line(rng, tag, kind)
        if b"x" * 1000 in line.data:
            big += 1
            if big > 1:  # one 10 MB line per file is enough
                line = _record_line(rng, tag, "valid")
        number += 1
        last = i == count - 1
        if not last and line.expect != "none" and b"\r" in line.data and ends != b"\n":
            pass
        out += line.data
        if not last or rng.random() < 0.7:
            out += ends
        case.units.append(Unit(f"{path}:{number}", line.expect, tag=tag, path=path, line=number))
    return bytes(out)


# --- compression and breaking ----------------------------------------------------------------


def _compress(data: bytes, how: str) -> bytes:
    if how == "gz":
        return gzip.compress(data, mtime=0)
    if how == "bz2":
        return bz2.compress(data)
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


def _break(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """``data`` truncated or with bytes changed, and what was done."""
    if rng.random() < 0.6:
        # cut after the magic bytes and header (shorter, it is another file: "BZ" is text)
        return data[: rng.randint(min(12, len(data) - 1), len(data) - 1)], "truncated"
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(min(len(out) - 1, 10), len(out) - 1)
        out[at] ^= rng.randint(1, 255)
    return bytes(out), "corrupted"


def _mark_either(case: Case, path: str) -> None:
    case.units = [
        Unit(u.location, "either", u.tag, u.path, u.line) if u.path == path else u
        for u in case.units
    ]


# --- the case kinds --------------------------------------------------------------------------


def _jsonl_case(rng: random.Random, case: Case) -> None:
    name = rng.choice(["in.jsonl", "in.ndjson", "my corpus.jsonl", "données-ü.jsonl", "x:1.jsonl"])
    case.files[name] = _jsonl_bytes(rng, "a", name, case, rng.randint(1, 12))
    case.paths = [name]


def _compressed_case(rng: random.Random, case: Case) -> None:
    how = rng.choice(["gz", "bz2", "zst"])
    name = rng.choice([f"in.jsonl.{how}", f"in.{how}"]) if how != "zst" else f"in.jsonl.{how}"
    plain = _jsonl_bytes(
        rng, "a", name, case, rng.randint(1, 10), ["valid", "valid", "non_finite", "wrong_text"]
    )
    if name == f"in.{how}" and not plain.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"{"):
        name = f"in.jsonl.{how}"
        case.units = [
            Unit(u.location.replace(f"in.{how}", name, 1), u.expect, u.tag, name, u.line)
            for u in case.units
        ]
    data = _compress(plain, how)
    mode = rng.choice(["whole", "whole", "broken", "broken", "broken", "binary", "double"])
    if mode == "broken":
        data, how_broken = _break(rng, data)
        _mark_either(case, name)
        if how_broken == "corrupted":  # garbage lines may replace records
            case.mangled.add(name)
    elif mode == "binary":  # a compressed file holding binary, not JSONL
        case.units = [Unit(name, "rejected", path=name)]
        data = _compress(bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 4000))), how)
        case.mangled.add(name)
    elif mode == "double":  # compressed twice: once decompressed, still binary
        data = _compress(data, how)
        case.units = [Unit(name, "rejected", path=name)]
        case.mangled.add(name)
    case.files[name] = data
    case.paths = [name]


def _parquet_case(rng: random.Random, case: Case) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    count = rng.randint(1, 30)
    name = "rows.parquet"
    tags = [f"p.{i}" for i in range(count)]
    mode = rng.choice(
        ["valid", "missing", "typed", "nulls", "truncated", "corrupted", "binary_text"]
    )
    columns: dict[str, Any] = {"fz": tags, "id": [f"id-{t}" for t in tags]}
    if mode == "missing":
        columns["body"] = [_text(rng) for _ in tags]
    elif mode == "typed":
        columns["text"] = list(range(count))
    elif mode == "nulls":
        columns["text"] = [None if rng.random() < 0.5 else _text(rng) for _ in tags]
    elif mode == "binary_text":
        columns["text"] = [rng.choice([b"\xff\xfe", _text(rng).encode()]) for _ in tags]
    else:
        columns["text"] = [_text(rng) for _ in tags]
    columns["when"] = [rng.choice([None, 1.5, float("nan"), float("inf")]) for _ in tags]
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer, row_group_size=rng.choice([1, 7, 1024]))
    data = buffer.getvalue()
    for i, tag in enumerate(tags, 1):
        if mode in ("valid",):
            expect = "written"
        elif mode == "missing" or mode == "typed":
            expect = "rejected"
        elif mode == "nulls":
            expect = "written" if columns["text"][i - 1] is not None else "rejected"
        elif mode == "binary_text":
            value = columns["text"][i - 1]
            # bytes that are not UTF-8 become hex text: a document
            expect = "written"
            del value
        else:
            expect = "either"
        case.units.append(Unit(f"{name}:{i}", expect, tag=tag, path=name, line=i))
    if mode in ("truncated", "corrupted"):
        data, _ = (
            _break(rng, data)
            if mode == "corrupted"
            else (data[: rng.randint(1, len(data) - 1)], "")
        )
    case.files[name] = data
    case.paths = [name]


def _csv_case(rng: random.Random, case: Case) -> None:
    name = rng.choice(["rows.csv", "rows.tsv"])
    sep = "\t" if name.endswith(".tsv") else ","
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=sep, lineterminator=rng.choice(["\n", "\r\n"]))
    writer.writerow(["fz", "id", "text"])
    rows = []
    ends = []
    for i in range(rng.randint(1, 10)):
        tag = f"c.{i}"
        text = rng.choice([_text(rng), _text(rng), "", "multi\nline " + _text(rng)])
        rows.append((tag, text))
        writer.writerow([tag, f"id-{tag}", text])
        ends.append(len(out.getvalue().encode()))
    data = out.getvalue().encode()
    cut = len(data)
    if rng.random() < 0.4:  # truncated: the rows after the cut are not in the file
        cut = rng.randint(1, len(data))
        data = data[:cut]
    # a CSV row's location is the physical line where it ends (not known here): a reject of
    # the file accounts for a row that is not written
    start = 0
    for (tag, text), end in zip(rows, ends, strict=True):
        if start >= cut:
            break
        expect = "written" if text.strip() and end <= cut else "either"
        case.units.append(Unit(f"{name}:?", expect, tag=tag, path=name))
        if end > cut:  # cut inside this row: it may be read in part, or not at all
            case.mangled.add(name)
            case.partial.add(tag)
        start = end
    case.files[name] = data
    case.paths = [name]
    case.args = ["--text-field", "text"]


def _txt_bytes(rng: random.Random) -> tuple[bytes, str]:
    mode = rng.choice(
        [
            "valid",
            "valid",
            "valid",
            "empty",
            "blank",
            "binary",
            "invalid_utf8",
            "bom",
            "crlf",
            "cr",
            "lone_cr",
        ]
    )
    text = _text(rng)
    if mode == "valid":
        return text.encode() + b"\n", "written"
    if mode == "empty":
        return b"", "rejected"
    if mode == "blank":
        return b" \n\t\n", "rejected"
    if mode == "binary":
        return b"\x00\x01\x02" + bytes(rng.randint(0, 255) for _ in range(100)), "rejected"
    if mode == "invalid_utf8":
        return text.encode() + b" caf\xe9\n", "rejected"
    if mode == "bom":
        return b"\xef\xbb\xbf" + text.encode(), "written"
    if mode == "crlf":
        return (text + "\r\n" + text + "\r\n").encode(), "written"
    if mode == "cr":
        return (text + "\r" + text + "\r").encode(), "written"
    return (text + "\rSource link\r").encode(), "written"


def _folder_case(rng: random.Random, case: Case) -> None:
    """A folder of text files with odd names, links to nothing and loops (or of JSONL shards)."""
    root = rng.choice(["in", "my folder", "dossier-é"])
    names = [
        "a.txt",
        "b c.txt",
        "ü.txt",
        "日本.txt",
        "emoji 🙂.txt",
        "x:y.txt",
        "sub/d.txt",
        "sub/deeper/e.txt",
        "-dash.txt",
    ]
    if rng.random() < 0.3:  # shards, not articles
        for i in range(rng.randint(1, 3)):
            name = f"{root}/part {i}.jsonl"
            case.files[name] = _jsonl_bytes(rng, f"s{i}", name, case, rng.randint(1, 5))
    else:
        for name in rng.sample(names, rng.randint(1, 5)):
            full = f"{root}/{name}"
            data, expect = _txt_bytes(rng)
            case.files[full] = data
            case.units.append(Unit(full, expect, path=full))
    extras = rng.sample(
        [
            "dangling",
            "loop_dir",
            "loop_file",
            "unreadable_file",
            "unreadable_dir",
            "empty_dir",
            "not_input",
        ],
        rng.randint(0, 3),
    )
    for extra in extras:
        if extra == "dangling":
            where = f"{root}/gone.txt"
            case.setup.append(lambda d, w=where: os.symlink("nowhere.txt", d / w))
            case.units.append(Unit(where, "rejected", path=where))
        elif extra == "loop_dir":
            where = f"{root}/loop"
            case.setup.append(lambda d, w=where: os.symlink("..", d / w))
            case.extra_rejects.append(where)
        elif extra == "loop_file":
            a, b = f"{root}/l1.txt", f"{root}/l2.txt"
            case.setup.append(
                lambda d, a=a, b=b: (os.symlink("l2.txt", d / a), os.symlink("l1.txt", d / b))
            )
            case.units += [Unit(a, "rejected", path=a), Unit(b, "rejected", path=b)]
        elif extra == "unreadable_file" and not ROOT:
            where = f"{root}/secret.txt"
            case.files[where] = b"Secret text.\n"
            case.setup.append(lambda d, w=where: os.chmod(d / w, 0))
            case.units.append(Unit(where, "rejected", path=where))
        elif extra == "unreadable_dir" and not ROOT:
            where = f"{root}/locked"
            case.files[f"{where}/z.txt"] = b"Hidden.\n"
            case.setup.append(lambda d, w=where: os.chmod(d / w, 0))
            case.extra_rejects.append(where)
        elif extra == "empty_dir":
            case.setup.append(lambda d: (d / root / "empty").mkdir(exist_ok=True))
        elif extra == "not_input":
            case.files[f"{root}/notes.dat"] = b"\x00\x01 not an input"
    if not any(u.path for u in case.units) and not case.files:
        case.setup.append(lambda d: (d / root).mkdir(exist_ok=True))
    case.paths = [root]
    if not case.units and not any(
        k.startswith(root + "/") and k.endswith((".txt", ".jsonl")) for k in case.files
    ):
        case.extra_rejects.append(root)  # a folder without inputs is a reject of its own


def _empty_folder_case(rng: random.Random, case: Case) -> None:
    case.setup.append(lambda d: (d / "empty").mkdir())
    case.paths = ["empty"]
    case.extra_rejects.append("empty")


def _txt_case(rng: random.Random, case: Case) -> None:
    name = rng.choice(["a.txt", "with space.txt", "ünï.txt", "noext", "weird\tname.txt"])
    data, expect = _txt_bytes(rng)
    case.files[name] = data
    case.units.append(Unit(name, expect, path=name))
    case.paths = [name]


def _odd_path_case(rng: random.Random, case: Case) -> None:
    mode = rng.choice(["dangling", "loop", "missing", "unreadable", "several"])
    if mode == "dangling":
        case.setup.append(lambda d: os.symlink("nothing.jsonl", d / "link.jsonl"))
        case.units.append(Unit("link.jsonl", "rejected", path="link.jsonl"))
        case.paths = ["link.jsonl"]
    elif mode == "loop":
        case.setup.append(
            lambda d: (os.symlink("b.txt", d / "a.txt"), os.symlink("a.txt", d / "b.txt"))
        )
        case.units.append(Unit("a.txt", "rejected", path="a.txt"))
        case.paths = ["a.txt"]
    elif mode == "missing":
        case.units.append(Unit("no such.txt", "rejected", path="no such.txt"))
        case.paths = ["no such.txt"]
    elif mode == "unreadable" and not ROOT:
        case.files["locked.jsonl"] = b'{"fz": "u.0", "text": "Locked away."}\n'
        case.setup.append(lambda d: os.chmod(d / "locked.jsonl", 0))
        case.units.append(Unit("locked.jsonl", "rejected", path="locked.jsonl"))
        case.paths = ["locked.jsonl"]
    else:  # several inputs of several kinds, one of them missing
        case.files["one.jsonl"] = _jsonl_bytes(rng, "o", "one.jsonl", case, rng.randint(1, 4))
        data, expect = _txt_bytes(rng)
        case.files["two words.txt"] = data
        case.units.append(Unit("two words.txt", expect, path="two words.txt"))
        case.units.append(Unit("gone.jsonl", "rejected", path="gone.jsonl"))
        case.paths = ["one.jsonl", "two words.txt", "gone.jsonl"]


def _stdin_case(rng: random.Random, case: Case) -> None:
    if rng.random() < 0.6:
        data = _jsonl_bytes(rng, "i", "<stdin>", case, rng.randint(1, 6), [k for k in _STDIN_KINDS])
        case.stdin = data if rng.random() < 0.7 else gzip.compress(data, mtime=0)
        case.args = ["--input-format", "jsonl"]
    else:
        data, expect = _txt_bytes(rng)
        case.stdin = data
        case.units.append(Unit("<stdin>", expect, path="<stdin>"))
    case.paths = ["-"]


_STDIN_KINDS = [
    "valid",
    "valid",
    "wrong_text",
    "non_finite",
    "truncated",
    "invalid_utf8",
    "surrogate_escaped",
    "nested",
]


def _big_case(rng: random.Random, case: Case) -> None:
    """A 10 MB document over a lower size limit: a reject holding the whole record."""
    text = ("The talks went on. " * (TEN_MB // 19 + 1))[:TEN_MB]
    name = "big.jsonl"
    line = json.dumps({"fz": "b.0", "id": "big", "text": text}).encode() + b"\n"
    small = json.dumps({"fz": "b.1", "text": "Small one."}).encode() + b"\n"
    case.files[name] = line + small
    case.units += [Unit(f"{name}:1", "rejected", tag="b.0", path=name, line=1),
                   Unit(f"{name}:2", "written", tag="b.1", path=name, line=2)]  # fmt: skip
    case.paths = [name]
    case.args = ["--max-document-chars", str(rng.choice([1000, 1_000_000]))]


def _usage_case(rng: random.Random, case: Case) -> None:
    """What is refused before any work: exit 2, nothing written."""
    # (HTML pages are read through trafilatura now: no longer refused)
    mode = rng.choice(["csv_no_field", "same_input_twice", "bad_format"])
    case.usage_error = True
    if mode == "csv_no_field":
        case.files["t.csv"] = b"text\nHello.\n"
        case.paths = ["t.csv"]
    elif mode == "same_input_twice":
        case.files["a.txt"] = b"Hello there.\n"
        case.paths = ["a.txt", "a.txt"]
    else:
        case.files["a.txt"] = b"Hello there.\n"
        case.paths = ["a.txt"]
        case.args = ["--input-format", "xml"]


KINDS: dict[str, tuple[float, Callable[[random.Random, Case], None]]] = {
    "jsonl": (30, _jsonl_case),
    "compressed": (15, _compressed_case),
    "parquet": (8, _parquet_case),
    "csv": (5, _csv_case),
    "txt": (8, _txt_case),
    "folder": (12, _folder_case),
    "empty_folder": (1, _empty_folder_case),
    "odd_path": (6, _odd_path_case),
    "stdin": (8, _stdin_case),
    "big": (1, _big_case),
    "usage": (2, _usage_case),
}


def make_case(seed: int, kind: str | None = None) -> Case:
    rng = random.Random(seed)
    if kind is None:
        names = list(KINDS)
        kind = rng.choices(names, weights=[KINDS[n][0] for n in names])[0]
    case = Case(seed, kind)
    KINDS[kind][1](rng, case)
    return case


def materialise(case: Case, folder: Path) -> None:
    for name, data in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for step in case.setup:
        step(folder)


# --- running and checking --------------------------------------------------------------------


@dataclass
class Run:
    exit_code: int
    stderr: str
    traceback: str | None  # the exception, when one escaped


@dataclass
class Outcome:
    case: Case
    problems: list[str]  # what went wrong (empty: handled)
    traceback: bool = False
    lost: int = 0  # units found neither in an output nor among the rejects


def run_in_process(args: list[str], cwd: Path, stdin: bytes | None) -> Run:
    """``mtclean ARGS`` through typer's runner (fast: the Cleaner's tables load once)."""
    import logging

    from typer.testing import CliRunner

    from mtclean.cli import app

    for handler in logging.root.handlers[:]:  # basicConfig's handler holds an earlier run's stderr
        logging.root.removeHandler(handler)
    with _chdir(cwd):
        result = CliRunner().invoke(app, args, input=stdin)
    tb = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        tb = "".join(traceback.format_exception(result.exception))
    return Run(result.exit_code, result.stderr, tb)


def run_subprocess(args: list[str], cwd: Path, stdin: bytes | None) -> Run:
    """``mtclean ARGS`` as a process: the real exit code and stderr."""
    command = [str(Path(sys.executable).parent / "mtclean"), *args]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(command, cwd=cwd, input=stdin or b"", capture_output=True, env=env,
                          timeout=600, check=False)  # fmt: skip
    stderr = done.stderr.decode("utf-8", "replace")
    return Run(done.returncode, stderr, stderr if "Traceback" in stderr else None)


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    from mtclean.reading import Source, open_input

    records = []
    with open_input(Source("jsonl", path, Path(path.name))) as stream:
        for line in stream:
            records.append(json.loads(line))  # must be valid JSON: raises otherwise
    return records


def _outputs(out: Path) -> tuple[list[str], list[str], int]:
    """What ``clean`` wrote under ``out`` (a file or folder): the ``fz`` tags of its records,
    the ``input`` of its sidecars, and how many text outputs."""
    tags: list[str] = []
    inputs: list[str] = []
    texts = 0
    if out.is_file():
        files = [p for p in (out, Path(f"{out}.mtclean.json")) if p.is_file()]
    else:
        files = sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []
    for path in files:
        if path.name.endswith(".mtclean.json"):
            inputs.append(json.loads(path.read_text("utf-8"))["input"])
        elif Path(f"{path}.mtclean.json").is_file():
            texts += 1
        else:
            tags += [str(r.get("fz")) for r in _read_jsonl(path)]
    return tags, inputs, texts


def _covers(reject: dict[str, Any], unit: Unit) -> bool:
    """A reject saying its file cannot be read (past line N): it stands for the units the
    reader could not reach."""
    if unit.path is None or reject["reason"] not in (
        "unreadable",
        "missing_text",
        "invalid_csv",
        "invalid_utf8",
    ):
        return False
    location = reject["location"]
    if location == unit.path:
        return reject["reason"] != "invalid_utf8"  # a whole file unreadable / no text column
    head, _, number = location.rpartition(":")
    if head != unit.path or not number.isdigit():
        return False
    if reject["reason"] == "unreadable" and "cannot read past" in reject["message"]:
        return unit.line is None or unit.line >= int(number)
    # CSV stops at its first broken row
    return unit.line is None and reject["reason"] in ("invalid_csv", "invalid_utf8")


def check(
    case: Case, folder: Path, runner: Callable[[list[str], Path, bytes | None], Run]
) -> Outcome:
    """Run ``clean`` and ``detect`` on the case in ``folder`` and check the contract."""
    problems: list[str] = []
    single = len(case.paths) == 1 and case.paths[0] != "-" and not (folder / case.paths[0]).is_dir()
    out_name = "OUT/clean" + (Path(case.paths[0]).name if single else "")
    if case.paths == ["-"]:
        out_name = "OUT/clean.jsonl" if "jsonl" in case.args else "OUT/clean.txt"
    (folder / "OUT").mkdir(exist_ok=True)
    outcome = Outcome(case, problems)
    clean = runner(
        ["clean", *case.paths, "-o", out_name, "--rejects", "OUT/rejects.jsonl", *case.args, *FAST],
        folder,
        case.stdin,
    )
    detect = runner(
        [
            "detect",
            *case.paths,
            "-o",
            "OUT/detect.jsonl",
            "--rejects",
            "OUT/detect-rejects.jsonl",
            *case.args,
            *FAST,
        ],
        folder,
        case.stdin,
    )
    for name, run in (("clean", clean), ("detect", detect)):
        if run.traceback or "Traceback" in run.stderr:
            outcome.traceback = True
            problems.append(f"{name}: traceback: {(run.traceback or run.stderr)[-700:]}")
    if outcome.traceback:
        return outcome
    out = folder / out_name
    if case.usage_error:
        for name, run in (("clean", clean), ("detect", detect)):
            if run.exit_code != 2:
                problems.append(
                    f"{name}: exit {run.exit_code}, expected 2 (usage): {run.stderr[-500:]}"
                )
            if "mtclean: error:" not in run.stderr:
                problems.append(f"{name}: no error message for a usage error")
        if any((folder / "OUT").iterdir()):
            problems.append(
                f"a usage error wrote {sorted(p.name for p in (folder / 'OUT').iterdir())}"
            )
        return outcome
    try:
        rejects = _read_jsonl(folder / "OUT" / "rejects.jsonl")
        detect_rejects = _read_jsonl(folder / "OUT" / "detect-rejects.jsonl")
        tags, inputs, texts = _outputs(out)
        detected = _read_jsonl(folder / "OUT" / "detect.jsonl")
    except (OSError, ValueError) as err:
        problems.append(f"an output is missing or not valid JSON: {err!r}")
        return outcome
    written = Counter(tags) + Counter(inputs)
    by_location = Counter(r["location"] for r in rejects)
    for unit in case.units:
        key = unit.tag if unit.tag is not None else unit.path
        found_written = written[key]
        found_rejected = by_location.get(unit.location, 0)
        if unit.path in case.mangled:  # its lines moved: a reject's location says nothing
            found_rejected = 0
        covered = any(_covers(r, unit) for r in rejects)
        total = found_written + found_rejected
        if total > 1 and not (unit.path in case.mangled and found_rejected == 0):
            # (a corrupted compressed stream can repeat a record: the bytes say so)
            problems.append(
                f"{unit.location}: found {total} times (written {found_written}, "
                f"rejected {found_rejected})"
            )
        elif total == 0 and not covered:
            in_file = any(
                r["location"] == unit.path or r["location"].startswith(f"{unit.path}:")
                for r in rejects
            )
            if (unit.path in case.mangled or unit.location.endswith(":?")) and in_file:
                continue  # accounted for by a reject of its file (see Case.mangled)
            if unit.tag in case.partial:
                continue  # cut short with the file: it may be in no output
            outcome.lost += 1
            problems.append(
                f"{unit.location} ({unit.tag or unit.path}, expected {unit.expect}): lost"
            )
        elif unit.expect == "written" and found_written != 1:
            problems.append(
                f"{unit.location}: expected written, was rejected: "
                f"{[r for r in rejects if r['location'] == unit.location]}"
            )
        elif unit.expect == "rejected" and found_rejected != 1 and not covered:
            problems.append(f"{unit.location}: expected a reject, was written")
    known = {u.tag for u in case.units} | {u.path for u in case.units}
    unknown = [k for k in written if k not in known]
    if unknown:
        problems.append(f"written documents that were never put in: {unknown[:5]}")
    for extra in case.extra_rejects:
        if extra not in by_location:
            problems.append(f"no reject for {extra}: {[r['location'] for r in rejects]}")
    if texts != len(inputs):
        problems.append(f"{texts} text outputs but {len(inputs)} sidecars")
    expected_exit = 1 if rejects else 0
    for name, run in (("clean", clean), ("detect", detect)):
        if run.exit_code != expected_exit:
            problems.append(
                f"{name}: exit {run.exit_code}, expected {expected_exit} ({len(rejects)} "
                f"rejects): {run.stderr[-800:]}"
            )
    if len(detected) != len(tags) + len(inputs):
        problems.append(
            f"detect reported {len(detected)} documents, clean wrote {len(tags) + len(inputs)}"
        )
    clean_rejects = Counter(
        (r["location"], r["reason"]) for r in rejects if r["reason"] != "unwritable_record"
    )
    if clean_rejects != Counter((r["location"], r["reason"]) for r in detect_rejects):
        problems.append(
            f"detect rejects differ: {clean_rejects} vs "
            f"{[(r['location'], r['reason']) for r in detect_rejects]}"
        )
    for reject in rejects:
        if (
            reject["raw"] is None
            and reject["location"].rpartition(":")[2].isdigit()
            and case.kind in ("jsonl", "stdin")
            and reject["reason"] not in ("unreadable",)
        ):
            problems.append(f"{reject['location']}: a rejected line without its raw text")
    return outcome


def run_case(
    seed: int,
    runner: Callable[[list[str], Path, bytes | None], Run] = run_in_process,
    kind: str | None = None,
) -> Outcome:
    case = make_case(seed, kind)
    folder = Path(tempfile.mkdtemp(prefix=f"mtclean-fuzz-{seed}-"))
    try:
        materialise(case, folder)
        return check(case, folder, runner)
    finally:
        for path in folder.rglob("*"):  # unreadable files and folders made by the case
            with contextlib.suppress(OSError):
                if not path.is_symlink():
                    os.chmod(path, 0o700)
        shutil.rmtree(folder, ignore_errors=True)


def summarise(outcomes: list[Outcome], seconds: float) -> dict[str, Any]:
    failed = [o for o in outcomes if o.problems]
    return {
        "cases": len(outcomes),
        "handled": len(outcomes) - len(failed),
        "tracebacks": sum(o.traceback for o in outcomes),
        "documents_lost": sum(o.lost for o in outcomes),
        "kinds": dict(sorted(Counter(o.case.kind for o in outcomes).items())),
        "failures": [
            {"seed": o.case.seed, "kind": o.case.kind, "problems": o.problems[:3]}
            for o in failed[:50]
        ],
        "seconds": round(seconds, 1),
    }


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    return function(), time.perf_counter() - start
