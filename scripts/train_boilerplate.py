"""Train the boilerplate detector's line classifiers: models/boilerplate.json (plain text) and
models/boilerplate_extracted.json (text extracted from HTML by trafilatura).

Data (under ``$MTCLEAN_DATA``, default ``../shared/data``; nothing is copied into the repo):

- the **dev half** of the article-extraction benchmark (pages whose ``sha1(page_id)`` is even,
  the split of ``scripts/bench_boilerplate.py``): each non-blank line of the page's visible text
  (``html_text``) labelled content/boilerplate by the benchmark script's gold rule (the line is
  in the page's ``articleBody`` or not);
- the same dev pages as the HTML path reads them (``mtclean.extract.html_document``:
  trafilatura's text), labelled by the same rule: for the extracted-text model only;
- BBC News articles outside the held-out ``tech`` category (``title`` + blank line + ``text``):
  all lines are content; half of them get 1-4 blocks of real boilerplate lines injected
  (``mtclean.degrade.boilerplate.inject_boilerplate``) harvested from the **dev** pages only.

Features: ``mtclean.detectors.boilerplate_lines.FEATURES`` over the rules' verdicts (the
``extracted`` feature tells the two inputs apart). Model: scikit-learn
``HistGradientBoostingClassifier``. The plain-text model learns from the visible text and BBC;
the extracted-text model from those and the extracted pages (their lines weighted by
``--extracted-weight``: trafilatura's output is a different distribution, few menus left and
short article lines kept). Each model's thresholds are chosen on out-of-fold predictions (5
folds grouped by page; a page's two texts share a fold) to maximise the benchmark's word-shingle
F1 on the dev pages of its input (visible text, extracted text), less ``--bbc-cost`` per BBC
content line removed out of fold (the BBC articles read as extracted text for the second). The
trees are exported to JSON (checked against scikit-learn's own probabilities) and evaluated by
mtclean with numpy.

Run: ``python scripts/train_boilerplate.py [--out models/boilerplate.json]
[--extracted-out models/boilerplate_extracted.json] [--bbc 800]``.
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
    EXTRACTED_MODEL_FILE,
    FEATURES,
    FORMAT,
    MODEL_FILE,
    TreeEnsemble,
    removal_mask,
)
from mtclean.extract import html_document
from mtclean.paths import REPO, default_data_dir

LOG = logging.getLogger("train_boilerplate")


def bbc_docs(root: Path, limit: int, seed: int) -> list[str]:
    path = root / "bbc_news" / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["category"] != "tech"]
    random.Random(seed).shuffle(rows)
    return [f"{r['title']}\n\n{r['text'].strip()}\n" for r in rows[:limit]]


def export(clf: object, threshold: float, body_threshold: float, info: dict) -> dict:
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
        "body_threshold": body_threshold,
        "trees": trees,
        "info": info,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=REPO / "models" / MODEL_FILE)
    parser.add_argument(
        "--extracted-out", type=Path, default=REPO / "models" / EXTRACTED_MODEL_FILE
    )
    parser.add_argument("--bbc", type=int, default=800, help="BBC articles to add")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-iter", type=int, default=250)
    parser.add_argument("--leaves", type=int, default=15, help="max leaf nodes per tree")
    parser.add_argument(
        "--extracted-weight",
        type=float,
        default=4.0,
        help="sample weight of the extracted pages' lines in the extracted-text model",
    )
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
    extracted_rules = BoilerplateDetector(line_model=False, extracted=True)
    pages = [p for p in load_pages(root) if split_of(p[0]) == "dev"]
    xs, ys, groups = [], [], []
    # per document: (kind, its non-blank lines, the article body) for threshold tuning
    docs: list[tuple[str, list[str], str]] = []
    fold_keys: list[int] = []  # per document: its fold (a page's two texts share one)
    harvested: dict[str, None] = {}
    extracted_pages: list[tuple[int, str, str]] = []

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
        fold_keys.append(len(docs))
        docs.append(("page", [lines[i].text for i in content], body))
        # the same page as the HTML path reads it (trafilatura's text), for the second model
        extracted_pages.append((len(docs) - 1, html_document(html).text, body))
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
        fold_keys.append(len(docs))
        docs.append(("bbc", [lines[i].text for i in content], ""))
    for key, text, body in extracted_pages:
        if not text.strip():
            continue
        gold = {line.start: not line.content for line in label_lines(text, body)}
        lines, content, matrix = extracted_rules.rule_features(text)
        xs.append(matrix)
        ys.append(np.array([gold[lines[i].start] for i in content], dtype=np.int64))
        groups.append(np.full(len(content), len(docs)))
        fold_keys.append(key)
        docs.append(("extracted", [lines[i].text for i in content], body))
    x, y, g = np.vstack(xs), np.concatenate(ys), np.concatenate(groups)
    kind_of = np.array([doc[0] for doc in docs])[g]
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
    # folds by document; a page's extracted text goes with its visible text
    fold_of = np.array([key % folds for key in fold_keys])[g]
    doc_rows = [np.flatnonzero(g == d) for d in range(len(docs))]
    # the BBC articles again as extracted text (a clean article from an HTML page), to count
    # the content lines the extracted-text model removes
    bbc = kind_of == "bbc"
    x_bbc = x.copy()
    x_bbc[bbc, FEATURES.index("extracted")] = 1.0

    def out_of_fold(rows: np.ndarray, weight: np.ndarray, read: np.ndarray) -> np.ndarray:
        """P(boilerplate) of every line of ``read`` by the fold's model trained on ``rows``."""
        oof = np.zeros(len(y))
        for f in range(folds):
            train = rows & (fold_of != f)
            clf = make().fit(x[train], y[train], sample_weight=weight[train])
            held = fold_of == f
            oof[held] = clf.predict_proba(read[held])[:, 1]
            LOG.info("fold %d done", f)
        return oof

    def evaluate(oof: np.ndarray, read: np.ndarray, kind: str, t: float, body_t: float) -> dict:
        """Out-of-fold shingle metrics on the dev pages of ``kind`` and the BBC content lines
        removed."""
        tp_fp_fns = []
        bbc_removed = 0
        wrong_lines: list[str] = []
        for d, (doc_kind, texts, body) in enumerate(docs):
            if doc_kind not in (kind, "bbc"):
                continue
            rows = doc_rows[d]
            keep = ~removal_mask(
                oof[rows], read[rows], threshold=t, body_threshold=body_t, remove_score=0.8
            )
            if doc_kind == kind:
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

    def tune(oof: np.ndarray, read: np.ndarray, kind: str, cuts: list[float]) -> tuple:
        best: tuple[float, float, float, dict] | None = None
        for t in cuts:
            for body_t in (0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.01):
                m = evaluate(oof, read, kind, t, body_t)
                LOG.debug(
                    "%s t %.2f body %.3f: F1 %.4f, BBC removed %d",
                    kind,
                    t,
                    body_t,
                    m["f1"],
                    m["bbc_content_lines_removed"],
                )
                key = m["f1"] - args.bbc_cost * m["bbc_content_lines_removed"]
                if best is None or key > best[0]:
                    best = (key, t, body_t, m)
        assert best is not None
        _, cut, body_cut, metrics = best
        LOG.debug("BBC lines removed out of fold: %s", metrics.pop("_wrong"))
        LOG.info("%s: threshold %.3f, body %.3f: dev out-of-fold %s", kind, cut, body_cut, metrics)
        return cut, body_cut, metrics

    def write(path: Path, rows: np.ndarray, weight: np.ndarray, tuned: tuple, info: dict) -> None:
        threshold, body_threshold, dev_metrics = tuned
        clf = make().fit(x[rows], y[rows], sample_weight=weight[rows])
        info = {
            **info,
            "params": {k: v for k, v in clf.get_params().items() if k != "random_state"},
        }
        info["trained_on"]["lines"] = int(rows.sum())
        info["trained_on"]["boilerplate_lines"] = int(y[rows].sum())
        info["dev_out_of_fold"] = dev_metrics
        payload = export(clf, threshold, body_threshold, info)
        model = TreeEnsemble.from_json(json.loads(json.dumps(payload)))
        sample = x[rows][:5000]
        diff = np.abs(model.predict_proba(sample) - clf.predict_proba(sample)[:, 1]).max()
        LOG.info("exported trees vs scikit-learn: max |p difference| %.2e", diff)
        if diff > 1e-4:
            sys.exit(f"exported model disagrees with scikit-learn (max difference {diff})")
        path.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")
        LOG.info("wrote %s (%.0f kB)", path, path.stat().st_size / 1024)

    # the plain-text model: visible text of the dev pages + BBC
    text_rows = kind_of != "extracted"
    ones = np.ones(len(y))
    oof = out_of_fold(text_rows, ones, x)
    cuts = [float(c) for c in np.round(np.arange(0.30, 0.96, 0.05), 3)]
    trained_on = {"benchmark_dev_pages": len(pages), "bbc_articles": args.bbc}
    write(args.out, text_rows, ones, tune(oof, x, "page", cuts), {"trained_on": trained_on})
    # the extracted-text model: the same + trafilatura's text of the dev pages (weighted), its
    # thresholds tuned on those extracted pages (cuts up to 1.01: the model may remove nothing
    # beyond deciding the weak rules' lines)
    all_rows = np.ones(len(y), dtype=bool)
    weight = np.where(kind_of == "extracted", args.extracted_weight, 1.0)
    oof = out_of_fold(all_rows, weight, x_bbc)
    tuned = tune(oof, x_bbc, "extracted", [*cuts, 0.97, 0.99, 1.01])
    untouched = [shingle_tp_fp_fn(body, "\n".join(t)) for k, t, body in docs if k == "extracted"]
    info = {
        "trained_on": {
            **trained_on,
            "benchmark_dev_pages_extracted": sum(doc[0] == "extracted" for doc in docs),
            "extracted_weight": args.extracted_weight,
        },
        # the same dev pages with nothing removed after trafilatura (the bar to beat)
        "dev_trafilatura_alone": shingle_metrics(untouched),
    }
    write(args.extracted_out, all_rows, weight, tuned, info)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
