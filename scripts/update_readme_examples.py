"""Rewrite the README's example outputs with what the program prints now.

An example is a fenced block right after ``<!-- example -->`` (see ``tests/test_readme.py``,
which checks them): its ``$ `` lines are run in order from the repository root with this
interpreter's ``bin`` first on PATH, and the block's other lines are replaced by their standard
output. Run it after a change of output, read the diff, commit it with the change.

    python scripts/update_readme_examples.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
EXAMPLE = re.compile(r"(<!-- example -->\n```[a-z]*\n)(.*?)(```)", re.DOTALL)


def run(commands: list[str]) -> str:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("HF_HUB_OFFLINE", "1")
    done = subprocess.run(
        ["bash", "-c", "\n".join(commands)], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    return done.stdout.strip()


def main() -> int:
    text = README.read_text("utf-8")

    def regenerate(match: re.Match[str]) -> str:
        commands = [line for line in match.group(2).splitlines() if line.startswith("$ ")]
        output = run([c[2:] for c in commands])
        print(f"{commands[0][:70]}: {len(output.splitlines())} line(s)", file=sys.stderr)
        return f"{match.group(1)}{chr(10).join(commands)}\n{output}\n{match.group(3)}"

    README.write_text(EXAMPLE.sub(regenerate, text), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
