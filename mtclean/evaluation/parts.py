"""The evaluation parts: sets of documents scored together, built from the seeds and held-out data.

- **seeds** (always runs; the seeds and their gold are in the repository): span scores per label,
  restoration, WER/chrF of the cleaned text against the gold-restored text, and the sibling check
  of the spun seed against its clean siblings (roles in :data:`SEED_ROLES`).
- **synthetic** (needs the shared data): the degradation generators applied on the fly to the
  held-out BBC ``tech`` articles (spinning at three densities, sentence-level MT damage,
  boilerplate injection, glued documents) and to MLQE-PE ``test20`` post-edits grouped into
  short documents (Apertium round trips through Spanish and Catalan). Generator spans become
  req gold spans whose canonical form is the original wording. These texts are never used for
  training or tuning.
- **real MT** (needs the shared data): ``mlqe_real_mt``, the real neural MT output of MLQE-PE
  ``test20`` in documents of consecutive sentences per language pair, with ``mt`` req gold spans
  where it differs from the human post-edit (canonical: the post-edit wording). Post-edits are
  minimal corrections, so many gold spans are fluent but different wording that no detector can
  be expected to find: the part measures recall on real MT, not an upper bound.
- **clean** (false flags): the clean BBC ``tech`` articles and the seed siblings' bodies.

:func:`build_parts` builds every part the environment allows and a :class:`Skip` for each one
it does not; the parts are a pure function of the inputs and ``seed``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mtclean.corpora import detokenize, read_jsonl
from mtclean.degrade.boilerplate import BENCHMARK_DIR
from mtclean.evaluation.environment import (
    BBC_FILE,
    BENCHMARK_FILE,
    HARVEST_MODULES,
    MLQE_FILE,
    SPIN_MODULES,
    Environment,
    Skip,
    apertium_modes,
    missing_apertium,
    missing_for,
)
from mtclean.evaluation.gold import GoldSpan, load_gold, restore
from mtclean.model.data import (
    HELD_OUT_BBC,
    HELD_OUT_MLQE,
    MLQE_DOC_SENTENCES,
    MLQE_SENTENCE_SEP,
    MlqeDocument,
    mlqe_documents,
)

logger = logging.getLogger(__name__)

PartKind = Literal["gold", "clean"]


@dataclass(frozen=True, slots=True)
class SeedRoles:
    """Which seed is which: the spun article and its clean siblings (whose bodies are also the
    ``clean_seed_bodies`` part)."""

    degraded: str
    siblings: tuple[str, ...]


SEED_ROLES = SeedRoles(
    degraded="003_b922d01c8accb03d.txt",
    siblings=("000_91c3d4301d021a5a.txt", "001_8eb623820132897e.txt"),
)

SPIN_DENSITIES: tuple[tuple[str, float], ...] = (("light", 0.05), ("medium", 0.2), ("heavy", 0.4))
HELD_OUT_SPIN_PART = "bbc_spin_heldout"
HELD_OUT_SPIN_DENSITY = 0.2
PUNCTUATION_RATE = 0.01  # sites of sentence-level MT damage per word
PIVOT_PARTS: tuple[tuple[str, str], ...] = (("spa", "Spanish"), ("cat", "Catalan"))
PIVOT_MODES = tuple(mode for pivot, _ in PIVOT_PARTS for mode in apertium_modes(pivot))
BOILERPLATE_BLOCKS = 3


@dataclass(frozen=True, slots=True)
class Settings:
    """Sample sizes: BBC documents per synthetic part, MLQE documents per pivot."""

    quick: bool
    seed: int
    bbc_docs: int | None
    mlqe_docs: int | None


QUICK_BBC_DOCS = 20
QUICK_MLQE_DOCS = 12  # 60 sentences


def make_settings(quick: bool, seed: int, limit: int | None) -> Settings:
    """``--limit`` caps every synthetic part; ``--quick`` without it takes the CI sample."""
    if limit is not None and limit < 1:
        raise ValueError(f"--limit must be at least 1, got {limit}")
    if limit is not None:
        return Settings(quick, seed, limit, limit)
    if quick:
        return Settings(quick, seed, QUICK_BBC_DOCS, QUICK_MLQE_DOCS)
    return Settings(quick, seed, None, None)


@dataclass(frozen=True, slots=True)
class EvalDoc:
    """One document to run: its (degraded) text, the clean reference and the gold spans."""

    id: str
    text: str
    reference: str
    gold: tuple[GoldSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class Part:
    """A set of documents scored together (``gold``: against spans; ``clean``: false flags)."""

    name: str
    kind: PartKind
    description: str
    docs: tuple[EvalDoc, ...]


def read_text(path: Path) -> str:
    """A file exactly as stored (UTF-8, newlines untranslated)."""
    return path.read_bytes().decode("utf-8")


# --- building parts -------------------------------------------------------------------------


def gold_from_degraded(spans: Sequence[Any]) -> tuple[GoldSpan, ...]:
    """Generator spans (``DegradedSpan``) as req gold spans whose canonical is the original."""
    return tuple(GoldSpan(s.start, s.end, s.label, "req", s.original) for s in spans)


def doc_rng(seed: int, part: str, doc_id: str) -> random.Random:
    """A private, reproducible random stream per (seed, part, document)."""
    return random.Random(f"{seed}:{part}:{doc_id}")


def seed_parts(seeds_dir: Path, gold_path: Path) -> list[Part]:
    """The seeds with their gold, and the siblings' bodies (text minus gold boilerplate)."""
    gold = load_gold(gold_path)
    docs: list[EvalDoc] = []
    bodies: list[EvalDoc] = []
    for doc_id, spans in gold.items():
        text = read_text(seeds_dir / doc_id)
        docs.append(EvalDoc(doc_id, text, restore(text, spans), tuple(spans)))
        if doc_id in SEED_ROLES.siblings:
            body = restore(text, [s for s in spans if s.label == "boilerplate"])
            bodies.append(EvalDoc(doc_id, body, body))
    return [
        Part("seeds", "gold", "the five seed articles with seeds/gold.jsonl", tuple(docs)),
        Part(
            "clean_seed_bodies",
            "clean",
            "bodies of the clean seed siblings (text minus gold boilerplate)",
            tuple(bodies),
        ),
    ]


