"""Metrics that every evaluation in mtclean uses.

Span-level scores (per label)
-----------------------------
Predictions (mtclean :class:`~mtclean.records.Span`) are matched to gold spans
(:class:`~mtclean.evaluation.gold.GoldSpan`) of the SAME label, in two phases:

1. **Required gold spans, one-to-one, greedy by overlap size.** Every (prediction, req gold)
   pair whose half-open ranges overlap by at least one character is a candidate. Candidates are
   taken in order of decreasing overlap (ties: earlier gold start, then earlier prediction
   start); a pair is accepted when neither side is matched yet. Each accepted pair is a true
   positive (TP). Unmatched req gold spans are false negatives (FN).
2. **Optional gold spans absorb.** A prediction left unmatched after phase 1 that overlaps any
   opt gold span of its label is *ignored*: neither TP nor FP. Missing an opt span is never FN.

Every other unmatched prediction is a false positive (FP). A prediction of the wrong label can
only match gold spans of its own label, so it counts as an FP for its label and the gold span
stays an FN for the gold label.

With the document text at hand (:func:`evaluate_corpus` ``texts``), boilerplate spans are cut
into their non-blank lines first, on both sides, so that grouping lines into blocks does not
change the counts (:func:`boilerplate_line_units`).

Character-level scores (per label)
----------------------------------
Sets of character positions: G = union of req gold spans, O = union of opt gold spans,
P = union of predicted spans. ``char_tp = |P & G|``, ``char_fp = |P - G - O|``,
``char_fn = |G - P|``.

Restoration exact match
-----------------------
Over accepted (TP) pairs whose gold ``canonical`` is not ``None`` and whose prediction has a
``replacement``: the share where the two are equal after collapsing runs of whitespace and
stripping the ends. Case-sensitive. ``""`` (delete) equals ``""``.

Zero division
-------------
Like scikit-learn's ``zero_division=0``: a ratio with a zero denominator (precision with no
predictions, recall with no req gold span, restoration with no scorable pair) is reported as
``0.0`` unless another ``zero_division`` value is passed. The raw counts are always kept next
to the ratios, so a reader can tell "0 of 0" from "0 of 10".

Aggregation
-----------
Micro-averaged: counts are summed over documents and the ratios are computed once from the
sums (:func:`evaluate_corpus`).

Text metrics
------------
WER (``jiwer``) and chrF (``sacrebleu``, 0-100 scale) of the degraded and of the cleaned text
against the reference original (:func:`before_after`), and false flags per 1,000
whitespace-separated words on clean text (:func:`false_flags`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from mtclean.evaluation.gold import GoldSpan
from mtclean.records import LABELS, Edit, Label, Span
from mtclean.text import count_words

__all__ = [
    "BeforeAfter",
    "Counts",
    "FalseFlagRate",
    "LabelScores",
    "Match",
    "TextScores",
    "before_after",
    "char_counts",
    "count_document",
    "evaluate_corpus",
    "evaluate_document",
    "f_beta",
    "false_flags",
    "match_spans",
    "normalize_whitespace",
    "safe_ratio",
    "scores_from_counts",
    "text_scores",
    "word_count",
]

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Counts:
    """Additive counts for one label (one document or summed over many)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    ignored: int = 0  # predictions absorbed by opt gold spans
    char_tp: int = 0
    char_fp: int = 0
    char_fn: int = 0
    restore_total: int = 0  # TP pairs with a gold canonical and a predicted replacement
    restore_exact: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.tp + other.tp,
            self.fp + other.fp,
            self.fn + other.fn,
            self.ignored + other.ignored,
            self.char_tp + other.char_tp,
            self.char_fp + other.char_fp,
            self.char_fn + other.char_fn,
            self.restore_total + other.restore_total,
            self.restore_exact + other.restore_exact,
        )


@dataclass(frozen=True, slots=True)
class LabelScores:
    """Ratios for one label, computed from :class:`Counts` (see the module docstring)."""

    label: Label
    counts: Counts
    precision: float
    recall: float
    f1: float
    f05: float
    char_precision: float
    char_recall: float
    restoration_exact_match: float


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of matching one document's predictions to its gold spans for one label."""

    pairs: tuple[tuple[int, int], ...]  # (prediction index, gold index), the TPs
    false_positives: tuple[int, ...]  # prediction indices
    ignored: tuple[int, ...]  # prediction indices absorbed by opt gold spans
    false_negatives: tuple[int, ...]  # gold indices (req only)


@dataclass(frozen=True, slots=True)
class TextScores:
    """WER (0 = identical; may exceed 1) and chrF (0-100, 100 = identical) against a reference."""

    wer: float
    chrf: float


