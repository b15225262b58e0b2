"""Paths and readers shared by the tests (importable as ``support``)."""

from __future__ import annotations

from pathlib import Path

from mtclean.paths import default_data_dir

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def read_seed(name: str) -> str:
    """A seed article exactly as stored (UTF-8, newlines untranslated)."""
    return (SEEDS / name).read_bytes().decode("utf-8")


def shared_data_dir() -> Path:
    """Where the shared data lives: $MTCLEAN_DATA, default ../shared/data beside the repo."""
    return default_data_dir()
