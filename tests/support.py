"""Paths and readers shared by the tests (importable as ``support``)."""

from __future__ import annotations

from pathlib import Path

from mtclean.paths import default_data_dir

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def read_seed(name: str) -> str:
    """A seed article exactly as stored (UTF-8, newlines untranslated)."""
    return (SEEDS / name).read_bytes().decode("utf-8")


def shared_data_dir() -> Path:
    """Where the shared data lives: $MTCLEAN_DATA, default ../shared/data beside the repo."""
    return default_data_dir()


class ReviewPage:
    """What a review page (``mtclean.display.review``) shows, read back with the stdlib parser.

    Per document section N: ``spans[N]``: the attributes of every element carrying
    ``data-start`` in its article, with ``old`` (its text outside ``<ins>``) and ``new`` (outside
    ``<del>``); ``original[N]`` / ``cleaned[N]``: the article's text outside ``<ins>`` /
    outside ``<del>``; ``ids[N]``: the section's ``data-id``. Also every ``src``/``href``/
    ``<link>`` seen (a self-contained page has only ``#`` links).
    """

    def __init__(self, page: str) -> None:
        from html.parser import HTMLParser

        self.spans: dict[str, list[dict[str, str]]] = {}
        self.original: dict[str, str] = {}
        self.cleaned: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self.references: list[str] = []
        reader = self

        class Parser(HTMLParser):
            def __init__(self) -> None:
                super().__init__(convert_charrefs=True)
                self.stack: list[tuple[str, dict[str, str]]] = []
                self.doc: str | None = None  # the section whose article we are in
                self.open_spans: list[dict[str, str]] = []

            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                values = {k: v or "" for k, v in attrs}
                for key in ("src", "href"):
                    if key in values and not values[key].startswith("#"):
                        reader.references.append(values[key])
                if tag == "link":
                    reader.references.append(str(values))
                if tag in ("meta", "link", "br", "img", "input", "hr"):
                    return
                if tag == "section" and "doc" in values.get("class", "").split():
                    reader.ids[values["id"]] = values.get("data-id", "")
                if tag == "article":
                    self.doc = values.get("id", "").replace("text-", "doc-")
                    reader.original[self.doc] = reader.cleaned[self.doc] = ""
                    reader.spans[self.doc] = []
                if self.doc is not None and "data-start" in values:
                    values = {**values, "old": "", "new": ""}
                    reader.spans[self.doc].append(values)
                    self.open_spans.append(values)
                    values["_depth"] = str(len(self.stack))
                self.stack.append((tag, values))

            def handle_endtag(self, tag: str) -> None:
                while self.stack:
                    name, values = self.stack.pop()
                    if self.open_spans and values is self.open_spans[-1]:
                        self.open_spans.pop()
                    if name == "article":
                        self.doc = None
                    if name == tag:
                        break

            def handle_data(self, data: str) -> None:
                if self.doc is None:
                    return
                tags = {name for name, _ in self.stack}
                if "ins" not in tags:
                    reader.original[self.doc] += data
                    for span in self.open_spans:
                        span["old"] += data
                if "del" not in tags:
                    reader.cleaned[self.doc] += data
                    for span in self.open_spans:
                        span["new"] += data

        parser = Parser()
        parser.feed(page)
        parser.close()


def check_review_page(page: str, documents: list[tuple[dict, str, str]]) -> None:
    """Assert that ``page`` shows each of ``documents`` (its ``mtclean`` record, the text as
    read, the cleaned text) in order: the article's text is the original outside ``<ins>`` and
    the cleaned text outside ``<del>``, and every span of the record is an element with its
    offsets, label and kind (edit if the record applied it), holding its own text unless it is
    an overlap marker."""
    shown = ReviewPage(page)
    assert not shown.references, f"the page refers to outside resources: {shown.references}"
    assert len(shown.original) == len(documents)
    for n, (record, original, cleaned) in enumerate(documents, 1):
        doc = f"doc-{n}"
        assert shown.ids[doc] == record["id"]
        assert shown.original[doc] == original
        assert shown.cleaned[doc] == cleaned
        applied = {(e["start"], e["end"], e["source"], e["label"]) for e in record["edits"]}
        elements = {(int(s["data-start"]), int(s["data-end"]), int(s["data-index"])): s
                    for s in shown.spans[doc]}  # fmt: skip
        assert len(elements) == len(shown.spans[doc]) == len(record["spans"])
        for index, span in enumerate(record["spans"]):
            element = elements.get((span["start"], span["end"], index))
            assert element is not None, f"{record['id']}: span {index} {span} is not on the page"
            assert element["data-label"] == span["label"]
            kind = (
                "edit"
                if (span["start"], span["end"], span["source"], span["label"]) in applied
                else "flag"
            )
            assert element["data-kind"] == kind
            if "also" not in element["class"].split():
                assert element["old"] == span["text"]
