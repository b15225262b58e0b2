"""The training-data builder on tiny inline inputs (no shared data needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtclean.degrade.base import Degraded, DegradedSpan, restore
from mtclean.model.data import (
    N_FOLDS,
    bbc_records,
    detokenize,
    fold_of,
    mlqe_records,
    mt_document,
    split_of,
)
from mtclean.model.features import tokenize, with_neighbours, word_labels
from mtclean.model.training import choose_threshold, draw


def test_detokenize_undoes_mlqe_spacing() -> None:
    assert detokenize("It 's a test , isn't it ?") == "It's a test, isn't it?"


def test_held_out_bbc_tech_is_never_read() -> None:
    rows = [
        {"id": 1, "category": "tech", "text": "Held out."},
        {"id": 2, "category": "sport", "text": "Kept."},
        {"id": 3, "category": "business", "text": "  "},
    ]
    records = bbc_records(rows)
    assert [r["id"] for r in records] == ["bbc-2"]
    assert records[0]["kind"] == "clean" and records[0]["spans"] == []


def test_folds_and_splits_are_stable() -> None:
    assert fold_of("bbc-7") == fold_of("bbc-7")
    assert 0 <= fold_of("x") < N_FOLDS
    assert split_of("bbc-7") in ("train", "dev")


def _pair(pe: str, mt: str, split: str = "train") -> dict[str, str]:
    return {"pe": pe, "mt": mt, "split": split, "lp": "ru-en"}


def test_mlqe_pairs_become_mt_spans_and_test20_is_skipped() -> None:
    rows = [_pair(f"The cat sat on mat {i} .", f"The cat sits on mat {i} .") for i in range(5)]
    rows += [_pair("Never seen .", "Never seen !", "test20") for _ in range(5)]
    records = mlqe_records(rows)
    kinds = sorted(r["kind"] for r in records)
    assert kinds == ["clean", "mlqe_mt"]
    mt = next(r for r in records if r["kind"] == "mlqe_mt")
    assert [mt["text"][s["start"] : s["end"]] for s in mt["spans"]] == ["sits"] * 5
    assert all(s["label"] == "mt" for s in mt["spans"])
    assert "Never" not in mt["text"]


def test_mt_document_restores_the_post_edit() -> None:
    pairs = [("He went home.", "He goed home."), ("All fine.", "All fine.")]
    doc = mt_document(pairs)
    assert restore(doc) == "He went home.\nAll fine."  # one sentence per line
    assert doc.span_texts() == ["goed"]


def test_word_labels_follow_spans() -> None:
    text = "the whole lot of people"
    words = tokenize(text)
    labels = word_labels(words, [{"start": 4, "end": 14, "label": "spun"}])
    assert labels == [0, 1, 1, 0, 0]


def test_draw_keeps_degraded_records_and_spins_clean_ones_per_epoch() -> None:
    class FakeSpinner:
        def spin(self, text: str, seed: int, *, density: float) -> Degraded:
            assert 0.05 <= density <= 0.4
            return Degraded("X" + text[1:], (DegradedSpan(0, 1, "spun", text[0]),))

    mt = {"id": "a", "kind": "mlqe_mt", "source": "mlqe", "text": "t", "spans": [{"x": 1}]}
    assert draw(mt, 0, FakeSpinner()) == ("t", [{"x": 1}])  # type: ignore[arg-type]
    clean = {"id": "b", "kind": "clean", "source": "bbc", "text": "abc", "spans": []}
    outcomes = {draw(clean, epoch, FakeSpinner())[0] for epoch in range(20)}  # type: ignore[arg-type]
    assert outcomes == {"abc", "Xbc"}  # some epochs kept clean, others spun


def test_with_neighbours_shapes() -> None:
    np = pytest.importorskip("numpy")
    feats = np.arange(6, dtype=np.float32).reshape(3, 2)
    out = with_neighbours(feats, 1)
    assert out.shape == (3, 6)
    assert out[0].tolist() == [0, 0, 0, 1, 2, 3]


def test_choose_threshold_respects_the_false_flag_budget() -> None:
    scores = [0.9, 0.8, 0.2, 0.1]
    assert choose_threshold(scores, clean_words=1000, max_per_1000=1.0) > 0.8
    assert choose_threshold([0.1], clean_words=1000, max_per_1000=1.0) == 0.5


@pytest.mark.needs_data
def test_real_data_has_no_held_out_records(shared_data: Path) -> None:
    from mtclean.corpora import read_jsonl

    rows = list(read_jsonl(shared_data / "bbc_news" / "articles.jsonl"))
    tech = {f"bbc-{r['id']}" for r in rows if r["category"] == "tech"}
    records = bbc_records(rows)
    assert records and tech and not tech & {r["id"] for r in records}
