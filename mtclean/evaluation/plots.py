"""PNG plots of an evaluation report (matplotlib, Agg backend; imported only when plotting).

- ``precision_recall.png``: one row per part and label with gold spans (the gold count in the
  row's name), precision and recall of each system as a point with its 95% bootstrap interval
  over documents and its value written beside it; a system without predictions says so
  instead of drawing a 0. ``do-nothing`` is left out (it predicts nothing: no precision,
  recall 0). Parts without gold spans, and the parts the run skipped, are listed under the
  panels instead of drawn as empty panels.
- ``text_change.png``: per part, how much cleaning changed WER and chrF against the reference
  (after - before, per system; the input's values in the row's name), the change written on
  each bar, "unchanged" where it is zero.

The layout is computed from the report alone (``pr_rows``, ``text_rows``: pure).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtclean.records import LABELS

_COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860")
LEFT_OUT = ("do-nothing",)  # predicts nothing: no precision, recall 0 everywhere
UNCHANGED = 5e-4  # a change smaller than this is drawn as "unchanged"


@dataclass(frozen=True, slots=True)
class Point:
    """One system's value of one metric on one row: ``value`` None where undefined."""

    system: str
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class PRRow:
    part: str
    label: str
    gold: int  # req gold units (boilerplate: lines)
    precision: tuple[Point, ...]
    recall: tuple[Point, ...]

    @property
    def title(self) -> str:
        unit = " lines" if self.label == "boilerplate" else ""
        return f"{self.part} / {self.label}\n(gold {self.gold:,}{unit})"


