"""Ready-made pipeline steps: ``Dataset.map``, datatrove's formatter and filter over several
tasks, and dolma-style attributes from ``detect``."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtclean.cli import app
from mtclean.config import CleanerConfig

RULES = CleanerConfig(model=False)
SPUN = (
    "Officials said the Deputy Overseas Minister met the Group for Safety and Cooperation in "
    "Europe."
)
CLEAN = "Talks resumed on Monday in Geneva, officials said."


def test_dataset_map_adds_cleaned_text_spans_and_score() -> None:
    datasets = pytest.importorskip("datasets")
    from mtclean.integrations.datasets import CleanBatch

    dataset = datasets.Dataset.from_dict({"id": ["a", "b", "c"], "text": [SPUN, CLEAN, SPUN]})
    mapped = dataset.map(
        CleanBatch(RULES, original_field="text_original"), batched=True, batch_size=2, num_proc=2
    )
    first = mapped[0]
    assert first["text"].startswith("Officials said the Deputy Foreign Minister")
    assert first["text_original"] == SPUN and first["id"] == "a"
    assert first["mtclean_score"] > 0 and mapped[1]["mtclean_score"] == 0.0
    span = first["mtclean_spans"][0]
    assert SPUN[span["start"] : span["end"]] == "Deputy Overseas Minister"
    record = json.loads(first["mtclean"])
    assert record["edits"] and record["spans"][0]["clean_start"] == span["start"]


def test_datatrove_formatter_and_filter_over_two_tasks(tmp_path: Path) -> None:
    pytest.importorskip("datatrove")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from mtclean.integrations.datatrove import MtcleanFilter, MtcleanFormatter

    data = tmp_path / "in"
    data.mkdir()
    for shard, rows in enumerate([[("s0", SPUN), ("c0", CLEAN)], [("s1", SPUN), ("c1", CLEAN)]]):
        lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows)
        (data / f"{shard:02d}.jsonl").write_text(lines, "utf-8")
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(data)),
            MtcleanFormatter(RULES, keep_original="text_original"),
            MtcleanFilter(max_score=0.1, exclusion_writer=JsonlWriter(str(tmp_path / "dropped"))),
            JsonlWriter(str(tmp_path / "out")),
        ],
        tasks=2,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    )
    executor.run()

    def _read(folder: Path) -> list[dict[str, object]]:
        rows = []
        for path in sorted(folder.glob("*.jsonl.gz")):
            rows += [json.loads(x) for x in gzip.decompress(path.read_bytes()).splitlines()]
        return rows

    kept, dropped = _read(tmp_path / "out"), _read(tmp_path / "dropped")
    assert sorted(r["id"] for r in kept) == ["c0", "c1"]  # type: ignore[type-var]
    assert sorted(r["id"] for r in dropped) == ["s0", "s1"]  # type: ignore[type-var]
    record = dropped[0]
    metadata = record["metadata"]
    assert isinstance(metadata, dict)
    assert metadata["text_original"] == SPUN and "Deputy Foreign Minister" in str(record["text"])
    assert metadata["mtclean"]["score"] > 0.1 and metadata["mtclean"]["edits"]
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text("utf-8"))
    filter_stats = next(s for s in stats if "filter" in s["name"])
    assert filter_stats["stats"]["dropped_mtclean_spun"] == 2


def test_nemo_curator_modifier_and_filter_stages() -> None:
    """NeMo Curator's own ``Modify`` and ``ScoreFilter`` stages with mtclean's modifier and
    filter, run on a ``DocumentBatch`` as its executors run them, after a pickle round trip
    (how they reach the workers)."""
    pytest.importorskip(
        "nemo_curator", reason="nemo_curator is not installed (pip install nemo-curator)"
    )
    import pickle

    import pandas as pd
    from nemo_curator.stages.text.filters import ScoreFilter
    from nemo_curator.stages.text.modifiers import Modify
    from nemo_curator.tasks import DocumentBatch

    from mtclean.integrations.nemo_curator import MtcleanFilter, MtcleanModifier

    def batch() -> DocumentBatch:
        frame = pd.DataFrame({"id": ["s0", "c0", "s1"], "text": [SPUN, CLEAN, SPUN]})
        return DocumentBatch(dataset_name="news", data=frame)

    scorer = ScoreFilter(
        MtcleanFilter(max_score=0.1, config=RULES), text_field="text", score_field="mtclean_score"
    )
    modifier = Modify(MtcleanModifier(RULES), input_fields="text")
    scorer, modifier = pickle.loads(pickle.dumps((scorer, modifier)))

    kept = scorer.process(batch())
    assert kept is not None
    frame = kept.to_pandas()
    assert list(frame["id"]) == ["c0"] and list(frame["mtclean_score"]) == [0.0]

    modified = modifier.process(batch())
    assert modified is not None
    texts = list(modified.to_pandas()["text"])
    assert texts[0].startswith("Officials said the Deputy Foreign Minister") and texts[1] == CLEAN
    assert texts[2] == texts[0]
    used = pickle.loads(pickle.dumps(modifier))  # the Cleaner it built stays behind
    assert used.modifier_fn[0]._cleaner is None


def test_detect_dolma_attributes(tmp_path: Path) -> None:
    text = 'Press "Enter" to skip to content\n\nThe Deputy Overseas Minister met NATO. allies.\n'
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "a1", "text": text}) + "\n", "utf-8")
    result = CliRunner().invoke(
        app, ["detect", str(tmp_path / "in.jsonl"), "--format", "dolma", "--no-model", "-q"]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["id"] == "a1"
    attributes = record["attributes"]
    assert set(attributes) == {
        "mtclean__spun", "mtclean__mt", "mtclean__boilerplate", "mtclean__score",
    }  # fmt: skip
    [[start, end, score]] = attributes["mtclean__spun"]
    assert text[start:end] == "Deputy Overseas Minister" and 0 < score <= 1
    assert attributes["mtclean__boilerplate"][0][:2] == [0, 34]
    assert attributes["mtclean__score"][0][:2] == [0, len(text)]
