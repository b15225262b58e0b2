"""Metrics on hand-checkable cases: every expected number can be verified with pencil and paper."""

from __future__ import annotations

import pytest

from mtclean.evaluation.gold import GoldSpan, parse_gold_lines
from mtclean.evaluation.metrics import (
    Counts,
    before_after,
    count_document,
    evaluate_corpus,
    evaluate_document,
    f_beta,
    false_flags,
    match_spans,
    text_scores,
)
from mtclean.records import Label, Span

approx = pytest.approx


def gold(
    start: int, end: int, label: Label = "spun", severity: str = "req", canonical: str | None = None
) -> GoldSpan:
    assert severity in ("req", "opt")
    return GoldSpan(start, end, label, "req" if severity == "req" else "opt", canonical)


def pred(start: int, end: int, label: Label = "spun", replacement: str | None = None) -> Span:
    return Span(start, end, label, 0.9, "test", replacement)


def test_f_beta() -> None:
    assert f_beta(1.0, 1.0, 1.0) == 1.0
    assert f_beta(0.5, 1.0, 1.0) == approx(2 / 3)
    # F0.5 = 1.25 * P * R / (0.25 * P + R)
    assert f_beta(0.5, 1.0, 0.5) == approx(1.25 * 0.5 / (0.125 + 1.0))
    assert f_beta(0.0, 0.0, 1.0) == 0.0


def test_perfect_prediction() -> None:
    g = [gold(0, 5, "spun", canonical="Eastern"), gold(10, 20, "mt"), gold(30, 40, "boilerplate")]
    p = [pred(0, 5, "spun", "Eastern"), pred(10, 20, "mt"), pred(30, 40, "boilerplate", "")]
    scores = evaluate_document(g, p)
    for label in ("spun", "mt", "boilerplate"):
        s = scores[label]
        assert (s.precision, s.recall, s.f1, s.f05) == (1.0, 1.0, 1.0, 1.0)
        assert (s.char_precision, s.char_recall) == (1.0, 1.0)
    assert scores["spun"].restoration_exact_match == 1.0
    assert scores["spun"].counts == Counts(tp=1, char_tp=5, restore_total=1, restore_exact=1)


def test_partial_overlap_is_a_span_match_but_half_the_characters() -> None:
    # gold chars 10..19, predicted chars 15..24: 5 shared, 5 extra, 5 missed
    s = evaluate_document([gold(10, 20)], [pred(15, 25)])["spun"]
    assert (s.counts.tp, s.counts.fp, s.counts.fn) == (1, 0, 0)
    assert (s.precision, s.recall) == (1.0, 1.0)
    assert (s.counts.char_tp, s.counts.char_fp, s.counts.char_fn) == (5, 5, 5)
    assert (s.char_precision, s.char_recall) == (0.5, 0.5)


def test_optional_span_is_neither_rewarded_nor_penalised() -> None:
    g = [gold(0, 4), gold(10, 14, severity="opt")]
    # finds the req span, the opt span and one wrong span
    s = evaluate_document(g, [pred(0, 4), pred(10, 14), pred(20, 24)])["spun"]
    assert (s.counts.tp, s.counts.fp, s.counts.fn, s.counts.ignored) == (1, 1, 0, 1)
    assert s.precision == 0.5
    assert s.recall == 1.0
    assert s.f1 == approx(2 / 3)
    assert s.f05 == approx(0.625 / 1.125)
    # characters inside the opt span are neutral: 4 TP, 4 FP (20..23), 0 FN
    assert (s.counts.char_tp, s.counts.char_fp, s.counts.char_fn) == (4, 4, 0)
    # missing the opt span costs nothing
    s = evaluate_document(g, [pred(0, 4)])["spun"]
    assert (s.precision, s.recall, s.counts.fn) == (1.0, 1.0, 0)


def test_wrong_label_counts_against_both_labels() -> None:
    scores = evaluate_document([gold(0, 4, "spun")], [pred(0, 4, "mt")])
    spun, mt = scores["spun"], scores["mt"]
    assert (spun.counts.tp, spun.counts.fp, spun.counts.fn) == (0, 0, 1)
    assert (mt.counts.tp, mt.counts.fp, mt.counts.fn) == (0, 1, 0)
    # 0/0 is reported as zero_division (default 0.0, like scikit-learn)
    assert (spun.precision, spun.recall, mt.precision, mt.recall) == (0.0, 0.0, 0.0, 0.0)
    lenient = evaluate_document([gold(0, 4, "spun")], [pred(0, 4, "mt")], zero_division=1.0)
    assert lenient["spun"].precision == 1.0  # no spun predictions: 0/0
    assert lenient["spun"].recall == 0.0  # 0/1 is a real zero
    assert lenient["mt"].recall == 1.0  # no mt gold: 0/0


