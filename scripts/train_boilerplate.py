"""Train the boilerplate detector's line classifier (models/boilerplate.json).

Data (under ``$MTCLEAN_DATA``, default ``../shared/data``; nothing is copied into the repo):

- the **dev half** of the article-extraction benchmark (pages whose ``sha1(page_id)`` is even,
  the split of ``scripts/bench_boilerplate.py``): each non-blank line of the page's visible text
  (``html_text``) labelled content/boilerplate by the benchmark script's gold rule;
- BBC News articles outside the held-out ``tech`` category (``title`` + blank line + ``text``):
  all lines are content; half of them get 1-4 blocks of real boilerplate lines injected
  (``mtclean.degrade.boilerplate.inject_boilerplate``) harvested from the **dev** pages only.

Features: ``mtclean.detectors.boilerplate_lines.FEATURES`` over the rules' verdicts. Model:
scikit-learn ``HistGradientBoostingClassifier``. The decision threshold is chosen on
out-of-fold predictions (5 folds grouped by document) to maximise the benchmark's word-shingle
F1 on the dev pages, subject to the BBC content lines removed staying at 0 out of fold. The
trees are exported to JSON (checked against scikit-learn's own probabilities) and evaluated by
mtclean with numpy.

Run: ``python scripts/train_boilerplate.py [--out models/boilerplate.json] [--bbc 800]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_boilerplate import (
    label_lines,
    load_pages,
    shingle_metrics,
    shingle_tp_fp_fn,
    split_of,
)

from mtclean.degrade.boilerplate import inject_boilerplate, page_boilerplate
from mtclean.detectors.boilerplate import BoilerplateDetector
from mtclean.detectors.boilerplate_lines import (
    FEATURES,
    FORMAT,
    TreeEnsemble,
    removal_mask,
)
from mtclean.paths import REPO, default_data_dir

LOG = logging.getLogger("train_boilerplate")


def bbc_docs(root: Path, limit: int, seed: int) -> list[str]:
    path = root / "bbc_news" / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["category"] != "tech"]
    random.Random(seed).shuffle(rows)
    return [f"{r['title']}\n\n{r['text'].strip()}\n" for r in rows[:limit]]


def export(clf: object, threshold: float, extracted: float, info: dict) -> dict:
    trees = []
    for (predictor,) in clf._predictors:  # type: ignore[attr-defined]
        nodes = predictor.nodes
        trees.append(
            {
                "feature": nodes["feature_idx"].tolist(),
                "threshold": [float(t) for t in nodes["num_threshold"]],
                "left": nodes["left"].tolist(),
                "right": nodes["right"].tolist(),
                "value": [float(v) for v in nodes["value"]],
                "leaf": nodes["is_leaf"].astype(bool).tolist(),
            }
        )
    return {
        "format": FORMAT,
        "features": list(FEATURES),
        "baseline": float(np.ravel(clf._baseline_prediction)[0]),  # type: ignore[attr-defined]
        "threshold": threshold,
        "extracted_threshold": extracted,
        "trees": trees,
        "info": info,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=REPO / "models" / "boilerplate.json")
    parser.add_argument("--bbc", type=int, default=800, help="BBC articles to add")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-iter", type=int, default=250)
    parser.add_argument("--leaves", type=int, default=15, help="max leaf nodes per tree")
    parser.add_argument(
        "--bbc-cost",
        type=float,
        default=0.0002,
        help="F1 given up per BBC content line removed (out of fold) when tuning thresholds",
    )
    parser.add_argument("--verbose", action="store_true", help="log the wrong BBC removals")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    LOG.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    from sklearn.ensemble import HistGradientBoostingClassifier

    root = default_data_dir()
    rules = BoilerplateDetector(line_model=False)
    pages = [p for p in load_pages(root) if split_of(p[0]) == "dev"]
    xs, ys, groups = [], [], []
    # per document: (kind, text, body, line texts, content indices offsets) for threshold tuning
    docs: list[tuple[str, list[str], str]] = []
    harvested: dict[str, None] = {}
    import gzip

    truth = json.loads((root / "article_extraction_benchmark" / "ground-truth.json").read_text())
    for page_id, text, body in pages:
        html = gzip.decompress(
            (root / "article_extraction_benchmark" / "html" / f"{page_id}.html.gz").read_bytes()
        ).decode("utf-8", errors="replace")
        for line in page_boilerplate(html, truth[page_id]["articleBody"]):
            harvested.setdefault(line, None)
        gold = {line.start: not line.content for line in label_lines(text, body)}
        lines, content, matrix = rules.rule_features(text)
        xs.append(matrix)
        ys.append(np.array([gold[lines[i].start] for i in content], dtype=np.int64))
        groups.append(np.full(len(content), len(docs)))
        docs.append(("page", [lines[i].text for i in content], body))
    boilerplate_lines = list(harvested)
    LOG.info("%d dev pages, %d harvested boilerplate lines", len(pages), len(boilerplate_lines))
    rng = random.Random(args.seed)
    for k, doc in enumerate(bbc_docs(root, args.bbc, args.seed)):
        if k % 2:
            degraded = inject_boilerplate(
                doc, boilerplate_lines, rng.randrange(1 << 30), n=rng.randint(1, 4)
            )
            text, spans = degraded.text, [(s.start, s.end) for s in degraded.spans]
        else:
            text, spans = doc, []
        lines, content, matrix = rules.rule_features(text)
        label = np.array(
            [any(a <= lines[i].start < b for a, b in spans) for i in content], dtype=np.int64
        )
        xs.append(matrix)
        ys.append(label)
        groups.append(np.full(len(content), len(docs)))
        docs.append(("bbc", [lines[i].text for i in content], ""))
    x, y, g = np.vstack(xs), np.concatenate(ys), np.concatenate(groups)
    LOG.info("%d lines (%d boilerplate) from %d documents", len(y), int(y.sum()), len(docs))

    def make() -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=args.max_iter,
            learning_rate=0.08,
            max_leaf_nodes=args.leaves,
            min_samples_leaf=20,
            l2_regularization=1.0,
            random_state=args.seed,
        )

    folds = 5
    fold_of = np.array([d % folds for d in range(len(docs))])[g]
    oof = np.zeros(len(y))
    for f in range(folds):
        clf = make().fit(x[fold_of != f], y[fold_of != f])
        oof[fold_of == f] = clf.predict_proba(x[fold_of == f])[:, 1]
        LOG.info("fold %d done", f)

    doc_rows = [np.flatnonzero(g == d) for d in range(len(docs))]

    def evaluate(t: float, body_t: float) -> dict:
        tp_fp_fns = []
        bbc_removed = 0
        wrong_lines: list[str] = []
        for d, (kind, texts, body) in enumerate(docs):
            rows = doc_rows[d]
            keep = ~removal_mask(
                oof[rows], x[rows], threshold=t, body_threshold=body_t, remove_score=0.8
            )
            if kind == "page":
                kept = "\n".join(s for s, k in zip(texts, keep, strict=True) if k)
                tp_fp_fns.append(shingle_tp_fp_fn(body, kept))
            else:
                wrong = (~keep) & (y[rows] == 0)
                bbc_removed += int(wrong.sum())
                wrong_lines += [texts[i][:60] for i in np.flatnonzero(wrong)]
        m = shingle_metrics(tp_fp_fns)
        m["bbc_content_lines_removed"] = bbc_removed
        m["_wrong"] = wrong_lines
        return m

    best: tuple[float, float, float, dict] | None = None
    for t in np.round(np.arange(0.30, 0.96, 0.05), 3):
        for body_t in (0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.01):
            m = evaluate(float(t), body_t)
            LOG.debug(
                "t %.2f body %.3f: F1 %.4f, BBC removed %d",
                t,
                body_t,
                m["f1"],
                m["bbc_content_lines_removed"],
            )
            key = m["f1"] - args.bbc_cost * m["bbc_content_lines_removed"]
            if best is None or key > best[0]:
                best = (key, float(t), body_t, m)
    assert best is not None
    _, threshold, body_threshold, dev_metrics = best
    LOG.debug("BBC lines removed out of fold: %s", dev_metrics.pop("_wrong"))
    LOG.info(
        "threshold %.3f, body %.3f: dev out-of-fold %s", threshold, body_threshold, dev_metrics
    )
    clf = make().fit(x, y)
    info = {
        "trained_on": {
            "benchmark_dev_pages": len(pages),
            "bbc_articles": args.bbc,
            "lines": len(y),
            "boilerplate_lines": int(y.sum()),
        },
        "params": {k: v for k, v in clf.get_params().items() if k != "random_state"},
        "dev_out_of_fold": dev_metrics,
    }
    payload = export(clf, threshold, min(threshold + 0.1, 0.95), info)
    payload["body_threshold"] = body_threshold
    model = TreeEnsemble.from_json(json.loads(json.dumps(payload)))
    diff = np.abs(model.predict_proba(x[:5000]) - clf.predict_proba(x[:5000])[:, 1]).max()
    LOG.info("exported trees vs scikit-learn: max |p difference| %.2e", diff)
    if diff > 1e-4:
        sys.exit(f"exported model disagrees with scikit-learn (max difference {diff})")
    args.out.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")
    LOG.info("wrote %s (%.0f kB)", args.out, args.out.stat().st_size / 1024)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
