"""datatrove pipeline steps: ``MtcleanFormatter`` rewrites ``doc.text`` and records what it
did in ``doc.metadata["mtclean"]``; ``MtcleanFilter`` drops documents whose degradation score
is above a threshold, with the reason (``dropped_mtclean_spun``, ``dropped_mtclean_mt``).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from mtclean.integrations.datatrove import MtcleanFilter, MtcleanFormatter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("corpus/"),
        MtcleanFormatter(),
        MtcleanFilter(max_score=0.3, exclusion_writer=JsonlWriter("dropped/")),
        JsonlWriter("clean/"),
    ], tasks=4).run()

Both build their Cleaner inside ``run`` (once per task), so they pickle for any executor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.writers.disk_base import DiskWriter
from datatrove.utils.batching import batched

from mtclean.cleaner import Cleaner
from mtclean.config import CleanerConfig
from mtclean.integrations.lazy_cleaner import CleanerOnFirstUse
from mtclean.records import CleanResult, Document
from mtclean.serialize import mtclean_field

KEY = "mtclean"  # doc.metadata key


class MtcleanFormatter(PipelineStep):  # type: ignore[misc]
    """Clean each document: ``doc.text`` becomes the cleaned text; ``doc.metadata["mtclean"]``
    holds ``score``, ``spans`` and ``edits`` (offsets into the original text and, as
    ``clean_start``/``clean_end``, into the cleaned text), ``metadata`` (bylines, source URLs,
    dates taken out with the boilerplate) and ``stats``. ``keep_original`` names a metadata
    key for the text as read. Stats: ``mtclean_edited`` and the components' counters."""

    name = "🧽 mtclean"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        config: CleanerConfig | None = None,
        batch_size: int = 64,
        keep_original: str | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.batch_size = batch_size
        self.keep_original = keep_original

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cleaner = Cleaner(self.config)
        for batch in batched(data, self.batch_size):
            with self.track_time("batch"):
                inputs = [Document(text=doc.text, id=str(doc.id)) for doc in batch]
                results = list(cleaner.pipe(inputs, batch_size=self.batch_size))
            for doc, result in zip(batch, results, strict=True):
                self.stat_update("total")
                if result.edits:
                    self.stat_update("mtclean_edited")
                for key, value in result.stats.items():
                    if value:
                        self.stat_update(f"mtclean.{key}", value=int(value))
                if self.keep_original is not None:
                    doc.metadata[self.keep_original] = doc.text
                doc.metadata[KEY] = mtclean_field(result, doc.text)
                doc.text = result.text
                yield doc


def _reason(record: dict[str, Any]) -> str:
    """``spun`` or ``mt``: which degradation covers more of the document."""
    cover = {"spun": 0, "mt": 0}
    for span in record.get("spans", []):
        if span.get("label") in cover:
            cover[span["label"]] += span["end"] - span["start"]
    return "mtclean_" + max(cover, key=lambda label: (cover[label], label == "spun"))


class MtcleanFilter(CleanerOnFirstUse, BaseFilter):  # type: ignore[misc]
    """Drop documents whose degradation score (the share of content words spun or machine-
    translated, in [0, 1]) is above ``max_score``, with the reason ``mtclean_spun`` or
    ``mtclean_mt``; dropped documents go to ``exclusion_writer`` if given. The score comes
    from ``doc.metadata["mtclean"]`` when ``MtcleanFormatter`` ran before, else the filter
    runs the Cleaner itself (and adds the record to the metadata)."""

    name = "🧽 mtclean filter"

    def __init__(
        self,
        max_score: float = 0.3,
        exclusion_writer: DiskWriter | None = None,
        config: CleanerConfig | None = None,
        batch_size: int = 64,
    ) -> None:
        super().__init__(exclusion_writer, batch_size=batch_size)
        self.max_score = max_score
        self.config = config

    def _records(self, docs: list[Any]) -> Iterator[dict[str, Any]]:
        missing = [doc for doc in docs if KEY not in doc.metadata]
        if missing:
            inputs = [Document(text=doc.text, id=str(doc.id)) for doc in missing]
            results: list[CleanResult] = list(self.cleaner.pipe(inputs))
            for doc, result in zip(missing, results, strict=True):
                doc.metadata[KEY] = mtclean_field(result, doc.text)
        for doc in docs:
            yield doc.metadata[KEY]

    def filter_batch(self, batch: list[Any]) -> list[bool | tuple[bool, str]]:
        verdicts: list[bool | tuple[bool, str]] = []
        for record in self._records(batch):
            if float(record["score"]) > self.max_score:
                verdicts.append((False, _reason(record)))
            else:
                verdicts.append(True)
        return verdicts

    def filter(self, doc: Any) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]
