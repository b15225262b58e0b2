"""The HTML review page: the article with every span highlighted by label, applied edits as
before/after, flags with their ranked candidates and evidence (hover: a tooltip; click: the
details panel), and beside it the extracted metadata and the removed boilerplate.

``review_page`` is pure (document views in, one HTML string out) and the page is self-contained:
inline CSS and JavaScript, no network, no external files. Several documents make one page with
a document list (JavaScript shows one at a time; without it they follow one another).

Every span of the record is an element of the article with ``data-start``/``data-end`` (offsets
into the text as read), ``data-label`` and ``data-kind`` (``edit``/``flag``). The article's text
outside ``<ins>`` is exactly the text as read, and outside ``<del>`` exactly the cleaned text. A
span that crosses another one shown inline (spans may overlap; edits never do) is a marker
(class ``also``, no text) at its start.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from mtclean.display.entries import DocumentView, Entry
from mtclean.display.terminal import quoted


def _esc(text: str) -> str:
    """HTML-escaped text; a carriage return as a character reference (a browser would
    otherwise read CR LF as one newline, and the page would no longer hold the text as read)."""
    return html.escape(text).replace("\r", "&#13;")


def _inline(entries: Sequence[Entry]) -> tuple[list[Entry], list[Entry]]:
    """The spans shown inline (no two overlapping: edits first, then flags in text order) and
    the others (shown as markers)."""
    chosen: list[Entry] = [e for e in entries if e.kind == "edit"]
    others: list[Entry] = []

    def clashes(entry: Entry) -> bool:
        for c in chosen:
            if entry.start == entry.end or c.start == c.end:
                if c.start < entry.start < c.end or entry.start < c.start < entry.end:
                    return True
                if entry.start == c.start:
                    return True
            elif entry.start < c.end and c.start < entry.end:
                return True
        return False

    for entry in sorted((e for e in entries if e.kind == "flag"), key=lambda e: (e.start, e.end)):
        (others if clashes(entry) else chosen).append(entry)
    return sorted(chosen, key=lambda e: (e.start, e.end, e.index)), others


def _tooltip(entry: Entry) -> str:
    lines = [f"{entry.kind} · {entry.label} · {entry.source} · score {entry.score:.2f}"]
    if entry.kind == "edit":
        lines.append(f"{quoted(entry.old)} → {quoted(entry.new or '')}")
    for c in entry.candidates[:5]:
        lines.append(f"  {quoted(c.text)} {c.score:.2f} ({', '.join(c.evidence)})")
    if entry.reason:
        lines.append(entry.reason)
    if entry.why_not:
        lines.append(f"not applied: {entry.why_not}")
    return "\n".join(lines)


def _attrs(doc: int, entry: Entry, extra_class: str = "") -> str:
    classes = " ".join(c for c in ("span", entry.label, entry.kind, extra_class) if c)
    return (
        f'class="{classes}" id="s-{doc}-{entry.index}" data-doc="{doc}" '
        f'data-index="{entry.index}" data-start="{entry.start}" data-end="{entry.end}" '
        f'data-label="{_esc(entry.label)}" data-kind="{entry.kind}" tabindex="0" '
        f'title="{_esc(_tooltip(entry))}"'
    )


def _span_html(doc: int, entry: Entry) -> str:
    if entry.kind == "edit":
        inner = f"<del>{_esc(entry.old)}</del><ins>{_esc(entry.new or '')}</ins>"
    else:
        inner = _esc(entry.old)
    return f"<span {_attrs(doc, entry)}>{inner}</span>"


def article_html(view: DocumentView, doc: int) -> str:
    """The article's text with its spans (see the module doc)."""
    shown, others = _inline(view.entries)
    # a marker goes at its span's start, or before the inline span that start falls in
    markers: dict[int, list[Entry]] = {}
    for entry in others:
        at = entry.start
        for s in shown:
            if s.start < at < s.end:
                at = s.start
                break
        markers.setdefault(at, []).append(entry)
    out: list[str] = []
    cursor = 0
    text = view.text

    def flush_to(position: int) -> None:
        nonlocal cursor
        for at in sorted(p for p in markers if cursor <= p <= position):
            if at > cursor:
                out.append(_esc(text[cursor:at]))
                cursor = at
            for entry in markers.pop(at):
                out.append(f"<span {_attrs(doc, entry, 'also')}></span>")
        if position > cursor:
            out.append(_esc(text[cursor:position]))
            cursor = position

    for entry in shown:
        flush_to(entry.start)
        out.append(_span_html(doc, entry))
        cursor = entry.end
    flush_to(len(text))
    return "".join(out)


