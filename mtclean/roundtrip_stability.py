"""Round-trip stability (Nguyen-Son et al. 2019): text that has already been machine-translated
is said to change less under another round trip than human text.

Each sentence goes English -> ``pivot`` -> English through Apertium
(:func:`mtclean.degrade.roundtrip.round_trip_sentences`, the package's one Apertium wrapper) and
its stability is the similarity of the round trip to the input: the difflib ratio of their
lower-cased word sequences, in [0, 1] (1: unchanged). Measured by ``scripts/eval_roundtrip.py``
(``benchmarks/mt_roundtrip.json``). Not a detector or a QE feature: on MLQE-PE it does not tell
neural MT output from the human post-edits of the same sentences, and what separates MLQE
sentences from BBC news (shorter, plainer Wikipedia sentences change less) holds for the
post-edits as much as for the MT output, i.e. it is the domain, not the translation; adding it
to the sentence estimate leaves the cross-validated Pearson with HTER where it was.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from mtclean.degrade.roundtrip import Pivot, round_trip_sentences

_WORD_RE = re.compile(r"\w+(?:[-'\u2019]\w+)*")


def stability(original: str, round_tripped: str) -> float:
    """Word-sequence similarity of a sentence and its round trip (1.0: unchanged)."""
    a = _WORD_RE.findall(original.lower())
    b = _WORD_RE.findall(round_tripped.lower())
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def roundtrip_stability(sentences: Sequence[str], pivot: Pivot = "spa") -> list[float]:
    """The stability of each sentence under an Apertium round trip through ``pivot``."""
    back = round_trip_sentences(sentences, pivot)
    return [stability(s, b) for s, b in zip(sentences, back, strict=True)]
