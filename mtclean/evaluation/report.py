"""The Markdown rendering of an evaluation report (a pure function of the report dict)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mtclean.records import LABELS

SPAN_ROWS: tuple[tuple[str, str], ...] = (
    ("precision", "precision"),
    ("recall", "recall"),
    ("f1", "F1"),
    ("f05", "F0.5"),
    ("char_precision", "char precision"),
    ("char_recall", "char recall"),
    ("restoration_exact_match", "restoration exact match"),
)
TEXT_ROWS: tuple[tuple[str, str, str], ...] = (
    ("wer_before", "WER of the input", ".3f"),
    ("wer_after", "WER after cleaning", ".3f"),
    ("chrf_before", "chrF of the input", ".2f"),
    ("chrf_after", "chrF after cleaning", ".2f"),
)
CLEAN_ROWS: tuple[tuple[str, str, str], ...] = (
    ("false_flags", "spun/mt flags", "d"),
    ("false_flags_per_1000_words", "spun/mt flags per 1,000 words", ".2f"),
    ("boilerplate_flags_per_1000_words", "boilerplate flags per 1,000 words", ".2f"),
    ("edits", "edits made", "d"),
    ("edits_per_1000_words", "edits per 1,000 words", ".2f"),
    ("documents_changed", "documents changed", "d"),
    ("encoding_edits", "encoding repairs (entities, mojibake)", "d"),
)


SUMMARY_LEFT_OUT = ("do-nothing",)  # flags nothing: an all-zero column says nothing
FLAGS_BY_LABEL = "flags_per_1000_words"  # clean parts: {label: spans per 1,000 words}
FLAG_LABELS = ("spun", "mt")


def _units(label: str, count: int) -> str:
    """Gold units as the summary and the sections count them: spans, boilerplate lines."""
    return f"{count} req gold {'lines' if label == 'boilerplate' else 'spans'}"


def _ci(record: Mapping[str, Any], key: str) -> str:
    found = record.get(f"{key}_ci")
    return f"[{found[0]:.2f}, {found[1]:.2f}]" if found else "n/a"


def _predicted(record: Mapping[str, Any]) -> int:
    return int(record.get("predicted", record["tp"] + record["fp"]))


def _precision(record: Mapping[str, Any]) -> str:
    """Precision to two places, ``n/a`` without predictions (not 0)."""
    return f"{record['precision']:.2f}" if _predicted(record) else "n/a"


def _summary_cell(record: Mapping[str, Any]) -> str:
    """``P [CI] / R [CI] / F1 (n=predictions)``."""
    predicted = _predicted(record)
    precision = _precision(record)
    if predicted and record.get("precision_ci"):
        precision += f" {_ci(record, 'precision')}"
    recall = f"{record['recall']:.2f}"
    if record.get("recall_ci"):
        recall += f" {_ci(record, 'recall')}"
    return f"{precision} / {recall} / {record['f1']:.2f} (n={predicted})"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return [*lines, ""]


def _systems(part: Mapping[str, Any]) -> list[str]:
    return list(part["systems"])


def _label_tables(name: str, part: Mapping[str, Any]) -> list[str]:
    systems = _systems(part)
    lines: list[str] = []
    for label in LABELS:
        gold = part.get("gold_spans", {}).get(label, {"req": 0, "opt": 0})
        records = {s: part["systems"][s]["labels"][label] for s in systems}
        predicted = {s: r["tp"] + r["fp"] + r["ignored"] for s, r in records.items()}
        if gold["req"] == 0 and gold["opt"] == 0:
            if any(predicted.values()):
                flagged = ", ".join(f"{s} {r['fp']}" for s, r in records.items())
                lines += [f"*{label}*: no gold spans; false positives: {flagged}.", ""]
            continue
        first = next(iter(records.values()))
        lines.append(
            f"#### {name} / {label} ({_units(label, first['tp'] + first['fn'])}; from "
            f"{gold['req']} req and {gold['opt']} opt gold spans)"
        )
        lines.append("")
        rows = [[title, *(f"{records[s][key]:.3f}" for s in systems)] for key, title in SPAN_ROWS]
        if all("precision_ci" in records[s] for s in systems):
            rows[1:1] = [["precision 95% CI", *(_ci(records[s], "precision") for s in systems)]]
            rows[3:3] = [["recall 95% CI", *(_ci(records[s], "recall") for s in systems)]]
        scored = {s: records[s]["tp"] + records[s]["fp"] for s in systems}
        rows.insert(0, ["predictions scored (TP + FP)", *(str(scored[s]) for s in systems)])
        rows.append(
            [
                "restored (exact / scorable)",
                *(
                    f"{records[s]['restore_exact']} / {records[s]['restore_total']}"
                    for s in systems
                ),
            ]
        )
        if label == "spun" and all("restoration" in part["systems"][s] for s in systems):
            restored = {s: part["systems"][s]["restoration"] for s in systems}
            rows.append(
                [
                    "req spun spans restored in the text (rate)",
                    *(
                        f"{r['restored_by_edits']} / {r['gold']} ({r['restored_rate']:.3f})"
                        for r in restored.values()
                    ),
                ]
            )
            rows.append(
                [
                    "... by the best candidates, edits or not",
                    *(
                        f"{r['restored_by_candidates']} ({r['restored_by_candidates_rate']:.3f})"
                        for r in restored.values()
                    ),
                ]
            )
        rows.append(
            [
                "TP / FP / FN",
                *(f"{records[s]['tp']} / {records[s]['fp']} / {records[s]['fn']}" for s in systems),
            ]
        )
        lines += _table(["metric", *systems], rows)
    return lines


def _text_table(name: str, part: Mapping[str, Any]) -> list[str]:
    systems = _systems(part)
    texts = {s: part["systems"][s].get("text") for s in systems}
    if not all(texts.values()):
        return []
    first = next(iter(texts.values()))
    assert first is not None
    rows = [
        [title, *(format(texts[s][key], fmt) for s in systems)] for key, title, fmt in TEXT_ROWS
    ]
    rows.append(["edits made", *(str(part["systems"][s]["edits"]) for s in systems)])
    heading = f"#### {name} / text against the reference (mean over {first['documents']} docs)"
    return [heading, "", *_table(["metric", *systems], rows)]


def _clean_table(name: str, part: Mapping[str, Any]) -> list[str]:
    """Flags and edits on clean text; spun and mt flags also separately (every flag is false)."""
    systems = _systems(part)
    records = [part["systems"][s] for s in systems]
    rows: list[list[str]] = []
    for key, title, fmt in CLEAN_ROWS:
        rows.append([title, *(format(r[key], fmt) if key in r else "-" for r in records)])
        if key == "false_flags_per_1000_words" and all(FLAGS_BY_LABEL in r for r in records):
            rows += [
                [
                    f"{label} flags per 1,000 words",
                    *(f"{r[FLAGS_BY_LABEL][label]:.2f}" for r in records),
                ]
                for label in FLAG_LABELS
            ]
    return [f"#### {name} / false flags on clean text", "", *_table(["metric", *systems], rows)]


def _siblings(section: Mapping[str, Any], headline: str | None) -> list[str]:
    """``headline``: the system whose unsupported terms are listed (else the last system)."""
    lines = [
        "## Sibling support",
        "",
        f"`{section['degraded']}` against its clean siblings "
        + ", ".join(f"`{s}`" for s in section["siblings"])
        + ": share of its terms (names, titles, content-word bigrams) and content words that the "
        "siblings attest, before and after cleaning.",
        "",
    ]
    systems = list(section["systems"])
    records = section["systems"]
    rows = [
        ["term support before", *(f"{records[s]['before']['term_support']:.3f}" for s in systems)],
        ["term support after", *(f"{records[s]['after']['term_support']:.3f}" for s in systems)],
        [
            "content-word support before",
            *(f"{records[s]['before']['content_word_support']:.3f}" for s in systems),
        ],
        [
            "content-word support after",
            *(f"{records[s]['after']['content_word_support']:.3f}" for s in systems),
        ],
    ]
    lines += _table(["metric", *systems], rows)
    best = headline if headline in records else systems[-1]
    top = ", ".join(f"{t} ({n})" for t, n in records[best]["after"]["unsupported_terms"][:10])
    if top:
        lines += [f"Most frequent unsupported terms after `{best}`: {top}.", ""]
    return lines


def _compact_cell(record: Mapping[str, Any]) -> str:
    """``P / R / F1`` without intervals."""
    return f"{_precision(record)} / {record['recall']:.2f} / {record['f1']:.2f}"


def summary_rows(
    parts: Mapping[str, Any], cell: Callable[[Mapping[str, Any]], str] = _summary_cell
) -> tuple[list[str], list[list[str]]]:
    """The systems and one row per part and label with req gold spans (a clean part: its
    false flags per 1,000 words), each system's cell made by ``cell``."""
    systems: list[str] = [
        s
        for s in dict.fromkeys(s for part in parts.values() for s in _systems(part))
        if s not in SUMMARY_LEFT_OUT
    ]
    rows: list[list[str]] = []
    absent = "—"  # a system that does not run on the part (mtclean-siblings: seeds only)
    for name, part in parts.items():
        if part["kind"] != "gold":
            flags = part["systems"]
            cells = [
                f"{flags[s]['false_flags_per_1000_words']:.2f} per 1k words"
                if s in flags
                else absent
                for s in systems
            ]
            rows.append([name, "clean text", *cells])
            continue
        for label in LABELS:
            gold = part.get("gold_spans", {}).get(label, {"req": 0})
            if gold["req"] == 0:
                continue
            records = part["systems"]
            cells = [cell(records[s]["labels"][label]) if s in records else absent for s in systems]
            first = next(iter(records.values()))["labels"][label]
            rows.append([name, f"{label} ({first['tp'] + first['fn']})", *cells])
    return systems, rows


