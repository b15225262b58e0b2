"""Shared fixtures: the optional shared data folder; trafilatura hidden."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import shared_data_dir


@pytest.fixture
def shared_data() -> Path:
    """The shared training/evaluation data; the test is skipped when it is absent."""
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path} (set MTCLEAN_DATA to its location)")
    return path


@pytest.fixture
def without_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the ``[html]`` extra were not installed: trafilatura cannot be found."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "trafilatura" else real(n, *a)
    )
