"""Where the shared training/evaluation data lives (never part of the package)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DATA_ENV = "MTCLEAN_DATA"
REPO = Path(__file__).resolve().parents[1]
# the regression gate's floors (see mtclean.evaluation.gate)
DEFAULT_BASELINE = REPO / "benchmarks" / "baseline.json"


def default_data_dir(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """$MTCLEAN_DATA, else ../shared/data beside the repository, else beside the cwd."""
    environ = os.environ if env is None else env
    if environ.get(DATA_ENV):
        return Path(environ[DATA_ENV])
    candidates = [REPO.parent / "shared" / "data", (cwd or Path.cwd()).parent / "shared" / "data"]
    return next((c for c in candidates if c.is_dir()), candidates[0])
