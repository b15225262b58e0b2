"""A function for ``datasets.Dataset.map(batched=True, num_proc=N)``: cleaned text, spans and
the degradation score of every row.

    from mtclean.integrations.datasets import CleanBatch
    dataset = dataset.map(CleanBatch(), batched=True, num_proc=2)

The ``datasets`` package itself is not needed to import this module: the step works on the
plain ``dict[str, list]`` batches ``map`` passes.
"""

from __future__ import annotations

import json
from typing import Any

from mtclean.config import CleanerConfig
from mtclean.integrations.lazy_cleaner import CleanerOnFirstUse
from mtclean.records import Document
from mtclean.serialize import mtclean_field


class CleanBatch(CleanerOnFirstUse):
    """Clean the ``text_field`` column of a batch.

    Returns the columns: ``text_field`` (the cleaned text, unless ``keep_text`` names another
    column for it), ``mtclean_score`` (float), ``mtclean_spans`` (a list of
    ``{"start", "end", "label", "score"}`` per row, offsets into the text as read) and
    ``mtclean`` (the whole ``mtclean`` record of ``mtclean clean`` as JSON text: spans with
    candidates and cleaned-text offsets, edits, metadata, stats). With ``original_field``, the
    text as read is kept in that column.

    Picklable (for ``num_proc``): the Cleaner is built lazily in each process, once.
    """

    def __init__(
        self,
        config: CleanerConfig | None = None,
        text_field: str = "text",
        cleaned_field: str | None = None,
        original_field: str | None = None,
        batch_size: int = 64,
    ) -> None:
        self.config = config
        self.text_field = text_field
        self.cleaned_field = cleaned_field or text_field
        self.original_field = original_field
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        texts = [text if isinstance(text, str) else "" for text in batch[self.text_field]]
        documents = [Document(text=text, id=str(i)) for i, text in enumerate(texts)]
        results = list(self.cleaner.pipe(documents, batch_size=self.batch_size))
        out: dict[str, list[Any]] = {
            self.cleaned_field: [r.text for r in results],
            "mtclean_score": [float(r.score) for r in results],
            "mtclean_spans": [
                [
                    {"start": s.start, "end": s.end, "label": s.label, "score": float(s.score)}
                    for s in r.spans
                ]
                for r in results
            ],
            "mtclean": [
                json.dumps(mtclean_field(r, text), ensure_ascii=False)
                for r, text in zip(results, texts, strict=True)
            ],
        }
        if self.original_field is not None:
            out[self.original_field] = texts
        return out
