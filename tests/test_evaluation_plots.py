"""Intervals, plots and report units of ``mtclean evaluate`` (issue 14, item 3)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from mtclean.evaluation.intervals import bootstrap
from mtclean.evaluation.plots import pr_rows, text_rows, write_plots
from mtclean.evaluation.report import render_markdown
from mtclean.evaluation.run import Options, evaluate_and_write, run_evaluation


def test_bootstrap_intervals() -> None:
    sure = bootstrap([(3, 0, 1), (2, 0, 0), (5, 0, 2)])
    assert sure.precision == (1.0, 1.0) and sure.recall is not None
    assert sure.recall[0] < 10 / 13 < sure.recall[1]
    mixed = bootstrap([(1, 3, 0), (4, 0, 1), (0, 2, 5), (3, 1, 1)] * 3)
    assert mixed.precision is not None and mixed.precision[0] < 8 / 14 < mixed.precision[1]
    assert mixed == bootstrap([(1, 3, 0), (4, 0, 1), (0, 2, 5), (3, 1, 1)] * 3)  # seeded
    nothing = bootstrap([(0, 0, 4), (0, 0, 2)])
    assert nothing.precision is None and nothing.recall == (0.0, 0.0)
    assert bootstrap([]).precision is None


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    absent = tmp_path_factory.mktemp("nodata") / "absent"
    options = Options(data=absent, quick=True, plots=False, show_progress=False, model=False,
                      command=["mtclean", "evaluate", "--quick", "--no-model"])  # fmt: skip
    return run_evaluation(options)


def test_report_has_intervals_and_says_n_a_without_predictions(
    seeds_report: dict[str, Any],
) -> None:
    spun = seeds_report["parts"]["seeds"]["systems"]["mtclean-rules"]["labels"]["spun"]
    low, high = spun["precision_ci"]
    assert low <= spun["precision"] <= high and spun["predicted"] == spun["tp"] + spun["fp"]
    markdown = render_markdown(seeds_report)
    summary = markdown.split("## Summary", 1)[1].split("\n## ", 1)[0]
    header = next(line for line in summary.splitlines() if line.startswith("| part |"))
    assert "do-nothing" not in header  # an all-zero column: left out, said so
    assert "`do-nothing` is left out" in summary
    boilerplate = next(line for line in summary.splitlines() if "| boilerplate (" in line)
    assert "| n/a / 0.00 [0.00, 0.00] / 0.00 (n=0) |" in boilerplate  # lexicon-only
    units = boilerplate.split("| boilerplate (", 1)[1].split(")", 1)[0]
    assert f"#### seeds / boilerplate ({units} req gold lines;" in markdown  # same units
    assert "| precision 95% CI |" in markdown and "| predictions scored (TP + FP) |" in markdown


def test_plots_say_what_they_leave_out(seeds_report: dict[str, Any]) -> None:
    rows, notes = pr_rows(seeds_report)
    assert {(r.part, r.label) for r in rows} == {("seeds", "spun"), ("seeds", "mt"),
                                                  ("seeds", "boilerplate")}  # fmt: skip
    assert any(n.startswith("bbc_glued: skipped (") for n in notes)
    assert all("do-nothing" not in [p.system for p in r.precision] for r in rows)
    lexicon_mt = next(r for r in rows if r.label == "mt").precision[0]
    assert lexicon_mt.system == "lexicon-only" and lexicon_mt.value is None  # no predictions
    changes, _ = text_rows(seeds_report)
    for row in changes:
        for system, change in row.wer_change:
            text = seeds_report["parts"][row.part]["systems"][system]["text"]
            assert change == pytest.approx(text["wer_after"] - text["wer_before"])


@pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None, reason="matplotlib is not installed"
)
def test_plots_are_written(seeds_report: dict[str, Any], tmp_path: Path) -> None:
    written = write_plots(seeds_report, tmp_path)
    assert written[0] == "precision_recall.png"
    for name in written:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wer.png" not in written  # replaced by the change plot


def test_a_run_where_every_part_is_skipped_fails(tmp_path: Path) -> None:
    options = Options(data=tmp_path / "absent", out=tmp_path / "out", quick=True, plots=False,
                      show_progress=False, model=False, seeds_dir=tmp_path / "no-seeds",
                      command=["mtclean", "evaluate"])  # fmt: skip
    outcome = evaluate_and_write(options)
    assert not outcome.report["parts"]
    assert outcome.exit_code != 0
    assert any("every evaluation part was skipped" in e for e in outcome.errors)