def load_bbc_tech(path: Path, limit: int | None) -> list[tuple[str, str]]:
    """(id, text) of the held-out BBC ``tech`` articles, in file order."""
    rows: list[tuple[str, str]] = []
    for record in read_jsonl(path):
        if record.get("category") == HELD_OUT_BBC and str(record.get("text", "")).strip():
            rows.append((str(record["id"]), str(record["text"])))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def read_mlqe_test20(path: Path) -> list[dict[str, Any]]:
    """The held-out MLQE-PE ``test20`` rows, in file order (read once, shared by both parts)."""
    return [r for r in read_jsonl(path) if r.get("split") == HELD_OUT_MLQE]


def mlqe_docs(
    rows: Sequence[Mapping[str, Any]], limit: int | None, seed: int
) -> list[tuple[str, str]]:
    """``test20`` post-edits (detokenised), shuffled by seed, in short documents."""
    sentences = [detokenize(str(r["pe"])) for r in rows]
    random.Random(f"{seed}:mlqe").shuffle(sentences)
    size = MLQE_DOC_SENTENCES
    docs = [
        (f"mlqe-{HELD_OUT_MLQE}-{i // size:04d}", MLQE_SENTENCE_SEP.join(sentences[i : i + size]))
        for i in range(0, len(sentences) - size + 1, size)
    ]
    return docs if limit is None else docs[:limit]


def mlqe_mt_docs(
    rows: Sequence[Mapping[str, Any]], limit: int | None, seed: int
) -> list[MlqeDocument]:
    """``test20`` rows' MT output against its post-edit, in documents of consecutive sentences
    per language pair (:func:`mtclean.model.data.mlqe_documents`), shuffled by seed."""
    docs = mlqe_documents(rows)
    random.Random(f"{seed}:mlqe_real_mt").shuffle(docs)
    return docs if limit is None else docs[:limit]


