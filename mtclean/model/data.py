"""Training records: clean texts to spin on the fly, Apertium round trips, real MT errors.

A record is a plain dict (so that ``datasets`` can store it) with the keys

    id      stable id
    source  "bbc" or "mlqe"
    split   "train" or "dev" (dev: early stopping and calibration)
    fold    0..N_FOLDS-1, by source document: n-gram features of a record are computed from
            counts that exclude its fold (cross-fitting), so that training text never looks
            more familiar to the n-gram statistics than unseen text will
    kind    "clean" (spun afresh each epoch, or kept clean), "apertium" (round trip),
            "mlqe_mt" (real neural MT output aligned with its human post-edit)
    text    the text the model reads
    clean   the clean text it comes from
    spans   gold spans over ``text``: list of {"start", "end", "label"}

Held-out data is never read: BBC ``tech`` and MLQE-PE ``test20`` are filtered out here.
(:func:`mlqe_documents` itself takes whatever rows it is given: the training records pass it
everything but ``test20``, ``mtclean evaluate`` and ``scripts/eval_model.py`` only ``test20``.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from mtclean.corpora import detokenize
from mtclean.degrade.base import Degraded, concat
from mtclean.degrade.roundtrip import align_sentence, roundtrip_documents

N_FOLDS = 4
DEV_SHARE = 0.1
HELD_OUT_BBC = "tech"
HELD_OUT_MLQE = "test20"
MLQE_DOC_SENTENCES = 5
# MLQE-PE sentences come from different articles and ~9% lack a final full stop or start in
# lower case: one per line, so that joining them never fakes a lost or stray sentence break.
MLQE_SENTENCE_SEP = "\n"

Record = dict[str, Any]


def stable_unit(key: str) -> float:
    """A number in [0, 1) fixed by ``key`` (stable across runs and Python versions)."""
    digest = hashlib.sha1(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def fold_of(key: str) -> int:
    return int(stable_unit("fold:" + key) * N_FOLDS)


def split_of(key: str) -> str:
    return "dev" if stable_unit("split:" + key) < DEV_SHARE else "train"


def spans_json(degraded: Degraded) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end, "label": s.label} for s in degraded.spans]


def bbc_records(rows: Iterable[Mapping[str, Any]]) -> list[Record]:
    """Clean BBC articles outside the held-out ``tech`` category."""
    out: list[Record] = []
    for row in rows:
        text = str(row.get("text", ""))
        if row.get("category") == HELD_OUT_BBC or not text.strip():
            continue
        key = f"bbc-{row['id']}"
        out.append(
            {"id": key, "source": "bbc", "split": split_of(key), "fold": fold_of(key),
             "kind": "clean", "text": text, "clean": text, "spans": []}
        )  # fmt: skip
    return out


def mlqe_records(rows: Iterable[Mapping[str, Any]]) -> list[Record]:
    """MLQE-PE pairs outside ``test20`` in documents of a few sentences: the post-edits as a
    clean record and the MT output, aligned with the post-edit word by word, as ``mlqe_mt``.

    MLQE's own ``dev`` split is our dev split; ``train`` is split into folds by document.
    """
    out: list[Record] = []
    for doc in mlqe_documents(row for row in rows if row.get("split") != HELD_OUT_MLQE):
        ours = "dev" if doc.split == "dev" else "train"
        base = {"source": "mlqe", "split": ours, "fold": fold_of(doc.id), "clean": doc.clean}
        out.append({**base, "id": doc.id, "kind": "clean", "text": doc.clean, "spans": []})
        out.append(
            {**base, "id": doc.id + "-mt", "kind": "mlqe_mt", "text": doc.mt.text,
             "spans": spans_json(doc.mt)}
        )  # fmt: skip
    return out


class MlqeDocument(NamedTuple):
    """A few consecutive MLQE-PE sentences of one split and language pair."""

    id: str  # mlqe-{split}-{lp}-{n:05d}
    split: str  # MLQE's own split (train, dev, test20)
    lp: str  # language pair, e.g. ru-en
    clean: str  # the post-edits, one per line
    mt: Degraded  # the MT output joined likewise, ``mt`` spans where it differs (see mt_document)


def mlqe_documents(rows: Iterable[Mapping[str, Any]]) -> list[MlqeDocument]:
    """MLQE-PE rows (detokenised) in documents of :data:`MLQE_DOC_SENTENCES` consecutive
    sentences per (split, language pair), in that sorted order; a short remainder is dropped.

    Every row given is used: the caller chooses the splits (held-out ``test20`` or the rest).
    """
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in rows:
        groups.setdefault((str(row["split"]), str(row["lp"])), []).append(
            (detokenize(str(row["pe"])), detokenize(str(row["mt"])))
        )
    out: list[MlqeDocument] = []
    for (split, lp), pairs in sorted(groups.items()):
        for begin in range(0, len(pairs) - MLQE_DOC_SENTENCES + 1, MLQE_DOC_SENTENCES):
            chunk = pairs[begin : begin + MLQE_DOC_SENTENCES]
            key = f"mlqe-{split}-{lp}-{begin // MLQE_DOC_SENTENCES:05d}"
            out.append(
                MlqeDocument(
                    key,
                    split,
                    lp,
                    MLQE_SENTENCE_SEP.join(pe for pe, _ in chunk),
                    mt_document(chunk),
                )
            )
    return out


def mt_document(pairs: Sequence[tuple[str, str]]) -> Degraded:
    """Sentences of MT output, one per line, with ``mt`` spans where they differ from the
    post-edit (difflib on tokens, see :func:`mtclean.degrade.roundtrip.align_sentence`)."""
    parts: list[str | Degraded] = []
    for index, (pe, mt) in enumerate(pairs):
        if index:
            parts.append(MLQE_SENTENCE_SEP)
        parts.append(align_sentence(pe, mt))
    return concat(parts)


def roundtrip_records(clean: Sequence[Record], seed: int) -> list[Record]:
    """Apertium round trips (pivot drawn per document) of the given clean records."""
    degraded = roundtrip_documents([r["clean"] for r in clean], seed)
    return [
        {**r, "id": r["id"] + "-rt", "kind": "apertium", "text": d.text, "spans": spans_json(d)}
        for r, d in zip(clean, degraded, strict=True)
    ]
