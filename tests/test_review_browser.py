"""The review page of the five seeds in a real browser (headless Chromium).

``mtclean clean seeds/ --review`` with the default Cleaner; ``scripts/render_review.py`` renders
one PNG per seed and dumps the DOM after the page's JavaScript ran; every span of the sidecars
must be an element there, the article must hold the text as read (outside ``<ins>``) and the
cleaned text (outside ``<del>``), and the script must have shown one document at a time.
Skipped when Chromium is not installed (Debian: ``apt-get install -y chromium``).
Set ``MTCLEAN_REVIEW_PNG=folder`` to keep the PNGs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, SEEDS, check_review_page
from typer.testing import CliRunner

from mtclean.cli import app

BROWSER = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium to render the review page (apt-get install -y chromium)"
)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_seed_review_page_in_chromium(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds, ignore=shutil.ignore_patterns("*.jsonl", "*.md"))
    out, page = tmp_path / "out", tmp_path / "review.html"
    result = CliRunner().invoke(app, ["clean", str(seeds), "-o", str(out), "--review", str(page)])
    assert result.exit_code == 0, result.stderr
    documents = []
    for original in sorted(seeds.glob("*.txt")):
        sidecar = json.loads((out / f"{original.name}.mtclean.json").read_text("utf-8"))
        text = original.read_bytes().decode("utf-8")
        documents.append((sidecar, text, (out / original.name).read_bytes().decode("utf-8")))
    assert sum(len(r["spans"]) for r, _, _ in documents) > 50
    html = page.read_text("utf-8")
    check_review_page(html, documents)

    pngs = Path(os.environ.get("MTCLEAN_REVIEW_PNG") or tmp_path / "png")
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "render_review.py"), str(page), "--out",
         str(pngs), "--dom"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    dom = (pngs / "dom.html").read_text("utf-8")
    check_review_page(dom, documents)  # what the browser holds after the script ran
    assert re.search(r'<body[^>]*class="js"', dom), "the page's script did not run"
    shown = re.findall(r'<section class="doc( current)?" id="doc-(\d+)"', dom)
    assert [n for current, n in shown if current] == ["1"]  # one document at a time
    for n in range(1, len(documents) + 1):
        width, height = _png_size(pngs / f"doc-{n}.png")
        assert (width, height) == (1400, 2000)
        assert (pngs / f"doc-{n}.png").stat().st_size > 50_000  # a rendered page, not blank