def spin_parts(articles: Sequence[tuple[str, str]], seed: int) -> list[Part]:
    """The news spinner at three densities, and at 20% from the held-out pairs only (pairs the
    training spinner never draws: generalisation to an unseen spinner dictionary)."""
    from mtclean.degrade.spinner import default_spinner, held_out_spinner

    runs = [
        (f"bbc_spin_{level}", density, default_spinner(), "") for level, density in SPIN_DENSITIES
    ]
    runs.append(
        (HELD_OUT_SPIN_PART, HELD_OUT_SPIN_DENSITY, held_out_spinner(), ", held-out pairs only")
    )
    parts: list[Part] = []
    for name, density, spinner, note in runs:
        docs = []
        for doc_id, text in articles:
            degraded = spinner.spin(text, doc_rng(seed, name, doc_id), density=density)
            docs.append(EvalDoc(doc_id, degraded.text, text, gold_from_degraded(degraded.spans)))
        description = f"BBC tech spun at {density:.0%} of words{note}"
        parts.append(Part(name, "gold", description, tuple(docs)))
    return parts


def punctuation_part(
    articles: Sequence[tuple[str, str]], seed: int, rate: float = PUNCTUATION_RATE
) -> Part:
    """Sentence-level MT damage (stray and missing breaks, stray punctuation, capitals
    mid-sentence, lost quote marks) added to the articles as ``mt`` gold spans."""
    from mtclean.degrade.punctuation import punctuate

    name = "bbc_punctuation"
    docs = []
    for doc_id, text in articles:
        degraded = punctuate(text, doc_rng(seed, name, doc_id), rate=rate)
        docs.append(EvalDoc(doc_id, degraded.text, text, gold_from_degraded(degraded.spans)))
    return Part(
        name,
        "gold",
        f"BBC tech with sentence-level MT damage (stray/missing sentence breaks and punctuation, "
        f"capitals mid-sentence, lost quote marks) at {rate:.0%} of words",
        tuple(docs),
    )


def boilerplate_parts(
    articles: Sequence[tuple[str, str]], lines: Sequence[str], seed: int
) -> list[Part]:
    from mtclean.degrade import glue_documents, inject_boilerplate

    injected = []
    for doc_id, text in articles:
        rng = doc_rng(seed, "bbc_boilerplate", doc_id)
        degraded = inject_boilerplate(text, lines, rng, n=BOILERPLATE_BLOCKS)
        injected.append(EvalDoc(doc_id, degraded.text, text, gold_from_degraded(degraded.spans)))
    glued = []
    for index, (doc_id, text) in enumerate(articles):
        other_id, other = articles[(index + 1) % len(articles)]
        rng = doc_rng(seed, "bbc_glued", doc_id)
        degraded = glue_documents(text, other, lines, rng)
        glued.append(
            EvalDoc(
                f"{doc_id}+{other_id}",
                degraded.text,
                text + "\n\n" + other,
                gold_from_degraded(degraded.spans),
            )
        )
    return [
        Part(
            "bbc_boilerplate",
            "gold",
            f"BBC tech with {BOILERPLATE_BLOCKS} injected blocks of real scraper boilerplate",
            tuple(injected),
        ),
        Part("bbc_glued", "gold", "pairs of BBC tech articles glued by boilerplate", tuple(glued)),
    ]


def roundtrip_part(docs: Sequence[tuple[str, str]], pivot: str, language: str, seed: int) -> Part:
    from mtclean.degrade import roundtrip_documents

    degraded = roundtrip_documents([text for _, text in docs], seed, pivot=pivot)  # type: ignore[arg-type]
    return Part(
        f"mlqe_mt_{pivot}",
        "gold",
        f"MLQE-PE test20 post-edits round-tripped eng->{pivot}->eng ({language}) by Apertium",
        tuple(
            EvalDoc(doc_id, d.text, text, gold_from_degraded(d.spans))
            for (doc_id, text), d in zip(docs, degraded, strict=True)
        ),
    )


REAL_MT_DESCRIPTION = (
    f"MLQE-PE test20 real neural MT output ({MLQE_DOC_SENTENCES} consecutive sentences per "
    "language pair), gold mt spans where it differs from the human post-edit (post-edits are "
    "minimal corrections, so many gold spans are fluent but different wording that no detector "
    "can be expected to find: this measures recall on real MT, not an upper bound)"
)


def real_mt_part(docs: Sequence[MlqeDocument]) -> Part:
    """Real MT output as the text, the post-edit as the reference, differences as gold spans."""
    return Part(
        "mlqe_real_mt",
        "gold",
        REAL_MT_DESCRIPTION,
        tuple(EvalDoc(d.id, d.mt.text, d.clean, gold_from_degraded(d.mt.spans)) for d in docs),
    )


