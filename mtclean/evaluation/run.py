"""``mtclean evaluate``: every system on every evaluation part, measured in one run.

The runner: it probes the environment (:mod:`mtclean.evaluation.environment`), builds the parts
it allows (:mod:`mtclean.evaluation.parts`), loads the systems (:mod:`mtclean.evaluation.systems`;
those that need the trained model run unless ``Options.model`` is False), runs every system on
every part and scores the results (:mod:`mtclean.evaluation.scoring`) into the report, a dict.
:func:`evaluate_and_write` is the I/O edge: report.json, report.md and plots, the regression gate
(:mod:`mtclean.evaluation.gate`) and the baseline update.

Everything but reading inputs and writing the report is a pure function of its arguments; the
run is deterministic given ``seed``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import shlex
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtclean import __version__
from mtclean.batch import progress
from mtclean.degrade.boilerplate import BENCHMARK_DIR
from mtclean.detectors.model import model_dir
from mtclean.evaluation.environment import (
    BENCHMARK_FILE,
    PLOT_MODULES,
    TEXT_MODULES,
    Environment,
    Skip,
    missing_for,
    missing_modules,
    probe_environment,
)
from mtclean.evaluation.gate import (
    BaselineFormatError,
    BaselineLoweringError,
    GateResult,
    check,
    updated_baseline,
)
from mtclean.evaluation.metrics import word_count
from mtclean.evaluation.parts import PIVOT_MODES, Part, build_parts, make_settings
from mtclean.evaluation.report import render_markdown
from mtclean.evaluation.scoring import (
    gold_counts,
    score_clean_part,
    score_gold_part,
    sibling_section,
)
from mtclean.evaluation.systems import (
    DEFAULT_SYSTEM,
    RULES_SYSTEM,
    SYSTEMS,
    SystemSpec,
    TextCleaner,
    load_systems,
    system_record,
)
from mtclean.model.data import MLQE_DOC_SENTENCES
from mtclean.paths import DEFAULT_BASELINE, default_data_dir
from mtclean.paths import seeds_dir as shipped_seeds_dir
from mtclean.records import CleanResult

logger = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SYNTHETIC_NOTE = (
    "The synthetic parts are generated on the fly from held-out text (BBC `tech`, MLQE-PE "
    "`test20`) that is never used for training or tuning."
)
# the report's headline system (its detectors in the header, its unsupported sibling terms):
# the first of these that ran
HEADLINE_SYSTEMS = (DEFAULT_SYSTEM, RULES_SYSTEM)


@dataclass(frozen=True, slots=True)
class Options:
    """Everything ``mtclean evaluate`` takes (see the CLI for the meaning of each)."""

    data: Path | None = None
    out: Path = Path("reports")
    quick: bool = False
    seed: int = 0
    limit: int | None = None
    gate: bool = False
    baseline: Path = DEFAULT_BASELINE
    update_baseline: bool = False
    allow_lower: bool = False
    plots: bool = True
    model: bool = True  # False (--no-model): skip the systems that need the trained model
    show_progress: bool = True
    command: Sequence[str] = field(default_factory=lambda: list(sys.argv))
    seeds_dir: Path = field(default_factory=shipped_seeds_dir)  # the checkout's or the package's


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 (first 16 hex digits) of every file in ``folder``, by name."""
    if not folder.is_dir():
        return {}
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16]
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def combined_hash(hashes: Mapping[str, str]) -> str:
    payload = json.dumps(dict(sorted(hashes.items()))).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


RUN_BATCH_SIZE = 16  # documents per Cleaner.pipe batch (the model scores a batch at once)


def _run_system(system: TextCleaner, name: str, part: Part, show: bool) -> list[CleanResult]:
    """The system's results in document order; through ``pipe`` (batches) where it has one."""
    texts = [doc.text for doc in part.docs]
    per_part = getattr(system, "clean_part", None)
    if callable(per_part):
        found: list[CleanResult] = per_part(texts)
        return found
    pipe = getattr(system, "pipe", None)
    stream: Iterable[CleanResult] = (
        pipe(texts, batch_size=RUN_BATCH_SIZE) if callable(pipe) else map(system.clean, texts)
    )
    results: list[CleanResult] = []
    with progress(len(part.docs), show) as bar:
        bar.set_description(f"{part.name} / {name}")
        for result in stream:
            results.append(result)
            bar.update(1)
    return results


