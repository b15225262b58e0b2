"""The pure parts of ``scripts/benchmark.py``: the corpus builder, the table, the README block
(no timing, no subprocess)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support import REPO


def load_benchmark() -> ModuleType:
    """``scripts/benchmark.py`` as a module (scripts/ is not a package)."""
    path = REPO / "scripts" / "benchmark.py"
    spec = importlib.util.spec_from_file_location("mtclean_benchmark_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = load_benchmark()
ARTICLES = [("a", "Alpha text."), ("b", "Beta text."), ("c", "Gamma text.")]


def fake_spin(text: str, record_id: str) -> str:
    return f"SPUN[{record_id}] {text}"


def test_corpus_cycles_the_articles_with_new_ids() -> None:
    rows = bench.build_corpus(ARTICLES, 7, 0.0, fake_spin)
    assert [r["id"] for r in rows] == ["a", "b", "c", "a~1", "b~1", "c~1", "a~2"]
    assert [r["text"] for r in rows[:4]] == [
        "Alpha text.",
        "Beta text.",
        "Gamma text.",
        "Alpha text.",
    ]
    assert not any(r["spun"] for r in rows)


def test_corpus_spins_an_evenly_spaced_share() -> None:
    rows = bench.build_corpus(ARTICLES, 20, 0.1, fake_spin)
    spun = [i for i, r in enumerate(rows) if r["spun"]]
    assert spun == [9, 19]
    assert rows[9]["text"] == "SPUN[a~3] Alpha text."
    assert all(r["text"].startswith("SPUN[") == r["spun"] for r in rows)


def test_a_shorter_corpus_is_a_prefix_of_a_longer_one() -> None:
    short = bench.build_corpus(ARTICLES, 12, 0.25, fake_spin)
    long = bench.build_corpus(ARTICLES, 40, 0.25, fake_spin)
    assert long[:12] == short
    assert sum(r["spun"] for r in long) == 10


def test_corpus_needs_articles() -> None:
    with pytest.raises(ValueError, match="no articles"):
        bench.build_corpus([], 3, 0.1, fake_spin)


def fake_result() -> dict[str, Any]:
    def run(
        config: str, label: str, workers: int, seconds: float, speedup: float
    ) -> dict[str, Any]:
        return {
            "config": config, "label": label, "workers": workers, "documents": 2048,
            "seconds": seconds,
            "kb_per_s": 6000.0 / seconds, "docs_per_s": 2048 / seconds, "speedup": speedup,
            "peak_rss_mib": 310.4, "peak_tree_pss_mib": 1234.56, "encoder_read": 0.0,
        }  # fmt: skip

    return {
        "pss_every_s": 1.0,
        "runs": [
            run("rules", "rules only (`--no-model`)", 1, 4.0, 1.0),
            run("rules", "rules only (`--no-model`)", 2, 2.5, 1.6),
        ],
        "startup_seconds": {"rules": 1.26},
    }


def test_table_rows() -> None:
    lines = bench.markdown(fake_result()).splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("| configuration | workers | documents | KB/s | docs/s | speed-up")
    assert lines[1].count("|") == lines[0].count("|")
    assert lines[2] == (
        "| rules only (`--no-model`) | 1 | 2,048 | 1,500.0 | 512.0 | 1.00x | 1.00x | 1.3 | 310 "
        "| 1,235 | 0% |"
    )
    cells = lines[3].split(" | ")
    assert cells[5:7] == ["1.60x", "2.21x"]  # (4.0 - 1.26) / (2.5 - 1.26)


def test_no_speed_up_after_start_up_when_a_run_is_not_longer() -> None:
    result = fake_result()
    result["startup_seconds"]["rules"] = 3.0
    assert bench.steady_speedup(result, result["runs"][1]) is None
    assert bench.markdown(result).splitlines()[3].split(" | ")[6] == "-"


def test_no_pss_for_a_run_shorter_than_three_readings() -> None:
    result = fake_result()
    assert bench.markdown(result).splitlines()[3].split(" | ")[9] == "-"  # 2.5 s < 3 x 1 s
    result["pss_every_s"] = 0.5
    assert bench.markdown(result).splitlines()[3].split(" | ")[9] == "1,235"
    del result["pss_every_s"]  # sampled every 5 s: runs of 4.0 and 2.5 s are too short
    assert bench.markdown(result).splitlines()[3].split(" | ")[9] == "-"


def test_readme_block_is_rewritten_from_the_result(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\ntext\n{bench.README_MARK}\n| old |\n|---|\n\nafter\n", "utf-8")
    assert bench.readme_table(readme.read_text("utf-8")) == "| old |\n|---|"
    bench.update_readme(fake_result(), readme)
    text = readme.read_text("utf-8")
    assert bench.readme_table(text) == bench.markdown(fake_result())
    assert text.startswith("# x\n\ntext\n") and text.endswith("\n\nafter\n")
    assert bench.readme_table("no mark here") is None