@dataclass(frozen=True, slots=True)
class BeforeAfter:
    """Text scores of the degraded input and of the cleaned output, against the original."""

    before: TextScores
    after: TextScores


@dataclass(frozen=True, slots=True)
class FalseFlagRate:
    """Predicted spun/mt spans on clean text, per 1,000 words."""

    flags: int
    words: int
    per_1000_words: float


def safe_ratio(numerator: float, denominator: float, zero_division: float = 0.0) -> float:
    """``numerator / denominator``, or ``zero_division`` when the denominator is zero."""
    return numerator / denominator if denominator else zero_division


def f_beta(precision: float, recall: float, beta: float) -> float:
    """F-beta from precision and recall; 0.0 when both are 0."""
    b2 = beta * beta
    denominator = b2 * precision + recall
    return (1 + b2) * precision * recall / denominator if denominator else 0.0


def normalize_whitespace(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _WHITESPACE.sub(" ", text).strip()


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def match_spans(gold: Sequence[GoldSpan], predicted: Sequence[Span], label: Label) -> Match:
    """Match predictions to gold spans of ``label`` (two-phase greedy, see the module docstring).

    Indices in the result refer to positions in the ``gold`` and ``predicted`` sequences as
    passed; spans of other labels are left out of every field.
    """
    req = [i for i, g in enumerate(gold) if g.label == label and g.severity == "req"]
    opt = [i for i, g in enumerate(gold) if g.label == label and g.severity == "opt"]
    preds = [i for i, p in enumerate(predicted) if p.label == label]

    candidates: list[tuple[int, int, int, int, int]] = []
    for gi in req:
        g = gold[gi]
        for pi in preds:
            p = predicted[pi]
            size = _overlap(g.start, g.end, p.start, p.end)
            if size > 0:
                candidates.append((-size, g.start, p.start, gi, pi))
    candidates.sort()

    matched_gold: set[int] = set()
    matched_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, _, _, gi, pi in candidates:
        if gi in matched_gold or pi in matched_pred:
            continue
        matched_gold.add(gi)
        matched_pred.add(pi)
        pairs.append((pi, gi))

    ignored: list[int] = []
    false_positives: list[int] = []
    for pi in preds:
        if pi in matched_pred:
            continue
        p = predicted[pi]
        if any(_overlap(gold[gi].start, gold[gi].end, p.start, p.end) > 0 for gi in opt):
            ignored.append(pi)
        else:
            false_positives.append(pi)

    return Match(
        pairs=tuple(sorted(pairs)),
        false_positives=tuple(false_positives),
        ignored=tuple(ignored),
        false_negatives=tuple(gi for gi in req if gi not in matched_gold),
    )


def _positions(spans: Iterable[tuple[int, int]]) -> set[int]:
    covered: set[int] = set()
    for start, end in spans:
        covered.update(range(start, end))
    return covered


def char_counts(
    gold: Sequence[GoldSpan], predicted: Sequence[Span], label: Label
) -> tuple[int, int, int]:
    """Character-level ``(tp, fp, fn)`` for ``label`` (opt gold characters are neutral)."""
    req = _positions((g.start, g.end) for g in gold if g.label == label and g.severity == "req")
    opt = _positions((g.start, g.end) for g in gold if g.label == label and g.severity == "opt")
    pred = _positions((p.start, p.end) for p in predicted if p.label == label)
    return len(pred & req), len(pred - req - opt), len(req - pred)


def _restored_region(
    text: str, gold: Sequence[GoldSpan], pred: Span | Edit, matched: GoldSpan
) -> tuple[str, str] | None:
    """The region covering a matched pair, restored once by the prediction, once by the gold.

    Gold spans of the label inside the region are all applied, so a prediction that rewrites a
    whole phrase ("Deputy Overseas Minister" -> "Deputy Foreign Minister") is compared with the
    gold's minimal spans ("Overseas" -> "Foreign") on equal terms. ``None`` when a gold span in
    the region has no canonical wording or crosses the region's edge.
    """
    start, end = min(pred.start, matched.start), max(pred.end, matched.end)
    inside = sorted(
        (g for g in gold if g.label == matched.label and g.start < end and start < g.end),
        key=lambda g: g.start,
    )
    if any(g.canonical is None or g.start < start or g.end > end for g in inside):
        return None
    pieces: list[str] = []
    cursor = start
    for g in inside:
        if g.start < cursor:
            return None
        pieces += [text[cursor : g.start], g.canonical or ""]
        cursor = g.end
    pieces.append(text[cursor:end])
    assert pred.replacement is not None
    predicted = text[start : pred.start] + pred.replacement + text[pred.end : end]
    return predicted, "".join(pieces)


_LINE = re.compile(r"[^\n]*\S[^\n]*")


def _line_pieces(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """The non-blank line pieces of ``text[start:end]``, as absolute offsets."""
    return [(start + m.start(), start + m.end()) for m in _LINE.finditer(text[start:end])]


def boilerplate_line_units(
    gold: Sequence[GoldSpan], predicted: Sequence[Span], text: str
) -> tuple[list[GoldSpan], list[Span]]:
    """Boilerplate spans cut into their non-blank lines, for gold and predictions alike.

    Boilerplate is line-oriented and how many lines one span groups is arbitrary (a gold
    "syndication block" may be one span, a detector may report one span per line); scoring
    line pieces makes the span counts independent of that grouping. Other labels are kept.
    """
    gold_units = [g for g in gold if g.label != "boilerplate"]
    for g in gold:
        if g.label == "boilerplate":
            gold_units += [
                replace(g, start=a, end=b) for a, b in _line_pieces(g.start, g.end, text)
            ]
    pred_units = [p for p in predicted if p.label != "boilerplate"]
    for p in predicted:
        if p.label == "boilerplate":
            pred_units += [
                replace(p, start=a, end=b) for a, b in _line_pieces(p.start, p.end, text)
            ]
    return gold_units, pred_units


def count_document(
    gold: Sequence[GoldSpan], predicted: Sequence[Span], label: Label, text: str | None = None
) -> Counts:
    """All counts for one document and one label.

    With ``text`` (the document the offsets index), boilerplate is scored per line piece (see
    :func:`boilerplate_line_units`) and restoration compares the restored region of each
    matched pair (see :func:`_restored_region`); without it, spans are scored as given and the
    replacement string is compared with the gold canonical directly.
    """
    if text is not None and label == "boilerplate":
        gold, predicted = boilerplate_line_units(gold, predicted, text)
    match = match_spans(gold, predicted, label)
    restore_total = 0
    restore_exact = 0
    for pi, gi in match.pairs:
        canonical = gold[gi].canonical
        replacement = predicted[pi].replacement
        if canonical is None or replacement is None:
            continue
        if text is not None:
            region = _restored_region(text, gold, predicted[pi], gold[gi])
            if region is None:
                continue
            replacement, canonical = region
        restore_total += 1
        if normalize_whitespace(replacement) == normalize_whitespace(canonical):
            restore_exact += 1
    char_tp, char_fp, char_fn = char_counts(gold, predicted, label)
    return Counts(
        tp=len(match.pairs),
        fp=len(match.false_positives),
        fn=len(match.false_negatives),
        ignored=len(match.ignored),
        char_tp=char_tp,
        char_fp=char_fp,
        char_fn=char_fn,
        restore_total=restore_total,
        restore_exact=restore_exact,
    )


@dataclass(frozen=True, slots=True)
class Restoration:
    """Req gold spans of one label that have a canonical wording (``gold``), and how many of
    them the cleaned text restores exactly (``by_edits``: the applied edits) or would restore
    with the best candidate of every flagged span (``by_candidates``: edits plus the spans left
    flagged with a replacement)."""

    gold: int = 0
    by_edits: int = 0
    by_candidates: int = 0

    def __add__(self, other: Restoration) -> Restoration:
        return Restoration(
            self.gold + other.gold,
            self.by_edits + other.by_edits,
            self.by_candidates + other.by_candidates,
        )

    def record(self) -> dict[str, float | int]:
        return {
            "gold": self.gold,
            "restored_by_edits": self.by_edits,
            "restored_by_candidates": self.by_candidates,
            "restored_rate": safe_ratio(self.by_edits, self.gold),
            "restored_by_candidates_rate": safe_ratio(self.by_candidates, self.gold),
        }


def _restores(
    text: str, gold: Sequence[GoldSpan], target: GoldSpan, items: Sequence[Span | Edit]
) -> bool:
    for item in items:
        if item.replacement is None or not (item.start < target.end and target.start < item.end):
            continue
        region = _restored_region(text, gold, item, target)
        if region is not None and normalize_whitespace(region[0]) == normalize_whitespace(
            region[1]
        ):
            return True
    return False


def restoration(
    text: str,
    gold: Sequence[GoldSpan],
    edits: Sequence[Edit],
    spans: Sequence[Span],
    label: Label = "spun",
) -> Restoration:
    """How many req ``label`` gold spans with a canonical the output restores exactly (the
    restored region of an overlapping edit, or span, equals the gold's; see
    :func:`_restored_region`). A recall: spans nobody flagged count as not restored."""
    targets = [
        g for g in gold if g.label == label and g.severity == "req" and g.canonical is not None
    ]
    flagged = [s for s in spans if s.label == label and s.replacement is not None]
    by_edits = by_candidates = 0
    for target in targets:
        if _restores(text, gold, target, [e for e in edits if e.label == label]):
            by_edits += 1
            by_candidates += 1
        elif _restores(text, gold, target, flagged):
            by_candidates += 1
    return Restoration(len(targets), by_edits, by_candidates)


def scores_from_counts(label: Label, counts: Counts, zero_division: float = 0.0) -> LabelScores:
    """Precision, recall, F1, F0.5, character precision/recall and restoration exact match."""
    precision = safe_ratio(counts.tp, counts.tp + counts.fp, zero_division)
    recall = safe_ratio(counts.tp, counts.tp + counts.fn, zero_division)
    return LabelScores(
        label=label,
        counts=counts,
        precision=precision,
        recall=recall,
        f1=f_beta(precision, recall, 1.0),
        f05=f_beta(precision, recall, 0.5),
        char_precision=safe_ratio(counts.char_tp, counts.char_tp + counts.char_fp, zero_division),
        char_recall=safe_ratio(counts.char_tp, counts.char_tp + counts.char_fn, zero_division),
        restoration_exact_match=safe_ratio(
            counts.restore_exact, counts.restore_total, zero_division
        ),
    )


def evaluate_document(
    gold: Sequence[GoldSpan],
    predicted: Sequence[Span],
    labels: Sequence[Label] = LABELS,
    zero_division: float = 0.0,
    text: str | None = None,
) -> dict[Label, LabelScores]:
    """Scores per label for one document (``text``: see :func:`count_document`)."""
    return {
        label: scores_from_counts(
            label, count_document(gold, predicted, label, text), zero_division
        )
        for label in labels
    }


def evaluate_corpus(
    gold: Mapping[str, Sequence[GoldSpan]],
    predicted: Mapping[str, Sequence[Span]],
    labels: Sequence[Label] = LABELS,
    zero_division: float = 0.0,
    texts: Mapping[str, str] | None = None,
) -> dict[Label, LabelScores]:
    """Micro-averaged scores per label over every gold document.

    ``texts`` maps document ids to the texts the offsets index; with it, restoration compares
    restored regions (see :func:`count_document`).

    A gold document without predictions counts as predicting nothing. Predictions for a
    document id that has no gold raise ``ValueError`` (they cannot be scored).
    """
    unknown = sorted(set(predicted) - set(gold))
    if unknown:
        raise ValueError(
            f"predictions for documents without gold: {unknown[:5]}"
            " (evaluate only documents listed in the gold file)"
        )
    totals: dict[Label, Counts] = {label: Counts() for label in labels}
    for doc_id, gold_spans in gold.items():
        doc_predictions = predicted.get(doc_id, ())
        for label in labels:
            text = texts.get(doc_id) if texts is not None else None
            totals[label] = totals[label] + count_document(gold_spans, doc_predictions, label, text)
    return {label: scores_from_counts(label, totals[label], zero_division) for label in labels}


def text_scores(hypothesis: str, reference: str) -> TextScores:
    """WER (jiwer) and chrF (sacrebleu) of ``hypothesis`` against ``reference``.

    Both texts are whitespace-normalised first, so line layout does not count as an error.
    """
    import jiwer
    from sacrebleu.metrics.chrf import CHRF

    ref = normalize_whitespace(reference)
    hyp = normalize_whitespace(hypothesis)
    if not ref:
        raise ValueError("the reference text is empty; WER is undefined for it")
    wer = float(jiwer.wer(ref, hyp))
    chrf = float(CHRF().sentence_score(hyp, [ref]).score)
    return TextScores(wer=wer, chrf=chrf)


def before_after(degraded: str, cleaned: str, reference: str) -> BeforeAfter:
    """Text scores of the degraded input and of the cleaned output against the original."""
    return BeforeAfter(
        before=text_scores(degraded, reference), after=text_scores(cleaned, reference)
    )


def word_count(text: str) -> int:
    """Words as the package counts them (``mtclean.text.WORD_RE``)."""
    return count_words(text)


def false_flags(
    texts: Sequence[str],
    predicted: Sequence[Sequence[Span]],
    labels: Sequence[Label] = ("spun", "mt"),
) -> FalseFlagRate:
    """Predicted spans of ``labels`` on texts known to be clean, per 1,000 words (summed).

    ``predicted[i]`` are the predictions for ``texts[i]``; every such span is a false flag.
    """
    if len(texts) != len(predicted):
        raise ValueError(f"{len(texts)} texts but {len(predicted)} prediction lists")
    flags = sum(1 for spans in predicted for span in spans if span.label in labels)
    words = sum(word_count(text) for text in texts)
    return FalseFlagRate(flags=flags, words=words, per_1000_words=safe_ratio(1000.0 * flags, words))
