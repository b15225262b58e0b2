"""The regression gate: floors and ceilings pinned in a baseline JSON, checked against a report.

The baseline holds floors per system (``systems: {name: {metrics: {...}}}``); an entry pins one
metric of one system, e.g. ``bbc_spin_medium/spun/f1`` of ``mtclean-rules``::

    {"direction": "min", "measured": 0.47, "margin": 0.02, "bound": 0.45}

``direction`` ``min`` is a floor (higher is better: F1, chrF), ``max`` a ceiling (lower is
better: WER, false flags per 1,000 words). ``bound`` is the measured value minus (floors) or plus
(ceilings) the noise ``margin``: the gate fails when a metric falls below its measured value by
more than the margin. Entries are written only by ``mtclean evaluate --update-baseline`` from a
real run, for every system that ran; an update that would lower a floor (or raise a ceiling, or
drop a metric of a part that ran, or drop a system that no longer exists) is refused unless
``allow_lower`` is given. Floors of parts and systems the run skipped are kept, and so are
floors the new run would loosen by less than a tenth of their margin (run-to-run jitter, not a
decision to lower). A system that ran but has no floors yet is reported as not gated.

In results and messages a metric is named ``system/part/group/metric``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Direction = Literal["min", "max"]
BASELINE_FORMAT = 2  # 1: the floors of one system (``system``, ``metrics``)
_EPSILON = 1e-9
JITTER_SHARE = 0.1  # loosening by at most this share of the margin keeps the old floor

# metric name -> (direction, noise margin)
SPAN_METRICS: dict[str, tuple[Direction, float]] = {
    "precision": ("min", 0.03),
    "recall": ("min", 0.03),
    "f1": ("min", 0.03),
}
TEXT_METRICS: dict[str, tuple[Direction, float]] = {
    "wer_after": ("max", 0.02),
    "chrf_after": ("min", 1.0),
}
CLEAN_METRICS: dict[str, tuple[Direction, float]] = {
    "false_flags_per_1000_words": ("max", 0.5),
    "boilerplate_flags_per_1000_words": ("max", 0.5),
    "edits_per_1000_words": ("max", 0.5),
}


@dataclass(frozen=True, slots=True)
class Metric:
    """One gated number of one report."""

    key: str  # part/group/metric
    part: str
    value: float
    direction: Direction
    margin: float


@dataclass(frozen=True, slots=True)
class GateResult:
    """What the gate found: failures (regressions), checks passed, entries not checked (their
    part or system did not run) and systems that ran without floors (not gated)."""

    failures: tuple[str, ...]
    passed: tuple[str, ...]
    not_checked: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    not_gated: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures


class BaselineLoweringError(ValueError):
    """An update would lower floors (or raise ceilings) without ``allow_lower``."""

    def __init__(self, changes: tuple[str, ...]) -> None:
        self.changes = changes
        listed = "\n  ".join(changes)
        super().__init__(
            f"updating the baseline would lower {len(changes)} floor(s):\n  {listed}\n"
            "pass --allow-lower to lower them on purpose (say why in the commit message)"
        )


class BaselineFormatError(ValueError):
    """The baseline is not in the format this version reads."""


def floors_by_system(baseline: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The baseline's entries per system (``{system: {key: entry}}``)."""
    found = baseline.get("format")
    if found != BASELINE_FORMAT:
        raise BaselineFormatError(
            f"the baseline has format {found!r}; this version reads format {BASELINE_FORMAT} "
            "(floors per system, under 'systems'): regenerate it with "
            "`mtclean evaluate --quick --update-baseline --allow-lower`"
        )
    return {
        name: dict(pinned.get("metrics", {}))
        for name, pinned in baseline.get("systems", {}).items()
    }


def systems_run(report: Mapping[str, Any]) -> list[str]:
    """The systems the report measured, in run order."""
    return [str(s["name"]) for s in report.get("systems", [])]


