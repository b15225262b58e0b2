"""The boilerplate line model: its shipped file, its numpy tree evaluator, the cascade's guards,
and the README table generated from benchmarks/boilerplate.json."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from mtclean.detectors.boilerplate import BoilerplateDetector
from mtclean.detectors.boilerplate_lines import (
    FEATURES,
    MIN_LINES,
    MODEL_DECIDES,
    TreeEnsemble,
    load_model,
    model_path,
    removal_mask,
)
from mtclean.records import Document

REPO = Path(__file__).resolve().parent.parent


def _script(name: str):  # type: ignore[no-untyped-def]
    path = REPO / "scripts" / f"{name}.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"mtclean_{name}_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_shipped_model_is_small_and_matches_the_features() -> None:
    path = model_path()
    assert path.stat().st_size < 5_000_000
    model = load_model()
    assert model.features == FEATURES
    assert 0.0 < model.threshold < 1.0 and 0.0 < model.body_threshold <= 1.01
    assert model.info["trained_on"]["benchmark_dev_pages"] > 0


def test_exported_trees_reproduce_scikit_learn() -> None:
    sklearn = pytest.importorskip("sklearn.ensemble")
    train = _script("train_boilerplate")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, len(FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 3] - x[:, 7] > 0).astype(int)
    clf = sklearn.HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(x, y)
    payload = train.export(clf, 0.5, 0.6, {})
    payload["body_threshold"] = 0.5
    model = TreeEnsemble.from_json(json.loads(json.dumps(payload)))
    assert np.abs(model.predict_proba(x) - clf.predict_proba(x)[:, 1]).max() < 1e-9


def test_wrong_format_is_refused_with_a_rebuild_hint(tmp_path: Path) -> None:
    bad = tmp_path / "boilerplate.json"
    bad.write_text(json.dumps({"format": "other"}))
    with pytest.raises(ValueError, match="not a"):
        load_model(bad)
    with pytest.raises(FileNotFoundError, match=r"train_boilerplate\.py"):
        load_model(tmp_path / "missing.json")


_PARAGRAPH = (
    "The ministry said on Tuesday that the new rules would apply to every region from next "
    "year, and that officials would review them after six months of use."
)


def test_repeated_content_lines_between_paragraphs_stay() -> None:
    """A fixture list with a repeated line ("Winners meet in final match") ending an article
    (as in a BBC sport story): the rules alone took the repeats as ``repeated_line``; the
    cascade decides them as lines of the list, never as repeats (scripts/bench_boilerplate.py
    counts the content lines removed on clean BBC articles)."""
    fixtures = [
        "Seychelles v South Africa",
        "Mauritius v Madagascar",
        "Winners meet in final match",
        "Mozambique v Zimbabwe",
        "Namibia v Botswana",
        "Winners meet in final match",
    ]
    text = "\n\n".join(["Cup draw made", _PARAGRAPH, _PARAGRAPH.replace("six", "ten"), *fixtures])
    rules = BoilerplateDetector(line_model=False).detect(Document(text))
    assert {s.reason for s in rules.spans if s.replacement is not None} == {"repeated_line"}
    detection = BoilerplateDetector().detect(Document(text))
    removed = [s for s in detection.spans if s.replacement is not None and s.score >= 0.8]
    assert not [s for s in removed if s.reason in MODEL_DECIDES]


def test_snippets_are_left_to_the_rules() -> None:
    lines = ["Share", _PARAGRAPH, "Read More", "Some short line"]
    assert len(lines) < MIN_LINES
    text = "\n".join(lines)
    cascade = BoilerplateDetector().detect(Document(text))
    rules = BoilerplateDetector(line_model=False).detect(Document(text))
    assert cascade.spans == rules.spans


def test_readme_boilerplate_table_is_the_benchmark_json() -> None:
    """The README's boilerplate table is ``scripts/bench_boilerplate.py``'s, from its JSON
    (regenerate: ``python scripts/bench_boilerplate.py --readme benchmarks/boilerplate.json``)."""
    bench = _script("bench_boilerplate")
    payload = json.loads((REPO / "benchmarks" / "boilerplate.json").read_text("utf-8"))
    table = bench.readme_table((REPO / "README.md").read_text("utf-8"))
    assert table is not None, f"README.md has no line {bench.README_MARK!r}"
    assert table == bench.readme_markdown(payload)


def test_shingle_metric_follows_evaluate_py() -> None:
    bench = _script("bench_boilerplate")
    assert bench.shingle_tp_fp_fn("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    tp, fp, fn = bench.shingle_tp_fp_fn("one two three four five", "one two three four")
    assert (tp, fp, fn) == (0.5, 0.0, 0.5)  # shingles (1 2 3 4) matched, (2 3 4 5) missed
    assert bench.shingle_tp_fp_fn("", "") == (0.0, 0.0, 0.0)
    metrics = bench.shingle_metrics([(0.5, 0.0, 0.5), (1.0, 0.0, 0.0)])
    assert metrics["precision"] == 1.0 and metrics["recall"] == 0.75


def _rows(n: int) -> np.ndarray:
    return np.zeros((n, len(FEATURES)))


def test_a_link_line_falls_with_the_weak_removal_it_leaned_on() -> None:
    """The rules take a link line for boilerplate when a neighbour is removed; when that
    neighbour was a weak rule's removal (a menu run) that the model overrules, the link line's
    support is gone and it stays (a list of product links inside an article)."""
    column = {name: i for i, name in enumerate(FEATURES)}
    matrix = _rows(MIN_LINES + 2)
    matrix[4, column["rule_score"]] = 0.8  # a menu run's line: a weak rule
    matrix[4, column["rule_weak"]] = 1
    matrix[5, [column["rule_score"], column["rule_contextual"], column["rule_link"]]] = (
        0.9,
        1,
        1,
    )
    kept_all = np.zeros(len(matrix))
    options = {"threshold": 0.9, "body_threshold": 0.9, "remove_score": 0.8}
    mask = removal_mask(kept_all, matrix, **options)
    assert not mask[4] and not mask[5]
    confirmed = kept_all.copy()
    confirmed[4] = 0.95  # the model confirms the menu line: the link line's support stands
    mask = removal_mask(confirmed, matrix, **options)
    assert mask[4] and mask[5]
    matrix[6, column["rule_score"]] = 0.95  # a CMS phrase next to it: a rule removal that stands
    mask = removal_mask(kept_all, matrix, **options)
    assert mask[5] and mask[6] and not mask[4]


def test_extracted_text_reads_the_extracted_text_model() -> None:
    text_model, extracted_model = load_model(), load_model(extracted=True)
    assert extracted_model.features == FEATURES
    assert extracted_model is not text_model
    assert extracted_model.info["trained_on"]["benchmark_dev_pages_extracted"] > 0
    assert model_path(extracted=True).stat().st_size < 5_000_000
