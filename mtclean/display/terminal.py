"""The terminal summary of a document: a header with its scores and the keep/drop decision,
then one line per applied edit and per flag left alone (label, line:column, old -> new or the
ranked candidates, score, component, reason).

Pure: ``summary_lines`` builds styled lines from a ``DocumentView``; ``render`` joins them as
plain text or, with ``color``, as ANSI colour through rich (imported only then).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from mtclean.display.entries import DocumentView, Entry

Mode = Literal["clean", "detect"]
Piece = tuple[str, str]  # text and its rich style ("" for none)
Line = tuple[Piece, ...]

MAX_SHOWN = 60  # characters of a span's text shown before it is shortened in the middle
MAX_CANDIDATES = 3

LABEL_STYLE = {"spun": "magenta", "mt": "yellow", "boilerplate": "blue", "encoding": "cyan"}
KIND_STYLE = {"edit": "bold green", "flag": "bold yellow"}


def quoted(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` in single quotes on one line: newlines and tabs as ``\\n`` / ``\\t`` (escaped
    once), the middle of a long text replaced by ``...``."""
    shown = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    if len(shown) > limit:
        keep = (limit - 3) // 2
        shown = f"{shown[:keep]}...{shown[-keep:]}"
    return f"'{shown}'"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def header(view: DocumentView, mode: Mode = "clean") -> Line:
    """``== id  drop (score 0.152 >= 0.10)  words flagged: spun 3.7%, mt 0.0%  boilerplate
    3 lines, 69 chars removed  21 edits applied, 25 flags left``"""
    compare = ">=" if view.decision == "drop" else "<"
    decision_style = "bold red" if view.decision == "drop" else "bold green"
    if view.boilerplate_chars:
        removed = (
            f"{_plural(view.boilerplate_lines, 'line')}, "
            f"{_plural(view.boilerplate_chars, 'char')} removed"
        )
    else:
        removed = "none removed"
    edits, flags = len(view.edits), len(view.flags)
    if mode == "clean":
        counts = f"{_plural(edits, 'edit')} applied, {_plural(flags, 'flag')} left"
    else:
        counts = f"{_plural(edits, 'edit')} clean would apply, {_plural(flags, 'flag')}"
    return (
        ("== ", "bold"),
        (view.id or view.name, "bold"),
        ("  ", ""),
        (view.decision, decision_style),
        (f" (score {view.score:.3f} {compare} {view.drop_at:.2f})", ""),
        ("  words flagged: spun ", "dim"),
        (f"{view.spun:.1%}", LABEL_STYLE["spun"]),
        (", mt ", "dim"),
        (f"{view.mt:.1%}", LABEL_STYLE["mt"]),
        ("  boilerplate ", "dim"),
        (removed, LABEL_STYLE["boilerplate"]),
        (f"  {counts}", ""),
    )


def _change(entry: Entry) -> tuple[Piece, ...]:
    old: Piece = ("(insertion)", "dim") if not entry.old else (quoted(entry.old), "red")
    if entry.kind == "edit":
        new = entry.new or ""
        return old, (" -> ", ""), ("(deleted)", "dim") if not new else (quoted(new), "green")
    if entry.candidates:
        shown = [f"{quoted(c.text)} {c.score:.2f}" for c in entry.candidates[:MAX_CANDIDATES]]
        more = len(entry.candidates) - MAX_CANDIDATES
        if more > 0:
            shown.append(f"+{more}")
        return old, (" ? ", ""), (" | ".join(shown), "cyan")
    if entry.proposed is not None:
        proposed = quoted(entry.proposed) if entry.proposed else "(delete)"
        return old, (" ? ", ""), (proposed, "cyan")
    return (old,)


def entry_line(entry: Entry) -> Line:
    """``  edit  spun         7:12     'old' -> 'new'  0.95  lexicon      reason``"""
    where = f"{entry.line}:{entry.column}"
    score = entry.edit_score if entry.kind == "edit" else entry.score
    pieces: list[Piece] = [
        ("  ", ""),
        (f"{entry.kind:<4}", KIND_STYLE[entry.kind]),
        ("  ", ""),
        (f"{entry.label:<11}", LABEL_STYLE.get(entry.label, "")),
        (f" {where:<8} ", "dim"),
        *_change(entry),
        (f"  {score:.2f}  ", "bold"),
        (f"{entry.source:<11}", ""),
        (f" {entry.reason}" if entry.reason else "", "dim"),
    ]
    if entry.why_not:
        pieces.append((f"; not applied: {entry.why_not}", "yellow"))
    return tuple(pieces)


def summary_lines(view: DocumentView, mode: Mode = "clean") -> list[Line]:
    """The header, then one line per span in text order."""
    return [header(view, mode), *(entry_line(e) for e in view.entries)]


def render(lines: Sequence[Line], color: bool = False) -> str:
    """The lines as text, each ending in a newline; ``color``: with ANSI colour (rich)."""
    if not color:
        return "".join("".join(text for text, _ in line) + "\n" for line in lines)
    import io

    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=True, color_system="standard", width=100_000,
        highlight=False, soft_wrap=True, emoji=False, markup=False,
    )  # fmt: skip
    for line in lines:
        text = Text()
        for piece, style in line:
            text.append(piece, style=style or None)
        console.print(text)
    return buffer.getvalue()


def render_document(view: DocumentView, mode: Mode = "clean", color: bool = False) -> str:
    """One document's summary as text (see ``summary_lines``)."""
    return render(summary_lines(view, mode), color)


def wants_color(stream: object, environ: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never with ``NO_COLOR`` set (https://no-color.org) or
    ``TERM=dumb``."""
    import os

    env = os.environ if environ is None else environ
    if "NO_COLOR" in env or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):
        return False
