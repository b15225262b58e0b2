"""Render a review page (``mtclean clean ... --review PAGE``) in headless Chromium.

Writes one PNG per document of the page (``doc-N.png``, the page opened at ``#show-N``, or
``#show-N-I`` with ``--select I`` to open span I's details too) and, with ``--dom``, the DOM
after the page's JavaScript ran (``dom.html``), so that a check can read what the browser
shows. Chromium: the Debian package ``chromium`` (``apt-get install -y chromium``).

    python scripts/render_review.py out/review/seeds.html --out out/review/
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def _run(browser: str, args: list[str], url: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="mtclean-chromium-") as profile:
        return subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", f"--user-data-dir={profile}", *args, url],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip


def screenshot(browser: str, page: Path, target: Path, fragment: str, size: str) -> None:
    _run(
        browser, [f"--screenshot={target}", f"--window-size={size}"], f"{page.as_uri()}#{fragment}"
    )


def dump_dom(browser: str, page: Path) -> str:
    return _run(browser, ["--dump-dom", "--virtual-time-budget=2000"], page.as_uri()).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    parser.add_argument("--size", default="1400,2000", help="window size (width,height)")
    parser.add_argument("--select", type=int, default=None, help="open this span's details")
    parser.add_argument("--dom", action="store_true", help="also write dom.html")
    args = parser.parse_args(argv)
    browser = find_browser()
    if browser is None:
        print("render_review: no Chromium found (apt-get install -y chromium)", file=sys.stderr)
        return 2
    page = args.page.resolve()
    documents = sorted({int(n) for n in re.findall(r'<section class="doc" id="doc-(\d+)"',
                                                   page.read_text("utf-8"))})  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    for n in documents:
        # show-N: the page's script shows document N without the browser scrolling to it
        fragment = f"show-{n}" if args.select is None else f"show-{n}-{args.select}"
        target = args.out / f"doc-{n}.png"
        screenshot(browser, page, target.resolve(), fragment, args.size)
        print(f"wrote {target}")
    if args.dom:
        (args.out / "dom.html").write_text(dump_dom(browser, page), "utf-8")
        print(f"wrote {args.out / 'dom.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
