"""Scraper boilerplate in plain text: widget lines, metadata blocks, captions, glued documents.

The detector works on lines, in the spirit of jusText, with cheap signals only (compiled regexes,
one pass over the lines, linear in the text length):

1. **Strong line rules** (score >= 0.85, removed by the default edit threshold): a whole line that
   is a CMS phrase (``skip_link``, ``comment_form``, ``share_widget``, ``cms_phrase``,
   ``previous_article``), a bare URL (``link_line``), a run of ``Key: value`` lines
   (``syndication_block``), a single strong metadata line (``metadata_line``), a credit line
   (``credit_line``: "Associated Press writer X contributed.", "(Reporting by ...)"), a photo
   caption (``photo_caption``: a photo-credit marker, or a present-tense caption verb in a line
   cut off at a date such as "... attend talks in Geneva on Monday, Jan."), and a title repeated
   in the head of the document (``duplicate_title``).
2. **Contextual line rules**, applied only where the position supports them: ``separator``,
   ``source_tag`` ("(Washington Post)" alone), ``byline`` ("By Jane Doe"), ``widget_words`` (a
   short line made only of widget words: "Share Tweet Email"), ``repeated_line``, ``menu_block``
   (a run of very short unpunctuated lines) and ``low_stopword_density``. Support means: a
   neighbouring line (the nearest non-blank line on either side) is boilerplate, or the line lies
   in the head zone (before the first good paragraph, but never the first line, which is
   usually the title) or in the tail zone (after the last good paragraph). Without support the
   line is only flagged (score 0.5): the text is left alone.
3. **Neighbour smoothing** (``between_boilerplate``): a short unpunctuated line whose nearest
   neighbours are both boilerplate (or that follows boilerplate at the end of the document) is
   boilerplate. A short line between content paragraphs is a subheading and is kept.
4. **Glued documents**: a distinctive edge phrase ("Required fields are marked *",
   'Press "Enter" to skip to content', "%d bloggers like this:", ...) found inside a line that
   has other text is a span of its own; when text remains on both sides, its replacement is
   ``"\\n\\n"`` so the two documents are separated, and the split is recorded in ``segments``.

Precision comes first: removing article text costs more than leaving a widget line.

Span layout: a removed line's span also takes the line break(s) before it (back to the end of
the previous kept line), so the separator that followed the removed block stays and the cleaned
text keeps at most the blank lines it had between paragraphs. Removed lines at the head take the
blank lines after them instead; the last removed line at the tail also takes the trailing
whitespace (a final newline is kept). Spans never overlap. A flagged line (score below
``remove_threshold``) is treated as kept for this layout and its span covers its text only.

``Detection.metadata`` keys (present only when found; values are JSON-serialisable):

- ``author``: byline ("By: A and B" in a syndication block, or a "By A" line).
- ``original_title``: the ``Title:`` value of a syndication block.
- ``source_url``: ``Sourced From:`` / ``Source URL:`` / "originally published at <url>".
- ``source_name``: a source tag such as "(Washington Post)" or a ``Source:`` value.
- ``published_date`` / ``updated_date``: ``Published Date:``, ``Posted on:``, ``Updated:``.
- ``tags``: ``Tags:`` / ``Categories:`` / ``Filed under:`` value.
- ``credits``: list of credit lines (agency contributions, "(Reporting by ...)", photo credits).
  Credit lines are removed from the text: they are metadata about the article, not its prose.
- ``captions``: list of removed photo captions.
- ``previous_article_url``: the URL after a "Did you miss our previous article..." line.
- ``links``: list of other removed URL lines.
- ``segments``: ``[[start, end], ...]`` offsets into the ORIGINAL text of the documents found
  when a glued document was split (only present when a split happened).

``Detection.stats`` counters: ``lines_removed``, ``lines_flagged``, ``removed_<reason>``,
``flagged_<reason>``, ``documents_split``.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from mtclean.config import DEFAULT_EDIT_THRESHOLD
from mtclean.records import Detection, Document, Span

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    import numpy as np

SOURCE = "boilerplate"
EXTRACTED_FROM = "page"  # Document.metadata key set by mtclean.extract.html_document (PAGE)
# rules whose verdict needs support from the line's position (the line model may overrule them)
CONTEXTUAL_REASONS = frozenset(
    {
        "separator",
        "link_line",
        "source_tag",
        "byline",
        "widget_words",
        "low_stopword_density",
        "repeated_line",
        "menu_block",
        "between_boilerplate",
    }
)


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string."""
    return frozenset(words.split())


