"""Placeholder: being built."""

from __future__ import annotations

from typing import ClassVar

from mtclean.records import Detection, Document


class BoilerplateDetector:
    name: ClassVar[str] = "boilerplate"

    def detect(self, doc: Document) -> Detection:
        return Detection()
