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
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
EXAMPLE = re.compile(r"<!-- example -->\n```[a-z]*\n(.*?)```", re.DOTALL)


def _script(name: str) -> Any:
    """Load ``scripts/NAME.py`` as a module (the scripts are not a package)."""
    import importlib.util

    path = REPO / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"mtclean_{name}_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


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
    import json

    bench = _script("benchmark")
    result = json.loads((REPO / "benchmarks" / "throughput.json").read_text("utf-8"))
    table = bench.readme_table(README.read_text("utf-8"))
    assert table is not None, f"README.md has no line {bench.README_MARK!r}"
    assert table == bench.markdown(result), "run: python scripts/benchmark.py --readme"


def test_readme_cascade_block_is_the_benchmark_json() -> None:
    """The "Measured" cascade and document-score block is ``scripts/bench_cascade.py``'s, from
    its JSON (regenerate it with ``python scripts/bench_cascade.py --readme`` after a run)."""
    import json

    bench = _script("bench_cascade")
    result = json.loads((REPO / "benchmarks" / "cascade.json").read_text("utf-8"))
    block = bench.BLOCK.find(README.read_text("utf-8"))
    assert block is not None, f"README.md has no block {bench.BLOCK.begin!r}"
    assert block == bench.markdown(result), "run: python scripts/bench_cascade.py --readme"


def test_readme_web_pages_block_is_the_evaluate_section() -> None:
    """The web-page table in "Boilerplate in real web text" is ``mtclean evaluate``'s
    ``web_pages`` section as kept in benchmarks/web_pages.json (regenerate it with
    ``python scripts/bench_web_pages.py`` or ``--from-report``, then ``--readme``)."""
    import json

    bench = _script("bench_web_pages")
    section = json.loads((REPO / "benchmarks" / "web_pages.json").read_text("utf-8"))
    block = bench.BLOCK.find(README.read_text("utf-8"))
    assert block is not None, f"README.md has no block {bench.BLOCK.begin!r}"
    assert block == bench.markdown(section), "run: python scripts/bench_web_pages.py --readme"


def test_readme_evaluation_table_is_the_kept_report() -> None:
    """The "Evaluation" table is ``scripts/readme_evaluation.py``'s rendering of
    benchmarks/evaluation.json, the summary kept from an ``mtclean evaluate`` report."""
    import json

    from mtclean.evaluation.report import readme_summary

    script = _script("readme_evaluation")
    summary = json.loads(script.KEPT.read_text("utf-8"))
    block = script.BLOCK.find(README.read_text("utf-8"))
    assert block is not None, f"README.md has no block {script.BLOCK.begin!r}"
    assert block == readme_summary(summary), "run: python scripts/readme_evaluation.py"


def test_readme_block_replaces_only_its_body() -> None:
    from mtclean.evaluation.readme_blocks import ReadmeBlock

    block = ReadmeBlock("<!-- a -->", "<!-- /a -->")
    text = "before\n<!-- a -->\nold\nrows\n<!-- /a -->\nafter\n"
    assert block.find(text) == "old\nrows"
    assert block.replace(text, "new") == "before\n<!-- a -->\nnew\n<!-- /a -->\nafter\n"
    with pytest.raises(ValueError, match="no block"):
        block.replace("no marks here", "new")
    empty = "<!-- a -->\n<!-- /a -->"
    assert block.find(empty) == ""
    assert block.replace(empty, "rows") == "<!-- a -->\nrows\n<!-- /a -->"


def test_readme_memory_block_is_the_benchmark_json() -> None:
    """The peak-memory block under "Command line" is ``scripts/benchmark_memory.py``'s, from
    benchmarks/memory.json (regenerate it with ``python scripts/benchmark_memory.py --readme``)."""
    import json

    bench = _script("benchmark_memory")
    result = json.loads((REPO / "benchmarks" / "memory.json").read_text("utf-8"))
    block = bench.BLOCK.find(README.read_text("utf-8"))
    assert block is not None, f"README.md has no block {bench.BLOCK.begin!r}"
    assert block == bench.markdown(result), "run: python scripts/benchmark_memory.py --readme"