def test_empty_predictions() -> None:
    s = evaluate_document([gold(0, 4), gold(10, 12)], [])["spun"]
    assert (s.counts.tp, s.counts.fp, s.counts.fn) == (0, 0, 2)
    assert (s.precision, s.recall, s.f1, s.f05) == (0.0, 0.0, 0.0, 0.0)
    assert (s.char_precision, s.char_recall) == (0.0, 0.0)
    assert s.restoration_exact_match == 0.0  # no scorable pair: zero_division


def test_greedy_one_to_one_matching_by_overlap_size() -> None:
    # A = [0,14) overlaps g0 by 10 and g1 by 2; B = [9,13) overlaps g0 by 1 and g1 by 1.
    # Largest overlap first: (A, g0); then (B, g1), since g0 is taken.
    g = [gold(0, 10), gold(12, 14)]
    m = match_spans(g, [pred(0, 14), pred(9, 13)], "spun")
    assert m.pairs == ((0, 0), (1, 1))
    assert m.false_positives == m.false_negatives == ()
    # one prediction covering two gold spans matches only one of them
    s = evaluate_document([gold(0, 4), gold(10, 14)], [pred(0, 14)])["spun"]
    assert (s.counts.tp, s.counts.fp, s.counts.fn) == (1, 0, 1)
    assert (s.precision, s.recall) == (1.0, 0.5)
    # two predictions inside one gold span: one TP, one FP
    s = evaluate_document([gold(0, 10)], [pred(0, 3), pred(5, 10)])["spun"]
    assert (s.counts.tp, s.counts.fp, s.counts.fn) == (1, 1, 0)
    # touching is not overlapping: [0,4) and [4,8) share no character
    s = evaluate_document([gold(0, 4)], [pred(4, 8)])["spun"]
    assert (s.counts.tp, s.counts.fp, s.counts.fn) == (0, 1, 1)


def test_restoration_exact_match() -> None:
    g = [
        gold(0, 3, canonical="Eastern"),
        gold(10, 18, canonical="Deputy  Foreign\n"),
        gold(20, 25, canonical="Eastern"),
        gold(30, 35, canonical="war"),
        gold(40, 45, canonical=None),
    ]
    p = [
        pred(0, 3, replacement=" Eastern "),  # equal after whitespace normalisation
        pred(10, 18, replacement="Deputy Foreign"),  # equal after whitespace normalisation
        pred(20, 25, replacement="eastern"),  # case-sensitive: wrong
        pred(30, 35, replacement=None),  # flagged only: not scored for restoration
        pred(40, 45, replacement="x"),  # canonical unknown: not scored
    ]
    c = count_document(g, p, "spun")
    assert (c.tp, c.restore_total, c.restore_exact) == (5, 3, 2)
    assert evaluate_document(g, p)["spun"].restoration_exact_match == approx(2 / 3)


def test_micro_average_over_documents() -> None:
    g = {"a": [gold(0, 4), gold(10, 14)], "b": []}
    p = {"a": [pred(0, 4), pred(10, 14)], "b": [pred(0, 4)]}
    s = evaluate_corpus(g, p)["spun"]
    # summed counts: TP 2, FP 1, FN 0 -> P = 2/3 (the macro average would be 1/2)
    assert (s.counts.tp, s.counts.fp, s.counts.fn) == (2, 1, 0)
    assert s.precision == approx(2 / 3)
    assert s.recall == 1.0
    # a gold document without predictions predicts nothing
    s = evaluate_corpus(g, {"b": []})["spun"]
    assert (s.counts.tp, s.counts.fn) == (0, 2)
    with pytest.raises(ValueError, match="without gold"):
        evaluate_corpus(g, {"c": []})


def test_counts_add() -> None:
    total = Counts(tp=1, fp=2, char_tp=3) + Counts(tp=1, fn=4, restore_exact=1)
    assert total == Counts(tp=2, fp=2, fn=4, char_tp=3, restore_exact=1)


