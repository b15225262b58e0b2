"""Per-word features: case, position, punctuation, word frequency, thesaurus relations and
n-gram statistics of the clean training corpus.

The encoder's tokenizer is uncased and blind to frequency, so these are concatenated to its
output before the classification head; the gradient-boosted model reads them alone (with its
neighbours'). Words are ``mtclean.text.WORD_RE`` matches; "context" neighbours are the
adjacent words when only spaces separate them (punctuation breaks an n-gram).
"""

from __future__ import annotations

import gzip
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from mtclean.degrade.function_words import STOPWORDS
from mtclean.text import WORD_RE, Piece, sentences, words, zipf

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

BOUNDARY = "<s>"
MIN_NGRAM_COUNT = 2  # bigrams seen fewer times are dropped (same rule at training and run time)
MAX_SOURCES = 12  # candidate original lemmas per word, most frequent first
NEIGHBOURS = 2  # words either side whose features the trees read too

FEATURE_NAMES: tuple[str, ...] = (
    "case_lower",
    "case_title",
    "case_upper",
    "case_other",
    "sentence_initial",
    "headline_line",
    "has_digit",
    "punct_before",
    "punct_after",
    "zipf",
    "has_synonyms",
    "n_sources",
    "source_zipf_gain",
    "synonym_zipf_gain",
    "corpus_count",
    "bigram_left",
    "bigram_right",
    "cond_left",
    "cond_right",
    "source_context_gain",
    "source_context",
    "position",
    "length",
    "stopword",
    "doc_repeat",
    "in_name_run",
    "zipf_prev",
    "zipf_next",
)
N_FEATURES = len(FEATURE_NAMES)


# A word is a ``WORD_RE`` match, ``text[start:end]``: the degrade package's pieces and words.
Word = Piece
tokenize = words


def neighbours(text: str, words: Sequence[Word]) -> tuple[list[str], list[str], list[str]]:
    """Each word lowercased, and its left and right context neighbours (``BOUNDARY`` where
    punctuation or a line break separates them)."""
    lowers = [w.text.lower() for w in words]
    prev = [BOUNDARY] * len(words)
    nxt = [BOUNDARY] * len(words)
    for chunk in context_chunks(text, words):
        for a, b in itertools.pairwise(chunk):
            prev[b] = lowers[a]
            nxt[a] = lowers[b]
    return lowers, prev, nxt


def context_chunks(text: str, words: Sequence[Word] | None = None) -> list[list[int]]:
    """Runs of word indices that only spaces separate (the unit of n-gram statistics)."""
    words = tokenize(text) if words is None else words
    chunks: list[list[int]] = []
    for index, word in enumerate(words):
        if index and not text[words[index - 1].end : word.start].strip(" "):
            chunks[-1].append(index)
        else:
            chunks.append([index])
    return chunks


@dataclass(frozen=True, slots=True)
class NgramTable:
    """Lowercased unigram and bigram counts of clean text (bigrams keyed ``"a b"``)."""

    unigrams: Mapping[str, int]
    bigrams: Mapping[str, int]
    total: int

    def uni(self, word: str) -> int:
        return self.unigrams.get(word, 0)

    def bi(self, left: str, right: str) -> int:
        return self.bigrams.get(left + " " + right, 0)

    def save(self, path: Path) -> None:
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
            handle.write(f"#total\t{self.total}\n")
            for key, value in sorted(self.unigrams.items()):
                handle.write(f"1\t{key}\t{value}\n")
            for key, value in sorted(self.bigrams.items()):
                handle.write(f"2\t{key}\t{value}\n")

    @classmethod
    def load(cls, path: Path) -> NgramTable:
        unigrams: dict[str, int] = {}
        bigrams: dict[str, int] = {}
        total = 0
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                kind, key, *rest = line.rstrip("\n").split("\t")
                if kind == "#total":
                    total = int(key)
                    continue
                value = rest[0]
                if kind == "1":
                    unigrams[key] = int(value)
                else:
                    bigrams[key] = int(value)
        return cls(unigrams, bigrams, total)


