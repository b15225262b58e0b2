"""The regression gate: the quick evaluation must stay above the floors in benchmarks/baseline.json.

The floors are written by ``mtclean evaluate --quick --update-baseline`` from a real run, per
system; lowering one needs ``--allow-lower``. ``mtclean-rules`` (the Cleaner without the trained
model) has floors; a system without floors yet (``mtclean``, the default Cleaner with the model,
until they are pinned from a real run) is reported as not gated. The seeds part runs
everywhere; the synthetic and clean parts need the shared data (skipped with the reason when it
is absent). Only one test loads the model; the others run ``model=False`` to stay fast.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from support import REPO

from mtclean.evaluation.gate import GateResult, check
from mtclean.evaluation.run import Options, run_evaluation
from mtclean.evaluation.systems import DEFAULT_SYSTEM, RULES_SYSTEM, missing_model, probe_model

BASELINE = REPO / "benchmarks" / "baseline.json"


def _baseline() -> dict[str, Any]:
    if not BASELINE.is_file():
        pytest.fail(
            f"{BASELINE} is missing; create it with `mtclean evaluate --quick --update-baseline`"
        )
    loaded: dict[str, Any] = json.loads(BASELINE.read_text(encoding="utf-8"))
    return loaded


def _quick(data: Path, model: bool = False) -> dict[str, Any]:
    """The quick run; without the model unless asked (loading it takes seconds)."""
    options = Options(data=data, quick=True, plots=False, show_progress=False, model=model,
                      command=["pytest", "tests/test_regression_gate.py"])  # fmt: skip
    return run_evaluation(options)


def _assert_passes(result: GateResult) -> None:
    assert result.ok, "regression beyond the noise margin:\n  " + "\n  ".join(result.failures)


def test_the_baseline_gates_the_rules_system() -> None:
    floors = _baseline()["systems"]
    assert RULES_SYSTEM in floors and any(
        k.startswith("seeds/") for k in floors[RULES_SYSTEM]["metrics"]
    )


def test_seeds_gate_without_data(tmp_path: Path) -> None:
    report = _quick(tmp_path / "no-shared-data")
    result = check(report, _baseline())
    _assert_passes(result)
    assert any(key.startswith(f"{RULES_SYSTEM}/seeds/") for key in result.passed)


def test_gate_unaffected_when_the_model_cannot_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MTCLEAN_MODEL_DIR", str(tmp_path / "no-model"))
    report = _quick(tmp_path / "no-shared-data", model=True)
    skip = next(s for s in report["skipped"] if s["part"] == DEFAULT_SYSTEM)
    assert "no trained model" in skip["reason"]
    result = check(report, _baseline())
    _assert_passes(result)
    rules_only = check(_quick(tmp_path / "no-shared-data"), _baseline())
    assert (result.failures, result.passed) == (rules_only.failures, rules_only.passed)


def test_seeds_gate_with_the_model(tmp_path: Path) -> None:
    """The one run with the model: the seeds part only (no shared data), a few seconds."""
    unavailable = missing_model(DEFAULT_SYSTEM, probe_model())
    if unavailable is not None:
        pytest.skip(f"the shipped model cannot load: {unavailable.reason}")
    report = _quick(tmp_path / "no-shared-data", model=True)
    assert DEFAULT_SYSTEM in [s["name"] for s in report["systems"]], report["skipped"]
    assert (
        report["model"]["detectors_of"] == DEFAULT_SYSTEM
        and "model" in report["model"]["detectors"]
    )
    result = check(report, _baseline())
    _assert_passes(result)
    assert any(key.startswith(f"{RULES_SYSTEM}/seeds/") for key in result.passed)
    floors = _baseline()["systems"]
    if DEFAULT_SYSTEM in floors:
        assert any(key.startswith(f"{DEFAULT_SYSTEM}/seeds/") for key in result.passed)
    else:
        assert any(line.startswith(f"{DEFAULT_SYSTEM}: not gated") for line in result.not_gated)


@pytest.mark.needs_data
def test_quick_gate(shared_data: Path) -> None:
    started = time.perf_counter()
    report = _quick(shared_data)
    elapsed = time.perf_counter() - started
    result = check(report, _baseline())
    _assert_passes(result)
    assert any(key.startswith(f"{RULES_SYSTEM}/bbc_spin_medium/") for key in result.passed)
    assert any(key.startswith(f"{RULES_SYSTEM}/clean_bbc/") for key in result.passed)
    assert elapsed < 300, f"the quick gate took {elapsed:.0f} s; keep --quick small"
