"""The ``web_pages`` section of ``mtclean evaluate`` (mtclean.evaluation.web_pages) as
benchmarks/web_pages.json, and the README block made from it.

    python scripts/bench_web_pages.py                          # measure (about a minute)
    python scripts/bench_web_pages.py --from-report reports/report.json   # an evaluate run's
    python scripts/bench_web_pages.py --readme                 # README block from the JSON

``tests/test_readme.py`` checks that the README block is this JSON's table.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mtclean.degrade.boilerplate import BENCHMARK_DIR
from mtclean.evaluation.readme_blocks import ReadmeBlock
from mtclean.evaluation.web_pages import markdown, web_pages_section
from mtclean.paths import REPO, default_data_dir

RESULT = REPO / "benchmarks" / "web_pages.json"
README = REPO / "README.md"
BLOCK = ReadmeBlock(
    "<!-- from benchmarks/web_pages.json (mtclean evaluate: web_pages) -->",
    "<!-- end of benchmarks/web_pages.json -->",
)


def update_readme(section: dict[str, Any], path: Path = README) -> None:
    path.write_text(BLOCK.replace(path.read_text("utf-8"), markdown(section)), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from-report", type=Path, help="take the section of this report.json")
    parser.add_argument("--readme", action="store_true", help=f"README block from {RESULT.name}")
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder")
    args = parser.parse_args()
    if args.readme:
        update_readme(json.loads(RESULT.read_text("utf-8")))
        return
    if args.from_report is not None:
        section = json.loads(args.from_report.read_text("utf-8")).get("web_pages")
        if not section:
            sys.exit(f"bench_web_pages: {args.from_report} has no web_pages section")
    else:
        data = args.data if args.data is not None else default_data_dir()
        section = web_pages_section(data / BENCHMARK_DIR)
    RESULT.write_text(json.dumps(section, indent=2) + "\n", "utf-8")
    print(markdown(section))


if __name__ == "__main__":
    main()