def load_ngrams(path: Path) -> NgramTable:
    """:meth:`NgramTable.load`, once per process and file version (the tables are read-only:
    the word scorer's features and the normalizer's context scorer share one copy)."""
    path = path.resolve()
    stat = path.stat()
    return _load_ngrams(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load_ngrams(path: Path, mtime_ns: int, size: int) -> NgramTable:
    return NgramTable.load(path)


def count_ngrams(text: str) -> tuple[Counter[str], Counter[str]]:
    """Unigram and bigram counts of one text (sentence boundaries padded with ``<s>``)."""
    words = tokenize(text)
    lowers = [w.text.lower() for w in words]
    uni: Counter[str] = Counter(lowers)
    bi: Counter[str] = Counter()
    for chunk in context_chunks(text, words):
        seq = [BOUNDARY, *(lowers[i] for i in chunk), BOUNDARY]
        bi.update(a + " " + b for a, b in itertools.pairwise(seq))
    return uni, bi


def build_table(
    uni: Counter[str], bi: Counter[str], minus: tuple[Counter[str], Counter[str]] | None = None
) -> NgramTable:
    """A table from counts, optionally minus a fold's counts; rare bigrams dropped."""
    if minus is not None:
        uni = uni - minus[0]
        bi = bi - minus[1]
    bigrams = {k: v for k, v in bi.items() if v >= MIN_NGRAM_COUNT}
    return NgramTable(dict(uni), bigrams, sum(uni.values()))


def fold_counts(
    texts: Iterable[tuple[int, str]], n_folds: int
) -> list[tuple[Counter[str], Counter[str]]]:
    """Counts per fold from ``(fold, clean text)`` pairs."""
    folds: list[tuple[Counter[str], Counter[str]]] = [
        (Counter(), Counter()) for _ in range(n_folds)
    ]
    for fold, text in texts:
        uni, bi = count_ngrams(text)
        folds[fold][0].update(uni)
        folds[fold][1].update(bi)
    return folds


@dataclass(frozen=True, slots=True)
class Lexical:
    """What the thesaurus says about one lowercased word (cached per word)."""

    has_synonyms: bool
    synonym_zipf: float  # the most frequent single-word synonym of any of its lemmas
    sources: tuple[str, ...]  # surface forms of lemmas listing one of its lemmas as synonym
    source_zipf: float


class ThesaurusIndex:
    """Forward and reverse single-word synonym relations of the shipped thesaurus."""

    def __init__(self) -> None:
        from mtclean.thesaurus import load_thesaurus

        self.thesaurus = load_thesaurus()
        reverse: dict[str, set[str]] = {}
        for entry in self.thesaurus.entries():
            if " " in entry.lemma or not entry.lemma.isalpha():
                continue
            for syn in entry.synonyms:
                if " " not in syn:
                    reverse.setdefault(syn.lower(), set()).add(entry.lemma.lower())
        self.reverse = reverse
        self._cache: dict[str, Lexical] = {}

    def lexical(self, lower: str) -> Lexical:
        cached = self._cache.get(lower)
        if cached is not None:
            return cached
        from mtclean.degrade.inflection import all_inflections, readings

        lemmas = {lower} | {r.lemma for r in readings(lower)}
        synonyms = {s for lemma in lemmas for s in self.thesaurus.synonyms(lemma) if " " not in s}
        sources = {s for lemma in lemmas for s in self.reverse.get(lemma, ())} - lemmas
        ranked = sorted(sources, key=lambda s: (-zipf(s), s))[:MAX_SOURCES]  # ties: by spelling
        forms: set[str] = set()
        for source in ranked:
            forms.add(source)
            for values in all_inflections(source).values():
                forms.update(v.lower() for v in values)
        forms -= {lower}
        result = Lexical(
            has_synonyms=bool(synonyms),
            synonym_zipf=max((zipf(s) for s in synonyms), default=0.0),
            sources=tuple(sorted(forms)),
            source_zipf=max((zipf(s) for s in ranked), default=0.0),
        )
        self._cache[lower] = result
        return result


@lru_cache(maxsize=1)
def thesaurus_index() -> ThesaurusIndex:
    return ThesaurusIndex()


def _case(word: str) -> int:
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return 3
    if all(c.islower() for c in letters):
        return 0
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return 2
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return 1
    return 3


def _headline_lines(text: str) -> list[tuple[int, int, bool]]:
    out: list[tuple[int, int, bool]] = []
    offset = 0
    for line in text.split("\n"):
        found = [m.group() for m in WORD_RE.finditer(line) if len(m.group()) > 3]
        title = (
            len(found) >= 2
            and sum(w[:1].isupper() for w in found) >= 0.8 * len(found)
            and not line.rstrip().endswith(".")
        )
        out.append((offset, offset + len(line), title))
        offset += len(line) + 1
    return out


class FeatureExtractor:
    """Turns a text into its words and a ``(n_words, N_FEATURES)`` float32 matrix."""

    def __init__(self, ngrams: NgramTable, index: ThesaurusIndex | None = None) -> None:
        self.ngrams = ngrams
        self.index = index if index is not None else thesaurus_index()

    def features(self, text: str) -> tuple[list[Word], npt.NDArray[np.float32]]:
        import numpy as np

        words = tokenize(text)
        n = len(words)
        out = np.zeros((n, N_FEATURES), dtype=np.float32)
        if not n:
            return words, out
        lowers, prev, nxt = neighbours(text, words)
        initial = {
            m.start() for s in sentences(text) if (m := WORD_RE.search(text, s.start, s.end))
        }
        lines = _headline_lines(text)
        repeats = Counter(lowers)
        ngrams = self.ngrams
        line_index = 0
        zipfs = [zipf(w) for w in lowers]
        for i, word in enumerate(words):
            lower = lowers[i]
            row = out[i]
            row[_case(word.text)] = 1.0
            row[4] = float(word.start in initial)
            while lines[line_index][1] < word.start:
                line_index += 1
            row[5] = float(lines[line_index][2])
            row[6] = float(any(c.isdigit() for c in word.text))
            gap_before = text[words[i - 1].end if i else 0 : word.start]
            gap_after = text[word.end : words[i + 1].start if i + 1 < n else len(text)]
            row[7] = float(bool(gap_before.strip()))
            row[8] = float(bool(gap_after.strip()))
            word_zipf = zipfs[i]
            row[9] = word_zipf / 8.0
            lex = self.index.lexical(lower)
            row[10] = float(lex.has_synonyms)
            row[11] = math.log1p(len(lex.sources))
            row[12] = (lex.source_zipf - word_zipf) / 4.0 if lex.sources else 0.0
            row[13] = (lex.synonym_zipf - word_zipf) / 4.0 if lex.has_synonyms else 0.0
            row[14] = math.log1p(ngrams.uni(lower)) / 10.0
            left, right = ngrams.bi(prev[i], lower), ngrams.bi(lower, nxt[i])
            row[15] = math.log1p(left) / 5.0
            row[16] = math.log1p(right) / 5.0
            own = math.log1p(left) + math.log1p(right)
            row[17] = math.log((left + 0.1) / (ngrams.uni(prev[i]) + 1.0)) / 10.0
            row[18] = math.log((right + 0.1) / (ngrams.uni(nxt[i]) + 1.0)) / 10.0
            best = 0.0
            for form in lex.sources:
                score = math.log1p(ngrams.bi(prev[i], form)) + math.log1p(ngrams.bi(form, nxt[i]))
                best = max(best, score)
            row[19] = (best - own) / 5.0
            row[20] = best / 5.0
            row[21] = i / n
            row[22] = min(len(word.text), 20) / 20.0
            row[23] = float(lower in STOPWORDS)
            row[24] = math.log1p(repeats[lower] - 1) / 3.0
            cap = word.text[:1].isupper()
            row[25] = float(
                cap
                and (
                    (i > 0 and prev[i] != BOUNDARY and words[i - 1].text[:1].isupper())
                    or (i + 1 < n and nxt[i] != BOUNDARY and words[i + 1].text[:1].isupper())
                )
            )
            row[26] = (zipfs[i - 1] if prev[i] != BOUNDARY else 0.0) / 8.0
            row[27] = (zipfs[i + 1] if nxt[i] != BOUNDARY else 0.0) / 8.0
        return words, out


ID_LABELS: tuple[str, ...] = ("O", "spun", "mt")
LABEL_IDS: dict[str, int] = {label: i for i, label in enumerate(ID_LABELS)}
N_LABELS = len(ID_LABELS)


def word_labels(words: Sequence[Word], spans: Iterable[Mapping[str, object]]) -> list[int]:
    """Label id per word: the label of a gold span it overlaps, else O."""
    labels = [0] * len(words)
    ordered = sorted((int(str(s["start"])), int(str(s["end"])), str(s["label"])) for s in spans)
    j = 0
    for i, word in enumerate(words):
        while j < len(ordered) and ordered[j][1] <= word.start:
            j += 1
        k = j
        while k < len(ordered) and ordered[k][0] < word.end:
            if ordered[k][1] > word.start and ordered[k][2] in LABEL_IDS:
                labels[i] = LABEL_IDS[ordered[k][2]]
                break
            k += 1
    return labels


def with_neighbours(
    features: npt.NDArray[np.float32], width: int = NEIGHBOURS
) -> npt.NDArray[np.float32]:
    """Each word's features next to those of ``width`` words either side (zeros at the ends)."""
    import numpy as np

    n, f = features.shape
    padded = np.zeros((n + 2 * width, f), dtype=np.float32)
    padded[width : width + n] = features
    parts = [padded[width + shift : width + shift + n] for shift in range(-width, width + 1)]
    return np.concatenate(parts, axis=1)
