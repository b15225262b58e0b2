"""NeMo Curator steps: ``MtcleanModifier`` (a ``DocumentModifier``: the cleaned text) and
``MtcleanFilter`` (a ``DocumentFilter``: the document's degradation score, keeping documents
at or below ``max_score``), for NeMo Curator's own ``Modify`` and ``ScoreFilter`` stages.

    from nemo_curator.stages.text.filters import ScoreFilter
    from nemo_curator.stages.text.modifiers import Modify
    from mtclean.integrations.nemo_curator import MtcleanFilter, MtcleanModifier

    stages = [
        ScoreFilter(MtcleanFilter(max_score=0.3), text_field="text", score_field="mtclean_score"),
        Modify(MtcleanModifier(), input_fields="text"),
    ]

Each builds its Cleaner on first use, in the worker that runs it, and leaves it out when it
is pickled, so the stages ship to any executor. The filter scores the text it is given (put
it before the modifier to score the text as read); each step runs the Cleaner once per
document.
"""

from __future__ import annotations

from nemo_curator.stages.text.filters import DocumentFilter
from nemo_curator.stages.text.modifiers import DocumentModifier

from mtclean.config import CleanerConfig
from mtclean.integrations.lazy_cleaner import CleanerOnFirstUse
from mtclean.records import Document


class MtcleanModifier(CleanerOnFirstUse, DocumentModifier):  # type: ignore[misc]
    """The cleaned text of each document (boilerplate removed, confident repairs applied)."""

    def __init__(self, config: CleanerConfig | None = None) -> None:
        super().__init__()
        self.config = config

    def modify_document(self, text: str) -> str:
        return self.cleaner.clean(Document(text=text)).text


class MtcleanFilter(CleanerOnFirstUse, DocumentFilter):  # type: ignore[misc]
    """Scores a document by mtclean's estimate of its spun or machine-translated share of
    content words (``CleanResult.score``, in [0, 1]); keeps it at or below ``max_score``."""

    def __init__(self, max_score: float = 0.3, config: CleanerConfig | None = None) -> None:
        super().__init__()
        self.max_score = max_score
        self.config = config

    def score_document(self, text: str) -> float:
        return self.cleaner.clean(Document(text=text)).score

    def keep_document(self, scores: float) -> bool:
        return scores <= self.max_score