def _change_text(entry: Entry) -> str:
    old = f'<q class="old">{_esc(entry.old)}</q>' if entry.old else '<i class="dim">insertion</i>'
    if entry.kind == "edit":
        new = f'<q class="new">{_esc(entry.new)}</q>' if entry.new else '<i class="dim">deleted</i>'
        return f"{old} → {new}"
    if entry.candidates:
        best = entry.candidates[0]
        return f'{old} ? <q class="cand">{_esc(best.text)}</q> {best.score:.2f}'
    if entry.proposed is not None:
        proposed = f'<q class="cand">{_esc(entry.proposed)}</q>' if entry.proposed else "delete"
        return f"{old} ? {proposed}"
    return old


def _detail(doc: int, entry: Entry) -> str:
    rows = [
        ("what", f'<b class="kind {entry.kind}">{entry.kind}</b> '
                 f'<span class="chip {entry.label}">{entry.label}</span>'),
        ("where", f"line {entry.line}, column {entry.column} "
                  f'<span class="dim">(characters {entry.start} to {entry.end})</span>'),
        ("change", _change_text(entry)),
        ("score", f"span {entry.score:.2f} · edit {entry.edit_score:.2f}"),
        ("component", _esc(entry.source)),
        ("reason", _esc(entry.reason) or '<span class="dim">—</span>'),
    ]  # fmt: skip
    if entry.why_not:
        rows.append(("not applied", _esc(entry.why_not)))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    cands = ""
    if entry.candidates:
        items = "".join(
            f'<tr><td><q>{_esc(c.text)}</q></td><td class="num">{c.score:.2f}'
            f'<span class="bar" style="width:{round(c.score * 60)}px"></span></td>'
            f"<td>{_esc(', '.join(c.evidence)) or '—'}</td></tr>"
            for c in entry.candidates
        )
        cands = (
            '<table class="cands"><thead><tr><th>candidate</th><th>p</th><th>evidence</th>'
            f"</tr></thead><tbody>{items}</tbody></table>"
        )
    return (
        f'<div class="detail" id="d-{doc}-{entry.index}" hidden>'
        f'<table class="facts">{body}</table>{cands}</div>'
    )


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        items = "".join(f"<li>{_value(v)}</li>" for v in value)
        return f"<ul>{items}</ul>"
    if isinstance(value, str):
        return _esc(value)
    return _esc(json.dumps(value, ensure_ascii=False))


def _metadata(metadata: Mapping[str, Any]) -> str:
    if not metadata:
        return '<p class="dim">Nothing extracted.</p>'
    rows = "".join(f"<dt>{_esc(str(k))}</dt><dd>{_value(v)}</dd>" for k, v in metadata.items())
    return f'<dl class="meta">{rows}</dl>'


def _boilerplate(doc: int, view: DocumentView) -> str:
    found = [e for e in view.entries if e.label == "boilerplate"]
    if not found:
        return '<p class="dim">None found.</p>'
    items = "".join(
        f'<li><a href="#s-{doc}-{e.index}" data-target="{doc}-{e.index}">'
        f"{'removed' if e.kind == 'edit' else 'flagged, kept'}</a> "
        f'<span class="dim">{_esc(e.reason)}</span>'
        f'<pre class="removed">{_esc(e.old.strip())}</pre></li>'
        for e in found
    )
    return f'<ol class="boiler">{items}</ol>'


def _changes(doc: int, view: DocumentView) -> str:
    if not view.entries:
        return '<p class="dim">No spans: nothing changed, nothing flagged.</p>'
    items = "".join(
        f'<li class="{e.kind}"><a href="#s-{doc}-{e.index}" data-target="{doc}-{e.index}">'
        f'<b class="kind {e.kind}">{e.kind}</b> <span class="chip {e.label}">{e.label}</span> '
        f'<span class="dim">{e.line}:{e.column}</span></a> {_change_text(e)}</li>'
        for e in view.entries
        if e.label != "boilerplate"
    )
    return f'<ol class="changes">{items}</ol>' if items else '<p class="dim">Only boilerplate.</p>'


