"""Writing outputs: where each input's output goes, checks that no output can destroy an input
or another output, and atomic writes with the umask's mode.

Two kinds of error, two exit codes (see ``mtclean.batch.ExitCode``):

- ``OutputError``: the outputs asked for would write over an input, land inside an input
  folder, or collide with each other. Found before any work; a usage error.
- ``OutputWriteError``: an output cannot be written (a folder where a file should go, a name
  too long, no permission, disk full, a closed pipe). Found before any work where it can be,
  else while writing; finished outputs are kept.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from mtclean.reading import STDIN, Compression, Source, suffix_compression

STDOUT = "-"
STDOUT_NAME = "standard output"  # how messages name it
SIDECAR_SUFFIX = ".mtclean.json"
_TMP_PREFIX_CHARS = 64  # of the target's name in the temporary file's name
_DEFAULT_NAME_MAX = 255

logger = logging.getLogger(__name__)


class OutputError(Exception):
    """The requested outputs would overwrite an input or each other (a usage error)."""


class OutputWriteError(Exception):
    """An output cannot be written; ``str()`` says which, why and what to do."""

    def __init__(self, target: str, reason: str, hint: str = "", code: int | None = None) -> None:
        self.target = target
        self.reason = reason
        self.errno = code  # the OS error number, when an OS error was the cause
        message = f"cannot write {target}: {reason}"
        super().__init__(f"{message}; {hint}" if hint else message)

    @classmethod
    def from_os_error(cls, target: Path | str, err: OSError) -> OutputWriteError:
        reason = err.strerror or str(err)
        hints = {
            errno.ENOSPC: "free some space or write elsewhere",
            errno.EDQUOT: "free some space or write elsewhere",
            errno.EACCES: "check the folder's permissions or write elsewhere",
            errno.EPERM: "check the folder's permissions or write elsewhere",
            errno.EROFS: "the file system is read-only; write elsewhere",
            errno.ENAMETOOLONG: "choose a shorter name",
            errno.EISDIR: "give a file name, not a folder",
            errno.ENOTDIR: "a part of the path is a file, not a folder",
            errno.ENOENT: "check that the folder exists and can hold files",
            errno.EPIPE: "the reading end of the pipe was closed",
        }
        return cls(str(target), reason, hints.get(err.errno or 0, ""), err.errno)

    @property
    def broken_pipe(self) -> bool:
        """The reader of a pipe went away (``mtclean detect ... | head``): not worth a message."""
        return self.errno == errno.EPIPE


class Sink(Protocol):
    """Where a run writes bytes: an output file, standard output, the rejects file."""

    def write(self, data: bytes, /) -> int: ...


class _Guarded:
    """A binary handle whose OS errors become ``OutputWriteError`` naming the output."""

    def __init__(self, handle: IO[bytes], name: str) -> None:
        self._handle = handle
        self._name = name

    def write(self, data: bytes, /) -> int:
        try:
            return self._handle.write(data)
        except OSError as err:
            raise OutputWriteError.from_os_error(self._name, err) from err

    def flush(self) -> None:
        try:
            self._handle.flush()
        except OSError as err:
            raise OutputWriteError.from_os_error(self._name, err) from err


# --- planning and checking, before any work ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Output:
    """One file a run will write, and the option that asked for it (for messages)."""

    path: Path
    role: str


def sidecar_path(target: Path | str) -> Path:
    """Where ``clean`` puts the spans, edits and metadata of a cleaned text file."""
    return Path(f"{target}{SIDECAR_SUFFIX}")


def plan_outputs(sources: Sequence[Source], inputs: Sequence[str], out: str) -> dict[Source, Path]:
    """Map each input unit to its output path, mirroring the input layout.

    A single file (or stdin) goes to ``out`` itself unless ``out`` is an existing folder; a
    folder, or several inputs, go under the folder ``out``. Raises ``OutputError`` before
    anything is written if an output would overwrite an input or two outputs collide.
    """
    out_path = Path(out)
    single_file = len(inputs) == 1 and not _is_dir(Path(inputs[0])) and len(sources) == 1
    if single_file and not _is_dir(out_path):
        plan = {sources[0]: out_path}
    else:
        if _mode(out_path) is not None and not _is_dir(out_path):
            raise OutputError(
                f"{out} is a file; with a folder or several inputs, -o must be a folder"
            )
        plan = {source: out_path / source.relpath for source in sources}
    check_outputs([Output(target, "-o") for target in plan.values()], sources, inputs)
    return plan


def clean_outputs(
    plan: Mapping[Source, Path | str], sidecar: bool, rejects: Path | None
) -> list[Output]:
    """Every file ``clean`` will write for ``plan``: outputs, sidecars, the rejects file."""
    outputs: list[Output] = []
    for source, target in plan.items():
        if target == STDOUT:
            continue
        outputs.append(Output(Path(target), "-o"))
        if sidecar and source.one_document:
            outputs.append(Output(sidecar_path(target), f"the sidecar of {target}"))
    if rejects is not None:
        outputs.append(Output(rejects, "--rejects"))
    return outputs


def _mode(path: Path) -> int | None:
    """``path``'s file type and mode, None if it cannot be looked at (missing, a name too long
    for the file system...: the write itself will then say why)."""
    try:
        return path.stat().st_mode
    except (OSError, ValueError):
        return None


def _is_dir(path: Path) -> bool:
    mode = _mode(path)
    return mode is not None and stat.S_ISDIR(mode)


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:  # hard links, bind mounts, case-insensitive names
        return os.path.samefile(a, b)
    except OSError:
        return False


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def check_outputs(
    outputs: Iterable[Output], sources: Sequence[Source], inputs: Sequence[str]
) -> None:
    """Refuse, before any work, outputs that could destroy an input or another output.

    Raises ``OutputError`` when an output is an input (same path after symlinks, or the same
    file through a hard link), lies inside an input folder (a later run would read it back as
    input), or two outputs are the same file. Raises ``OutputWriteError`` when an output cannot
    be written at all (see ``check_writable``).
    """
    input_files = [s.path for s in sources if s.path is not None]
    input_files += [Path(p) for p in inputs if p != STDIN and _mode(Path(p)) is not None]
    input_dirs = [Path(p) for p in inputs if p != STDIN and _is_dir(Path(p))]
    seen: list[Output] = []
    for output in outputs:
        if output.path == Path(STDOUT):
            continue
        for path in input_files:
            if _same_file(output.path, path):
                raise OutputError(
                    f"refusing to write over the input {path}: {output.role} {output.path} "
                    "is that file; choose another path"
                )
        for folder in input_dirs:
            if _is_inside(output.path, folder):
                raise OutputError(
                    f"{output.role} {output.path} would land inside the input folder {folder}; "
                    "choose a path outside it"
                )
        for other in seen:
            if _same_file(output.path, other.path):
                raise OutputError(
                    f"{other.role} and {output.role} are the same file ({output.path}); "
                    "each output needs its own path"
                )
        seen.append(output)
    for output in seen:
        check_writable(output.path)


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return _DEFAULT_NAME_MAX


def check_writable(target: Path) -> None:
    """Raise ``OutputWriteError`` if ``target`` clearly cannot be written as a file: it is a
    folder, its name is too long, a part of its folder is a file, or the folder is not
    writable. (A full disk shows only while writing.)"""
    ancestor = target.parent
    while _mode(ancestor) is None and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    limit = _name_max(ancestor) if _is_dir(ancestor) else _DEFAULT_NAME_MAX
    for part in target.parts:
        if len(os.fsencode(part)) > limit:
            raise OutputWriteError(
                str(target), f"the name {part[:40]}... is longer than {limit} bytes",
                "choose a shorter name",
            )  # fmt: skip
    if _is_dir(target):
        raise OutputWriteError(str(target), "it is a folder", "give a file name, not a folder")
    if not _is_dir(ancestor):
        raise OutputWriteError(
            str(target), f"{ancestor} is a file, not a folder", "choose another folder"
        )
    if not os.access(ancestor, os.W_OK | os.X_OK):
        if _read_only(ancestor):
            raise OutputWriteError(
                str(target), f"{ancestor} is on a read-only file system", "write elsewhere"
            )
        raise OutputWriteError(
            str(target), f"no permission to write in {ancestor}",
            "check the folder's permissions or write elsewhere",
        )  # fmt: skip


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


# --- writing ---------------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _is_special(target: Path) -> bool:
    """A device, FIFO or socket (``-o /dev/stdout``): written in place, never replaced."""
    mode = _mode(target)
    return mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextlib.contextmanager
def open_output(target: Path | str) -> Iterator[_Guarded]:
    """Standard output for ``-``, else an atomic writer for the path."""
    if target == STDOUT:
        handle = _Guarded(sys.stdout.buffer, STDOUT_NAME)
        yield handle
        handle.flush()
    else:
        with atomic_writer(Path(target)) as handle:
            compression = suffix_compression(target)
            if compression is None:
                yield handle
                return
            with compressing(handle, compression, str(target)) as packed:
                yield packed


@contextlib.contextmanager
def compressing(handle: _Guarded, compression: Compression, name: str) -> Iterator[_Guarded]:
    """Compress what is written into ``handle`` (``-o out.jsonl.gz``: gzip; ``.bz2``, ``.zst``),
    finishing the stream when the block ends without error."""
    packed: Any
    if compression == "gzip":
        import gzip

        packed = gzip.GzipFile(fileobj=handle, mode="wb", mtime=0)
    elif compression == "bz2":
        import bz2

        packed = bz2.BZ2File(handle, "wb")
    else:
        try:
            import zstandard  # only .zst outputs need it
        except ImportError as err:
            raise OutputWriteError(
                name,
                "writing .zst needs the zstandard package",
                "pip install 'mtclean[formats]'",
            ) from err
        packed = zstandard.ZstdCompressor().stream_writer(handle, closefd=False)  # type: ignore[arg-type]
    try:
        yield _Guarded(packed, name)
    except BaseException:
        with contextlib.suppress(Exception):
            packed.close()
        raise
    try:
        packed.close()
    except OSError as err:
        raise OutputWriteError.from_os_error(name, err) from err


def _tmp_prefix(target: Path) -> str:
    """How the temporary files of ``target`` are named: ``.NAME.PID.RANDOM.tmp``."""
    return f".{target.name[:_TMP_PREFIX_CHARS]}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def _stale(folder: Path, prefix: str) -> list[Path]:
    """The temporary files in ``folder`` named with ``prefix`` whose writer process is gone."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    stale = []
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid = name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            stale.append(folder / name)
    return stale