# A compact English stop-word list (function words), as jusText uses for its density signal.
STOPWORDS: frozenset[str] = _word_set(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own said same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    it's he's she's they're we're i'm don't doesn't didn't isn't aren't wasn't weren't won't can't
    may might must shall us who's what's there's that's let's one two new says told according
    """
)

# Words that make up share bars, menus and account widgets. A short line made only of these,
# with at least one of _STRONG_WIDGET_WORDS, is a widget line.
_STRONG_WIDGET_WORDS: frozenset[str] = _word_set(
    """
    share shares shared tweet tweets email e-mail print facebook twitter linkedin pinterest reddit
    whatsapp telegram messenger flipboard instagram youtube tiktok rss bookmark menu subscribe
    subscribers login logout signup newsletter newsletters advertisement advertisements advertise
    sponsored comments comment reply replies cookies cookie privacy sitemap copied permalink
    """
)
_WIDGET_WORDS: frozenset[str] = _STRONG_WIDGET_WORDS | _word_set(
    """
    copy link url save saved search home close sign log in out up register follow us on more next
    previous prev back top related trending popular latest contact about policy terms conditions
    of use service settings accept account profile donate sections topics tags video videos
    photos gallery listen audio play watch opens new window tab via x the this article story post
    page site and or our your here click now free a an all rights reserved read min mins minute
    minutes ago to with for by view show hide load see
    """
)

_MONTH_ABBREVIATIONS = "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
_ABBREVIATIONS: frozenset[str] = frozenset(
    f"{_MONTH_ABBREVIATIONS}|mr|mrs|ms|dr|st|jr|sr|inc|co|corp|ltd|no|vs|gov|sen|rep|gen|lt|col|adm".split(
        "|"
    )
)
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co\.uk|io)/\S*"
)
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")
_QUOTES = re.compile(r"[\"\u201c\u201d\u2018]|(?:^|\s)'")
_DECORATION = (
    " \t\u00a0\u200b|\u2022\u00b7\u00bb\u00ab\u203a\u2039>\u2192\u2190<-\u2013\u2014*:._\u2026!~#=+"
)
_SEPARATOR = re.compile(r"[-_=*~#\u2022\u00b7.+\u2013\u2014\s]{3,}")
_TRANSLATE = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "}
)
_SPACES = re.compile(r"\s+")


def _rx(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(patterns) + ")")


# Whole-line CMS phrases, matched (fullmatch) against the normalised line: lower case, straight
# quotes, collapsed spaces, decoration stripped at both ends. Groups name the span's reason.
_CMS_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "skip_link",
        _rx(
            [
                r'press "?enter"? to skip to (?:main )?content',
                r"(?:skip|jump|go) to (?:the )?(?:main |primary )?"
                r"(?:content|navigation|menu|search|footer|sidebar|main)",
            ]
        ),
    ),
    (
        "comment_form",
        _rx(
            [
                r"leave a (?:reply|comment|response)(?: cancel reply)?",
                r"(?:post|add|write|submit) a comment",
                r"comments? (?:are|is) (?:closed|disabled|off)",
                r"commenting (?:is )?(?:closed|disabled)",
                r"your email address will not be published(?:\.? required fields are marked)?",
                r"required fields are marked",
                r"save my name,? email,? and website in this browser for the next time i comment",
                r"notify me of (?:follow-up comments|new posts|new comments)[^.]{0,60}",
                r"you must be logged in to post a comment",
                r"(?:click here to )?cancel reply",
                r"\d* ?(?:comments?|responses?|replies)(?: \(?\d+\)?)?",
                r"(?:view|show|hide|load|read|see) (?:all )?(?:\d+ )?comments",
                r"join the (?:conversation|discussion)",
                r"this site uses akismet to reduce spam.{0,120}",
                r"log in to (?:reply|comment)",
            ]
        ),
    ),
    (
        "share_widget",
        _rx(
            [
                r"%d bloggers like this",
                r"(?:like|share) this",
                r"like loading",
                r"be the first to like this",
                r"click to (?:share|email|print)[\w ()]{0,60}",
                r"share(?: this)?(?: (?:article|story|post|page))?(?: (?:on|via) [\w ]{1,30})?",
                r"(?:share|post|pin) (?:on|to) (?:facebook|twitter|linkedin|pinterest|reddit|x)",
                r"(?:follow|like|find) us(?: on [\w ,&]{1,60})?",
                r"follow @\w+(?: on \w+)?",
                r"(?:opens|open) in (?:a )?new (?:window|tab)",
            ]
        ),
    ),
    (
        "previous_article",
        _rx(
            [
                r"did you miss our (?:previous|last) (?:article|post|story)",
                r"(?:previous|next|older|newer) (?:article|post|story|entry)s?(?: ?: .{1,150})?",
            ]
        ),
    ),
    (
        "cms_phrase",
        _rx(
            [
                r"source ?:? ?link",
                r"read more",
                r"read (?:the )?(?:full|original|complete) (?:article|story|post|report)"
                r"(?: here| at .{1,80}| on .{1,80})?",
                r"continue reading(?: .{0,80})?",
                r"(?:read more|also read|see also|read next|related|recommended"
                r"|more from [\w ]{1,30}|related (?:article|story|stories|posts|content|coverage)"
                r"|must read) ?: .{1,150}",
                r"(?:related|recommended|popular|trending|latest|more|top) (?:articles|stories|"
                r"posts|news|videos|reads|content|coverage|headlines)(?: for you)?",
                r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)",
                r"recommended for you",
                r"advertisements?|ad|sponsored(?: content| links| stories)?",
                r"(?:story|article) continues (?:below|after)(?: (?:this )?(?:advertisement|ad))?",
                r"scroll (?:down )?to continue(?: with content| reading)?",
                r"continue (?:reading )?below",
                r"(?:sign up|subscribe|register)(?: (?:now|today|here|for free))?"
                r"(?: (?:for|to) .{0,100})?",
                r"(?:get|sign up for|subscribe to|join) (?:our|the) .{0,60}newsletters?.{0,60}",
                r"all rights reserved.{0,120}",
                r"(?:\u00a9|\(c\)|copyright \u00a9|copyright \d{4}|copyright \(c\)).{0,300}",
                r"this (?:material|article|story|content) may not be "
                r"(?:published|reproduced|republished).{0,200}",
                r"(?:we|this (?:site|website)) uses? cookies.{0,300}",
                r"by (?:continuing to use|using) (?:this|our) (?:site|website).{0,300}",
                r"accept(?: all)? cookies|cookie (?:settings|policy|preferences)",
                r"privacy policy|terms (?:of (?:use|service)|and conditions)",
                r"(?:log|sign) ?(?:in|out|up)(?: (?:or|/) (?:log|sign) ?(?:in|out|up))?",
                r"(?:create|my) (?:an )?account|forgot (?:your )?password",
                r"(?:print|email|e-mail)(?: this)?(?: (?:article|story|page|post))?",
                r"back to top|top of page|go to top",
                r"click (?:here|to) .{0,100}",
                r"tap (?:here )?to .{0,80}",
                r"(?:enlarge|expand) (?:this )?(?:image|photo)",
                r"(?:view|see) (?:image|photo|gallery|slideshow|all photos)(?: .{0,40})?",
                r"loading(?:\.\.\.)?",
                r"please (?:enable|turn on) javascript.{0,200}",
                r"javascript (?:is )?(?:disabled|required).{0,200}",
                r"your browser does not support.{0,200}",
                r"(?:listen|watch)(?: to)?"
                r"(?: (?:this|the) (?:article|story|video|podcast))?(?: now)?",
                r"\d+ min(?:ute)?s? (?:read|listen)",
                r"(?:get|download) (?:the|our) (?:free )?app.{0,60}",
                r"(?:support|donate to) (?:independent|our|quality) journalism.{0,60}",
                r"become a (?:member|subscriber|patron).{0,60}",
                r"(?:report|flag) (?:an? )?(?:error|typo|correction)",
                r"(?:got|have) a (?:news )?tip.{0,60}",
                r"(?:this (?:article|story|post) )?(?:was )?(?:originally|first) "
                r"(?:published|appeared|posted) (?:on|at|in|by) .{1,150}",
            ]
        ),
    ),
)

# Short lines only (<= 12 words, no final sentence punctuation): looser tails.
_CMS_SHORT = _rx(
    [
        r"(?:posted|filed) (?:in|under) .{1,80}",
        r"(?:first |last )?(?:published|updated|modified|posted)(?: on| at)? .{0,30}\d.{0,30}",
        r"(?:tags?|topics?|categor(?:y|ies)) .{1,100}",
        r"(?:image|photo|picture|video)s? (?:credit|source|courtesy)s? .{1,80}",
    ]
)

# Key: value lines of a metadata / syndication block. The key decides the metadata field.
_KEY_VALUE = re.compile(
    r"(?P<key>by|authors?|written by|title|headline|sourced from|source url|original source|source"
    r"|originally published (?:at|on|in)|published date|date published|published(?: on)?"
    r"|posted(?: on)?|date|updated|last updated|via|credits?|image credit|photo credit"
    r"|tags|category|categories|filed under)\s*:\s*(?P<value>\S.*?)\s*",
    re.IGNORECASE,
)
_KEY_FIELDS: dict[str, str] = {
    "by": "author",
    "author": "author",
    "authors": "author",
    "written by": "author",
    "title": "original_title",
    "headline": "original_title",
    "sourced from": "source_url",
    "source url": "source_url",
    "original source": "source_url",
    "originally published at": "source_url",
    "originally published on": "source_url",
    "originally published in": "source_url",
    "source": "source_name",
    "via": "source_name",
    "published date": "published_date",
    "date published": "published_date",
    "published": "published_date",
    "published on": "published_date",
    "posted": "published_date",
    "posted on": "published_date",
    "date": "published_date",
    "updated": "updated_date",
    "last updated": "updated_date",
    "credit": "credits",
    "credits": "credits",
    "image credit": "credits",
    "photo credit": "credits",
    "tags": "tags",
    "category": "tags",
    "categories": "tags",
    "filed under": "tags",
}
# Keys strong enough to mark a single line (not inside a block) as metadata.
_STRONG_KEYS = frozenset(_KEY_FIELDS) - {"title", "headline", "by", "author", "authors", "date"}

_NAME_TOKEN = r"[A-Z][\w.'\u2019-]*"
_NAME_JOINER = r"(?:and|&|de|van|von|der|da|del|la|le|bin|al|di|du)"
_BYLINE = re.compile(
    rf"(?:By|BY|Written by)\s+(?P<name>{_NAME_TOKEN}(?:,?\s+(?:{_NAME_TOKEN}|{_NAME_JOINER}))*)"
    r"(?:\s*[,|\u2022\u00b7\u2013\u2014-]\s*(?P<rest>.{0,80}))?"
)
_NOT_NAMES = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April"
    r"|May|June|July|August|September|October|November|December|The|This|That|Then|Now|Then)\b"
)
_SOURCE_TAG = re.compile(
    r"\(\s*(?P<name>[A-Z][\w.&'\u2019-]*(?:\s+[A-Za-z][\w.&'\u2019-]*){0,4})\s*\)"
    r"|[-\u2013\u2014]\s*(?P<dash>[A-Z][\w.&]*(?:\s+[A-Z][\w.&]*){0,3})"
)
_CREDIT = re.compile(
    r"(?:.{0,160}\b(?:writers?|reporters?|correspondents?|staff|journalists?|researchers?)\b"
    r".{0,160}\bcontributed\b.{0,80}"
    r"|.{0,200}\bcontributed (?:to )?(?:this|the) (?:report|story|article|reporting)\.?"
    r"|\(?\s*(?:additional )?(?:reporting|writing|editing|compiled|produced) by\b.{0,300})",
)
_PHOTO_MARKER = re.compile(
    r"(?:^(?:above|below|top|pictured|photo|image|file photo|main image|caption)\s*:"
    r"|\((?:AP|Reuters|AFP|EPA|Getty)?\s*Photos?\b[^)]*\)\s*$"
    r"|\b(?:Getty Images|Shutterstock|AP Photo|AFP via Getty|REUTERS/[A-Z]|Photograph:"
    r"|Photo by)\b)",
    re.IGNORECASE,
)
_CAPTION_VERB = re.compile(
    r"\b(?:attends?|arrives?|speaks?|poses?|gestures?|walks?|looks? on|listens?|waves?"
    r"|shakes? hands|sits?|stands?|delivers?|greets?|reacts?|embraces?|chats?|takes? part"
    r"|(?:is|are) seen|pictured|arrive for|pose for)\b"
)
_CAPTION_DATE_END = re.compile(
    rf"(?:\b(?:{_MONTH_ABBREVIATIONS}|may|june|july)\.?(?:\s+\d{{1,2}})?(?:,\s*\d{{4}})?"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|\b(?:19|20)\d\d)"
    r"[.,]?\s*$",
    re.IGNORECASE,
)

# Distinctive document-edge phrases that may be glued inside a line by a scraper (case-sensitive:
# scrapers keep the widget's own capitals).
_GLUE = re.compile(
    r"Press\s+[\"\u201c]?Enter[\"\u201d]?\s+to\s+skip\s+to\s+content"
    r"|Skip\s+to\s+(?:main\s+)?content"
    r"|Your\s+email\s+address\s+will\s+not\s+be\s+published\.?"
    r"|Required\s+fields\s+are\s+marked\s*\*"
    r"|%d\s+bloggers\s+like\s+this:?"
    r"|Comments\s+are\s+closed\."
    r"|Leave\s+a\s+Reply(?:\s+Cancel\s+reply)?"
    r"|Source\s+link(?=$|[A-Z\"\u201c])"
)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text with the features the rules use."""

    index: int
    start: int  # offset of the line's first character
    end: int  # offset of the line break (or the end of the text)
    text: str  # the line without its line break
    norm: str  # normalised for phrase matching
    words: int
    stopwords: int
    ends_sentence: bool

    @property
    def blank(self) -> bool:
        return not self.norm and not self.text.strip()

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def stopword_density(self) -> float:
        return self.stopwords / self.words if self.words else 0.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """A rule's opinion of one line; a contextual verdict needs support from its position."""

    score: float
    reason: str
    contextual: bool = False


def normalize_line(text: str) -> str:
    """Lower case, straight quotes, collapsed spaces, decoration stripped at both ends."""
    return _SPACES.sub(" ", text.translate(_TRANSLATE)).strip(_DECORATION).lower()


def ends_sentence(stripped: str) -> bool:
    """Whether a line ends with sentence punctuation that is not an abbreviation's dot."""
    if not _SENTENCE_END.search(stripped) or stripped.endswith(("...", "\u2026")):
        return False
    words = _WORD.findall(stripped[-12:])
    return not (
        stripped.rstrip("\"'\u201d\u2019)]").endswith(".")
        and words
        and words[-1].lower() in _ABBREVIATIONS
    )


def split_lines(text: str) -> list[Line]:
    """The text's lines with offsets (a ``\\n`` ends a line; ``\\r`` stays in the line)."""
    lines: list[Line] = []
    start = 0
    length = len(text)
    while start <= length:
        end = text.find("\n", start)
        if end == -1:
            end = length
        raw = text[start:end]
        stripped = raw.strip()
        words = _WORD.findall(stripped)
        lines.append(
            Line(
                index=len(lines),
                start=start,
                end=end,
                text=raw,
                # Phrase rules only look at short lines: skip the costly normalisation of prose.
                norm=normalize_line(stripped) if len(words) <= 60 else stripped.lower(),
                words=len(words),
                stopwords=sum(1 for w in words if w.lower().replace("\u2019", "'") in STOPWORDS),
                ends_sentence=ends_sentence(stripped[-16:].translate(_TRANSLATE).strip()),
            )
        )
        start = end + 1
    return lines


def url_share(stripped: str) -> float:
    """Share of a line's characters that belong to URLs."""
    if not stripped or ("/" not in stripped and "www." not in stripped):
        return 0.0
    return sum(len(m.group()) for m in _URL.finditer(stripped)) / len(stripped)


def is_good_paragraph(line: Line) -> bool:
    """A line that looks like article prose (jusText's "good" block, for plain text)."""
    return (
        line.words >= 10
        and line.stopword_density >= 0.2
        and (line.ends_sentence or line.words >= 25)
    )


def match_cms_phrase(line: Line) -> str | None:
    """The reason of the whole-line CMS phrase this line is, if any."""
    if line.words > 40 or not line.norm:
        return None
    for reason, pattern in _CMS_RULES:
        if pattern.fullmatch(line.norm):
            return reason
    if line.words <= 12 and not line.ends_sentence and _CMS_SHORT.fullmatch(line.norm):
        return "cms_phrase"
    return None


def is_widget_line(line: Line) -> bool:
    """A short line made only of widget words (share bars, menus, account links)."""
    if not 1 <= line.words <= 8:
        return False
    tokens = [w.lower() for w in _WORD.findall(line.norm) if not w.isdigit()]
    return (
        bool(tokens)
        and all(t in _WIDGET_WORDS for t in tokens)
        and any(t in _STRONG_WIDGET_WORDS for t in tokens)
    )


def is_byline(line: Line) -> bool:
    """ "By Jane Doe", "By Jane Doe and John Roe | Reuters" alone on a line."""
    if line.words > 14 or line.ends_sentence:
        return False
    match = _BYLINE.fullmatch(line.stripped)
    return match is not None and not _NOT_NAMES.match(match.group("name"))


def is_credit_line(line: Line) -> bool:
    """An agency or reporter credit: "Associated Press writer X contributed.", "(Reporting by..."""
    return line.words <= 60 and bool(_CREDIT.fullmatch(line.stripped))


def is_photo_caption(line: Line, first_line: bool) -> bool:
    """A caption: a photo-credit marker, or a caption verb in a line cut off at a date."""
    if line.words > 60 or _QUOTES.search(line.stripped):
        return False
    if _PHOTO_MARKER.search(line.stripped):
        return line.words <= 45
    return (
        not first_line
        and 8 <= line.words <= 45
        and not line.ends_sentence
        and bool(_CAPTION_VERB.search(line.stripped))
        and bool(_CAPTION_DATE_END.search(line.stripped.rstrip()))
    )


def classify_line(line: Line, first_line: bool) -> Verdict | None:
    """Single-line rules, strongest first (``None``: no rule fires)."""
    stripped = line.stripped
    if _SEPARATOR.fullmatch(stripped):
        return Verdict(0.9, "separator", contextual=True)
    if not line.words:
        return None
    links = url_share(stripped)
    if links >= 0.95:
        return Verdict(0.9, "link_line", contextual=True)
    reason = match_cms_phrase(line)
    if reason is not None:
        return Verdict(0.95, reason)
    key_value = _KEY_VALUE.fullmatch(stripped)
    if key_value and key_value.group("key").lower() in _STRONG_KEYS and line.words <= 25:
        return Verdict(0.85, "metadata_line")
    if is_credit_line(line):
        return Verdict(0.85, "credit_line")
    if is_photo_caption(line, first_line):
        return Verdict(0.85, "photo_caption")
    if line.words <= 6 and not line.ends_sentence and _SOURCE_TAG.fullmatch(stripped):
        return Verdict(0.85, "source_tag", contextual=True)
    if is_byline(line):
        return Verdict(0.85, "byline", contextual=True)
    if links >= 0.5 and not line.ends_sentence:
        return Verdict(0.85, "link_line", contextual=True)
    if is_widget_line(line):
        return Verdict(0.9, "widget_words", contextual=True)
    if line.words >= 6 and line.stopword_density < 0.1 and not line.ends_sentence:
        return Verdict(0.8, "low_stopword_density", contextual=True)
    return None


def syndication_blocks(lines: Sequence[Line]) -> Iterator[list[int]]:
    """Runs of two or more consecutive ``Key: value`` lines (no blank line between)."""
    run: list[int] = []
    for line in lines:
        if line.words and line.words <= 40 and _KEY_VALUE.fullmatch(line.stripped):
            run.append(line.index)
            continue
        if len(run) >= 2:
            yield run
        run = []
    if len(run) >= 2:
        yield run


def menu_runs(lines: Sequence[Line], min_run: int = 3) -> Iterator[list[int]]:
    """Runs of very short unpunctuated lines with no blank line between (menus, tag lists)."""
    run: list[int] = []
    for line in lines:
        if 1 <= line.words <= 4 and not line.ends_sentence and not line.stripped.endswith(":"):
            run.append(line.index)
            continue
        if len(run) >= min_run:
            yield run
        run = []
    if len(run) >= min_run:
        yield run


def strip_site_suffix(norm: str) -> str:
    """ "title | site name" -> "title" (also " - ", " \u2014 ", " :: ")."""
    for sep in (" | ", " - ", " \u2014 ", " \u2013 ", " :: "):
        if sep in norm:
            return norm.rsplit(sep, 1)[0].strip()
    return norm


def duplicate_title(content: Sequence[Line], head_size: int = 8) -> tuple[Line, Line] | None:
    """``(dropped, kept)`` when the title is repeated among the first lines.

    An exact repeat drops the later copy (with the blank lines before it); a first line that is
    a later line plus a site suffix ("Title | Site") is dropped and the bare title kept.
    """
    if len(content) < 2 or content[0].words > 40:
        return None
    first = content[0]
    bare_first = strip_site_suffix(first.norm)
    for line in content[1:head_size]:
        if line.norm == first.norm:
            return line, first
        if line.norm == bare_first:
            return first, line
    return None


class _Labels:
    """Per-line verdicts while the rules run (index -> verdict)."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = lines
        self.content = [line.index for line in lines if not line.blank]
        self.final: dict[int, Verdict] = {}
        self.pending: dict[int, Verdict] = {}
        self.title: int | None = None  # the line the rules take for the title

    def bad(self, index: int, threshold: float) -> bool:
        verdict = self.final.get(index)
        return verdict is not None and verdict.score >= threshold


def _neighbours(content: Sequence[int]) -> dict[int, tuple[int | None, int | None]]:
    result: dict[int, tuple[int | None, int | None]] = {}
    for pos, index in enumerate(content):
        prev = content[pos - 1] if pos > 0 else None
        nxt = content[pos + 1] if pos + 1 < len(content) else None
        result[index] = (prev, nxt)
    return result


def _glue_spans(line: Line, text: str) -> list[tuple[int, int]]:
    """Merged offsets of glued edge phrases inside a line that has other text too."""
    merged: list[tuple[int, int]] = []
    for match in _GLUE.finditer(line.text):
        start, end = line.start + match.start(), line.start + match.end()
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class BoilerplateDetector:
    """Finds scraper boilerplate lines and glued documents in plain text (see module docs)."""

    name: ClassVar[str] = SOURCE
    # segments the document: the cleaner applies its removals before the word-level detectors
    # read the text (so they read what the cleaned output holds; cleaning stays idempotent)
    segments: ClassVar[bool] = True
    reruns: ClassVar[bool] = True  # cheap: reads the repaired text again (Cleaner._settled)

    def __init__(
        self,
        *,
        remove_threshold: float = DEFAULT_EDIT_THRESHOLD,
        flag_score: float = 0.5,
        max_between_words: int = 10,
        split_glued: bool = True,
        line_model: bool = True,
        extracted: bool = False,
        model_path: Path | None = None,
        extracted_model_path: Path | None = None,
    ) -> None:
        if not 0.0 < remove_threshold <= 1.0:
            raise ValueError(f"remove_threshold must be in (0, 1], got {remove_threshold}")
        self.remove_threshold = remove_threshold
        self.flag_score = flag_score
        self.max_between_words = max_between_words
        self.split_glued = split_glued
        # the learned line classifier (mtclean.detectors.boilerplate_lines) after the rules
        self.line_model = line_model
        # the text was already extracted from HTML (trafilatura): the line model for such text
        self.extracted = extracted
        self.model_path = model_path  # the line model for plain text (default: the shipped one)
        self.extracted_model_path = extracted_model_path  # the same for extracted text

    def detect(self, doc: Document) -> Detection:
        text = doc.text
        if not text.strip():
            return Detection()
        lines = split_lines(text)
        labels = self._label_lines(lines)
        if self.line_model:
            # a document made from a page (mtclean.extract) is read as extracted text
            self._apply_line_model(labels, self.extracted or EXTRACTED_FROM in doc.metadata)
        spans = self._line_spans(text, labels)
        glued = self._glued_spans(text, labels) if self.split_glued else []
        all_spans = sorted([*spans, *glued], key=lambda s: (s.start, s.end))
        metadata = self._metadata(lines, labels, glued, len(text))
        return Detection(tuple(all_spans), metadata, self._stats(labels, glued))

    def rule_features(self, text: str) -> tuple[list[Line], list[int], np.ndarray]:
        """The line model's input for ``text``: its lines, the non-blank line indices and the
        feature matrix (one row per non-blank line) over the rules' verdicts. For training."""
        from mtclean.detectors.boilerplate_lines import line_features

        lines = split_lines(text)
        labels = self._label_lines(lines)
        matrix = line_features(
            lines, labels.content, labels.final, labels.title, extracted=self.extracted
        )
        return lines, labels.content, matrix

    def _apply_line_model(self, labels: _Labels, extracted: bool) -> None:
        """The cascade (``boilerplate_lines.removal_mask``): the rules' removals stand, except
        the weak rules' (repeated lines, menu runs, ...), which the model confirms or overrules;
        the model also removes lines no rule knows."""
        from mtclean.detectors.boilerplate_lines import (
            MIN_LINES,
            MODEL_DECIDES,
            line_features,
            load_model,
            removal_mask,
        )

        if len(labels.content) < MIN_LINES:
            return  # a snippet: the rules decide
        try:
            path = self.extracted_model_path if extracted else self.model_path
            model = load_model(path, extracted=extracted)
        except FileNotFoundError as err:  # a model folder without it: the rules decide
            _warn_once(f"boilerplate line model off: {err}")
            return
        matrix = line_features(
            labels.lines, labels.content, labels.final, labels.title, extracted=extracted
        )
        proba = model.predict_proba(matrix)
        cut, remove = model.threshold, self.remove_threshold
        mask = removal_mask(
            proba, matrix, threshold=cut, body_threshold=model.body_threshold, remove_score=remove
        )
        for index, p, removed in zip(labels.content, proba, mask, strict=True):
            verdict = labels.final.get(index)
            weak = verdict is None or verdict.reason in MODEL_DECIDES
            if verdict is not None and not weak and verdict.score >= remove:
                # a rule removal that is not a weak rule's stands, unless the removed
                # neighbour it leaned on was overruled (removal_mask)
                if not removed:
                    labels.final[index] = Verdict(self.flag_score, verdict.reason)
                continue
            if removed:
                score = remove + (1.0 - remove) * max(float(p) - cut, 0.0) / max(1.0 - cut, 1e-9)
                # the model decided (a weak rule's verdict was one of its features)
                reason = "line_model" if weak or verdict is None else verdict.reason
                labels.final[index] = Verdict(round(min(score, 1.0), 3), reason)
            elif verdict is not None and verdict.score >= remove:
                labels.final[index] = Verdict(self.flag_score, verdict.reason)

    # -- labelling -----------------------------------------------------------------------------

    def _label_lines(self, lines: Sequence[Line]) -> _Labels:
        labels = _Labels(lines)
        content = [lines[i] for i in labels.content]
        if not content:
            return labels
        first_index = content[0].index
        for line in content:
            verdict = classify_line(line, line.index == first_index)
            if verdict is None:
                continue
            (labels.pending if verdict.contextual else labels.final)[line.index] = verdict
        for block in syndication_blocks(lines):
            for index in block:
                labels.final[index] = Verdict(0.95, "syndication_block")
                labels.pending.pop(index, None)
        head = [line for line in content if line.index not in labels.final]
        duplicate = duplicate_title(head)
        title: Line | None = head[0] if head else None
        if duplicate is not None:
            dropped, title = duplicate
            labels.final[dropped.index] = Verdict(0.9, "duplicate_title")
            labels.pending.pop(dropped.index, None)
        if title is not None:  # the first line that is not boilerplate is the title: protect it
            first_index = title.index
            labels.title = title.index
            labels.pending.pop(first_index, None)
        self._add_weak_candidates(lines, labels, first_index, duplicate[0] if duplicate else None)
        self._resolve_contextual(labels, first_index)
        self._smooth_between(labels, first_index)
        return labels

    def _add_weak_candidates(
        self, lines: Sequence[Line], labels: _Labels, first: int, title: Line | None
    ) -> None:
        """Repeated short lines and menu runs: boilerplate only where the position agrees."""
        counts = Counter(line.norm for line in lines if line.words and line.words <= 12)
        titles = {lines[first].norm} | ({title.norm} if title is not None else set())
        for index in labels.content:
            line = lines[index]
            if index in labels.final or index in labels.pending or index == first:
                continue
            if line.norm in titles:
                continue
            # a repeated short line without a sentence end is never a good paragraph
            if counts[line.norm] >= 2 and not line.ends_sentence and line.words <= 12:
                labels.pending[index] = Verdict(0.85, "repeated_line", contextual=True)
        for run in menu_runs(lines):
            for index in run:
                if index not in labels.final and index not in labels.pending and index != first:
                    labels.pending[index] = Verdict(0.8, "menu_block", contextual=True)

    def _zones(self, labels: _Labels) -> tuple[int, int]:
        """Indices of the first and last good paragraphs (-1, -1 when there is none)."""
        good = [
            i
            for i in labels.content
            if i not in labels.final
            and i not in labels.pending
            and is_good_paragraph(labels.lines[i])
        ]
        return (good[0], good[-1]) if good else (-1, -1)

    def _supported(
        self,
        index: int,
        verdict: Verdict,
        labels: _Labels,
        neighbours: dict[int, tuple[int | None, int | None]],
        zones: tuple[int, int],
        first: int,
    ) -> bool:
        prev, nxt = neighbours[index]
        near_bad = any(n is not None and labels.bad(n, self.remove_threshold) for n in (prev, nxt))
        first_good, last_good = zones
        in_head = index != first and (first_good == -1 or index < first_good)
        in_tail = last_good != -1 and index > last_good
        if verdict.reason in ("low_stopword_density", "link_line"):
            return near_bad
        if verdict.reason == "menu_block":  # lists inside the body stay
            return in_head or in_tail
        return near_bad or in_head or in_tail

    def _resolve_contextual(self, labels: _Labels, first: int) -> None:
        neighbours = _neighbours(labels.content)
        zones = self._zones(labels)
        for _ in range(4):
            promoted = [
                index
                for index, verdict in labels.pending.items()
                if self._supported(index, verdict, labels, neighbours, zones, first)
            ]
            if not promoted:
                break
            for index in promoted:
                labels.final[index] = labels.pending.pop(index)
        for index, verdict in labels.pending.items():
            labels.final[index] = Verdict(min(self.flag_score, verdict.score), verdict.reason)
        labels.pending.clear()

    def _is_short_unsure(self, line: Line) -> bool:
        return 1 <= line.words <= self.max_between_words and not line.ends_sentence

    def _smooth_between(self, labels: _Labels, first: int) -> None:
        """Short unpunctuated lines between boilerplate lines (or after it at the end)."""
        content = labels.content
        threshold = self.remove_threshold
        for _ in range(2):
            changed = False
            for pos, index in enumerate(content):
                if index in labels.final or index == first:
                    continue
                if not self._is_short_unsure(labels.lines[index]):
                    continue
                prev_bad = pos > 0 and labels.bad(content[pos - 1], threshold)
                next_bad = pos + 1 >= len(content) or labels.bad(content[pos + 1], threshold)
                if prev_bad and next_bad:
                    labels.final[index] = Verdict(0.8, "between_boilerplate")
                    changed = True
            if not changed:
                break

    # -- spans -----------------------------------------------------------------------------------

    def _line_spans(self, text: str, labels: _Labels) -> list[Span]:
        """One span per labelled line, laid out so removed blocks leave clean separators."""
        lines = labels.lines
        content = labels.content
        removed = {i for i in content if labels.bad(i, self.remove_threshold)}
        spans: list[Span] = []
        kept_before = False
        previous_end = 0
        for pos, index in enumerate(content):
            line = lines[index]
            verdict = labels.final.get(index)
            if index not in removed:
                if verdict is not None:
                    spans.append(self._span(line.start, line.end, verdict, None))
                kept_before = True
                previous_end = line.end
                continue
            assert verdict is not None
            if not kept_before:  # head: take the blank lines after the line
                nxt = content[pos + 1] if pos + 1 < len(content) else None
                end = lines[nxt].start if nxt is not None else len(text)
                spans.append(self._span(previous_end, end, verdict, ""))
                previous_end = end
                continue
            end = line.end
            if pos == len(content) - 1:  # tail: take trailing blanks
                end = len(text) - 1 if text.endswith("\n") and line.end < len(text) else len(text)
            spans.append(self._span(previous_end, end, verdict, ""))
            previous_end = end
        return spans

    def _span(self, start: int, end: int, verdict: Verdict, replacement: str | None) -> Span:
        return Span(
            start,
            end,
            "boilerplate",
            round(verdict.score, 3),
            SOURCE,
            replacement if verdict.score >= self.remove_threshold else None,
            verdict.reason,
        )

    def _glued_spans(self, text: str, labels: _Labels) -> list[Span]:
        """Edge phrases glued inside kept lines; a join between two texts becomes a break."""
        spans: list[Span] = []
        first_ink = len(text) - len(text.lstrip())  # text before ``start`` iff it is before
        for index in labels.content:
            if index in labels.final:
                continue
            line = labels.lines[index]
            for start, end in _glue_spans(line, text):
                before = text[line.start : start].strip()
                after = text[end : line.end].strip()
                if not before and not after:
                    continue
                if before and after:  # two texts joined: the join becomes a paragraph break
                    spans.append(_glue_span(start, end, "\n\n", "glued_document"))
                elif after:  # phrase at the line start; a new document if text came before
                    end += len(text[end : line.end]) - len(text[end : line.end].lstrip())
                    reason = "glued_document" if first_ink < start else "glued_phrase"
                    spans.append(_glue_span(start, end, "", reason))
                else:
                    start = line.start + len(text[line.start : start].rstrip())
                    spans.append(_glue_span(start, end, "", "glued_phrase"))
        return spans

    # -- metadata and stats ----------------------------------------------------------------------

    def _metadata(
        self, lines: Sequence[Line], labels: _Labels, glued: Sequence[Span], length: int
    ) -> dict[str, Any]:
        metadata: dict[str, Any] = {}
        previous_reason = ""
        for index in labels.content:
            verdict = labels.final.get(index)
            if verdict is None or verdict.score < self.remove_threshold:
                previous_reason = ""
                continue
            _record_line(metadata, lines[index], verdict.reason, previous_reason)
            previous_reason = verdict.reason
        splits = [s for s in glued if s.reason == "glued_document"]
        if splits:
            bounds = [0] + [p for s in splits for p in (s.start, s.end)] + [length]
            metadata["segments"] = [[bounds[i], bounds[i + 1]] for i in range(0, len(bounds), 2)]
        return metadata

    def _stats(self, labels: _Labels, glued: Sequence[Span]) -> dict[str, int]:
        stats: Counter[str] = Counter()
        for verdict in labels.final.values():
            kind = "removed" if verdict.score >= self.remove_threshold else "flagged"
            stats[f"lines_{kind}"] += 1
            stats[f"{kind}_{verdict.reason}"] += 1
        for span in glued:
            stats[f"removed_{span.reason}"] += 1
        splits = sum(1 for s in glued if s.reason == "glued_document")
        if splits:
            stats["documents_split"] = splits
        return dict(stats)


def _glue_span(start: int, end: int, replacement: str, reason: str) -> Span:
    return Span(start, end, "boilerplate", 0.9, SOURCE, replacement, reason)


def _append(metadata: dict[str, Any], key: str, value: str) -> None:
    metadata.setdefault(key, [])
    if value not in metadata[key]:
        metadata[key].append(value)


def _record_line(metadata: dict[str, Any], line: Line, reason: str, previous: str) -> None:
    """Move what a removed line says about the article into ``metadata``."""
    stripped = line.stripped
    urls = [m.group().rstrip(".,;)") for m in _URL.finditer(stripped)]
    if reason in ("syndication_block", "metadata_line"):
        match = _KEY_VALUE.fullmatch(stripped)
        if match:
            field = _KEY_FIELDS.get(match.group("key").lower())
            if field == "credits":
                _append(metadata, "credits", stripped)
            elif field == "source_name" and urls:
                metadata.setdefault("source_url", urls[0])
            elif field:
                metadata.setdefault(field, match.group("value"))
    elif reason == "byline":
        match = _BYLINE.fullmatch(stripped)
        if match:
            metadata.setdefault("author", match.group("name").strip(" ,"))
    elif reason == "source_tag":
        match = _SOURCE_TAG.fullmatch(stripped)
        if match:
            metadata.setdefault("source_name", match.group("name") or match.group("dash"))
    elif reason == "credit_line":
        _append(metadata, "credits", stripped)
    elif reason == "photo_caption":
        _append(metadata, "captions", stripped)
    elif reason == "link_line" and urls:
        if previous == "previous_article":
            metadata.setdefault("previous_article_url", urls[0])
        else:
            for url in urls:
                _append(metadata, "links", url)
    elif reason == "previous_article" and urls:
        metadata.setdefault("previous_article_url", urls[0])
    elif reason == "cms_phrase" and urls and "originally" in line.norm:
        metadata.setdefault("source_url", urls[0])


@functools.lru_cache(maxsize=8)
def _warn_once(message: str) -> None:
    logger.warning(message)
