"""The code stays ruff- and mypy-clean (strict typing of the package, see pyproject.toml)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from support import REPO


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("ruff", ["check", "mtclean", "scripts", "tests"]),
        ("ruff", ["format", "--check", "mtclean", "tests"]),
        ("mypy", []),
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_is_clean(tool: str, args: list[str]) -> None:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[dev]')")
    result = subprocess.run(
        [sys.executable, "-m", tool, *args], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