def evaluate_parts(
    parts: Sequence[Part],
    systems: Sequence[tuple[SystemSpec, TextCleaner]],
    text_metrics: bool,
    show_progress: bool,
) -> tuple[dict[str, Any], dict[str, dict[str, list[CleanResult]]], dict[str, float]]:
    """Run every system on every part: (part records, raw results, timings)."""
    records: dict[str, Any] = {}
    raw: dict[str, dict[str, list[CleanResult]]] = {}
    timings: dict[str, float] = {}
    for part in parts:
        record: dict[str, Any] = {
            "kind": part.kind,
            "description": part.description,
            "documents": len(part.docs),
            "words": sum(word_count(d.text) for d in part.docs),
            "systems": {},
        }
        if part.kind == "gold":
            record["gold_spans"] = gold_counts(part.docs)
        raw[part.name] = {}
        for spec, system in systems:
            if not spec.runs_on(part.name):
                continue
            started = time.perf_counter()
            results = _run_system(system, spec.name, part, show_progress)
            timings[f"run:{part.name}:{spec.name}"] = time.perf_counter() - started
            raw[part.name][spec.name] = results
            record["systems"][spec.name] = (
                score_gold_part(part, results, text_metrics)
                if part.kind == "gold"
                else score_clean_part(part, results)
            )
        records[part.name] = record
    return records, raw, timings


