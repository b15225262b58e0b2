"""The normalizer stage: ranked candidate originals for every flagged spun span.

For each ``spun`` span without a replacement it proposes the shipped tables' originals of the
span's wording (``mtclean.normalize.candidates``; a multiword span with none is taken word by
word), describes each candidate in context (``RANKER_FEATURES``: n-gram context score, table
evidence, frequency, the document's and the siblings' own wording, the masked-word model when
it is shipped) and ranks them with the fitted :class:`Ranker`. One wording gets one original per
document (spinners are consistent): the occurrences of a wording pool their evidence.

The span keeps its detection score; its ``candidates`` carry the ranker's probabilities, and
``Span.edit_score`` (their product with the detection score) is what the resolver compares with
the edit threshold, so an unsure restoration stays a flagged span with its ranked candidates.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from mtclean.model.features import BOUNDARY
from mtclean.normalize.alignment import Alignment
from mtclean.normalize.candidates import (
    MAX_PHRASE_WORDS,
    TABLES,
    CandidateIndex,
    Proposal,
    default_index,
)
from mtclean.normalize.ranking import (
    ContextScorer,
    Ranker,
    load_context_scorer,
)
from mtclean.normalize.wording_counts import WordingCounts
from mtclean.records import Candidate, Span
from mtclean.text import WORD_RE, zipf

NAME = "normalizer"
NAME_SCORE = 0.93  # a name written otherwise by its reference, and that spelling
ALIGNED_SCORE = 0.95  # a stretch that differs from the verified source, and its restoration
# a word the siblings' wording gives away: a flag, never an edit by itself (its edit score is
# this times the ranker's probability, below the default edit threshold)
SIBLING_WORDING_SCORE = 0.75
MAX_CANDIDATES = 5  # kept on a span, best first
MIN_CANDIDATE_SCORE = 0.005  # less likely candidates are not listed (the best one always is)
MAX_SCORED = 150  # proposals scored per wording (best table ranks first)
_CONTEXT = 120  # characters either side read for the neighbouring words


class MaskedScorer(Protocol):
    def score(self, items: Sequence[tuple[str, int, int, Sequence[str]]]) -> list[list[float]]: ...


class SiblingTerms(Protocol):
    def count(self, wording: str) -> int: ...


@dataclass(frozen=True, slots=True)
class Context:
    """The words around ``text[start:end]``: two before (``BOUNDARY`` when punctuation or a
    line break separates) and one after."""

    prev: str
    prev2: str
    nxt: str


def context_of(text: str, start: int, end: int) -> Context:
    left = text[max(0, start - _CONTEXT) : start]
    before = list(WORD_RE.finditer(left))
    prev = prev2 = BOUNDARY
    if before and not left[before[-1].end() :].strip(" "):
        prev = before[-1].group().lower()
        if len(before) > 1 and not left[before[-2].end() : before[-1].start()].strip(" "):
            prev2 = before[-2].group().lower()
    right = text[end : end + _CONTEXT]
    after = WORD_RE.search(right)
    nxt = after.group().lower() if after and not right[: after.start()].strip(" ") else BOUNDARY
    return Context(prev, prev2, nxt)


def _mean_zipf(wording: str) -> float:
    found = [zipf(w.lower()) for w in WORD_RE.findall(wording)]
    return sum(found) / len(found) if found else 0.0


@dataclass(frozen=True, slots=True)
class Scored:
    """One candidate of one occurrence: the proposal and its probability."""

    proposal: Proposal
    probability: float


class Normalizer:
    """Proposes and ranks originals for spun spans. Build once; reuse for every document."""

    name = NAME

    def __init__(
        self,
        ranker: Ranker,
        scorer: ContextScorer,
        index: CandidateIndex | None = None,
        masked: MaskedScorer | None = None,
    ) -> None:
        self.ranker = ranker
        self.scorer = scorer
        self._index = index
        self.masked = masked

    @property
    def index(self) -> CandidateIndex:
        """The tables read backwards (the shipped ones by default, built on first use)."""
        if self._index is None:
            self._index = default_index()
        return self._index

    # --- one wording in context -------------------------------------------------------------

    def proposals(self, text: str, start: int, end: int) -> list[Proposal]:
        ctx = context_of(text, start, end)
        prev = "" if ctx.prev == BOUNDARY else ctx.prev
        prev2 = "" if ctx.prev2 == BOUNDARY else ctx.prev2
        return self.index.propose(text[start:end], prev, prev2)[:MAX_SCORED]

    def rows(
        self,
        text: str,
        start: int,
        end: int,
        proposals: Sequence[Proposal],
        siblings: SiblingTerms | None = None,
        scorer: ContextScorer | None = None,
        masked: Sequence[float] | None = None,
        counts: WordingCounts | None = None,
    ) -> list[tuple[float, ...]]:
        """The :data:`RANKER_FEATURES` row of each proposal for ``text[start:end]``;
        ``counts``: the text's :class:`WordingCounts` (built once per document by
        :meth:`normalize`; without it, built here for this one span)."""
        if not proposals:
            return []
        scorer = scorer or self.scorer
        wording = text[start:end]
        ctx = context_of(text, start, end)
        context = scorer.scores(ctx.prev, [p.text for p in proposals], ctx.nxt)
        spun_context = scorer.score(ctx.prev, wording, ctx.nxt)
        best = max(context)
        order = {i: k for k, i in enumerate(sorted(range(len(context)), key=lambda i: -context[i]))}
        counts = counts if counts is not None and counts.text is text else WordingCounts(text)
        spun_zipf = _mean_zipf(wording)
        spun_words = len(WORD_RE.findall(wording))
        best_masked = max(masked) if masked else 0.0
        out: list[tuple[float, ...]] = []
        for i, proposal in enumerate(proposals):
            candidate_zipf = _mean_zipf(proposal.text)
            m = masked[i] if masked else 0.0
            row = (
                context[i] / 10.0,
                context[i] - best,
                context[i] - spun_context,
                float(order[i] == 0),
                math.log1p(order[i]),
                math.log1p(proposal.rank),
                float(len(proposal.tables)),
                *(float(t in proposal.tables) for t in TABLES),
                candidate_zipf / 8.0,
                (candidate_zipf - spun_zipf) / 4.0,
                math.log1p(counts.outside(start, end, proposal.text)),
                float(len(WORD_RE.findall(proposal.text)) - spun_words),
                math.log1p(len(proposals)),
                m / 10.0,
                m - best_masked,
                math.log1p(siblings.count(proposal.text)) if siblings is not None else 0.0,
            )
            out.append(row)
        return out

    def rank(
        self,
        text: str,
        start: int,
        end: int,
        siblings: SiblingTerms | None = None,
        counts: WordingCounts | None = None,
    ) -> list[Scored]:
        """The proposals for ``text[start:end]`` with their probabilities, best first."""
        proposals = self.proposals(text, start, end)
        if not proposals:
            return []
        masked = None
        if self.masked is not None:
            masked = self.masked.score([(text, start, end, [p.text for p in proposals])])[0]
        rows = self.rows(text, start, end, proposals, siblings, masked=masked, counts=counts)
        probs = self.ranker.probabilities(rows)
        scored = [Scored(p, q) for p, q in zip(proposals, probs, strict=True)]
        scored.sort(key=lambda s: -s.probability)
        return scored

    # --- a document ---------------------------------------------------------------------------

    def _pieces(self, text: str, span: Span) -> list[tuple[int, int]]:
        """Where to look for originals: the whole span when the tables know its wording, else
        each of its words."""
        if span.end - span.start and text[span.start : span.end] in self.index:
            return [(span.start, span.end)]
        found = [
            (span.start + m.start(), span.start + m.end())
            for m in WORD_RE.finditer(text[span.start : span.end])
        ]
        return found if len(found) > 1 else [(span.start, span.end)]

    def normalize(
        self,
        text: str,
        spans: Sequence[Span],
        siblings: SiblingTerms | None = None,
        hold: bool = False,
        reads_spun: bool = False,
    ) -> tuple[list[Span], dict[str, int]]:
        """``spans`` with ranked candidates (and a replacement) on the spun spans that had no
        replacement; other spans unchanged. Also returns counters for ``CleanResult.stats``.

        ``hold``: the document reads as clean (the model's estimate of its degraded share is
        low), so the ranked spans list their candidates but keep no replacement: flags, never
        edits (a clean "inside" or "whilst" is not a spun "in" or "while"). Restorations from a
        verified source and name repairs are not held.
        ``reads_spun``: the model reads the document as spun through; with siblings and no
        verified source, the words the siblings' wording gives away are flagged too
        (``mtclean.normalize.sibling_wording``)."""
        stats: Counter[str] = Counter()
        sources = getattr(siblings, "sources", None)
        alignment = sources.find(text) if sources is not None else None
        counts = WordingCounts(text)  # one index of the text for every use below
        if alignment is not None:
            spans = self._against_source(text, spans, alignment, stats)
        elif reads_spun and siblings is not None:
            spans = self._with_sibling_wording(text, spans, siblings, counts, stats)
        spans = self._with_names(text, spans, siblings, stats)
        spans = self._extended(text, spans, stats)
        targets = [i for i, s in enumerate(spans) if s.label == "spun" and s.replacement is None]
        pieces = {i: self._pieces(text, spans[i]) for i in targets}
        # pool the evidence of every occurrence of a wording (one original per document)
        ranked: dict[tuple[int, int], list[Scored]] = {}
        pooled: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
        occurrences: Counter[str] = Counter()
        for i in targets:
            for start, end in pieces[i]:
                scored = self.rank(text, start, end, siblings, counts)
                ranked[(start, end)] = scored
                key = text[start:end].lower()
                occurrences[key] += 1
                for s in scored:
                    pooled[key][s.proposal.text.lower()] += s.probability
        out = list(spans)
        for i in targets:
            span = spans[i]
            parts: list[tuple[int, int, list[Candidate]]] = []
            for start, end in pieces[i]:
                key = text[start:end].lower()
                votes = pooled[key]
                n = occurrences[key]
                options = sorted(
                    ranked[(start, end)],
                    key=lambda s: (-votes[s.proposal.text.lower()], -s.probability),
                )
                parts.append((start, end, _listed(options, votes, n)))
            candidates = _combine(text, span, parts)
            stats["spans"] += 1
            if not candidates:
                stats["no_candidate"] += 1
                continue
            stats["restorable"] += 1
            reason = f"{span.reason}; {NAME}: {candidates[0].text!r} p={candidates[0].score:.2f}"
            if hold:
                stats["held"] += 1
                reason += " (held: the document reads as clean)"
            out[i] = dataclasses.replace(
                span,
                replacement=None if hold else candidates[0].text,
                candidates=candidates,
                reason=reason,
            )
        return sorted(out, key=lambda s: (s.start, s.end, s.source)), dict(stats)

    def _with_sibling_wording(
        self,
        text: str,
        spans: Sequence[Span],
        siblings: SiblingTerms,
        counts: WordingCounts,
        stats: Counter[str],
    ) -> list[Span]:
        """Spun flags, without a replacement (the ranking below gives them their candidates,
        the siblings' wording among them), on the words outside every span that the siblings
        never write while they keep writing a candidate original of theirs."""
        from mtclean.normalize.sibling_wording import sibling_wording

        occupied = _disjoint((s.start, s.end) for s in spans)
        found = sibling_wording(text, siblings, counts, self.index, occupied)
        stats["sibling_wording"] += len(found)
        added = [
            Span(
                hit.start,
                hit.end,
                "spun",
                SIBLING_WORDING_SCORE,
                NAME,
                None,
                f"{NAME}: the siblings never write {hit.word!r} but write {hit.original!r} "
                f"{hit.count} times",
            )
            for hit in found
        ]
        return [*spans, *added]

    def _with_names(
        self,
        text: str,
        spans: Sequence[Span],
        siblings: SiblingTerms | None,
        stats: Counter[str],
    ) -> list[Span]:
        """Spans for names misspelt against the document or its siblings (``names``); they
        replace bare flags on the name, and yield to spans that propose a replacement."""
        from mtclean.normalize.names import misspelt_names

        related = getattr(siblings, "texts", ())
        # one sweep: the fixes come in text order and never overlap each other, so a span
        # ending before a fix ends before every later one
        order = sorted(range(len(spans)), key=lambda i: spans[i].start)
        cursor = 0
        active: list[int] = []
        removed: set[int] = set()
        added: list[Span] = []
        for fix in misspelt_names(text, related):
            while cursor < len(order) and spans[order[cursor]].start < fix.end:
                active.append(order[cursor])
                cursor += 1
            active = [i for i in active if fix.start < spans[i].end and i not in removed]
            overlapping = [spans[i] for i in active]
            if any(s.replacement is not None or s.label == "boilerplate" for s in overlapping):
                continue  # another component already proposes something there
            removed.update(active)  # a bare flag on the name: replaced
            added.append(
                Span(
                    fix.start,
                    fix.end,
                    "mt",
                    NAME_SCORE,
                    NAME,
                    fix.replacement,
                    f"{NAME}: name written {fix.replacement!r} in the {fix.reference}",
                    (Candidate(fix.replacement, NAME_SCORE, ("names", fix.reference)),),
                )
            )
            stats["names"] += 1
        return [s for i, s in enumerate(spans) if i not in removed] + added

    def _extended(self, text: str, spans: Sequence[Span], stats: Counter[str]) -> list[Span]:
        """Spun spans grown to the longest phrase of the tables around them (a detector that
        flags "by" and "means" of "by no means" gets "never" for the phrase); spans that grow
        into the same phrase become one."""
        out: list[Span] = []
        seen: dict[tuple[int, int], int] = {}
        for span in spans:
            if span.label == "spun" and span.replacement is None:
                grown = self._phrase_around(text, span.start, span.end)
                if grown != (span.start, span.end):
                    stats["extended"] += 1
                    span = dataclasses.replace(
                        span, start=grown[0], end=grown[1], reason=f"{span.reason}; phrase"
                    )
                key = (span.start, span.end)
                if key in seen:
                    if span.score > out[seen[key]].score:
                        out[seen[key]] = span
                    continue
                seen[key] = len(out)
            out.append(span)
        return out

    def _phrase_around(self, text: str, start: int, end: int) -> tuple[int, int]:
        left = list(WORD_RE.finditer(text, max(0, start - _CONTEXT), start))
        right = list(WORD_RE.finditer(text, end, min(len(text), end + _CONTEXT)))
        inner = WORD_RE.findall(text, start, end)
        best = (start, end)
        best_words = len(inner)
        room = MAX_PHRASE_WORDS - len(inner)
        for n_left in range(min(room, len(left)) + 1):
            for n_right in range(min(room - n_left, len(right)) + 1):
                if not n_left + n_right or len(inner) + n_left + n_right <= best_words:
                    continue
                a = left[len(left) - n_left].start() if n_left else start
                b = right[n_right - 1].end() if n_right else end
                wording = text[a:b]
                if "\n" in wording or not all(c.isalnum() or c in " -'" for c in wording):
                    continue
                if wording in self.index:
                    best, best_words = (a, b), len(inner) + n_left + n_right
        return best

    def _reads_as_repost(self, text: str, alignment: Alignment) -> bool:
        """Which way the alignment goes: the document is the repost when the sibling's wording
        of the differing stretches is the likelier one in context (spinners pick rarer words;
        both wordings share their neighbours, which the alignment left identical)."""
        gain = 0.0
        for st in alignment.stretches:
            ctx = context_of(text, st.start, st.end)
            gain += self.scorer.score(ctx.prev, st.replacement, ctx.nxt)
            gain -= self.scorer.score(ctx.prev, text[st.start : st.end], ctx.nxt)
        return gain > 0.0

    def _against_source(
        self, text: str, spans: Sequence[Span], alignment: Alignment, stats: Counter[str]
    ) -> list[Span]:
        """With the document's source found: its differing stretches become spans restored to
        the source's wording; spun/mt flags on wording identical to the source, or inside a
        stretch, are dropped."""
        stats["source_found"] += 1
        if not self._reads_as_repost(text, alignment):
            # the document reads as the original and the sibling as its repost: keep the
            # document's wording; flags on what the two share or where they differ go
            stats["source_is_repost"] += 1
            return [
                s
                for s in spans
                if s.label not in ("spun", "mt")
                or not (alignment.inside_same(s.start, s.end) or alignment.differs(s.start, s.end))
            ]
        found = [
            Span(
                st.start,
                st.end,
                "spun",
                ALIGNED_SCORE,
                NAME,
                st.replacement,
                f"{NAME}: reads {st.replacement!r} in its source {alignment.source_id!r} "
                f"({alignment.coverage:.0%} of words identical)",
                (Candidate(st.replacement, ALIGNED_SCORE, ("alignment", alignment.source_id)),),
            )
            for st in alignment.stretches
        ]
        stats["aligned"] += len(found)
        kept: list[Span] = []
        for span in spans:
            if span.label in ("spun", "mt"):
                if alignment.inside_same(span.start, span.end):
                    stats["dropped_same_as_source"] += 1
                    continue
                if alignment.differs(span.start, span.end):
                    stats["replaced_by_source"] += 1
                    continue
            kept.append(span)
        return [*kept, *found]


def _disjoint(stretches: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of ``stretches`` as sorted, disjoint ``(start, end)`` pairs."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(stretches):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _listed(options: Sequence[Scored], votes: Mapping[str, float], n: int) -> list[Candidate]:
    """The candidates a span lists: the best :data:`MAX_CANDIDATES` by pooled probability (the
    mean over the wording's ``n`` occurrences), the unlikely ones left out but the best kept."""
    listed = []
    for k, scored in enumerate(options[:MAX_CANDIDATES]):
        probability = votes[scored.proposal.text.lower()] / n
        if k == 0 or probability >= MIN_CANDIDATE_SCORE:
            text, tables = scored.proposal.text, scored.proposal.tables
            listed.append(Candidate(text, round(probability, 4), (*tables, "context")))
    return listed


def _combine(
    text: str, span: Span, parts: Sequence[tuple[int, int, list[Candidate]]]
) -> tuple[Candidate, ...]:
    """The span's candidates: its own when looked up whole; else the words' best candidates
    put together (words without one kept), scored by the product of the changed words'."""
    if len(parts) == 1 and (parts[0][0], parts[0][1]) == (span.start, span.end):
        return tuple(parts[0][2])
    if not any(options for _, _, options in parts):
        return ()
    pieces: list[str] = []
    position = span.start
    score = 1.0
    evidence: list[str] = []
    for start, end, options in parts:
        pieces.append(text[position:start])
        if options:
            pieces.append(options[0].text)
            score *= options[0].score
            evidence.extend(e for e in options[0].evidence if e not in evidence)
        else:
            pieces.append(text[start:end])
        position = end
    pieces.append(text[position : span.end])
    return (Candidate("".join(pieces), round(score, 4), tuple(evidence)),)


def _meta(model_dir: Path) -> Mapping[str, Any]:
    path = model_dir / "normalizer.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: rebuild it with `python scripts/train_normalizer.py --write` "
            "(see models/MODEL_CARD.md)"
        )
    data: Mapping[str, Any] = json.loads(path.read_text("utf-8"))
    return data


@lru_cache(maxsize=2)
def load_normalizer(model_dir: Path) -> Normalizer:
    """The shipped normalizer for ``model_dir`` (loaded once per process and folder); the
    masked-word model joins it when the ranker was fitted with it (``"masked": true``)."""
    meta = _meta(model_dir)
    masked: MaskedScorer | None = None
    if meta.get("masked"):
        from mtclean.normalize.masked import MaskedWordModel

        masked = MaskedWordModel.load(model_dir)
    ranker = Ranker.from_json(meta["ranker"])
    return Normalizer(ranker, load_context_scorer(model_dir), masked=masked)