def readme_summary(report: Mapping[str, Any]) -> str:
    """The README's evaluation table: the summary without intervals, and how it was made."""
    systems, rows = summary_rows(report["parts"], _compact_cell)
    return "\n".join(
        [
            f"`{report['command']}` (mtclean {report['mtclean_version']}, seed "
            f"{report['seed']}, {report['timings']['total']:.0f} s here; span precision / recall "
            "/ F1; in brackets the req gold units, boilerplate counted per line; false flags "
            'per 1,000 words on clean text; "—": the system runs on the seeds only):',
            "",
            *_table(["part", "label", *systems], rows),
        ]
    ).rstrip("\n")


def _summary(parts: Mapping[str, Any]) -> list[str]:
    """One row per part and label with gold spans: span P / R / F1 of every system."""
    systems, rows = summary_rows(parts)
    if not rows:
        return []
    return [
        "## Summary",
        "",
        "Span precision / recall / F1 per part and label, with the 95% bootstrap interval "
        "over documents of precision and recall in square brackets and the number of "
        "predictions the precision rests on (n; precision n/a: no predictions). In round "
        "brackets after the label: the req gold units, spans (boilerplate: lines), as in the "
        "sections below. False flags (spun/mt spans) per 1,000 words on clean text. "
        "`do-nothing` is left out (it predicts nothing: no precision, recall 0; its numbers "
        "are in the sections).",
        "",
        *_table(["part", "label", *systems], rows),
    ]