def environment_record(env: Environment) -> dict[str, Any]:
    return {
        "data_dir": str(env.data_dir),
        "data_files_present": sorted(env.files),
        "missing_python_packages": sorted(env.missing_modules),
        "apertium": None
        if env.apertium_modes is None
        else sorted(m for m in env.apertium_modes if m in PIVOT_MODES),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def web_pages_skip(env: Environment, quick: bool) -> Skip | None:
    """Why the ``web_pages`` section does not run (``--quick``: it takes about a minute), or
    None."""
    from mtclean.evaluation.web_pages import MODULES, SECTION

    if quick:
        return Skip(SECTION, "--quick leaves it out (about a minute)", "run without --quick")
    skip = missing_for(SECTION, env, files=(BENCHMARK_FILE,))
    if skip is not None:
        return skip
    lacking = missing_modules(MODULES)
    if lacking:
        return Skip(
            SECTION,
            f"Python package(s) {', '.join(lacking)} not installed",
            "pip install 'mtclean[eval,html]'",
        )
    return None


def run_evaluation(options: Options) -> dict[str, Any]:
    """Build the parts the environment allows, run every system, return the report (a dict)."""
    started = time.perf_counter()
    started_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    settings = make_settings(options.quick, options.seed, options.limit)
    data_dir = options.data if options.data is not None else default_data_dir()
    env = probe_environment(data_dir)
    collector = build_parts(settings, env, options.seeds_dir)
    skipped = list(collector.skipped)
    text_skip = missing_for("text-metrics", env, modules=TEXT_MODULES)
    text_metrics = text_skip is None
    if text_skip is not None:
        skipped.append(text_skip)
    systems, system_skips, load_timings = load_systems(SYSTEMS, options.model)
    skipped += system_skips
    plots_skip = missing_for("plots", env, modules=PLOT_MODULES) if options.plots else None
    if plots_skip is not None:  # evaluate_and_write draws the plots only without this skip
        skipped.append(plots_skip)
    web_skip = web_pages_skip(env, options.quick)
    if web_skip is not None:
        skipped.append(web_skip)
    for skip in skipped:
        logger.info("%s", skip.describe())
    parts_record, raw, run_timings = evaluate_parts(
        collector.parts, systems, text_metrics, options.show_progress
    )
    web_pages = None
    if web_skip is None:
        from mtclean.evaluation.web_pages import web_pages_section

        web_pages = web_pages_section(env.data_dir / BENCHMARK_DIR)
    resources = file_hashes(RESOURCES)
    models = file_hashes(model_dir())
    system_records = [system_record(spec, system) for spec, system in systems]
    headline = next(
        (r for name in HEADLINE_SYSTEMS for r in system_records if r["name"] == name), None
    )
    return {
        "mtclean_version": __version__,
        "command": shlex.join(options.command),
        "argv": list(options.command),
        "seed": options.seed,
        "settings": {
            "quick": settings.quick,
            "seed": settings.seed,
            "bbc_docs": settings.bbc_docs,
            "mlqe_docs": settings.mlqe_docs,
            "mlqe_doc_sentences": MLQE_DOC_SENTENCES,
        },
        "model": {
            "detectors": headline["detectors"] if headline else [],
            "detectors_of": headline["name"] if headline else None,
            "resources": resources,
            "resources_hash": combined_hash(resources),
            "models": models,
            "models_hash": combined_hash(models) if models else None,
        },
        "environment": environment_record(env),
        "systems": system_records,
        "note": SYNTHETIC_NOTE,
        "skipped": [s.to_json() for s in skipped],
        "parts": parts_record,
        "siblings": sibling_section(collector.parts, raw),
        "web_pages": web_pages,
        "timings": {
            **{k: round(v, 3) for k, v in collector.timings.items()},
            **{k: round(v, 3) for k, v in load_timings.items()},
            **{k: round(v, 3) for k, v in run_timings.items()},
            "total": round(time.perf_counter() - started, 3),
        },
        "started_at": started_at,
    }


# --- the I/O edge: report files, plots, gate, baseline -------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``mtclean evaluate`` did: the report, files written, gate and baseline results."""

    report: Mapping[str, Any]
    written: tuple[Path, ...]
    gate: GateResult | None
    baseline_written: Path | None
    errors: tuple[str, ...]

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.gate is not None and not self.gate.ok else 0


def read_baseline(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def gate_record(result: GateResult, baseline_path: Path) -> dict[str, Any]:
    return {
        "baseline": str(baseline_path),
        "ok": result.ok,
        "failures": list(result.failures),
        "passed": list(result.passed),
        "not_checked": list(result.not_checked),
        "not_gated": list(result.not_gated),
        "warnings": list(result.warnings),
    }


def evaluate_and_write(options: Options) -> Outcome:
    """Run the evaluation, write report.json/report.md/plots, check the gate, update the baseline.

    The gate compares with the baseline as it was before this run; ``update_baseline`` writes
    the new floors afterwards (refused, with a message, when one would go down without
    ``allow_lower``).
    """
    report: dict[str, Any] = run_evaluation(options)
    errors: list[str] = []
    old = read_baseline(options.baseline)
    gate: GateResult | None = None
    if options.gate:
        if old is None:
            errors.append(
                f"no baseline at {options.baseline}; create it with "
                "`mtclean evaluate --quick --update-baseline`"
            )
        else:
            try:
                gate = check(report, old)
            except BaselineFormatError as error:
                errors.append(f"{options.baseline}: {error}")
            else:
                report["gate"] = gate_record(gate, options.baseline)
    new_baseline: dict[str, Any] | None = None
    if options.update_baseline:
        try:
            new_baseline = updated_baseline(report, old, options.allow_lower)
        except BaselineFormatError as error:
            errors.append(f"{options.baseline}: {error}")
        except BaselineLoweringError as error:
            errors.append(str(error))
    if not report["parts"]:
        errors.append(
            "every evaluation part was skipped, nothing was measured (the reasons and fixes "
            "are listed above and in report.md)"
        )
    options.out.mkdir(parents=True, exist_ok=True)
    if options.plots and not any(s["part"] == "plots" for s in report["skipped"]):
        from mtclean.evaluation.plots import write_plots

        report["plots"] = write_plots(report, options.out)
    written = [options.out / name for name in report.get("plots", [])]
    write_json(options.out / "report.json", report)
    (options.out / "report.md").write_text(
        render_markdown(report, report.get("gate")), encoding="utf-8"
    )
    written = [options.out / "report.json", options.out / "report.md", *written]
    baseline_written = None
    if new_baseline is not None:
        write_json(options.baseline, new_baseline)
        baseline_written = options.baseline
    return Outcome(report, tuple(written), gate, baseline_written, tuple(errors))
