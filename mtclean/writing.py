"""Writing outputs: where each input's output goes, and atomic writes that never touch inputs."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from mtclean.reading import Source

STDOUT = "-"


class OutputError(Exception):
    """The requested output would overwrite an input or is otherwise unusable."""


def _is_same_or_inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def plan_outputs(sources: Sequence[Source], inputs: Sequence[str], out: str) -> dict[Source, Path]:
    """Map each input unit to its output path, mirroring the input layout.

    A single file (or stdin) goes to ``out`` itself unless ``out`` is an existing folder; a
    folder, or several inputs, go under the folder ``out``. Raises ``OutputError`` before
    anything is written if an output would overwrite an input or two outputs collide.
    """
    out_path = Path(out)
    single_file = len(inputs) == 1 and not Path(inputs[0]).is_dir() and len(sources) == 1
    if single_file and not out_path.is_dir():
        plan = {sources[0]: out_path}
    else:
        if out_path.exists() and not out_path.is_dir():
            raise OutputError(
                f"{out} is a file; with a folder or several inputs, -o must be a folder"
            )
        plan = {source: out_path / source.relpath for source in sources}

    input_files = {s.path.resolve() for s in sources if s.path is not None}
    input_dirs = [Path(p).resolve() for p in inputs if p != "-" and Path(p).is_dir()]
    seen: dict[Path, Source] = {}
    for source, target in plan.items():
        resolved = target.resolve()
        if resolved in input_files:
            raise OutputError(f"refusing to write over the input {target}; choose another -o")
        for folder in input_dirs:
            if _is_same_or_inside(resolved, folder):
                raise OutputError(
                    f"output {target} would land inside the input folder {folder}; "
                    "choose an -o outside it"
                )
        if resolved in seen:
            raise OutputError(
                f"{seen[resolved].name} and {source.name} would both be written to {target}"
            )
        seen[resolved] = source
    return plan


@contextlib.contextmanager
def open_output(target: Path | str) -> Iterator[IO[bytes]]:
    """Standard output for ``-``, else an atomic writer for the path."""
    if target == STDOUT:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with atomic_writer(Path(target)) as handle:
            yield handle


@contextlib.contextmanager
def atomic_writer(target: Path) -> Iterator[IO[bytes]]:
    """Write to a temporary file beside ``target`` and move it into place only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
