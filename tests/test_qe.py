"""The ``qe`` component: sentence-level MT quality estimation (``mtclean.detectors.qe``)."""

from __future__ import annotations

import importlib.util
import json

import pytest
from support import REPO, SEEDS, read_seed
from typer.testing import CliRunner

from mtclean import Cleaner, CleanerConfig
from mtclean.cli import app
from mtclean.detectors.qe import damaged_probability
from mtclean.evaluation.gold import load_gold, restore
from mtclean.serialize import detect_record
from mtclean.text import sentences

TEXT = (
    "Talks resume in Geneva\n\n"
    "Diplomats met on Monday to discuss the crisis, officials said. The meeting lasted "
    "three hours.\n\n"
    "It is unclear where the talks came from. He has a weapon in the head of Ukraine.\n"
)


def _needs_model() -> None:
    missing = [m for m in ("torch", "transformers", "sklearn", "joblib") if not _has(m)]
    if missing:
        pytest.skip(f"the qe detector needs {', '.join(missing)} (pip install 'mtclean[qe]')")
    if not (REPO / "models" / "qe.joblib").is_file():
        pytest.skip("models/qe.joblib is missing (rebuild it with scripts/train_qe.py)")


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _qe_only(threshold: float | None = None) -> Cleaner:
    return Cleaner(
        CleanerConfig(
            boilerplate=False,
            punctuation=False,
            lexicon=False,
            model=False,
            normalizer=False,
            qe=True,
            qe_threshold=threshold,
        )
    )


def test_damaged_probability_rises_with_the_estimate() -> None:
    calibration = {"coef": 8.0, "intercept": -3.0}
    values = [damaged_probability(x / 10, calibration) for x in range(11)]
    assert values == sorted(values) and 0.0 < values[0] < values[-1] < 1.0


def test_qe_is_off_by_default_and_the_detect_contract_unchanged() -> None:
    assert CleanerConfig().qe is False
    result = Cleaner(CleanerConfig(model=False)).clean("Talks resumed on Monday in Geneva.")
    assert result.mt_score is None
    assert set(detect_record(result, "Talks resumed on Monday in Geneva.")) == {
        "id",
        "score",
        "spans",
    }


def test_every_sentence_span_indexes_the_original_text() -> None:
    _needs_model()
    result = _qe_only(threshold=0.0).clean(TEXT)  # threshold 0: every scored sentence is flagged
    expected = [(p.start, p.end) for p in sentences(TEXT) if len(p.text.split()) >= 3]
    assert [(s.start, s.end) for s in result.spans] == expected
    for span in result.spans:
        assert span.label == "mt" and span.source == "qe" and span.replacement is None
        assert TEXT[span.start : span.end].strip() == TEXT[span.start : span.end]
        assert 0.3 <= span.score <= 1.0 and span.reason.startswith("qe:hter=")
    assert result.text == TEXT  # flags only, never edits
    qe = result.metadata["qe"]
    assert 0.0 <= qe["mt_score"] <= 1.0 and qe["flagged"] == len(expected)
    assert result.stats["qe.sentences"] == len(expected)


def test_shipped_threshold_flags_a_subset_and_detect_reports_the_mt_score() -> None:
    _needs_model()
    cleaner = _qe_only()
    result = cleaner.clean(TEXT)
    assert len(result.spans) <= len(_qe_only(threshold=0.0).clean(TEXT).spans)
    record = detect_record(result, TEXT)
    assert record["mt_score"] == result.metadata["qe"]["mt_score"] == result.mt_score


def _clean_seed_bodies() -> list[tuple[str, str]]:
    gold = load_gold(SEEDS / "gold.jsonl")
    return [
        (doc_id, restore(read_seed(doc_id), [s for s in spans if s.label == "boilerplate"]))
        for doc_id, spans in gold.items()
        if doc_id.startswith(("000", "001"))
    ]


def test_clean_seed_bodies_stay_within_one_qe_flag_per_1000_words() -> None:
    _needs_model()
    cleaner = _qe_only()
    bodies = _clean_seed_bodies()
    flags = sum(len(cleaner.detect(body)) for _, body in bodies)
    words = sum(len(body.split()) for _, body in bodies)
    assert 1000 * flags / words <= 1.0


@pytest.mark.xfail(
    strict=True,
    reason="known: the shipped threshold flags a short rhetorical sentence in each clean seed "
    "body ('And that's a recipe for tension, for conflict, for war.'; 'Not assurances, not "
    "safeguards, but guarantees.'; benchmarks/qe.json clean_seed_bodies); qe is off by default, "
    "so the default output of the clean seeds is unchanged",
)
def test_clean_seed_bodies_get_no_qe_flags() -> None:
    _needs_model()
    cleaner = _qe_only()
    for doc_id, body in _clean_seed_bodies():
        assert [body[s.start : s.end] for s in cleaner.detect(body)] == [], doc_id


def test_cli_qe_flag_adds_the_mt_score() -> None:
    _needs_model()
    result = CliRunner().invoke(
        app, ["detect", "-", "--no-model", "--qe", "-q", "--format", "jsonl"], input=TEXT
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert 0.0 <= record["mt_score"] <= 1.0
    assert all(TEXT[s["start"] : s["end"]] == s["text"] for s in record["spans"])
