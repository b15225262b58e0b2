"""Round-trip stability (``mtclean.roundtrip_stability``) and its benchmark's summary."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support import REPO

from mtclean.degrade.roundtrip import apertium_available
from mtclean.roundtrip_stability import roundtrip_stability, stability


def test_stability_is_one_when_unchanged_and_falls_with_changes() -> None:
    assert stability("The talks ended.", "the talks ended") == 1.0
    one = stability("The talks came to nothing on Monday.", "The talks came to at all Monday.")
    more = stability("The talks came to nothing on Monday.", "Conversations arrived at zero.")
    assert 0.0 <= more < one < 1.0
    assert stability("", "") == 1.0 and stability("Talks.", "") == 0.0


def test_roundtrip_stability_gives_one_value_per_sentence() -> None:
    if not apertium_available():
        pytest.skip("apertium is not installed (apt-get install apertium apertium-eng-spa)")
    sentences = ["The talks ended on Monday.", "Officials said little.", "It rained."]
    values = roundtrip_stability(sentences)
    assert len(values) == len(sentences) and all(0.0 <= v <= 1.0 for v in values)


def test_benchmark_summary_reads_its_json() -> None:
    path = REPO / "benchmarks" / "mt_roundtrip.json"
    report = json.loads(path.read_text("utf-8"))
    done = subprocess.run(
        [sys.executable, "scripts/eval_roundtrip.py", "--summary", str(path)],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    sent = report["sentence_auc_instability"]["mt_vs_postedits"]
    assert f"MT vs post-edits {sent:.3f}" in done.stdout
