"""HTML to article text with trafilatura (the optional ``[html]`` extra).

``extract_html`` returns the main text trafilatura finds in a page and the page metadata it
reads (title, author, date, url, sitename); ``html_document`` makes the :class:`Document` to
clean from them, with that metadata under ``metadata["page"]`` (:data:`PAGE`), which the
cleaner copies into its result's metadata. Offsets of mtclean's spans on such a document refer
to this extracted text, not to the HTML. The boilerplate detector reads a document carrying
``PAGE`` as extracted text, as ``BoilerplateDetector(extracted=True)`` does (a stricter line
model threshold: trafilatura has already removed most of the page's boilerplate)::

    from mtclean import Cleaner
    from mtclean.extract import html_document

    doc = html_document(page_html, id="page.html")
    result = Cleaner().clean(doc)  # spans and edits index doc.text
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mtclean.records import Document

INSTALL_HINT = "HTML input needs trafilatura: pip install 'mtclean[html]'"
METADATA_FIELDS = ("title", "author", "date", "url", "sitename")
PAGE = "page"  # Document.metadata (and result metadata) key: what trafilatura read of the page


class ExtractionUnavailable(ImportError):
    """trafilatura is not installed."""


@dataclass(frozen=True, slots=True)
class Extracted:
    """The article text of a page and what trafilatura read about it."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def require_extraction() -> None:
    """Raise :class:`ExtractionUnavailable` (with the install hint) unless trafilatura is
    installed: the command line checks before any work."""
    import importlib.util

    if importlib.util.find_spec("trafilatura") is None:
        raise ExtractionUnavailable(INSTALL_HINT)


def page_text(data: bytes) -> str:
    """A page's bytes as text: UTF-8, else the charset trafilatura finds."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from trafilatura.utils import decode_file

        decoded = decode_file(data)
        return decoded if isinstance(decoded, str) else data.decode("utf-8", errors="replace")


def html_document(html: str | bytes, id: str = "", *, url: str | None = None) -> Document:
    """The document to clean from a page: trafilatura's text of it (empty when it finds none),
    with what it read of the page under ``metadata["page"]``."""
    if isinstance(html, bytes):
        html = page_text(html)
    found = extract_html(html, url=url)
    return Document(text=found.text, id=id, metadata={PAGE: found.metadata})


def extract_html(html: str, *, url: str | None = None) -> Extracted:
    """The main text of ``html`` (an empty text when trafilatura finds none) and its metadata
    (only the fields trafilatura found, from ``METADATA_FIELDS``)."""
    try:
        import trafilatura
    except ImportError as err:  # an optional extra
        raise ExtractionUnavailable(INSTALL_HINT) from err
    if not html.strip():
        return Extracted("")
    text = trafilatura.extract(html, url=url, include_comments=False, output_format="txt") or ""
    found = trafilatura.extract_metadata(html, default_url=url)
    metadata: dict[str, Any] = {}
    if found is not None:
        for name in METADATA_FIELDS:
            value = getattr(found, name, None)
            if value:
                metadata[name] = value
    return Extracted(text, metadata)
