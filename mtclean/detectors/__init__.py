"""Detectors, by component name. Each one's ``name`` is also its config field."""

from __future__ import annotations

from mtclean.config import CleanerConfig
from mtclean.detectors.base import Detector


def build_detectors(config: CleanerConfig) -> list[Detector]:
    """The detectors ``config`` switches on, cheapest first."""
    detectors: list[Detector] = []
    if config.encoding:
        from mtclean.detectors.encoding import EncodingRepair

        detectors.append(EncodingRepair())
    if config.boilerplate:
        from mtclean.detectors.boilerplate import BoilerplateDetector

        detectors.append(BoilerplateDetector())
    if config.punctuation:
        from mtclean.detectors.punctuation import PunctuationDetector

        detectors.append(PunctuationDetector())
    if config.lexicon:
        from mtclean.detectors.lexicon import LexiconDetector

        detectors.append(LexiconDetector())
    if config.model:
        from mtclean.detectors.model import ModelDetector

        detectors.append(
            ModelDetector(threshold=config.model_threshold, screen=config.model_screen)
        )
    if config.qe:
        from mtclean.detectors.qe import QeDetector

        detectors.append(QeDetector(threshold=config.qe_threshold))
    if config.mt_words:
        from mtclean.detectors.mt_words import MtWordsDetector

        detectors.append(MtWordsDetector())
    return detectors


__all__ = ["Detector", "build_detectors"]
