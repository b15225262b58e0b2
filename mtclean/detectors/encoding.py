"""Mojibake and HTML entities, repaired as recorded edits (component ``encoding``).

Text that went through the wrong decoder ("Russia\u00e2\u20ac\u2122s" for "Russia\u2019s")
or kept the HTML escapes of the page it was scraped from ("Q&amp;A", "br /&gt;") is repaired
here with ftfy (mojibake) and :func:`html.unescape` (entities), one span per damaged stretch,
with the repaired text as its ``replacement``: the repair is an :class:`~mtclean.records.Edit`
with offsets into the text as read, replayable with :func:`~mtclean.edits.apply_edits` like
every other edit. The span's ``reason`` names the repair (``mojibake``, ``html_entity``,
``html_break``), which is also its counter (``encoding.edited_mojibake``).

Precision first: ftfy only reads a stretch as mojibake when its own badness test says so, and
only the fixers that repair an encoding are on (no quote uncurling, no Unicode normalisation,
no width or ligature changes), so correct accented or typographic text is left alone. Every
repair is run to its fixed point ("&amp;amp;" becomes "&", not "&amp;"), so cleaning the
result again finds nothing. Linear in the length: each stretch is looked at once.

The component segments like ``boilerplate`` (the cleaner applies its repairs before the
word-level detectors read the text) and reruns on the repaired text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any, ClassVar, Final

from mtclean.records import Detection, Document, Span

SOURCE: Final = "encoding"
MOJIBAKE: Final = "mojibake"
SCORE: Final = 0.99  # at or above every edit threshold but a sure one: these are byte facts
MAX_ROUNDS: Final = 4  # repairs of a repair (double encodings) before a stretch is settled

# A stretch that may hold mojibake: a run of non-blank characters (a UTF-8 sequence never
# holds an ASCII byte, so a misdecoded character never straddles a space), with a space kept
# after a lead character whose continuation byte was a no-break space turned into a space.
_STRETCH_RE: Final = re.compile(r"(?:[^ \t\r\n\f\v]|(?<=[\u00c2\u00c3\u00c5\u00ce]) )+")
# What a misdecoded UTF-8 sequence always holds: its lead byte read as Latin-1/Windows-1252
# (U+00C2..U+00F4), or C1 control characters.
_SUSPECT_RE: Final = re.compile(r"[\u0080-\u009f\u00c2-\u00f4]")
# An HTML character reference, with any "amp;" it was escaped again with ("&amp;amp;").
_ENTITY_RE: Final = re.compile(
    r"&(?:amp;)*(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
)
# A line break tag whose brackets were escaped (or whose "<" was lost): "&lt;br /&gt;",
# "br /&gt;", with the blanks around it.
_BREAK_RE: Final = re.compile(r"[ \t]*(?:&(?:amp;)*lt;|<)?\bbr ?/?(?:&(?:amp;)*gt;)[ \t]*", re.I)


def _ftfy_config() -> Any:
    """ftfy with only the fixers that repair an encoding (lazily imported)."""
    from ftfy import TextFixerConfig

    return TextFixerConfig(
        unescape_html=False,  # entities: html.unescape below, one recorded span each
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )


def _unescaped(text: str) -> str:
    """``text`` with its character references decoded to a fixed point."""
    for _ in range(MAX_ROUNDS):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _trimmed(old: str, new: str) -> tuple[int, int, str]:
    """The differing middle of ``old`` -> ``new``: (start, end) in ``old`` and its new text."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, len(old) - suffix, new[prefix : len(new) - suffix]


class EncodingRepair:
    """Finds mojibake and HTML character references; each span's replacement is its repair."""

    name: ClassVar[str] = SOURCE
    # repairs the document before the word-level detectors read it (see Cleaner._detections)
    segments: ClassVar[bool] = True
    reruns: ClassVar[bool] = True  # cheap; finds nothing in its own output

    def __init__(self) -> None:
        self._config: Any = None

    def _fix(self, stretch: str) -> str:
        """ftfy's repair of ``stretch``, to a fixed point."""
        import ftfy

        if self._config is None:
            self._config = _ftfy_config()
        text = stretch
        for _ in range(MAX_ROUNDS):
            fixed = ftfy.fix_text(text, config=self._config)
            if fixed == text:
                break
            text = fixed
        return text

    def _mojibake(self, text: str) -> Iterator[Span]:
        for match in _STRETCH_RE.finditer(text):
            stretch = match.group()
            if not _SUSPECT_RE.search(stretch):
                continue
            fixed = self._fix(stretch)
            if fixed == stretch:
                continue
            start, end, replacement = _trimmed(stretch, fixed)
            base = match.start()
            yield Span(base + start, base + end, "encoding", SCORE, SOURCE, replacement, MOJIBAKE)

    @staticmethod
    def _entities(text: str) -> Iterator[Span]:
        breaks = [(m.start(), m.end()) for m in _BREAK_RE.finditer(text) if "&" in m.group()]
        for start, end in breaks:
            yield Span(start, end, "encoding", SCORE, SOURCE, "\n", "html_break")
        k = 0
        for match in _ENTITY_RE.finditer(text):
            while k < len(breaks) and breaks[k][1] <= match.start():
                k += 1
            if k < len(breaks) and breaks[k][0] < match.end():
                continue  # inside an escaped line break
            decoded = _unescaped(match.group())
            if decoded != match.group():
                yield Span(
                    match.start(), match.end(), "encoding", SCORE, SOURCE, decoded, "html_entity"
                )

    def detect(self, doc: Document) -> Detection:
        text = doc.text
        spans: list[Span] = []
        if "&" in text:
            spans.extend(self._entities(text))
        if _SUSPECT_RE.search(text):
            taken = sorted((s.start, s.end) for s in spans)
            spans.extend(s for s in self._mojibake(text) if not _overlaps_any(s, taken))
        stats: dict[str, int] = {}
        for span in spans:
            key = f"flagged_{span.reason}"
            stats[key] = stats.get(key, 0) + 1
        return Detection(tuple(sorted(spans, key=lambda s: (s.start, s.end))), stats=stats)


def _overlaps_any(span: Span, taken: list[tuple[int, int]]) -> bool:
    import bisect

    i = bisect.bisect_left(taken, (span.end, span.end))
    return i > 0 and taken[i - 1][1] > span.start
