"""The learned line classifier of the ``boilerplate`` detector (text-only input).

The rules in :mod:`mtclean.detectors.boilerplate` are exact on the CMS phrases they know but
leave most of a real page's navigation, teasers and footers in place. This module scores every
non-blank line with a small gradient-boosted tree ensemble (scikit-learn's
``HistGradientBoostingClassifier``, trained by ``scripts/train_boilerplate.py``) over cheap
per-line features, the same features of the neighbouring lines (+-1, +-2), window and document
context, and the rules' own verdicts (so the model learns where the rules are right).

The trees are stored as plain arrays in ``models/boilerplate.json`` and evaluated here with
numpy, so scikit-learn is only needed to train, not to clean. See ``models/MODEL_CARD.md``
(section "Boilerplate line classifier") for the training data and measured metrics.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mtclean.paths import model_dir

if TYPE_CHECKING:
    from mtclean.detectors.boilerplate import Line, Verdict

MODEL_FILE = "boilerplate.json"
# the model for text already extracted from HTML (trafilatura's output: few menus left, short
# article lines kept), trained on the dev pages' extracted text too, with its own thresholds
EXTRACTED_MODEL_FILE = "boilerplate_extracted.json"
FORMAT = "mtclean-boilerplate-trees/1"

# rule reasons grouped into the families the model sees (one indicator feature each)
_FAMILIES: dict[str, tuple[str, ...]] = {
    "cms": ("skip_link", "comment_form", "share_widget", "cms_phrase", "previous_article"),
    "link": ("link_line",),
    "meta": ("metadata_line", "syndication_block", "credit_line", "byline", "source_tag"),
    "caption": ("photo_caption",),
    "widget": ("widget_words", "separator"),
    "weak": ("repeated_line", "menu_block", "low_stopword_density", "between_boilerplate"),
    "title": ("duplicate_title",),
}
# documents with fewer non-blank lines than this are left to the rules: the model reads a line
# in its page's context, which a snippet does not have
MIN_LINES = 8
# up to this many lines between two kept prose paragraphs are the article's (a list, a subheading)
MAX_INNER_RUN = 6
# the weak rules: where the model is on, it decides these lines (confirms or overrules)
MODEL_DECIDES = frozenset(_FAMILIES["weak"])
_FAMILY_OF = {reason: family for family, reasons in _FAMILIES.items() for reason in reasons}
_WORD = re.compile(r"[^\W_]+")
_PUNCT = re.compile(r"[^\w\s]")
_SEPARATORS = re.compile(r"[|\u2022\u00b7\u00bb\u203a/>]")

BASE_FEATURES: tuple[str, ...] = (
    "log_words",
    "log_chars",
    "stopword_density",
    "ends_sentence",
    "url_share",
    "punct_share",
    "capitalised_share",
    "upper_share",
    "digit_share",
    "separator_count",
    "comma_count",
    "has_quote",
    "good_paragraph",
    "repeats",
    "title_similarity",
    "rule_score",
    "rule_contextual",
    *(f"rule_{family}" for family in _FAMILIES),
)
# the base features that are repeated for the neighbours at -2, -1, +1, +2
NEIGHBOUR_FEATURES: tuple[str, ...] = (
    "log_words",
    "stopword_density",
    "ends_sentence",
    "url_share",
    "punct_share",
    "capitalised_share",
    "good_paragraph",
    "rule_score",
)
CONTEXT_FEATURES: tuple[str, ...] = (
    "position",
    "word_position",
    "before_first_good",
    "after_last_good",
    "blank_before",
    "blank_after",
    "window_good_3",
    "window_words_5",
    "words_vs_max",
    "is_first",
    "is_title",
    "doc_lines",
    "doc_good_share",
    "tail_lines",
    "head_lines",
    "extracted",
)
FEATURES: tuple[str, ...] = (
    *BASE_FEATURES,
    *(f"{name}@{off:+d}" for off in (-2, -1, 1, 2) for name in NEIGHBOUR_FEATURES),
    *CONTEXT_FEATURES,
)
_BASE_INDEX = {name: i for i, name in enumerate(BASE_FEATURES)}
_NEIGHBOUR_COLUMNS = [_BASE_INDEX[name] for name in NEIGHBOUR_FEATURES]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def line_features(
    lines: Sequence[Line],
    content: Sequence[int],
    verdicts: Mapping[int, Verdict],
    title: int | None,
    *,
    extracted: bool = False,
) -> np.ndarray:
    """The feature matrix, one row per index of ``content`` (the non-blank lines), columns
    ``FEATURES``. ``verdicts`` are the rules' verdicts; ``title`` the rules' title line."""
    from mtclean.detectors.boilerplate import CONTEXTUAL_REASONS, is_good_paragraph, url_share

    n = len(content)
    base = np.zeros((n, len(BASE_FEATURES)), dtype=np.float64)
    if not n:
        return np.zeros((0, len(FEATURES)))
    counts = Counter(lines[i].norm for i in content)
    first_words = set(_WORD.findall(lines[content[0]].norm))
    title_words = set(_WORD.findall(lines[title].norm)) if title is not None else first_words
    words = np.array([lines[i].words for i in content], dtype=np.float64)
    good = np.zeros(n)
    for row, index in enumerate(content):
        line = lines[index]
        stripped = line.stripped
        chars = max(len(stripped), 1)
        tokens = _WORD.findall(stripped)
        letters = sum(c.isalpha() for c in stripped) or 1
        verdict = verdicts.get(index)
        good[row] = is_good_paragraph(line)
        values = {
            "log_words": math.log1p(line.words),
            "log_chars": math.log1p(len(stripped)),
            "stopword_density": line.stopword_density,
            "ends_sentence": float(line.ends_sentence),
            "url_share": url_share(stripped),
            "punct_share": len(_PUNCT.findall(stripped)) / chars,
            "capitalised_share": (
                sum(t[0].isupper() for t in tokens) / len(tokens) if tokens else 0.0
            ),
            "upper_share": sum(c.isupper() for c in stripped) / letters,
            "digit_share": sum(c.isdigit() for c in stripped) / chars,
            "separator_count": float(len(_SEPARATORS.findall(stripped))),
            "comma_count": float(stripped.count(",")),
            "has_quote": float(any(q in stripped for q in '"\u201c\u201d')),
            "good_paragraph": good[row],
            "repeats": float(counts[line.norm] - 1),
            "title_similarity": _jaccard(set(_WORD.findall(line.norm)), title_words),
            "rule_score": verdict.score if verdict is not None else 0.0,
            "rule_contextual": float(verdict is not None and verdict.reason in CONTEXTUAL_REASONS),
        }
        family = _FAMILY_OF.get(verdict.reason) if verdict is not None else None
        for name in _FAMILIES:
            values[f"rule_{name}"] = float(family == name)
        base[row] = [values[name] for name in BASE_FEATURES]
    neighbours = []
    for off in (-2, -1, 1, 2):
        shifted = np.full((n, len(NEIGHBOUR_FEATURES)), -1.0)
        cols = base[:, _NEIGHBOUR_COLUMNS]
        if off < 0 and n > -off:
            shifted[-off:] = cols[:off]
        elif off > 0 and n > off:
            shifted[:-off] = cols[off:]
        neighbours.append(shifted)
    good_rows = np.flatnonzero(good)
    first_good = good_rows[0] if good_rows.size else n
    last_good = good_rows[-1] if good_rows.size else -1
    cumulative = np.concatenate([[0.0], np.cumsum(words)[:-1]])
    total_words = max(words.sum(), 1.0)
    max_words = max(words.max(), 1.0)
    padded_good = np.concatenate([np.zeros(3), good, np.zeros(3)])
    window_good = np.array([padded_good[r : r + 7].sum() for r in range(n)])
    log_words = np.log1p(words)
    padded_words = np.concatenate([np.zeros(5), log_words, np.zeros(5)])
    window_words = np.array([padded_words[r : r + 11].mean() for r in range(n)])
    rows = np.arange(n, dtype=np.float64)
    blank_before = np.array(
        [float(pos > 0 and content[pos] - content[pos - 1] > 1) for pos in range(n)]
    )
    blank_after = np.array(
        [float(pos + 1 < n and content[pos + 1] - content[pos] > 1) for pos in range(n)]
    )
    context = np.column_stack(
        [
            rows / max(n - 1, 1),
            cumulative / total_words,
            np.clip((first_good - rows) / n, 0.0, None),
            np.clip((rows - last_good) / n, 0.0, None) if last_good >= 0 else np.ones(n),
            blank_before,
            blank_after,
            window_good,
            window_words,
            words / max_words,
            (rows == 0).astype(np.float64),
            np.array([float(i == title) for i in content]),
            np.full(n, math.log1p(n)),
            np.full(n, good.mean()),
            np.full(n, math.log1p(n - 1 - last_good) if last_good >= 0 else -1.0),
            np.full(n, math.log1p(first_good)),
            np.full(n, float(extracted)),
        ]
    )
    return np.hstack([base, *neighbours, context])


@dataclass(frozen=True, slots=True)
class TreeEnsemble:
    """A binary gradient-boosted tree ensemble as flat arrays (one set per tree)."""

    features: tuple[str, ...]
    baseline: float
    threshold: float  # probability at which a line is boilerplate (tuned on the dev pages)
    body_threshold: float  # the same inside the body (between the first and last good paragraph)
    trees: tuple[dict[str, np.ndarray], ...]
    info: Mapping[str, Any]

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> TreeEnsemble:
        if payload.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model (format {payload.get('format')!r})")
        trees = tuple(
            {
                "feature": np.asarray(t["feature"], dtype=np.int64),
                "threshold": np.asarray(t["threshold"], dtype=np.float64),
                "left": np.asarray(t["left"], dtype=np.int64),
                "right": np.asarray(t["right"], dtype=np.int64),
                "value": np.asarray(t["value"], dtype=np.float64),
                "leaf": np.asarray(t["leaf"], dtype=bool),
            }
            for t in payload["trees"]
        )
        return cls(
            tuple(payload["features"]),
            float(payload["baseline"]),
            float(payload["threshold"]),
            float(payload["body_threshold"]),
            trees,
            payload.get("info", {}),
        )

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """P(boilerplate) for each row of ``x`` (columns in ``self.features`` order)."""
        raw = np.full(x.shape[0], self.baseline)
        rows = np.arange(x.shape[0])
        for tree in self.trees:
            node = np.zeros(x.shape[0], dtype=np.int64)
            while True:
                inner = ~tree["leaf"][node]
                if not inner.any():
                    break
                feature = tree["feature"][node]
                go_left = x[rows, feature] <= tree["threshold"][node]
                step = np.where(go_left, tree["left"][node], tree["right"][node])
                node = np.where(inner, step, node)
            raw += tree["value"][node]
        proba: np.ndarray = 1.0 / (1.0 + np.exp(-raw))
        return proba


_COLUMN = {name: i for i, name in enumerate(FEATURES)}


def removal_mask(
    proba: np.ndarray,
    matrix: np.ndarray,
    *,
    threshold: float,
    body_threshold: float,
    remove_score: float,
) -> np.ndarray:
    """Which lines the cascade removes: a rule verdict at or above ``remove_score`` stands
    unless it is one of the weak rules (``MODEL_DECIDES``: repeated lines, menu runs, low
    stop-word density, lines between boilerplate); any other line goes when the model's
    probability reaches ``threshold`` (``body_threshold`` inside the body, between the first
    and last good paragraph). Guards: the rules' title stays when a good paragraph follows it;
    prose next to a run of kept lines holding kept prose stays; up to ``MAX_INNER_RUN`` lines
    between two kept prose lines stay (a subheading, a list); the document's last good
    paragraph stays (a text with no article left is the model's miss). ``proba`` and
    ``matrix`` are one document's lines; a document of fewer than ``MIN_LINES`` lines keeps the
    rules' decisions."""
    by_rule = matrix[:, _COLUMN["rule_score"]] >= remove_score
    if len(proba) < MIN_LINES:
        return by_rule
    strong = by_rule & (matrix[:, _COLUMN["rule_weak"]] == 0)
    body = (matrix[:, _COLUMN["before_first_good"]] == 0) & (
        matrix[:, _COLUMN["after_last_good"]] == 0
    )
    title = (matrix[:, _COLUMN["is_title"]] == 1) & (matrix[:, _COLUMN["good_paragraph@+1"]] == 1)
    learned = (proba >= np.where(body, body_threshold, threshold)) & ~title
    good = (matrix[:, _COLUMN["good_paragraph"]] == 1) & ~strong
    if good.any() and not (good & ~learned).any():
        learned &= ~good
    # prose next to a run of kept lines that holds kept prose stays (article paragraphs come
    # in runs, with their short intro lines); lines the rules remove do not break a run
    rest = np.flatnonzero(~strong)
    sub_good, sub_learned = good[rest], learned[rest]
    while True:
        anchored = _anchored_runs(~sub_learned, sub_good & ~sub_learned)
        near = np.zeros_like(anchored)
        near[1:] |= anchored[:-1]
        near[:-1] |= anchored[1:]
        grow = near & sub_good & sub_learned
        if not grow.any():
            break
        sub_learned &= ~grow
    kept = sub_good & ~sub_learned
    # a short run between two kept prose lines is a subheading or a list of the article
    prose = np.flatnonzero(kept)
    for left, right in itertools.pairwise(prose):
        if 1 < right - left <= MAX_INNER_RUN + 1:
            sub_learned[left + 1 : right] = False
    learned[rest] = sub_learned
    mask: np.ndarray = strong | learned
    return _without_lost_support(mask, strong, by_rule, matrix)


def _without_lost_support(
    mask: np.ndarray, strong: np.ndarray, by_rule: np.ndarray, matrix: np.ndarray
) -> np.ndarray:
    """A contextual rule's removal (a link line, a separator, a byline ...) that leaned on a
    neighbouring rule removal the model has overruled falls with it, when the line is a link
    line (whose only support is a removed neighbour) or lies in the body: the rules read a
    removed neighbour as support before the model decided."""
    contextual = strong & (matrix[:, _COLUMN["rule_contextual"]] == 1)
    body = (matrix[:, _COLUMN["before_first_good"]] == 0) & (
        matrix[:, _COLUMN["after_last_good"]] == 0
    )
    candidates = contextual & ((matrix[:, _COLUMN["rule_link"]] == 1) | body)
    if not candidates.any():
        return mask
    mask = mask.copy()
    leaned = np.zeros_like(mask)  # a rule removal next to the line
    leaned[1:] |= by_rule[:-1]
    leaned[:-1] |= by_rule[1:]
    while True:
        near = np.zeros_like(mask)
        near[1:] |= mask[:-1]
        near[:-1] |= mask[1:]
        fallen = candidates & mask & leaned & ~near
        if not fallen.any():
            return mask
        mask &= ~fallen


def _anchored_runs(kept: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """Members of the runs of consecutive ``kept`` positions that hold an anchor."""
    result = np.zeros_like(kept)
    start = 0
    n = len(kept)
    while start < n:
        if not kept[start]:
            start += 1
            continue
        end = start
        while end < n and kept[end]:
            end += 1
        if anchors[start:end].any():
            result[start:end] = True
        start = end
    return result


def model_path(extracted: bool = False) -> Path:
    """The shipped line model for plain text, or for text extracted from HTML."""
    return model_dir() / (EXTRACTED_MODEL_FILE if extracted else MODEL_FILE)


@functools.lru_cache(maxsize=4)
def load_model(path: Path | None = None, *, extracted: bool = False) -> TreeEnsemble:
    """The shipped line classifier (``models/boilerplate.json``, or for extracted text
    ``models/boilerplate_extracted.json``), or the one at ``path``; loaded once."""
    target = path or model_path(extracted)
    if not target.is_file():
        raise FileNotFoundError(
            f"boilerplate line model not found: {target}. Rebuild it with "
            "`python scripts/train_boilerplate.py`, or set line_model=False on the detector."
        )
    model = TreeEnsemble.from_json(json.loads(target.read_text(encoding="utf-8")))
    if model.features != FEATURES:
        raise ValueError(
            f"{target} was trained on other features than this mtclean computes; rebuild it "
            "with `python scripts/train_boilerplate.py`"
        )
    return model