def _scores(view: DocumentView) -> str:
    compare = "≥" if view.decision == "drop" else "<"
    return (
        f'<p class="scores"><span class="decision {view.decision}">{view.decision}</span> '
        f"score <b>{view.score:.3f}</b> {compare} {view.drop_at:.2f} · "
        f'words flagged: <span class="chip spun">spun</span> {view.spun:.1%} · '
        f'<span class="chip mt">mt</span> {view.mt:.1%} · '
        f'<span class="chip boilerplate">boilerplate</span> {view.boilerplate_lines} line(s), '
        f"{view.boilerplate_chars} characters removed · "
        f"<b>{len(view.edits)}</b> edit(s) applied, <b>{len(view.flags)}</b> flag(s) left</p>"
    )


def _stats(stats: Mapping[str, int]) -> str:
    rows = "".join(
        f'<tr><td>{_esc(k)}</td><td class="num">{v}</td></tr>' for k, v in sorted(stats.items())
    )
    return f"<details><summary>Counters</summary><table>{rows}</table></details>"


def document_html(view: DocumentView, doc: int) -> str:
    """One document's section: header, article, side panel."""
    details = "".join(_detail(doc, e) for e in view.entries)
    title = view.id or view.name or f"document {doc}"
    source = (
        f' <span class="dim">({_esc(view.name)})</span>'
        if view.name and view.name != view.id
        else ""
    )
    return (
        f'<section class="doc" id="doc-{doc}" data-id="{_esc(view.id)}">'
        f"<h2>{_esc(title)}{source}</h2>{_scores(view)}"
        f'<div class="cols"><article class="text" id="text-{doc}">'
        f"{article_html(view, doc)}</article>"
        f'<aside class="panel"><div class="details" id="details-{doc}">'
        '<p class="hint">Click a highlighted span (or a line below) to see its candidates, '
        f"evidence and reason.</p>{details}</div>"
        f"<h3>Edits and flags</h3>{_changes(doc, view)}"
        f"<h3>Extracted metadata</h3>{_metadata(view.metadata)}"
        f"<h3>Boilerplate</h3>{_boilerplate(doc, view)}"
        f"{_stats(view.stats)}</aside></div></section>"
    )


def _nav(views: Sequence[DocumentView], omitted: int) -> str:
    items = "".join(
        f'<li><a href="#doc-{i}" data-doc="{i}">{_esc(v.id or v.name)}</a> '
        f'<span class="decision {v.decision}">{v.decision}</span> '
        f'<span class="dim">{v.score:.3f} · {len(v.edits)} edits · {len(v.flags)} flags</span></li>'
        for i, v in enumerate(views, 1)
    )
    note = (
        f'<p class="dim">{omitted} more document(s) not shown (the page holds the first '
        f"{len(views)}).</p>"
        if omitted
        else ""
    )
    return f'<nav class="docs"><h2>Documents ({len(views)})</h2><ol>{items}</ol>{note}</nav>'


def _asset(name: str) -> str:
    """The page's CSS or JavaScript, shipped beside this module and inlined into every page."""
    from importlib.resources import files

    return files("mtclean.display").joinpath(name).read_text("utf-8")


def review_page(views: Sequence[DocumentView], *, title: str = "", omitted: int = 0) -> str:
    """The review page of ``views`` (one or more documents) as one self-contained HTML string.

    ``omitted``: documents of the run left off the page (said on it)."""
    heading = title or (views[0].id if len(views) == 1 and views else f"{len(views)} documents")
    legend = (
        '<p class="legend"><span class="chip spun">spun</span> '
        '<span class="chip mt">machine translation</span> '
        '<span class="chip boilerplate">boilerplate</span> · solid: edit applied '
        "(<del>old</del> <ins>new</ins>) · dashed underline: flag, text left alone · "
        "◆ a span overlapping another</p>"
    )
    sections = "".join(document_html(v, i) for i, v in enumerate(views, 1))
    nav = _nav(views, omitted) if len(views) > 1 or omitted else ""
    if not views:
        sections = '<p class="dim">No documents were cleaned.</p>'
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>mtclean review: {_esc(heading)}</title>"
        f"<style>{_asset('review.css')}</style></head>"
        f'<body><header class="top"><h1>mtclean review</h1>{legend}</header>'
        f'<div class="layout">{nav}<main>{sections}</main></div>'
        f"<script>{_asset('review.js')}</script></body></html>\n"
    )