def _gold_parts(report: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    return [(n, p) for n, p in report["parts"].items() if p["kind"] == "gold"]


def _systems(report: Mapping[str, Any]) -> list[str]:
    return [s["name"] for s in report["systems"] if s["name"] not in LEFT_OUT]


def _ci(record: Mapping[str, Any], key: str) -> tuple[float | None, float | None]:
    found = record.get(f"{key}_ci")
    return (found[0], found[1]) if found else (None, None)


def pr_rows(report: Mapping[str, Any]) -> tuple[list[PRRow], list[str]]:
    """The rows of ``precision_recall.png`` and the notes for what has no row."""
    rows: list[PRRow] = []
    notes: list[str] = []
    systems = _systems(report)
    for name, part in _gold_parts(report):
        measured = [s for s in systems if s in part["systems"]]
        labels = [
            label
            for label in LABELS
            if part.get("gold_spans", {}).get(label, {}).get("req", 0) and measured
        ]
        if not labels:
            notes.append(f"{name}: no req gold spans (or no system ran): nothing to plot")
        for label in labels:
            records = {s: part["systems"][s]["labels"][label] for s in measured}
            first = next(iter(records.values()))
            precision, recall = [], []
            for system, r in records.items():
                predicted = r.get("predicted", r["tp"] + r["fp"])
                p_low, p_high = _ci(r, "precision")
                r_low, r_high = _ci(r, "recall")
                precision.append(
                    Point(system, r["precision"] if predicted else None, p_low, p_high)
                )
                recall.append(Point(system, r["recall"], r_low, r_high))
            rows.append(
                PRRow(name, label, first["tp"] + first["fn"], tuple(precision), tuple(recall))
            )
    for skip in report.get("skipped", []):
        if skip["part"] not in report["parts"]:
            notes.append(f"{skip['part']}: skipped ({skip['reason']})")
    return rows, notes


def _notes_text(notes: Sequence[str], limit: int = 14) -> str:
    shown = [n if len(n) <= 120 else n[:117] + "..." for n in notes[:limit]]
    if len(notes) > limit:
        shown.append(f"... and {len(notes) - limit} more (see report.md)")
    return "Not plotted:\n" + "\n".join(f"  {n}" for n in shown)


def _draw_points(ax: Any, rows: Sequence[PRRow], metric: str, systems: Sequence[str]) -> None:
    step = 0.8 / max(1, len(systems))
    for i, row in enumerate(rows):
        for point in getattr(row, metric):
            k = systems.index(point.system)
            y = i - 0.4 + step * (k + 0.5)
            colour = _COLOURS[k % len(_COLOURS)]
            if point.value is None:
                ax.text(0.01, y, f"{point.system}: no predictions", va="center", fontsize=7,
                        color=colour, style="italic")  # fmt: skip
                continue
            if point.low is not None and point.high is not None:
                ax.plot([point.low, point.high], [y, y], color=colour, lw=1.6, alpha=0.6)
            ax.plot([point.value], [y], "o", color=colour, ms=4.5)
            where = f"{point.value:.3f}" if point.value < 0.01 else f"{point.value:.2f}"
            if point.low is not None and point.high is not None:
                where += f" [{point.low:.2f}, {point.high:.2f}]"
            right = point.high if point.high is not None else point.value
            left = point.low if point.low is not None else point.value
            if right < 0.7:  # beside the interval where there is room, else over it
                x, align = right + 0.015, "left"
            elif left > 0.3:
                x, align = left - 0.015, "right"
            elif point.value < 0.7:
                x, align = point.value + 0.02, "left"
            else:
                x, align = point.value - 0.02, "right"
            ax.text(x, y, where, va="center", ha=align, fontsize=7, color=colour,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})  # fmt: skip
    ax.set_xlim(0, 1.08)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(range(len(rows)), [r.title for r in rows], fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    for i in range(1, len(rows)):
        ax.axhline(i - 0.5, color="#dddddd", lw=0.8)


def plot_precision_recall(report: Mapping[str, Any], path: Path) -> Path:
    """``precision_recall.png`` (see the module doc)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    rows, notes = pr_rows(report)
    systems = _systems(report)
    height = 1.6 + 0.22 * max(1, len(systems)) * max(1, len(rows)) + 0.16 * min(len(notes), 15)
    fig, axes = plt.subplots(1, 2, figsize=(13, height), sharey=True, squeeze=False)
    for ax, metric in zip(axes[0], ("precision", "recall"), strict=True):
        if rows:
            _draw_points(ax, rows, metric, systems)
        else:
            ax.text(0.5, 0.5, "no part with gold spans was measured", ha="center", va="center")
            ax.set_yticks([])
        ax.set_title(f"span {metric} (point: all documents; bar: 95% bootstrap interval)",
                     fontsize=9)  # fmt: skip
    handles = [
        Line2D([], [], marker="o", color=_COLOURS[k % len(_COLOURS)], label=s)
        for k, s in enumerate(systems)
    ]
    return _finish(fig, plt, handles, "Span precision and recall per part and label "
                   "(do-nothing left out: it predicts nothing)", notes, height, path)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TextRow:
    part: str
    wer_before: float
    chrf_before: float
    documents: int
    wer_change: tuple[tuple[str, float], ...]  # per system: after - before
    chrf_change: tuple[tuple[str, float], ...]

    @property
    def title(self) -> str:
        return (
            f"{self.part} ({self.documents} docs)\n"
            f"input: WER {self.wer_before:.3f}, chrF {self.chrf_before:.1f}"
        )


def text_rows(report: Mapping[str, Any]) -> tuple[list[TextRow], list[str]]:
    """The rows of ``text_change.png`` and the notes for parts without text scores."""
    systems = _systems(report)
    rows: list[TextRow] = []
    notes: list[str] = []
    for name, part in _gold_parts(report):
        texts = {s: part["systems"][s].get("text") for s in systems if s in part["systems"]}
        texts = {s: t for s, t in texts.items() if t and t.get("documents")}
        if not texts:
            notes.append(f"{name}: no reference text scores")
            continue
        first = next(iter(texts.values()))
        rows.append(
            TextRow(
                name, first["wer_before"], first["chrf_before"], first["documents"],
                tuple((s, t["wer_after"] - t["wer_before"]) for s, t in texts.items()),
                tuple((s, t["chrf_after"] - t["chrf_before"]) for s, t in texts.items()),
            )
        )  # fmt: skip
    return rows, notes


def _draw_changes(ax: Any, rows: Sequence[TextRow], metric: str, systems: Sequence[str]) -> None:
    step = 0.8 / max(1, len(systems))
    spread = max((abs(v) for r in rows for _, v in getattr(r, metric)), default=0.0) or 1.0
    for i, row in enumerate(rows):
        for system, value in getattr(row, metric):
            k = systems.index(system)
            y = i - 0.4 + step * (k + 0.5)
            colour = _COLOURS[k % len(_COLOURS)]
            ax.barh(y, value, height=step * 0.9, color=colour)
            digits = ".4f" if metric == "wer_change" or abs(value) < 0.01 else ".2f"
            label = "unchanged" if abs(value) < UNCHANGED else f"{value:+{digits}}"
            ax.text(value + (0.02 * spread if value >= 0 else -0.02 * spread), y, label,
                    va="center", ha="left" if value >= 0 else "right", fontsize=7)  # fmt: skip
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_xlim(-1.35 * spread, 1.35 * spread)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(range(len(rows)), [r.title for r in rows], fontsize=8)
    ax.grid(axis="x", alpha=0.3)


def plot_text_change(report: Mapping[str, Any], path: Path) -> Path:
    """``text_change.png`` (see the module doc)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    rows, notes = text_rows(report)
    systems = _systems(report)
    height = 1.8 + 0.22 * max(1, len(systems)) * max(1, len(rows)) + 0.16 * min(len(notes), 15)
    fig, axes = plt.subplots(1, 2, figsize=(13, height), sharey=True, squeeze=False)
    titles = {
        "wer_change": "WER change, after - before (below 0: closer to the reference)",
        "chrf_change": "chrF change, after - before (above 0: closer to the reference)",
    }
    for ax, metric in zip(axes[0], titles, strict=True):
        if rows:
            _draw_changes(ax, rows, metric, systems)
        else:
            ax.text(0.5, 0.5, "no part with reference texts was measured", ha="center")
            ax.set_yticks([])
        ax.set_title(titles[metric], fontsize=9)
    handles = [Patch(color=_COLOURS[k % len(_COLOURS)], label=s) for k, s in enumerate(systems)]
    return _finish(fig, plt, handles, "What cleaning changed against the clean reference, "
                   "per part (mean over documents)", notes, height, path)  # fmt: skip


def write_plots(report: Mapping[str, Any], out: Path) -> list[str]:
    """Both plots into ``out``; the file names written (relative to ``out``)."""
    if not _gold_parts(report):
        return []
    written = [plot_precision_recall(report, out / "precision_recall.png").name]
    if text_rows(report)[0]:
        written.append(plot_text_change(report, out / "text_change.png").name)
    return written


def _finish(
    fig: Any,
    plt: Any,
    handles: list[Any],
    title: str,
    notes: Sequence[str],
    height: float,
    path: Path,
) -> Path:
    """The legend above the panels, the title, the notes below them; saved to ``path``."""
    fig.legend(handles=handles, loc="upper center", ncol=len(handles), fontsize=8,
               frameon=False, bbox_to_anchor=(0.5, 1 - 0.35 / height))  # fmt: skip
    fig.suptitle(title, fontsize=10)
    bottom = (0.3 + 0.16 * min(len(notes), 15)) / height if notes else 0.02
    if notes:
        fig.text(0.01, 0.01, _notes_text(notes), fontsize=7, va="bottom", family="monospace")
    fig.tight_layout(rect=(0, bottom, 1, 1 - 0.7 / height))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
