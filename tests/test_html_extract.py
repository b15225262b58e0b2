"""HTML extraction (mtclean.extract, the optional ``[html]`` extra)."""

from __future__ import annotations

import pytest

from mtclean.detectors.boilerplate import BoilerplateDetector
from mtclean.records import Document

pytest.importorskip("trafilatura")

from mtclean.extract import METADATA_FIELDS, extract_html

_BODY = "The council said on Monday that the new bridge would open to traffic next spring. "
PAGE = (
    "<html><head><title>Bridge to open in spring | Town News</title>"
    '<meta name="author" content="Jane Doe"></head><body>'
    "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Bridge to open in spring</h1>"
    f"<p>{_BODY * 3}</p><p>{_BODY.replace('Monday', 'Tuesday') * 3}</p></article>"
    "<footer>Subscribe to our newsletter</footer></body></html>"
)


def test_extracts_the_article_and_its_metadata() -> None:
    extracted = extract_html(PAGE)
    assert "the new bridge would open" in extracted.text
    assert "Home" not in extracted.text.split()
    assert "Subscribe to our newsletter" not in extracted.text
    assert extracted.metadata["author"] == "Jane Doe"
    assert "Bridge to open in spring" in extracted.metadata["title"]
    assert set(extracted.metadata) <= set(METADATA_FIELDS)


def test_extracted_text_keeps_its_paragraphs_through_the_boilerplate_detector() -> None:
    text = extract_html(PAGE).text
    spans = BoilerplateDetector(extracted=True).detect(Document(text)).spans
    assert not [s for s in spans if s.replacement is not None]


def test_a_page_without_text_gives_an_empty_text() -> None:
    assert extract_html("<html><body></body></html>").text == ""