def gated_metrics(report: Mapping[str, Any], system: str) -> dict[str, Metric]:
    """The metrics of ``system`` the gate pins, by key.

    Span metrics only for labels with req gold spans in the part; text metrics where measured;
    false-flag and edit rates on clean parts.
    """
    metrics: dict[str, Metric] = {}
    for part_name, part in report.get("parts", {}).items():
        scores = part.get("systems", {}).get(system)
        if scores is None:
            continue
        if part.get("kind") == "gold":
            for label, record in scores.get("labels", {}).items():
                if part.get("gold_spans", {}).get(label, {}).get("req", 0) == 0:
                    continue
                for name, (direction, margin) in SPAN_METRICS.items():
                    key = f"{part_name}/{label}/{name}"
                    metrics[key] = Metric(key, part_name, float(record[name]), direction, margin)
            for name, (direction, margin) in TEXT_METRICS.items():
                if name in scores.get("text", {}):
                    key = f"{part_name}/text/{name}"
                    value = float(scores["text"][name])
                    metrics[key] = Metric(key, part_name, value, direction, margin)
        else:
            for name, (direction, margin) in CLEAN_METRICS.items():
                key = f"{part_name}/clean/{name}"
                metrics[key] = Metric(key, part_name, float(scores[name]), direction, margin)
    return metrics


def bound_of(metric: Metric) -> float:
    """The floor (measured minus margin, at least 0) or ceiling (measured plus margin)."""
    if metric.direction == "min":
        return round(max(0.0, metric.value - metric.margin), 6)
    return round(metric.value + metric.margin, 6)


def entry(metric: Metric) -> dict[str, Any]:
    return {
        "direction": metric.direction,
        "measured": round(metric.value, 6),
        "margin": metric.margin,
        "bound": bound_of(metric),
    }


def _violates(value: float, item: Mapping[str, Any]) -> bool:
    if math.isnan(value):
        return True
    if item["direction"] == "min":
        return value < float(item["bound"]) - _EPSILON
    return value > float(item["bound"]) + _EPSILON


def _describe(key: str, value: float, item: Mapping[str, Any]) -> str:
    word, sign = ("floor", "-") if item["direction"] == "min" else ("ceiling", "+")
    relation = "<" if item["direction"] == "min" else ">"
    return (
        f"{key} = {value:.4f} {relation} {word} {float(item['bound']):.4f} "
        f"(baseline {float(item['measured']):.4f} {sign} margin {item['margin']})"
    )


def settings_warnings(report: Mapping[str, Any], baseline: Mapping[str, Any]) -> list[str]:
    pinned = baseline.get("settings")
    current = report.get("settings")
    if pinned and current and pinned != current:
        return [
            f"the baseline was measured with settings {pinned}, this run used {current}; "
            "compare like with like (the CI gate uses --quick)"
        ]
    return []


def check(report: Mapping[str, Any], baseline: Mapping[str, Any]) -> GateResult:
    """Compare the metrics of every system the report measured with the baseline's bounds.

    Raises :class:`BaselineFormatError` when the baseline is in another format.
    """
    floors = floors_by_system(baseline)
    ran = systems_run(report)
    parts_ran = set(report.get("parts", {}))
    skipped = {s["part"]: s["reason"] for s in report.get("skipped", [])}
    failures: list[str] = []
    passed: list[str] = []
    not_checked: list[str] = []
    for system, pinned in sorted(floors.items()):
        current = gated_metrics(report, system) if system in ran else {}
        for key, item in sorted(pinned.items()):
            name = f"{system}/{key}"
            part = key.split("/", 1)[0]
            if system not in ran:
                reason = skipped.get(system, "system not run")
                not_checked.append(f"{name}: not checked ({reason})")
                continue
            if part not in parts_ran:
                reason = skipped.get(part, "part not run")
                not_checked.append(f"{name}: not checked ({reason})")
                continue
            metric = current.get(key)
            if metric is None:
                failures.append(
                    f"{name}: missing from this run (the part ran but the metric is gone)"
                )
            elif _violates(metric.value, item):
                failures.append(_describe(name, metric.value, item))
            else:
                passed.append(name)
    not_gated = [
        f"{system}: not gated (no floors in the baseline yet; pin them with --update-baseline)"
        for system in ran
        if system not in floors
    ]
    return GateResult(
        tuple(failures),
        tuple(passed),
        tuple(not_checked),
        tuple(settings_warnings(report, baseline)),
        tuple(not_gated),
    )


