"""The regression gate: the quick evaluation must stay above the floors in benchmarks/baseline.json.

The floors are written by ``mtclean evaluate --quick --update-baseline`` from a real run; lowering
one needs ``--allow-lower``. The seeds part runs everywhere; the synthetic and clean parts need
the shared data (skipped with the reason when it is absent).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from support import REPO

from mtclean.evaluation.gate import GateResult, check
from mtclean.evaluation.run import MODEL_SYSTEM, Options, run_evaluation

BASELINE = REPO / "benchmarks" / "baseline.json"


def _baseline() -> dict[str, Any]:
    if not BASELINE.is_file():
        pytest.fail(
            f"{BASELINE} is missing; create it with `mtclean evaluate --quick --update-baseline`"
        )
    loaded: dict[str, Any] = json.loads(BASELINE.read_text(encoding="utf-8"))
    return loaded


def _quick(data: Path, model: bool = False) -> dict[str, Any]:
    options = Options(data=data, quick=True, plots=False, show_progress=False, model=model,
                      command=["pytest", "tests/test_regression_gate.py"])  # fmt: skip
    return run_evaluation(options)


def _assert_passes(result: GateResult) -> None:
    assert result.ok, "regression beyond the noise margin:\n  " + "\n  ".join(result.failures)


def test_seeds_gate_without_data(tmp_path: Path) -> None:
    report = _quick(tmp_path / "no-shared-data")
    result = check(report, _baseline())
    _assert_passes(result)
    assert any(key.startswith("seeds/") for key in result.passed)


def test_gate_unaffected_when_the_model_system_cannot_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MTCLEAN_MODEL_DIR", str(tmp_path / "no-model"))
    report = _quick(tmp_path / "no-shared-data", model=True)
    assert any(s["part"] == MODEL_SYSTEM for s in report["skipped"])
    result = check(report, _baseline())
    _assert_passes(result)
    assert result == check(_quick(tmp_path / "no-shared-data"), _baseline())


@pytest.mark.needs_data
def test_quick_gate(shared_data: Path) -> None:
    started = time.perf_counter()
    report = _quick(shared_data)
    elapsed = time.perf_counter() - started
    result = check(report, _baseline())
    _assert_passes(result)
    assert any(key.startswith("bbc_spin_medium/") for key in result.passed)
    assert any(key.startswith("clean_bbc/") for key in result.passed)
    assert elapsed < 300, f"the quick gate took {elapsed:.0f} s; keep --quick small"