def _remove_stale(folder: Path, prefix: str) -> None:
    """Remove the temporary files a killed run (SIGKILL, power loss) left for this target:
    those whose writer process is gone. A live writer's file is left alone."""
    for path in _stale(folder, prefix):
        with contextlib.suppress(OSError):
            os.unlink(path)
            logger.info("removed %s, left by a run that was killed", path)


def abandoned(target: Path) -> Path | None:
    """The temporary file a killed run (SIGKILL) left while writing ``target``, the newest if
    several, or None. It is newer than ``target``: every run writing ``target`` first removes
    the files of the dead writers before it (see ``atomic_writer``). None for a name longer
    than the part of it the temporary files keep (another target's could match)."""
    if len(target.name) > _TMP_PREFIX_CHARS:
        return None
    found = []
    for path in _stale(target.parent, _tmp_prefix(target)):
        with contextlib.suppress(OSError):
            found.append((path.stat().st_mtime_ns, path))
    return max(found)[1] if found else None


@contextlib.contextmanager
def atomic_writer(target: Path) -> Iterator[_Guarded]:
    """Write to a temporary file beside ``target`` and move it into place only on success.

    The file gets the mode a plain ``open`` would give (0666 minus the umask). OS errors become
    ``OutputWriteError``; the temporary file is removed on any failure and ``target`` keeps
    what it held before.
    """
    if _is_special(target):
        try:
            raw = open(target, "wb")  # noqa: SIM115 (closed below, errors mapped)
        except OSError as err:
            raise OutputWriteError.from_os_error(target, err) from err
        try:
            yield _Guarded(raw, str(target))
            raw.flush()
        except OSError as err:
            raise OutputWriteError.from_os_error(target, err) from err
        finally:
            with contextlib.suppress(OSError):
                raw.close()
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        prefix = _tmp_prefix(target)
        _remove_stale(target.parent, prefix)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f"{prefix}{os.getpid()}.", suffix=".tmp", dir=target.parent
        )
    except OSError as err:
        raise OutputWriteError.from_os_error(target, err) from err
    try:
        os.chmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            yield _Guarded(handle, str(target))
        os.replace(tmp_name, target)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise OutputWriteError.from_os_error(target, err) from err
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