def lowered(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Entries of ``new`` that are looser than in ``old``, and ``old`` entries ``new`` drops."""
    changes: list[str] = []
    for key, before in sorted(old.items()):
        after = new.get(key)
        if after is None:
            changes.append(f"{key}: would be removed (bound {before['bound']})")
            continue
        if after["direction"] != before["direction"]:
            changes.append(f"{key}: direction would change")
            continue
        if before["direction"] == "min" and after["bound"] < before["bound"] - _EPSILON:
            changes.append(f"{key}: floor {before['bound']} -> {after['bound']}")
        elif before["direction"] == "max" and after["bound"] > before["bound"] + _EPSILON:
            changes.append(f"{key}: ceiling {before['bound']} -> {after['bound']}")
    return changes


def _jitter(old: Mapping[str, Any], new: Mapping[str, Any] | None) -> bool:
    """A loosening smaller than a tenth of the margin: run-to-run jitter, keep the old entry."""
    if new is None or new["direction"] != old["direction"]:
        return False
    loosening = float(old["bound"]) - float(new["bound"])
    if old["direction"] == "max":
        loosening = -loosening
    return 0 < loosening <= JITTER_SHARE * float(old["margin"])


def updated_baseline(
    report: Mapping[str, Any], old: Mapping[str, Any] | None, allow_lower: bool = False
) -> dict[str, Any]:
    """The baseline pinned from ``report`` for every system that ran; floors of parts the run
    skipped, and of systems it skipped, are carried over.

    Raises :class:`BaselineLoweringError` when a floor would go down (or a ceiling up, or a metric
    of a part that ran would disappear, or a system that no longer exists would be dropped) and
    ``allow_lower`` is false; :class:`BaselineFormatError` when ``old`` is in another format.
    """
    old_floors = floors_by_system(old) if old is not None else {}
    ran = systems_run(report)
    parts_ran = set(report.get("parts", {}))
    skipped = {s["part"] for s in report.get("skipped", [])}
    systems: dict[str, dict[str, Any]] = {}
    changes: list[str] = []
    for system in ran:
        metrics = {key: entry(m) for key, m in sorted(gated_metrics(report, system).items())}
        before = old_floors.get(system, {})
        for key, item in before.items():
            if key.split("/", 1)[0] not in parts_ran or _jitter(item, metrics.get(key)):
                metrics[key] = dict(item)
        changes += [f"{system}/{change}" for change in lowered(before, metrics)]
        systems[system] = {"metrics": dict(sorted(metrics.items()))}
    for system, before in old_floors.items():
        if system in systems:
            continue
        if system in skipped:
            systems[system] = {"metrics": dict(before)}
        else:
            changes.append(
                f"{system}: would be removed ({len(before)} floor(s); the run has no such system)"
            )
    if changes and not allow_lower:
        raise BaselineLoweringError(tuple(changes))
    return {
        "format": BASELINE_FORMAT,
        "about": (
            "Regression floors ('min') and ceilings ('max') per system, written by "
            "`mtclean evaluate --quick --update-baseline` from a real run; never edit by hand. "
            "bound = measured -/+ margin; the gate fails when a metric crosses its bound."
        ),
        "command": report.get("command"),
        "mtclean_version": report.get("mtclean_version"),
        "resources_hash": report.get("model", {}).get("resources_hash"),
        "models_hash": report.get("model", {}).get("models_hash"),
        "settings": report.get("settings"),
        "systems": dict(sorted(systems.items())),
    }
