"""Parallel batch runs: what the parent builds before its workers fork, and the same output
at 1 and 2 workers through the command line."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from mtclean.batch import preload
from mtclean.cli import app


class FakeNormalizer:
    def __init__(self) -> None:
        self.built = 0

    @property
    def index(self) -> str:
        self.built += 1
        return "index"


@pytest.mark.parametrize("model", [True, False])
def test_preload_builds_the_index_only_with_the_model(model: bool) -> None:
    normalizer = FakeNormalizer()
    cleaner: Any = SimpleNamespace(config=SimpleNamespace(model=model), normalizer=normalizer)
    preload(cleaner)
    assert normalizer.built == (1 if model else 0)


def test_preload_without_a_normalizer() -> None:
    cleaner: Any = SimpleNamespace(config=SimpleNamespace(model=True), normalizer=None)
    preload(cleaner)  # nothing to build, no error


def test_two_workers_write_what_one_writes(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    texts = [
        "Diplomats met on Monday to discuss the crisis in Jap Europe, officials said.",
        "Source link",
        "The Deputy Overseas Minister said talks would resume. reporter.",
    ]
    with source.open("w", encoding="utf-8") as out:
        for i in range(40):
            out.write(json.dumps({"id": f"d{i}", "text": f"{texts[i % 3]} ({i})"}) + "\n")
    outputs = []
    for workers in ("1", "2"):
        target = tmp_path / f"out{workers}.jsonl"
        args = ["clean", str(source), "-o", str(target), "-q", "--no-model", "-j", workers]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") == 40
