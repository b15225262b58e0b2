"""PNG plots of an evaluation report (matplotlib, Agg backend; imported only when plotting)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mtclean.records import LABELS

LEGEND_INCHES = 0.5  # below the panels: two rows of legend entries
_COLOURS = ("#9e9e9e", "#4c72b0", "#dd8452", "#55a868", "#c44e52")


def _gold_parts(report: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    return [(n, p) for n, p in report["parts"].items() if p["kind"] == "gold"]


def plot_precision_recall(report: Mapping[str, Any], path: Path) -> Path:
    """One panel per part: precision (solid) and recall (hatched) per label, bars per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parts = _gold_parts(report)
    columns = min(3, max(1, len(parts)))
    rows = max(1, math.ceil(len(parts) / columns))
    height = 3.6 * rows
    fig, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, height), squeeze=False)
    systems = [s["name"] for s in report["systems"]]
    width = 0.8 / (2 * len(systems))
    for ax, (name, part) in zip(axes.flat, parts, strict=False):
        labels = [
            label for label in LABELS if part.get("gold_spans", {}).get(label, {}).get("req", 0)
        ]
        for si, system in enumerate(systems):
            if system not in part["systems"]:
                continue  # a system that does not run on this part
            scores = part["systems"][system]["labels"]
            for mi, metric in enumerate(("precision", "recall")):
                offset = (2 * si + mi - len(systems) + 0.5) * width
                ax.bar(
                    [i + offset for i in range(len(labels))],
                    [scores[label][metric] for label in labels],
                    width,
                    color=_COLOURS[si % len(_COLOURS)],
                    hatch="//" if metric == "recall" else None,
                    edgecolor="white" if metric == "recall" else None,
                    label=f"{system} {metric[0].upper()}",
                )
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylim(0, 1.05)
        ax.set_title(name, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(parts) :]:
        ax.axis("off")
    handles, names = axes.flat[0].get_legend_handles_labels()
    # one legend column per system (its P above its R): fits the one-panel figure too
    fig.legend(handles, names, loc="lower center", ncol=len(systems), fontsize=8, frameon=False)
    fig.suptitle("Span precision (solid) and recall (hatched) per label, per part")
    fig.tight_layout(rect=(0, LEGEND_INCHES / height, 1, 0.96))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_wer(report: Mapping[str, Any], path: Path) -> Path:
    """WER against the reference per part: degraded input, then each system's output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parts = [(n, p) for n, p in _gold_parts(report) if "text" in next(iter(p["systems"].values()))]
    systems = [s["name"] for s in report["systems"] if s["name"] != "do-nothing"]
    series = ["before (input)", *(f"after {s}" for s in systems)]
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * len(parts) + 2), 4.2))
    for k, title in enumerate(series):
        values = []
        for _, part in parts:
            records = part["systems"]
            if k == 0:
                values.append(next(iter(records.values()))["text"]["wer_before"])
            else:
                record = records.get(systems[k - 1])
                values.append(record["text"]["wer_after"] if record else float("nan"))
        offset = (k - (len(series) - 1) / 2) * width
        ax.bar(
            [i + offset for i in range(len(parts))],
            values,
            width,
            color=_COLOURS[k % len(_COLOURS)],
            label=title,
        )
    ax.set_xticks(range(len(parts)), [n for n, _ in parts], rotation=20, ha="right")
    ax.set_ylabel("WER vs reference (lower is better)")
    ax.set_title("WER before and after cleaning, per part")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_plots(report: Mapping[str, Any], out: Path) -> list[str]:
    """Both plots into ``out``; the file names written (relative to ``out``)."""
    if not _gold_parts(report):
        return []
    written = [plot_precision_recall(report, out / "precision_recall.png").name]
    if any("text" in next(iter(p["systems"].values())) for _, p in _gold_parts(report)):
        written.append(plot_wer(report, out / "wer.png").name)
    return written
