"""The interface every detector implements."""

from __future__ import annotations

from typing import ClassVar, Protocol

from mtclean.records import Detection, Document


class Detector(Protocol):
    """A named component that predicts degraded spans; it never rewrites text itself.

    ``name`` is the component's one name everywhere: config field, ``Span.source``, stats key.
    """

    name: ClassVar[str]

    def detect(self, doc: Document) -> Detection: ...


# A detector may also define ``detect_batch(docs: Sequence[Document]) -> list[Detection]``
# (one Detection per document, in order); ``Cleaner.pipe`` uses it to batch model inference.
