"""Train the model detector's models and write them into models/.

    python scripts/train.py gbm      --data /tmp/mtclean_data   # gradient-boosted trees (minutes)
    python scripts/train.py encoder  --data /tmp/mtclean_data   # MiniLM tagger
    python scripts/train.py encoder  --no-features --out /tmp/enc_nofeat   # the ablation

The shipped encoder is two stages (see models/MODEL_CARD.md for the exact commands): 700 steps
from the pretrained backbone, then 700 more (--init, --seed 1: fresh spins) written to models/.
The last model trained into a directory becomes its model.json "kind".

The data comes from scripts/make_training_data.py. Spinning is drawn afresh per epoch.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mtclean.detectors.model import DEFAULT_MODEL_DIR
from mtclean.model.data import stable_unit
from mtclean.model.features import (
    FEATURE_NAMES,
    N_FEATURES,
    N_LABELS,
    NEIGHBOURS,
    NgramTable,
    with_neighbours,
)
from mtclean.model.spans import Calibration
from mtclean.model.training import Example, ExampleMaker, choose_threshold, ngram_tables

log = logging.getLogger("train")
MAX_FLAGS_PER_1000 = 0.8  # on clean dev text, when choosing the threshold


def load_records(path: Path) -> list[dict[str, Any]]:
    import datasets

    return list(datasets.load_from_disk(str(path)).to_list())


def dev_examples(
    maker: ExampleMaker, records: Sequence[Mapping[str, Any]], limit: int
) -> list[Example]:
    """A fixed dev sample at realistic density (spun BBC at 5-40%, clean texts, MT)."""
    dev = [r for r in records if r["split"] == "dev"]
    random.Random(7).shuffle(dev)
    return [maker.make(r, 0) for r in dev[:limit]]


def write_model(
    out: Path,
    meta: Mapping[str, Any],
    ngrams: NgramTable,
    weights: str,
    save_weights: Callable[[Path], object],
) -> None:
    """Write a model of kind ``meta["kind"]`` into ``out``: its weights (``save_weights`` to
    ``out / weights``), the n-gram table, its metadata, and model.json naming it."""
    kind = str(meta["kind"])
    out.mkdir(parents=True, exist_ok=True)
    save_weights(out / weights)
    ngrams.save(out / "ngrams.tsv.gz")
    (out / f"{kind}.json").write_text(json.dumps(meta, indent=1), "utf-8")
    (out / "model.json").write_text(json.dumps({"kind": kind}) + "\n", "utf-8")


def calibrate(
    examples: Sequence[Example], probs: Sequence[np.ndarray], max_flags: float = MAX_FLAGS_PER_1000
) -> tuple[Calibration, float, dict[str, float]]:
    """Calibration fitted on dev probabilities (float64 arrays), the threshold it gives on the
    clean dev texts, and word-level dev statistics."""
    raw = np.concatenate([1.0 - p[:, 0] for p in probs])
    target = np.concatenate([np.asarray(e.labels) > 0 for e in examples]).astype(int)
    calibration = Calibration.fit(raw.tolist(), target.tolist())
    cal = calibration(raw.astype(np.float64))
    clean = np.concatenate([np.full(len(e.words), not any(e.labels)) for e in examples])
    clean_words = int(clean.sum())
    threshold = choose_threshold(cal[clean].tolist(), clean_words, max_flags)
    pred = cal >= threshold
    tp = float((pred & (target == 1)).sum())
    stats = {
        "dev_words": float(len(target)),
        "dev_clean_words": float(clean_words),
        "word_precision": tp / max(pred.sum(), 1),
        "word_recall": tp / max(target.sum(), 1),
        "threshold": threshold,
    }
    return calibration, threshold, stats


def train_gbm(args: argparse.Namespace) -> None:
    import joblib
    from sklearn.ensemble import HistGradientBoostingClassifier

    records = load_records(args.data)
    started = time.time()
    full, folds = ngram_tables(records)
    maker = ExampleMaker(folds)
    train = [r for r in records if r["split"] == "train"]
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for epoch in range(args.epochs):
        for example in maker.epoch(train, epoch):
            if not example.words:
                continue
            keep = (
                np.random.default_rng(int(stable_unit(f"{example.id}:{epoch}") * 2**32)).random(
                    len(example.words)
                )
                < args.sample
            )
            xs.append(with_neighbours(example.features)[keep])
            ys.append(np.asarray(example.labels)[keep])
        log.info(
            "epoch %d drawn: %d rows so far (%.0fs)",
            epoch,
            sum(len(y) for y in ys),
            time.time() - started,
        )
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    log.info("fitting on %s, label counts %s", x.shape, np.bincount(y))
    model = HistGradientBoostingClassifier(
        max_iter=args.iters, learning_rate=0.1, max_leaf_nodes=63, min_samples_leaf=50,
        l2_regularization=1.0, early_stopping=True, validation_fraction=0.05, random_state=0,
    )  # fmt: skip
    model.fit(x, y)
    log.info("fitted %d iterations (%.0fs)", model.n_iter_, time.time() - started)
    dev = dev_examples(maker, records, args.dev_docs)
    probs = [
        model.predict_proba(with_neighbours(e.features)) if e.words else np.zeros((0, N_LABELS))
        for e in dev
    ]
    calibration, threshold, stats = calibrate(dev, probs, args.max_flags)
    out: Path = args.out
    meta = {
        "kind": "gbm",
        "features": list(FEATURE_NAMES),
        "neighbours": NEIGHBOURS,
        "threshold": threshold,
        "calibration": calibration.to_json(),
        "dev": stats,
        "train_rows": len(y),
        "train_seconds": round(time.time() - started),
        "iterations": int(model.n_iter_),
    }
    write_model(out, meta, full, "gbm.joblib", lambda path: joblib.dump(model, path, compress=3))
    log.info("saved to %s: %s", out, stats)


def train_encoder(args: argparse.Namespace) -> None:
    import torch
    from transformers import AutoTokenizer

    from mtclean.model.network import (
        FROZEN,
        MAX_TOKENS,
        STRIDE,
        backbone_path,
        build_tagger,
        collate,
        first_tokens,
        window_probs,
        windows,
    )

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    records = load_records(args.data)
    started = time.time()
    full, folds = ngram_tables(records)
    maker = ExampleMaker(folds)
    tokenizer = AutoTokenizer.from_pretrained(str(backbone_path()))
    cls_id, sep_id = int(tokenizer.cls_token_id), int(tokenizer.sep_token_id)
    model = build_tagger(N_FEATURES, use_features=not args.no_features)
    if args.init is not None:  # continue from a saved run (same recipe, more steps)
        state = torch.load(args.init / "encoder.pt", map_location="cpu", weights_only=True)
        model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
        log.info("continuing from %s", args.init)
    train = [r for r in records if r["split"] == "train"]
    rng = random.Random(args.seed)
    dev = dev_examples(maker, records, args.dev_docs)

    def encode(example: Example, step: int) -> list[Any]:
        ids, firsts = first_tokens(example.text, example.words, tokenizer)
        return windows(ids, firsts, step)

    dev_items = [(encode(e, STRIDE) if e.words else [], e.features) for e in dev]
    for name in FROZEN:  # not trained, not saved: the backbone package supplies them
        model.get_parameter(name).requires_grad_(False)
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    enc_params = [
        p for n, p in model.named_parameters() if n.startswith("encoder.") and p.requires_grad
    ]
    optimizer = torch.optim.AdamW(
        [{"params": enc_params, "lr": args.lr}, {"params": head_params, "lr": args.lr * 10}],
        weight_decay=0.01,
    )
    total = args.steps
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / 200) * max(0.05, 1.0 - s / total)
    )

    def dev_probs() -> list[np.ndarray]:
        """The dev sample as the shipped scorer would score it (as float64, for calibrate)."""
        model.eval()
        probs = window_probs(model, dev_items, cls_id, sep_id)
        model.train()
        return [p.astype(np.float64) for p in probs]

    def dev_score(probs: list[np.ndarray]) -> float:
        """Word-level F1 of degraded-vs-clean at argmax, on the dev sample."""
        pred = np.concatenate([p.argmax(1) > 0 for p in probs])
        gold = np.concatenate([np.asarray(e.labels) > 0 for e in dev])
        tp = float((pred & gold).sum())
        return 2 * tp / max(float(pred.sum() + gold.sum()), 1.0)

    model.train()
    step = 0
    epoch = args.seed  # a continued run draws different spins than the first one
    buffer: list[tuple[Any, Example]] = []
    best = -1.0
    loss_sum = 0.0
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)  # fail before training if it cannot be made

    def save(probs: list[np.ndarray], score: float, at_step: int, at_epoch: int) -> None:
        """Calibrate on the dev sample and write the model files."""
        calibration, threshold, stats = calibrate(dev, probs, args.max_flags)
        state = {
            k: v.half() if v.is_floating_point() else v
            for k, v in model.state_dict().items()
            if k not in FROZEN
        }
        meta = {
            "kind": "encoder",
            "use_features": not args.no_features,
            "features": list(FEATURE_NAMES),
            "threshold": threshold,
            "calibration": calibration.to_json(),
            "dev": stats,
            "dev_word_f1": score,
            "steps": at_step,
            "batch": args.batch,
            "lr": args.lr,
            "epochs_seen": at_epoch,
            "train_seconds": round(time.time() - started),
        }
        write_model(out, meta, full, "encoder.pt", lambda path: torch.save(state, path))
        log.info("saved to %s at step %d: %s", out, at_step, stats)

    while step < total:
        order = train[:]
        rng.shuffle(order)
        for record in order:
            example = maker.make(record, epoch)
            if not example.words:
                continue
            # training windows: non-overlapping (the step is the window size)
            for w in encode(example, MAX_TOKENS):
                buffer.append((w, example))
            if len(buffer) < args.batch * 8:
                continue
            rng.shuffle(buffer)
            while len(buffer) >= args.batch * 4 and step < total:
                chunk, buffer = buffer[: args.batch], buffer[args.batch :]
                batch = collate(
                    [w for w, _ in chunk], [e.features for _, e in chunk], cls_id, sep_id,
                    [e.labels for _, e in chunk],
                )  # fmt: skip
                labels = batch.pop("labels")
                logits = model(**batch)
                loss = torch.nn.functional.cross_entropy(
                    logits.reshape(-1, N_LABELS), labels.reshape(-1), ignore_index=-100
                )
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
                loss_sum += float(loss.detach())
                step += 1
                if step % 50 == 0:
                    log.info(
                        "step %d/%d epoch %d loss %.4f (%.0fs)",
                        step,
                        total,
                        epoch,
                        loss_sum / 50,
                        time.time() - started,
                    )
                    loss_sum = 0.0
                if step % args.eval_every == 0 or step == total:
                    probs = dev_probs()
                    score = dev_score(probs)
                    log.info("dev word F1 %.4f at step %d", score, step)
                    if score > best:  # saved at once: a run cut short keeps its best model
                        best = score
                        save(probs, score, step, epoch)
            if step >= total:
                break
        epoch += 1
    log.info("best dev word F1 %.4f; model in %s", best, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=["gbm", "encoder"])
    parser.add_argument("--data", type=Path, default=Path("/tmp/mtclean_data"))
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--dev-docs", type=int, default=400)
    parser.add_argument("--epochs", type=int, default=2, help="gbm: epochs of fresh draws")
    parser.add_argument("--sample", type=float, default=0.5, help="gbm: share of words kept")
    parser.add_argument("--iters", type=int, default=300, help="gbm: boosting iterations")
    parser.add_argument("--steps", type=int, default=1500, help="encoder: optimizer steps")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--eval-every", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-features", action="store_true")
    parser.add_argument("--init", type=Path, default=None, help="encoder: continue from this dir")
    parser.add_argument("--max-flags", type=float, default=MAX_FLAGS_PER_1000)
    parser.add_argument("--seed", type=int, default=0, help="encoder: data order and epochs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.kind == "gbm":
        train_gbm(args)
    else:
        train_encoder(args)


if __name__ == "__main__":
    main()
