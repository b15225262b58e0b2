"""The normalizer's masked-word model: window cutting (pure), and the shipped weights on clean
news sentences whose masked word is obvious from context (skipped without models/masked.pt).

The sentences were written before the model was trained and were not changed after. Each has
the original word in brackets, a spinner-style substitute that stands in the span (propose()
excludes the span's own words, so the span must not hold the original), and an unrelated word.
The shipped model does not meet the propose() floor (it proposes topical and function words, not
the word that fits the slot: see models/MASKED_MODEL_CARD.md), so that test is a strict xfail.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from mtclean.normalize.masked import MODEL_FILE, MaskedWordModel, masked_window

MODELS = Path(__file__).resolve().parent.parent / "models"

# (sentence with the original in brackets, a substitute in the span, an unrelated word)
OBVIOUS = [
    (
        "The prime minister said on [Tuesday] that the government would not raise taxes.",
        "Tues",
        "banana",
    ),
    (
        "Shares in the company [fell] sharply after it warned that profits would be lower.",
        "dropped",
        "purple",
    ),
    (
        "The minister told [reporters] that the talks would continue next week.",
        "journalists",
        "carrots",
    ),
    (
        "Police have [arrested] two men in connection with the attack on the shop.",
        "detained",
        "painted",
    ),
    (
        "The central bank left interest [rates] unchanged for the third month in a row.",
        "charges",
        "kittens",
    ),
    (
        "The United [States] and Russia agreed to hold further talks in Geneva.",
        "Claims",
        "potatoes",
    ),
    ("Unemployment fell to its lowest [level] for almost thirty years.", "stage", "guitar"),
    ("He was sentenced to five years in [prison] for fraud.", "jail", "breakfast"),
    ("The chancellor will deliver his [budget] to MPs next month.", "finances", "umbrella"),
    (
        "The firm's chief [executive] said the results were better than expected.",
        "officer",
        "penguin",
    ),
]
MIN_PROPOSED = 8  # of 10: the original among the top 10 of propose() (not met: xfail)
MIN_RANKED = 9  # of 10: score() puts the original above the unrelated word (10 of 10 measured)


def _substituted(marked: str, substitute: str) -> tuple[str, int, int, str]:
    """(text with the substitute in the span, span start, span end, the original word)."""
    start = marked.index("[")
    end = marked.index("]")
    original = marked[start + 1 : end]
    text = marked[:start] + substitute + marked[end + 1 :]
    return text, start, start + len(substitute), original


WINDOW_CASES = [
    # (left, right, masks, context, expected ids; special = cls 1, sep 2, mask 9)
    ([10, 11, 12], [20, 21], 1, 10, [1, 10, 11, 12, 9, 20, 21, 2]),
    ([10, 11, 12, 13, 14], [20, 21, 22, 23, 24], 2, 4, [1, 13, 14, 9, 9, 20, 21, 2]),
    ([10, 11, 12, 13, 14], [20], 1, 4, [1, 12, 13, 14, 9, 20, 2]),
    ([10], [20, 21, 22, 23, 24], 1, 4, [1, 10, 9, 20, 21, 22, 2]),
    ([], [], 3, 4, [1, 9, 9, 9, 2]),
]


@pytest.mark.parametrize(("left", "right", "n", "context", "expected"), WINDOW_CASES)
def test_window_is_centred_on_the_masks(
    left: list[int], right: list[int], n: int, context: int, expected: list[int]
) -> None:
    window = masked_window(left, right, n, (1, 2, 9), context)
    assert list(window.input_ids) == expected
    assert [window.input_ids[p] for p in window.mask_positions] == [9] * n


def test_missing_weights_say_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"train_mlm\.py"):
        MaskedWordModel.load(tmp_path)


@pytest.fixture(scope="module")
def model() -> MaskedWordModel:
    if not (MODELS / MODEL_FILE).is_file():
        pytest.skip(f"no masked-word model at {MODELS / MODEL_FILE} (scripts/train_mlm.py)")
    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch is not installed")
    return MaskedWordModel.load(MODELS)


@pytest.mark.xfail(
    strict=True,
    reason="the shipped model proposes 0 of 10 originals in its top 10 (see the model card)",
)
def test_propose_finds_the_obvious_word(model: MaskedWordModel) -> None:
    hits = []
    for marked, substitute, _ in OBVIOUS:
        text, start, end, original = _substituted(marked, substitute)
        proposed = [w for w, _ in model.propose(text, start, end, k=10)]
        hits.append(original.lower() in proposed)
    assert sum(hits) >= MIN_PROPOSED, hits


def test_propose_returns_ranked_whole_words_without_the_span(model: MaskedWordModel) -> None:
    for marked, substitute, _ in OBVIOUS[:3]:
        text, start, end, _ = _substituted(marked, substitute)
        proposed = model.propose(text, start, end, k=10)
        assert len(proposed) == 10
        assert all(w.isalpha() and w == w.lower() for w, _ in proposed)
        assert [s for _, s in proposed] == sorted((s for _, s in proposed), reverse=True)
        assert substitute.lower() not in [w for w, _ in proposed]


def test_score_ranks_the_original_above_an_unrelated_word(model: MaskedWordModel) -> None:
    items = []
    for marked, substitute, unrelated in OBVIOUS:
        text, start, end, original = _substituted(marked, substitute)
        items.append((text, start, end, [original, unrelated, ""]))
    scores = model.score(items)
    assert all(len(row) == 3 and row[2] == float("-inf") for row in scores)
    ranked = [row[0] > row[1] for row in scores]
    assert sum(ranked) >= MIN_RANKED, ranked


def test_score_agrees_with_propose(model: MaskedWordModel) -> None:
    text, start, end, _ = _substituted(*OBVIOUS[4][:2])
    word, value = model.propose(text, start, end, k=1)[0]
    assert model.score([(text, start, end, [word])])[0][0] == pytest.approx(value, abs=1e-4)