def test_parse_gold_lines() -> None:
    lines = [
        '{"id": "d", "spans": [{"start": 5, "end": 8, "label": "mt", "severity": "opt",'
        ' "canonical": null, "text": "xyz"}, {"start": 0, "end": 3, "label": "spun",'
        ' "severity": "req", "canonical": "Eastern", "text": "Jap"}]}',
        "",
    ]
    assert parse_gold_lines(lines) == {
        "d": [GoldSpan(0, 3, "spun", "req", "Eastern"), GoldSpan(5, 8, "mt", "opt", None)]
    }
    with pytest.raises(ValueError, match="severity"):
        parse_gold_lines(
            ['{"id": "d", "spans": [{"start": 0, "end": 1, "label": "mt", "severity": "maybe"}]}']
        )
    with pytest.raises(ValueError, match="duplicate"):
        parse_gold_lines(['{"id": "d", "spans": []}', '{"id": "d", "spans": []}'])


def test_wer_and_chrf_before_and_after() -> None:
    reference = "the cat sat on the mat"
    degraded = "the feline sat on the mat"  # one substitution in six words
    scores = before_after(degraded, cleaned=reference, reference=reference)
    assert scores.before.wer == approx(1 / 6)
    assert scores.after.wer == 0.0
    assert scores.after.chrf == approx(100.0)
    assert 0.0 < scores.before.chrf < scores.after.chrf
    # layout is not an error: whitespace is normalised before scoring
    assert text_scores("the cat\nsat  on the mat", reference).wer == 0.0
    with pytest.raises(ValueError, match="empty"):
        text_scores("x", "  ")


def test_false_flags_per_thousand_words() -> None:
    texts = ["word " * 1500, "word " * 500]
    predictions = [
        [pred(0, 4, "spun"), pred(5, 9, "mt"), pred(10, 14, "boilerplate")],
        [pred(0, 4, "spun")],
    ]
    rate = false_flags(texts, predictions)
    # boilerplate is not a spun/mt flag: 3 flags in 2,000 words
    assert (rate.flags, rate.words) == (3, 2000)
    assert rate.per_1000_words == 1.5
    assert false_flags([""], [[]]).per_1000_words == 0.0
    with pytest.raises(ValueError):
        false_flags(["a"], [])


def test_restoration_compares_restored_regions_when_text_is_given() -> None:
    text = "Deputy Overseas Minister Ryabkov"
    gold_spans = [GoldSpan(7, 15, "spun", "req", "Foreign")]
    whole_phrase = Span(0, 24, "spun", 0.9, "lexicon", "Deputy Foreign Minister")
    wrong = Span(0, 24, "spun", 0.9, "lexicon", "Deputy Prime Minister")
    assert count_document(gold_spans, [whole_phrase], "spun").restore_exact == 0
    assert count_document(gold_spans, [whole_phrase], "spun", text).restore_exact == 1
    counts = count_document(gold_spans, [wrong], "spun", text)
    assert (counts.restore_exact, counts.restore_total) == (0, 1)


def test_boilerplate_is_scored_per_line_whatever_the_grouping() -> None:
    text = "Body text.\n\nBy: A\nTitle: B\n\nRead More\n"
    block = GoldSpan(12, 39, "boilerplate", "req", "")  # one gold span over three lines
    per_line = [Span(a, b, "boilerplate", 0.9, "boilerplate", "") for a, b in ((12, 17), (18, 26))]
    counts = count_document([block], per_line, "boilerplate", text)
    assert (counts.tp, counts.fp, counts.fn) == (2, 0, 1)  # "Read More" was missed
    ungrouped = count_document([block], per_line, "boilerplate")
    assert (ungrouped.tp, ungrouped.fp, ungrouped.fn) == (1, 1, 0)


def test_restoration_counts_req_spans_restored_by_edits_and_by_candidates() -> None:
    from mtclean.evaluation.metrics import restoration
    from mtclean.records import Edit

    text = "Russian officers stated on Monday that Jap Europe was calm."
    o, s, j = text.index("officers"), text.index("stated"), text.index("Jap")
    gold = [
        GoldSpan(o, o + 8, "spun", "req", "officials"),
        GoldSpan(s, s + 6, "spun", "req", "said"),
        GoldSpan(j, j + 3, "spun", "req", "Eastern"),
        GoldSpan(0, 7, "spun", "opt", "Russia's"),
    ]
    # one edit restores "officers stated" whole; a flag proposes a wrong original for "Jap"
    edits = [Edit(o, s + 6, "officials said", "model", 0.9, "spun")]
    spans = [Span(j, j + 3, "spun", 0.9, "model", "Western")]
    found = restoration(text, gold, edits, spans)
    assert (found.gold, found.by_edits, found.by_candidates) == (3, 2, 2)
    spans = [Span(j, j + 3, "spun", 0.9, "model", "Eastern")]
    assert restoration(text, gold, edits, spans).by_candidates == 3
    assert restoration(text, gold, [], []).record()["restored_rate"] == 0.0
