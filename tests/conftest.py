"""Shared fixtures: the optional shared data folder."""

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