def clean_bbc_part(articles: Sequence[tuple[str, str]]) -> Part:
    return Part(
        "clean_bbc",
        "clean",
        "the clean BBC tech articles themselves",
        tuple(EvalDoc(doc_id, text, text) for doc_id, text in articles),
    )


# --- every part the environment allows ----------------------------------------------------


PartBuilder = Callable[[], list[Part]]


class PartCollector:
    """Builds parts guarded by their requirements; records every skip with its reason."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.skipped: list[Skip] = []
        self.timings: dict[str, float] = {}

    def add(self, names: Sequence[str], skip: Skip | None, build: PartBuilder) -> None:
        if skip is not None:
            for name in names:
                self.skipped.append(Skip(name, skip.reason, skip.fix))
            return
        started = time.perf_counter()
        try:
            built = build()
        except (OSError, RuntimeError, ValueError) as error:  # a generator failed: say so
            logger.warning("could not build %s: %s", ", ".join(names), error)
            for name in names:
                self.skipped.append(
                    Skip(
                        name,
                        f"building the part failed: {error}",
                        "see the log; report it if the data is complete",
                    )
                )
            return
        per_part = (time.perf_counter() - started) / max(len(built), 1)
        for part in built:
            self.parts.append(part)
            self.timings[f"build:{part.name}"] = per_part


def build_parts(settings: Settings, env: Environment, seeds_dir: Path) -> PartCollector:
    """Every part the environment allows, and a Skip for each one it does not."""
    collector = PartCollector()
    gold_path = seeds_dir / "gold.jsonl"
    seeds_skip = (
        None
        if gold_path.is_file()
        else Skip(
            "seeds",
            f"{gold_path} not found",
            "reinstall mtclean (its package ships the seeds) or run from a clone of the repository",
        )
    )
    collector.add(
        ("seeds", "clean_seed_bodies"), seeds_skip, lambda: seed_parts(seeds_dir, gold_path)
    )

    data = env.data_dir
    spin_names = [f"bbc_spin_{level}" for level, _ in SPIN_DENSITIES] + [HELD_OUT_SPIN_PART]
    articles: list[tuple[str, str]] = []
    bbc_skip = missing_for("bbc", env, files=(BBC_FILE,))
    if bbc_skip is None:
        articles = load_bbc_tech(data / BBC_FILE, settings.bbc_docs)
    collector.add(
        spin_names,
        bbc_skip or missing_for("bbc_spin", env, modules=SPIN_MODULES),
        lambda: spin_parts(articles, settings.seed),
    )
    collector.add(
        ("bbc_punctuation",), bbc_skip, lambda: [punctuation_part(articles, settings.seed)]
    )

    def _boilerplate() -> list[Part]:
        from mtclean.degrade import harvest_boilerplate

        lines = harvest_boilerplate(data / BENCHMARK_DIR)
        return boilerplate_parts(articles, lines, settings.seed)

    collector.add(
        ("bbc_boilerplate", "bbc_glued"),
        bbc_skip or missing_for("bbc_boilerplate", env, (BENCHMARK_FILE,), HARVEST_MODULES),
        _boilerplate,
    )
    collector.add(("clean_bbc",), bbc_skip, lambda: [clean_bbc_part(articles)])

    mlqe_skip = missing_for("mlqe", env, files=(MLQE_FILE,))
    test20: list[dict[str, Any]] = []
    post_edits: list[tuple[str, str]] = []
    if mlqe_skip is None:
        test20 = read_mlqe_test20(data / MLQE_FILE)
        post_edits = mlqe_docs(test20, settings.mlqe_docs, settings.seed)
    for pivot, language in PIVOT_PARTS:
        collector.add(
            (f"mlqe_mt_{pivot}",),
            mlqe_skip or missing_apertium(f"mlqe_mt_{pivot}", pivot, env),
            lambda p=pivot, lang=language: [  # type: ignore[misc]
                roundtrip_part(post_edits, p, lang, settings.seed)
            ],
        )
    collector.add(
        ("mlqe_real_mt",),
        mlqe_skip,
        lambda: [real_mt_part(mlqe_mt_docs(test20, settings.mlqe_docs, settings.seed))],
    )
    return collector
