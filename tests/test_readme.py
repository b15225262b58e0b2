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


def test_readme_throughput_table_is_the_benchmark_json() -> None:
    """The "Measured" throughput table is ``scripts/benchmark.py``'s, from its JSON (regenerate
    it with ``python scripts/benchmark.py --readme`` after a run)."""
    import importlib.util
    import json

    path = REPO / "scripts" / "benchmark.py"
    spec = importlib.util.spec_from_file_location("mtclean_benchmark_script", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up
    spec.loader.exec_module(bench)
    result = json.loads((REPO / "benchmarks" / "throughput.json").read_text("utf-8"))
    table = bench.readme_table(README.read_text("utf-8"))
    assert table is not None, f"README.md has no line {bench.README_MARK!r}"
    assert table == bench.markdown(result), "run: python scripts/benchmark.py --readme"


def test_readme_cascade_block_is_the_benchmark_json() -> None:
    """The "Measured" cascade and document-score block is ``scripts/bench_cascade.py``'s, from
    its JSON (regenerate it with ``python scripts/bench_cascade.py --readme`` after a run)."""
    import importlib.util
    import json

    path = REPO / "scripts" / "bench_cascade.py"
    spec = importlib.util.spec_from_file_location("mtclean_bench_cascade_script", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    result = json.loads((REPO / "benchmarks" / "cascade.json").read_text("utf-8"))
    block = bench.readme_block(README.read_text("utf-8"))
    assert block is not None, f"README.md has no block {bench.README_MARK!r}"
    expected = f"{bench.README_MARK}\n{bench.markdown(result)}\n{bench.README_END}"
    assert block == expected, "run: python scripts/bench_cascade.py --readme"


def test_readme_web_pages_block_is_the_evaluate_section() -> None:
    """The web-page table in "Boilerplate in real web text" is ``mtclean evaluate``'s
    ``web_pages`` section as kept in benchmarks/web_pages.json (regenerate it with
    ``python scripts/bench_web_pages.py`` or ``--from-report``, then ``--readme``)."""
    import importlib.util
    import json

    path = REPO / "scripts" / "bench_web_pages.py"
    spec = importlib.util.spec_from_file_location("mtclean_bench_web_pages_script", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    section = json.loads((REPO / "benchmarks" / "web_pages.json").read_text("utf-8"))
    block = bench.readme_block(README.read_text("utf-8"))
    assert block is not None, f"README.md has no block {bench.README_MARK!r}"
    assert block == bench.markdown(section), "run: python scripts/bench_web_pages.py --readme"
