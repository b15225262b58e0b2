"""Every example output in the README is what the program prints.

An example is a fenced block right after a line ``<!-- example -->``: lines starting with ``$ ``
are shell commands (run from the repository root with this interpreter's ``bin`` first on
PATH); the other lines are their expected standard output, compared exactly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
EXAMPLE = re.compile(r"<!-- example -->\n```[a-z]*\n(.*?)```", re.DOTALL)


def examples() -> list[tuple[str, str]]:
    found = []
    for block in EXAMPLE.findall(README.read_text("utf-8")):
        lines = block.splitlines()
        commands = [line[2:] for line in lines if line.startswith("$ ")]
        output = "\n".join(line for line in lines if not line.startswith("$ "))
        found.append(("\n".join(commands), output.strip()))
    return found


def test_readme_has_examples() -> None:
    assert len(examples()) >= 2


@pytest.mark.parametrize("command,expected", examples(), ids=lambda v: str(v)[:40])
def test_readme_example_output(command: str, expected: str) -> None:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("HF_HUB_OFFLINE", "1")
    done = subprocess.run(
        ["bash", "-c", command],  # the output comparison catches a failing command
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # (no returncode check: a pipe into head may end the writer with SIGPIPE)
    assert done.stdout.strip() == expected, done.stderr
