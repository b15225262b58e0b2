"""Scoring one system's results on one part, as the report's JSON records (pure functions).

Gold parts: span scores per label (precision, recall, F1, F0.5, character overlap, restoration
exact match; 95% bootstrap intervals of precision and recall over the documents), edits made
and, when ``jiwer`` and ``sacrebleu`` are installed, WER and chrF of the input and of the
cleaned text against the clean reference. Clean parts: false flags (spun/mt spans) per 1,000
words, spans per label and edits made on clean text. Seeds: the spun seed's support in its
clean siblings before and after each system (:func:`sibling_section`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from mtclean.evaluation.intervals import bootstrap
from mtclean.evaluation.metrics import (
    Counts,
    LabelScores,
    Restoration,
    before_after,
    count_document,
    false_flags,
    restoration,
    safe_ratio,
    scores_from_counts,
)
from mtclean.evaluation.parts import SEED_ROLES, EvalDoc, Part
from mtclean.evaluation.siblings import SiblingComparison, SiblingSupport, sibling_support
from mtclean.records import LABELS, CleanResult, Span


def label_record(scores: LabelScores) -> dict[str, Any]:
    c = scores.counts
    return {
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "f05": scores.f05,
        "char_precision": scores.char_precision,
        "char_recall": scores.char_recall,
        "restoration_exact_match": scores.restoration_exact_match,
        "tp": c.tp,
        "fp": c.fp,
        "fn": c.fn,
        "ignored": c.ignored,
        "restore_total": c.restore_total,
        "restore_exact": c.restore_exact,
    }


def interval_record(counts: Sequence[Counts]) -> dict[str, Any]:
    """95% bootstrap intervals over the part's documents (``mtclean.evaluation.intervals``):
    ``precision_ci`` / ``recall_ci`` as [low, high], null where undefined (no predictions, no
    gold); ``predicted``: the predictions the precision rests on (TP + FP)."""
    found = bootstrap([(c.tp, c.fp, c.fn) for c in counts])
    return {
        "precision_ci": list(found.precision) if found.precision else None,
        "recall_ci": list(found.recall) if found.recall else None,
        "predicted": sum(c.tp + c.fp for c in counts),
        "ci_documents": found.documents,
    }


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def text_record(docs: Sequence[EvalDoc], results: Sequence[CleanResult]) -> dict[str, Any]:
    """Mean over documents of WER and chrF, degraded (before) and cleaned (after) vs reference."""
    scored = [
        before_after(doc.text, result.text, doc.reference)
        for doc, result in zip(docs, results, strict=True)
        if doc.reference.strip()
    ]
    return {
        "documents": len(scored),
        "wer_before": _mean([s.before.wer for s in scored]),
        "wer_after": _mean([s.after.wer for s in scored]),
        "chrf_before": _mean([s.before.chrf for s in scored]),
        "chrf_after": _mean([s.after.chrf for s in scored]),
    }


def gold_counts(docs: Sequence[EvalDoc]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {label: Counter() for label in LABELS}
    for doc in docs:
        for span in doc.gold:
            counts[span.label][span.severity] += 1
    return {label: {"req": c["req"], "opt": c["opt"]} for label, c in counts.items()}


def score_gold_part(
    part: Part, results: Sequence[CleanResult], text_metrics: bool = True
) -> dict[str, Any]:
    """Per label span scores, edits and (optionally) text scores of one system on one part."""
    per_doc = {
        label: [
            count_document(list(doc.gold), list(r.spans), label, doc.text)
            for doc, r in zip(part.docs, results, strict=True)
        ]
        for label in LABELS
    }
    labels = {label: scores_from_counts(label, sum(c, Counts())) for label, c in per_doc.items()}
    restored = sum(
        (
            restoration(doc.text, doc.gold, r.edits, r.spans)
            for doc, r in zip(part.docs, results, strict=True)
        ),
        Restoration(),
    )
    record: dict[str, Any] = {
        "labels": {
            label: {**label_record(scores), **interval_record(per_doc[label])}
            for label, scores in labels.items()
        },
        "edits": sum(len(r.edits) for r in results),
        "restoration": restored.record(),
    }
    if text_metrics:
        record["text"] = text_record(part.docs, results)
    return record


def score_clean_part(part: Part, results: Sequence[CleanResult]) -> dict[str, Any]:
    """False flags (spun/mt per 1,000 words), spans per label and edits made on clean text
    (``encoding_edits``: the ``encoding`` component's repairs, apart)."""
    texts = [doc.text for doc in part.docs]
    spans: list[Sequence[Span]] = [r.spans for r in results]
    flags = false_flags(texts, spans)
    per_label = Counter(s.label for r in results for s in r.spans)
    # encoding repairs decode what the stored text holds (the BBC data keeps a few HTML
    # entities: "communiqu&#233;"); counted apart, they are not changes to clean wording
    edits = sum(1 for r in results for e in r.edits if e.label in LABELS)
    repairs = sum(1 for r in results for e in r.edits if e.label not in LABELS)
    per_1000 = {label: safe_ratio(1000.0 * per_label[label], flags.words) for label in LABELS}
    return {
        "words": flags.words,
        "false_flags": flags.flags,
        "false_flags_per_1000_words": flags.per_1000_words,
        "spans_per_label": {label: per_label[label] for label in LABELS},
        "flags_per_1000_words": per_1000,
        "boilerplate_flags_per_1000_words": per_1000["boilerplate"],
        "edits": edits,
        "edits_per_1000_words": safe_ratio(1000.0 * edits, flags.words),
        "encoding_edits": repairs,
        "documents_changed": sum(1 for r in results if any(e.label in LABELS for e in r.edits)),
    }


UNSUPPORTED_TERMS_SHOWN = 15


def support_record(support: SiblingSupport) -> dict[str, Any]:
    return {
        "content_word_support": support.content_word_support,
        "term_support": support.term_support,
        "content_words": support.content_words,
        "terms": support.terms,
        "unsupported_terms": [
            [t, n] for t, n in support.unsupported_terms[:UNSUPPORTED_TERMS_SHOWN]
        ],
    }


def sibling_record(before: SiblingSupport, after: str, siblings: Sequence[str]) -> dict[str, Any]:
    """``before``: the degraded text's support (the same for every system, computed once)."""
    comparison = SiblingComparison(before, sibling_support(after, siblings))
    return {
        "before": support_record(comparison.before),
        "after": support_record(comparison.after),
        "term_support_gain": comparison.term_support_gain,
        "content_word_support_gain": comparison.content_word_support_gain,
    }


def sibling_section(
    parts: Sequence[Part], raw: Mapping[str, Mapping[str, Sequence[CleanResult]]]
) -> dict[str, Any] | None:
    """The spun seed against its clean siblings, before and after each system."""
    seeds = next((p for p in parts if p.name == "seeds"), None)
    if seeds is None:
        return None
    roles = SEED_ROLES
    index = {doc.id: i for i, doc in enumerate(seeds.docs)}
    if roles.degraded not in index or any(s not in index for s in roles.siblings):
        return None
    degraded = seeds.docs[index[roles.degraded]].text
    siblings = [seeds.docs[index[s]].text for s in roles.siblings]
    before = sibling_support(degraded, siblings)
    return {
        "degraded": roles.degraded,
        "siblings": list(roles.siblings),
        "systems": {
            name: sibling_record(before, results[index[roles.degraded]].text, siblings)
            for name, results in raw["seeds"].items()
        },
    }
