"""Source alignment: a spun repost against the verbatim copy of its source.

Wire copy is reposted verbatim by many sites, so the source of a spun article is often in the
same corpus. Finding it must not be a pairwise scan: :class:`SourceIndex` keeps a MinHash
(datasketch) of each sibling's *anchors*, the words spinners leave alone (names, numbers and
rare words), in an LSH index, and checks the few documents it returns by aligning them.

:func:`align` aligns two texts word by word (difflib over lowercased words, no junk
heuristic); a differing stretch of at most :data:`MAX_STRETCH` words, with at least
:data:`MIN_FLANK` identical words either side, is a proposed restoration: the repost's wording
becomes the source's (case and inflection included, since they are copied). The alignment's
coverage (the share of the repost's words in identical runs) says whether the sibling is the
source at all.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mtclean.text import WORD_RE, Piece, words

if TYPE_CHECKING:
    from datasketch import MinHash

MAX_STRETCH = 6  # words on either side of a differing stretch proposed as a restoration
MIN_FLANK = 1  # identical words needed on both sides of it
MIN_COVERAGE = 0.5  # share of the repost's words aligned identically for a sibling to be its source
NUM_PERM = 128
LSH_THRESHOLD = 0.3  # anchor-set Jaccard at which LSH returns a sibling (then checked by align)
ANCHOR_ZIPF = 3.5  # a lowercase word rarer than this (wordfreq Zipf) is an anchor


@dataclass(frozen=True, slots=True)
class Stretch:
    """``repost[start:end]`` reads ``replacement`` in the source (``source_start`` there)."""

    start: int
    end: int
    replacement: str
    source_start: int


@dataclass(frozen=True, slots=True)
class Alignment:
    """How a repost aligns with one sibling: ``coverage`` (share of its words in identical
    runs), the ``same`` runs as ``[start, end)`` offsets in the repost, and the stretches."""

    source_id: str
    coverage: float
    stretches: tuple[Stretch, ...]
    same: tuple[tuple[int, int], ...] = ()

    def inside_same(self, start: int, end: int) -> bool:
        """Whether ``repost[start:end]`` lies wholly inside one identical run."""
        import bisect

        i = bisect.bisect_right(self.same, start, key=lambda run: run[0]) - 1
        return i >= 0 and end <= self.same[i][1]

    def differs(self, start: int, end: int) -> bool:
        """Whether ``repost[start:end]`` overlaps a differing stretch."""
        return any(st.start < end and start < st.end for st in self.stretches)


def _lower(pieces: Sequence[Piece]) -> list[str]:
    return [p.text.lower() for p in pieces]


def align(repost: str, source: str, source_id: str = "") -> Alignment:
    """The word alignment of ``repost`` with ``source`` and the stretches it proposes."""
    mine, theirs = words(repost), words(source)
    matcher = difflib.SequenceMatcher(None, _lower(mine), _lower(theirs), autojunk=False)
    opcodes = matcher.get_opcodes()
    same = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag == "equal")
    stretches: list[Stretch] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "replace" or i2 - i1 > MAX_STRETCH or j2 - j1 > MAX_STRETCH:
            continue
        before = opcodes[k - 1] if k else None
        after = opcodes[k + 1] if k + 1 < len(opcodes) else None
        flanked = all(
            op is not None and op[0] == "equal" and op[2] - op[1] >= MIN_FLANK
            for op in (before, after)
        )
        if not flanked:
            continue
        start, end = mine[i1].start, mine[i2 - 1].end
        s_start, s_end = theirs[j1].start, theirs[j2 - 1].end
        gap_mine = repost[start:end]
        gap_theirs = source[s_start:s_end]
        if "\n" in gap_mine or "\n" in gap_theirs:
            continue  # a stretch crossing a line is a different layout, not a paraphrase
        stretches.append(Stretch(start, end, gap_theirs, s_start))
    coverage = same / len(mine) if mine else 0.0
    runs = tuple(
        (mine[i1].start, mine[i2 - 1].end) for tag, i1, i2, _, _ in opcodes if tag == "equal"
    )
    return Alignment(source_id, round(coverage, 4), tuple(stretches), runs)


def anchors(text: str) -> set[str]:
    """The words a spinner leaves alone: capitalised words not opening a sentence, numbers,
    rare lowercase words (lowercased), plus their adjacent pairs for specificity."""
    from mtclean.text import zipf

    found: list[str] = []
    previous_end = -1
    for match in WORD_RE.finditer(text):
        word = match.group()
        opener = previous_end < 0 or text[previous_end : match.start()].strip() in (".", "!", "?")
        previous_end = match.end()
        if any(c.isdigit() for c in word) or (word[:1].isupper() and not opener):
            found.append(word.lower())
        elif word.islower() and len(word) > 3 and zipf(word) < ANCHOR_ZIPF:
            found.append(word)
    return set(found) | {a + " " + b for a, b in itertools.pairwise(found)}


def minhash(text: str) -> MinHash:
    from datasketch import MinHash

    sketch = MinHash(num_perm=NUM_PERM, seed=1)
    sketch.update_batch([a.encode("utf-8") for a in sorted(anchors(text))])
    return sketch


class SourceIndex:
    """Siblings indexed by their anchors' MinHash; :meth:`find` returns the best-aligned source
    of a text among the few siblings the LSH index returns (never the text itself)."""

    def __init__(self, threshold: float = LSH_THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self._lsh: Any = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._texts: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._texts)

    def add(self, doc_id: str, text: str) -> None:
        if doc_id in self._texts:
            raise ValueError(f"sibling id {doc_id!r} is given twice")
        self._texts[doc_id] = text
        self._lsh.insert(doc_id, minhash(text), check_duplication=False)

    def add_all(self, items: Iterable[tuple[str, str]]) -> None:
        for doc_id, text in items:
            self.add(doc_id, text)

    def candidates(self, text: str) -> list[str]:
        """Sibling ids whose anchors resemble the text's (LSH; no alignment yet)."""
        return sorted(self._lsh.query(minhash(text)))

    def find(self, text: str, min_coverage: float = MIN_COVERAGE) -> Alignment | None:
        best: Alignment | None = None
        for doc_id in self.candidates(text):
            source = self._texts[doc_id]
            if source == text:
                continue  # a document is not its own source (--cluster gives it too)
            found = align(text, source, doc_id)
            if found.coverage >= min_coverage and (best is None or found.coverage > best.coverage):
                best = found
        return best
