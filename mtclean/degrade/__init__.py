"""Degradation generators: spun, machine-translated and boilerplate-polluted text with gold spans.

Every generator is deterministic given its seed (an int or a ``random.Random``; never the global
random state) and returns a :class:`Degraded` text whose spans carry the clean wording they
replaced, so that ``restore(degraded)`` gives back the clean input exactly.
Optional dependencies are imported where they are used: ``lemminflect`` and ``wordfreq`` (spinner),
``html-text`` (boilerplate harvest), the ``apertium`` program (round trips).
"""

from mtclean.degrade.base import (
    Degraded,
    DegradedSpan,
    concat,
    make_rng,
    restore,
    substituted_share,
)
from mtclean.degrade.boilerplate import glue_documents, harvest_boilerplate, inject_boilerplate
from mtclean.degrade.roundtrip import apertium_available, roundtrip, roundtrip_documents
from mtclean.degrade.spinner import DictThesaurus, Spinner, spin

__all__ = [
    "Degraded",
    "DegradedSpan",
    "DictThesaurus",
    "Spinner",
    "apertium_available",
    "concat",
    "glue_documents",
    "harvest_boilerplate",
    "inject_boilerplate",
    "make_rng",
    "restore",
    "roundtrip",
    "roundtrip_documents",
    "spin",
    "substituted_share",
]