def _of(system: str | None) -> str:
    return f" of `{system}`" if system else ""


def render_markdown(report: Mapping[str, Any], gate: Mapping[str, Any] | None = None) -> str:
    """The report as Markdown: command, systems, skipped parts, a table per label per part."""
    lines = [
        f"# mtclean evaluation report (mtclean {report['mtclean_version']})",
        "",
        "Command:",
        "",
        "```",
        report["command"],
        "```",
        "",
        f"Seed {report['seed']}; settings: "
        + ", ".join(f"{k}={v}" for k, v in report["settings"].items())
        + f"; resources hash `{report['model']['resources_hash']}`; "
        f"detectors{_of(report['model'].get('detectors_of'))}: "
        f"{', '.join(report['model']['detectors']) or 'none'}; "
        f"total time {report['timings']['total']:.1f} s.",
        "",
        report["note"],
        "",
        "Systems, all measured in this run:",
        "",
    ]
    lines += [
        f"- `{s['name']}`: {s['description']}"
        + (f" (detectors: {', '.join(s['detectors'])})" if s.get("detectors") else "")
        for s in report["systems"]
    ]
    lines.append("")
    lines += ["## Skipped", ""]
    if report["skipped"]:
        lines += [
            f"- **{s['part']}**: {s['reason']}. To fix: {s['fix']}." for s in report["skipped"]
        ]
    else:
        lines.append("Nothing was skipped.")
    lines.append("")
    if gate is not None:
        lines += ["## Regression gate", ""]
        status = "passed" if not gate["failures"] else f"FAILED ({len(gate['failures'])})"
        lines += [
            f"Gate {status}: {len(gate['passed'])} checks passed, "
            f"{len(gate['not_checked'])} not checked.",
            "",
        ]
        shown = (*gate["failures"], *gate["warnings"], *gate.get("not_gated", ()))
        lines += [f"- {item}" for item in shown]
        lines.append("")
    lines += _summary(report["parts"])
    for name, part in report["parts"].items():
        lines += [
            f"## {name}",
            "",
            f"{part['description']}: {part['documents']} documents, {part['words']:,} words.",
            "",
        ]
        if part["kind"] == "gold":
            lines += _label_tables(name, part)
            lines += _text_table(name, part)
        else:
            lines += _clean_table(name, part)
    if report.get("siblings"):
        lines += _siblings(report["siblings"], report["model"].get("detectors_of"))
    if report.get("web_pages"):
        from mtclean.evaluation.web_pages import markdown as web_pages_table

        section = report["web_pages"]
        lines += [
            "## web_pages",
            "",
            f"Boilerplate on real web pages: the article-extraction benchmark's {section['split']} "
            f"half ({section['pages']} pages), {section['metric']} metric, measured in this run "
            f"({section['seconds']} s).",
            "",
            web_pages_table(section),
            "",
        ]
    plots = report.get("plots") or []
    if plots:
        lines += ["## Plots", ""] + [f"![{p}]({p})" for p in plots] + [""]
    return "\n".join(lines).rstrip() + "\n"
