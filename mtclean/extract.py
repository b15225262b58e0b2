"""HTML to article text with trafilatura (the optional ``[html]`` extra).

``extract_html`` returns the main text trafilatura finds in a page and the page metadata it
reads (title, author, date, url, sitename) for ``Document.metadata``. Offsets of mtclean's
spans on such a document refer to this extracted text, not to the HTML. The boilerplate
detector reads extracted text with ``BoilerplateDetector(extracted=True)`` (a stricter line
model threshold: trafilatura has already removed most of the page's boilerplate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INSTALL_HINT = "HTML input needs trafilatura: pip install 'mtclean[html]'"
METADATA_FIELDS = ("title", "author", "date", "url", "sitename")


class ExtractionUnavailable(ImportError):
    """trafilatura is not installed."""


@dataclass(frozen=True, slots=True)
class Extracted:
    """The article text of a page and what trafilatura read about it."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def extract_html(html: str, *, url: str | None = None) -> Extracted:
    """The main text of ``html`` (an empty text when trafilatura finds none) and its metadata
    (only the fields trafilatura found, from ``METADATA_FIELDS``)."""
    try:
        import trafilatura
    except ImportError as err:  # an optional extra
        raise ExtractionUnavailable(INSTALL_HINT) from err
    text = trafilatura.extract(html, url=url, include_comments=False, output_format="txt") or ""
    found = trafilatura.extract_metadata(html, default_url=url)
    metadata: dict[str, Any] = {}
    if found is not None:
        for name in METADATA_FIELDS:
            value = getattr(found, name, None)
            if value:
                metadata[name] = value
    return Extracted(text, metadata)
