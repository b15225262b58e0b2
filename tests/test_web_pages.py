"""The ``web_pages`` section of ``mtclean evaluate`` (mtclean.evaluation.web_pages)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from mtclean.evaluation.web_pages import (
    ROWS,
    markdown,
    shingle_metrics,
    shingle_tp_fp_fn,
    split_of,
    web_pages_section,
)

_BODY = "The council said on Monday that the new bridge would open to traffic next spring. " * 3


def test_the_shingle_metric_is_the_benchmarks() -> None:
    assert shingle_tp_fp_fn("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    tp, fp, fn = shingle_tp_fp_fn("a b c d e", "a b c d x")
    assert (tp, fp, fn) == (1 / 3, 1 / 3, 1 / 3)
    metrics = shingle_metrics([(1.0, 0.0, 0.0), (0.5, 0.5, 0.0)])
    assert metrics["precision"] == 0.75 and metrics["recall"] == 1.0


def test_the_section_measures_the_four_rows_on_the_test_half(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    pytest.importorskip("html_text")
    ids = [f"page{i}" for i in range(12)]
    test_ids = [i for i in ids if split_of(i) == "test"][:2]
    dev_id = next(i for i in ids if split_of(i) == "dev")
    (tmp_path / "html").mkdir()
    page = (
        "<html><head><title>Bridge</title></head><body><nav><a href='/'>Home</a> "
        "<a href='/news'>News</a></nav><article><h1>Bridge</h1>"
        f"<p>{_BODY}</p></article><footer>Subscribe to our newsletter</footer></body></html>"
    )
    truth = {}
    for page_id in [*test_ids, dev_id]:
        (tmp_path / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(page.encode()))
        truth[page_id] = {"articleBody": _BODY, "url": "https://example.org"}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), "utf-8")
    section = web_pages_section(tmp_path)
    assert section["pages"] == 2 and section["split"] == "test"
    assert set(section["systems"]) == {key for key, _ in ROWS}
    systems = section["systems"]
    assert systems["trafilatura"]["precision"] > systems["visible_text"]["precision"]
    assert all(0.0 <= r["f1"] <= 1.0 for r in systems.values())
    table = markdown(section)
    assert table.count("\n") == len(ROWS) + 1 and "trafilatura on the HTML" in table
