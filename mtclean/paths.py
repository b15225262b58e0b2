"""Where mtclean finds its files: the shipped model and seeds, and the shared data.

The model (``models/``) and the seed articles (``seeds/``) live at the top of the repository.
A wheel carries them inside the package as ``mtclean/_models`` and ``mtclean/_seeds`` (see
``setup.py``), read through ``importlib.resources``. ``model_dir()`` and ``seeds_dir()`` return
the source tree's folder when mtclean runs from a checkout (an editable install), else the
installed package's copy; every caller goes through them. The training/evaluation data is never
part of the package (``default_data_dir``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

DATA_ENV = "MTCLEAN_DATA"
MODEL_DIR_ENV = "MTCLEAN_MODEL_DIR"
PACKAGE = "mtclean"
REPO = Path(__file__).resolve().parents[1]
# the repository checkout this module runs from, if any (None in an installed wheel: there
# REPO is site-packages, whose stray top-level folders must never be taken for ours)
SOURCE_TREE: Path | None = REPO if (REPO / "pyproject.toml").is_file() else None
# top-level folder of the repository -> its name inside the installed package
SHIPPED = {"models": "_models", "seeds": "_seeds"}
# the regression gate's floors (see mtclean.evaluation.gate)
DEFAULT_BASELINE = REPO / "benchmarks" / "baseline.json"

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def shipped_dir(folder: str) -> Path:
    """The shipped folder ``folder`` (a key of ``SHIPPED``): the checkout's top-level folder
    when running from one, else the installed package's copy (extracted to a temporary folder
    if the package is not on disk, e.g. zipped)."""
    if folder not in SHIPPED:
        raise ValueError(f"unknown shipped folder {folder!r}; expected one of {sorted(SHIPPED)}")
    if SOURCE_TREE is not None and (SOURCE_TREE / folder).is_dir():
        return SOURCE_TREE / folder
    packaged = resources.files(PACKAGE).joinpath(SHIPPED[folder])
    if isinstance(packaged, Path):
        return packaged
    return _extracted.enter_context(resources.as_file(packaged))


def model_dir(env: Mapping[str, str] | None = None) -> Path:
    """The trained model's folder: ``$MTCLEAN_MODEL_DIR``, else the shipped ``models/``."""
    environ = os.environ if env is None else env
    if environ.get(MODEL_DIR_ENV):
        return Path(environ[MODEL_DIR_ENV])
    return shipped_dir("models")


def seeds_dir() -> Path:
    """The five seed articles and their gold (``seeds/``), from the checkout or the package."""
    return shipped_dir("seeds")


def default_data_dir(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """$MTCLEAN_DATA, else ../shared/data beside the repository, else beside the cwd."""
    environ = os.environ if env is None else env
    if environ.get(DATA_ENV):
        return Path(environ[DATA_ENV])
    candidates = [REPO.parent / "shared" / "data", (cwd or Path.cwd()).parent / "shared" / "data"]
    return next((c for c in candidates if c.is_dir()), candidates[0])
