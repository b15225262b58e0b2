"""What an evaluation run can use, and a :class:`Skip` for each requirement that is missing.

The shared data files (BBC News, MLQE-PE, the article-extraction benchmark), the optional
Python packages and the Apertium modes are probed once (:func:`probe_environment`, the I/O
side); the requirement checks (:func:`missing_for`, :func:`missing_apertium`) are pure: they
get what exists and return what is missing, with the reason and how to get it.
"""

from __future__ import annotations

import importlib.util
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mtclean.degrade.boilerplate import BENCHMARK_DIR
from mtclean.degrade.roundtrip import apertium_available

DATA_HINT = (
    "set MTCLEAN_DATA to the folder holding bbc_news/, mlqe_pe/ and article_extraction_benchmark/ "
    "(see the shared data README for sources)"
)
APERTIUM_HINT = "apt-get install apertium apertium-eng-spa apertium-eng-cat"
EVAL_EXTRAS_HINT = "pip install 'mtclean[eval]'"

BBC_FILE = "bbc_news/articles.jsonl"
MLQE_FILE = "mlqe_pe/mt_postedit.jsonl"
BENCHMARK_FILE = f"{BENCHMARK_DIR}/ground-truth.json"
DATA_FILES = (BBC_FILE, MLQE_FILE, BENCHMARK_FILE)
FILE_HINTS = {
    BBC_FILE: "put the BBC News dataset (articles.jsonl: id, category, title, text) in "
    "{data}/bbc_news/",
    MLQE_FILE: "put MLQE-PE (mt_postedit.jsonl: src, mt, pe, hter, lp, split) in {data}/mlqe_pe/",
    BENCHMARK_FILE: "put scrapinghub/article-extraction-benchmark (html/*.html.gz and "
    "ground-truth.json) in {data}/" + BENCHMARK_DIR + "/",
}
SPIN_MODULES = ("lemminflect", "wordfreq")
HARVEST_MODULES = ("html_text",)
TEXT_MODULES = ("jiwer", "sacrebleu")
PLOT_MODULES = ("matplotlib",)


@dataclass(frozen=True, slots=True)
class Skip:
    """A part (or system) that did not run: what is missing and how to get it."""

    part: str
    reason: str
    fix: str

    def describe(self) -> str:
        return f"{self.part}: skipped: {self.reason}; to fix: {self.fix}"

    def to_json(self) -> dict[str, str]:
        return {"part": self.part, "reason": self.reason, "fix": self.fix}


@dataclass(frozen=True, slots=True)
class Environment:
    """What the run can use: data files present, Python modules and Apertium modes installed."""

    data_dir: Path
    data_dir_exists: bool
    files: frozenset[str]  # paths relative to data_dir that exist
    missing_modules: frozenset[str]
    apertium_modes: frozenset[str] | None  # None: apertium not on PATH


def missing_modules(names: Sequence[str]) -> list[str]:
    return [name for name in names if importlib.util.find_spec(name) is None]


def apertium_pairs() -> set[str] | None:
    """Installed Apertium modes (``eng-spa`` ...), or None when ``apertium`` is not on PATH."""
    if not apertium_available():
        return None
    try:
        listed = subprocess.run(
            ["apertium", "-l"], capture_output=True, check=False, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip() for line in listed.splitlines() if line.strip()}


def probe_environment(data_dir: Path) -> Environment:
    """Look at the disk and PATH once (the I/O side of the requirement checks)."""
    modes = apertium_pairs()
    needed = (*SPIN_MODULES, *HARVEST_MODULES, *TEXT_MODULES, *PLOT_MODULES)
    return Environment(
        data_dir=data_dir,
        data_dir_exists=data_dir.is_dir(),
        files=frozenset(f for f in DATA_FILES if (data_dir / f).is_file()),
        missing_modules=frozenset(missing_modules(needed)),
        apertium_modes=None if modes is None else frozenset(modes),
    )


def missing_for(
    part: str, env: Environment, files: Sequence[str] = (), modules: Sequence[str] = ()
) -> Skip | None:
    """The first missing requirement of ``part`` as a :class:`Skip`, or None."""
    if files and not env.data_dir_exists:
        return Skip(part, f"data folder {env.data_dir} not found", DATA_HINT)
    for name in files:
        if name not in env.files:
            return Skip(
                part,
                f"{env.data_dir / name} not found",
                FILE_HINTS[name].format(data=env.data_dir) + f", or {DATA_HINT}",
            )
    lacking = [m for m in modules if m in env.missing_modules]
    if lacking:
        return Skip(part, f"Python package(s) {', '.join(lacking)} not installed", EVAL_EXTRAS_HINT)
    return None


def apertium_modes(pivot: str) -> tuple[str, str]:
    """The two Apertium modes a round trip through ``pivot`` needs (``eng-spa``, ``spa-eng``)."""
    return f"eng-{pivot}", f"{pivot}-eng"


def missing_apertium(part: str, pivot: str, env: Environment) -> Skip | None:
    if env.apertium_modes is None:
        return Skip(part, "the apertium program is not on PATH", APERTIUM_HINT)
    lacking = [m for m in apertium_modes(pivot) if m not in env.apertium_modes]
    if lacking:
        return Skip(
            part,
            f"Apertium mode(s) {', '.join(lacking)} not installed",
            f"apt-get install apertium-eng-{pivot}",
        )
    return None
