"""The evaluation report's pieces on tiny inline data (no shared data needed)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtclean.cli import app
from mtclean.config import CleanerConfig
from mtclean.corpora import detokenize
from mtclean.degrade import Degraded, DegradedSpan
from mtclean.degrade import restore as restore_degraded
from mtclean.evaluation import systems
from mtclean.evaluation.environment import (
    APERTIUM_HINT,
    BBC_FILE,
    MLQE_FILE,
    SPIN_MODULES,
    Environment,
    missing_apertium,
    missing_for,
)
from mtclean.evaluation.gate import (
    BaselineFormatError,
    BaselineLoweringError,
    check,
    gated_metrics,
    updated_baseline,
)
from mtclean.evaluation.gold import GoldSpan, restore
from mtclean.evaluation.parts import (
    EvalDoc,
    Part,
    PartCollector,
    build_parts,
    gold_from_degraded,
    make_settings,
    punctuation_part,
)
from mtclean.evaluation.report import render_markdown
from mtclean.evaluation.run import Options, Outcome, run_evaluation
from mtclean.evaluation.scoring import score_clean_part, score_gold_part
from mtclean.evaluation.systems import (
    DEFAULT_SYSTEM,
    RULES_SYSTEM,
    SIBLINGS_SYSTEM,
    SYSTEMS,
    DoNothing,
    ModelState,
    SystemSpec,
    load_systems,
    missing_model,
)
from mtclean.paths import REPO
from mtclean.records import CleanResult, Edit, Span

runner = CliRunner()

DEGRADED = "Talks on Jap Europe resumed.\nSource link\n"
REFERENCE = "Talks on Eastern Europe resumed.\n"
GOLD = (
    GoldSpan(9, 12, "spun", "req", "Eastern"),
    GoldSpan(29, 41, "boilerplate", "req", ""),
)


class FakeSystem:
    """Finds "Jap" and fixes it; flags "Talks" as spun by mistake (an FP)."""

    def clean(self, text: str) -> CleanResult:
        start = text.find("Jap")
        spans = [Span(0, 5, "spun", 0.5, "fake")]
        edits: list[Edit] = []
        out = text
        if start >= 0:
            spans.append(Span(start, start + 3, "spun", 0.9, "fake", "Eastern"))
            edits.append(Edit(start, start + 3, "Eastern", "fake", 0.9, "spun"))
            out = text[:start] + "Eastern" + text[start + 3 :]
        return CleanResult("", out, tuple(edits), tuple(spans), {}, 0.5)


def _part() -> Part:
    return Part("tiny", "gold", "one fake document", (EvalDoc("d1", DEGRADED, REFERENCE, GOLD),))


def test_fake_gold_document_scores() -> None:
    assert restore(DEGRADED, GOLD) == REFERENCE
    record = score_gold_part(_part(), [FakeSystem().clean(DEGRADED)])
    spun = record["labels"]["spun"]
    assert (spun["tp"], spun["fp"], spun["fn"]) == (1, 1, 0)
    assert spun["precision"] == 0.5 and spun["recall"] == 1.0
    assert spun["restoration_exact_match"] == 1.0
    boiler = record["labels"]["boilerplate"]
    assert (boiler["tp"], boiler["fn"]) == (0, 1)
    text = record["text"]
    assert text["wer_before"] > text["wer_after"] > 0.0  # "Source link" is still there
    assert record["edits"] == 1


def test_do_nothing_scores_zero_and_keeps_text() -> None:
    result = DoNothing().clean(DEGRADED)
    assert result.text == DEGRADED and not result.spans
    record = score_gold_part(_part(), [result])
    assert record["labels"]["spun"]["fn"] == 1
    assert record["text"]["wer_before"] == record["text"]["wer_after"]


def test_clean_part_counts_false_flags_per_1000_words() -> None:
    clean = Part("c", "clean", "clean", (EvalDoc("c1", REFERENCE, REFERENCE),))
    record = score_clean_part(clean, [FakeSystem().clean(REFERENCE)])
    assert record["words"] == 5 and record["false_flags"] == 1
    assert record["false_flags_per_1000_words"] == pytest.approx(200.0)
    assert record["flags_per_1000_words"] == {"spun": 200.0, "mt": 0.0, "boilerplate": 0.0}
    assert record["edits"] == 0 and record["documents_changed"] == 0


def test_generator_spans_become_req_gold_with_the_original() -> None:
    degraded = Degraded("the officers said", (DegradedSpan(4, 12, "spun", "officials"),))
    gold = gold_from_degraded(degraded.spans)
    assert gold == (GoldSpan(4, 12, "spun", "req", "officials"),)
    assert restore(degraded.text, gold) == restore_degraded(degraded) == "the officials said"


def test_detokenize_mlqe() -> None:
    assert detokenize("It was adopted in 1911 , and ( in part ) it 's fine .") == (
        "It was adopted in 1911, and (in part) it's fine."
    )


def test_settings() -> None:
    assert make_settings(True, 0, None).bbc_docs == 20
    assert make_settings(True, 0, 5).mlqe_docs == 5
    assert make_settings(False, 0, None).bbc_docs is None
    with pytest.raises(ValueError):
        make_settings(False, 0, 0)


# --- the bbc_punctuation part ---------------------------------------------------------------

ARTICLES = (
    ("tech-1", "Mobile phone makers are racing to add cameras to their handsets. Analysts say "
               "the market will double by next year, while prices keep falling. \u201cPeople want "
               "one device for everything,\u201d said one industry watcher. The firms hope that "
               "faster networks will bring new users.\n\nSales rose in Europe and in Asia. But "
               "some buyers, worried about costs, are waiting for cheaper models."),
    ("tech-2", "A new search tool lets users look through their own files. \"It is fast and "
               "simple,\" the company said on Monday. Rivals are expected to follow soon, and "
               "the race for the desktop is on. Critics warn that privacy could suffer."),
)  # fmt: skip


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_punctuation_part_gold_restores_the_clean_articles(seed: int) -> None:
    part = punctuation_part(ARTICLES, seed, rate=0.15)
    assert (part.name, part.kind) == ("bbc_punctuation", "gold")
    assert [d.id for d in part.docs] == [doc_id for doc_id, _ in ARTICLES]
    for doc, (_, clean) in zip(part.docs, ARTICLES, strict=True):
        assert doc.reference == clean and doc.text != clean
        assert doc.gold and {(g.label, g.severity) for g in doc.gold} == {("mt", "req")}
        assert restore(doc.text, doc.gold) == clean
    assert punctuation_part(ARTICLES, seed, rate=0.15) == part  # deterministic per seed


def test_punctuation_part_is_built_from_the_bbc_tech_articles(tmp_path: Path) -> None:
    rows = [{"id": i, "category": "tech", "title": "t", "text": t} for i, t in ARTICLES]
    rows.insert(1, {"id": "sport-1", "category": "sport", "title": "t", "text": "Goal. Win."})
    (tmp_path / "bbc_news").mkdir()
    (tmp_path / BBC_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    env = _env(tmp_path, files=(BBC_FILE,), modules=frozenset(SPIN_MODULES))
    collector = build_parts(make_settings(True, 3, None), env, REPO / "seeds")
    parts = {p.name: p for p in collector.parts}
    assert {"bbc_punctuation", "clean_bbc"} <= set(parts)
    built = parts["bbc_punctuation"]
    assert built == punctuation_part(ARTICLES, 3)  # same articles, same rng per document
    assert "1%" in built.description
    skipped = {s.part for s in collector.skipped}
    assert "bbc_punctuation" not in skipped and "bbc_spin_medium" in skipped


# --- the mlqe_real_mt part ------------------------------------------------------------------


def _mlqe_row(split: str, lp: str, i: int) -> dict[str, Any]:
    """A tokenised MLQE-PE row: the MT says "sits" and "The" where the post-edit says "sat", "A"."""
    return {"split": split, "lp": lp, "idx": i, "src": "x", "hter": 0.2,
            "pe": f"A cat sat on mat {i} , it 's {lp} .",
            "mt": f"The cat sits on mat {i} , it 's {lp} ."}  # fmt: skip


MLQE_ROWS = (
    [_mlqe_row("test20", "ru-en", i) for i in range(7)]  # one document; 2 left over
    + [_mlqe_row("train", "ru-en", 100 + i) for i in range(5)]
    + [_mlqe_row("test20", "et-en", 200 + i) for i in range(5)]
    + [_mlqe_row("dev", "et-en", 300 + i) for i in range(5)]
)


def _mlqe_parts(tmp_path: Path, limit: int | None = None) -> PartCollector:
    (tmp_path / "mlqe_pe").mkdir(exist_ok=True)
    (tmp_path / MLQE_FILE).write_text("".join(json.dumps(r) + "\n" for r in MLQE_ROWS), "utf-8")
    env = _env(tmp_path, files=(MLQE_FILE,), modes=None)  # no Apertium: only the real MT part
    return build_parts(make_settings(False, 0, limit), env, REPO / "seeds")


def test_real_mt_part_is_test20_mt_whose_gold_restores_the_post_edit(tmp_path: Path) -> None:
    collector = _mlqe_parts(tmp_path)
    part = next(p for p in collector.parts if p.name == "mlqe_real_mt")
    assert part.kind == "gold" and "not an upper bound" in part.description
    assert sorted(d.id for d in part.docs) == ["mlqe-test20-et-en-00000", "mlqe-test20-ru-en-00000"]
    for doc in part.docs:
        lp = doc.id.split("-")[2] + "-en"
        first = 0 if lp == "ru-en" else 200
        rows = [r for r in MLQE_ROWS if r["split"] == "test20" and r["lp"] == lp][:5]
        assert [r["idx"] for r in rows] == list(range(first, first + 5))  # consecutive, in order
        assert doc.text == "\n".join(detokenize(r["mt"]) for r in rows)
        assert doc.reference == "\n".join(detokenize(r["pe"]) for r in rows)
        assert doc.text.startswith(f"The cat sits on mat {first}, it's {lp}.\nThe cat")
        assert restore(doc.text, doc.gold) == doc.reference
        assert {(g.label, g.severity) for g in doc.gold} == {("mt", "req")}
        assert [(doc.text[g.start : g.end], g.canonical) for g in doc.gold[:2]] == [
            ("The", "A"),
            ("sits", "sat"),
        ]
    skipped = {s.part: s for s in collector.skipped}
    assert "mlqe_real_mt" not in skipped and "not on PATH" in skipped["mlqe_mt_spa"].reason
    again = next(p for p in _mlqe_parts(tmp_path).parts if p.name == "mlqe_real_mt")
    assert again == part  # deterministic
    limited = next(p for p in _mlqe_parts(tmp_path, 1).parts if p.name == "mlqe_real_mt")
    assert len(limited.docs) == 1 and limited.docs[0] == part.docs[0]


def test_real_mt_part_is_skipped_without_the_mlqe_file(tmp_path: Path) -> None:
    collector = build_parts(make_settings(True, 0, None), _env(tmp_path), REPO / "seeds")
    assert "mlqe_real_mt" not in {p.name for p in collector.parts}
    skip = next(s for s in collector.skipped if s.part == "mlqe_real_mt")
    assert str(tmp_path / MLQE_FILE) in skip.reason and "mt_postedit.jsonl" in skip.fix


# --- missing data and tools -----------------------------------------------------------------


def _env(tmp: Path, *, exists: bool = True, files: tuple[str, ...] = (), **kw: Any) -> Environment:
    return Environment(tmp, exists, frozenset(files), kw.get("modules", frozenset()),
                       kw.get("modes", frozenset({"eng-spa", "spa-eng"})))  # fmt: skip


def test_missing_data_folder_says_to_set_mtclean_data(tmp_path: Path) -> None:
    skip = missing_for("bbc", _env(tmp_path / "nope", exists=False), files=(BBC_FILE,))
    assert skip is not None
    assert str(tmp_path / "nope") in skip.reason
    assert "MTCLEAN_DATA" in skip.fix and "bbc_news/" in skip.fix and "mlqe_pe/" in skip.fix


def test_missing_data_file_names_the_file(tmp_path: Path) -> None:
    skip = missing_for("mlqe", _env(tmp_path, files=(BBC_FILE,)), files=(MLQE_FILE,))
    assert skip is not None and str(tmp_path / MLQE_FILE) in skip.reason
    assert "mt_postedit.jsonl" in skip.fix
    assert missing_for("bbc", _env(tmp_path, files=(BBC_FILE,)), files=(BBC_FILE,)) is None


def test_missing_python_package_says_what_to_install(tmp_path: Path) -> None:
    env = _env(tmp_path, modules=frozenset({"lemminflect"}))
    skip = missing_for("bbc_spin", env, modules=("lemminflect", "wordfreq"))
    assert skip is not None and "lemminflect" in skip.reason and "mtclean[eval]" in skip.fix


def test_missing_apertium_says_which_apt_packages(tmp_path: Path) -> None:
    skip = missing_apertium("mlqe_mt_spa", "spa", _env(tmp_path, modes=None))
    assert skip is not None and "not on PATH" in skip.reason
    assert skip.fix == APERTIUM_HINT == "apt-get install apertium apertium-eng-spa apertium-eng-cat"
    cat = missing_apertium("mlqe_mt_cat", "cat", _env(tmp_path))
    assert cat is not None and "eng-cat" in cat.reason and "apertium-eng-cat" in cat.fix
    assert missing_apertium("mlqe_mt_spa", "spa", _env(tmp_path)) is None


# --- the systems and the trained model -----------------------------------------------------

INSTALLED = ModelState(Path("models"), "encoder", frozenset())


@pytest.mark.parametrize(
    ("state", "reason", "fix"),
    [
        (ModelState(Path("/m"), None, frozenset()), "no trained model in /m", "MTCLEAN_MODEL_DIR"),
        (ModelState(Path("/m"), "encoder", frozenset({"torch", "transformers"})),
         "torch, transformers not installed", "mtclean[train]"),
        (ModelState(Path("/m"), "gbm", frozenset({"sklearn"})), "sklearn", "mtclean[train]"),
        (ModelState(Path("/m"), "svm", frozenset()), "unknown model kind 'svm'", "scripts/train"),
    ],
)  # fmt: skip
def test_missing_model_says_what_is_missing(state: ModelState, reason: str, fix: str) -> None:
    skip = missing_model(DEFAULT_SYSTEM, state)
    assert skip is not None and skip.part == DEFAULT_SYSTEM
    assert reason in skip.reason and fix in skip.fix


def test_installed_model_is_not_skipped() -> None:
    assert missing_model(DEFAULT_SYSTEM, INSTALLED) is None
    # torch missing does not matter to a model kind that does not use it
    assert missing_model(DEFAULT_SYSTEM, ModelState(Path("m"), "gbm", frozenset({"torch"}))) is None


def test_systems_are_the_default_cleaner_and_its_rules() -> None:
    specs = {s.name: s for s in SYSTEMS}
    assert list(specs) == [
        "do-nothing", "lexicon-only", RULES_SYSTEM, DEFAULT_SYSTEM, SIBLINGS_SYSTEM
    ]  # fmt: skip
    assert specs[DEFAULT_SYSTEM].config == CleanerConfig() and CleanerConfig().model
    assert specs[RULES_SYSTEM].config == CleanerConfig(model=False)
    for spec in SYSTEMS:  # needs_model says exactly which configurations load the model
        assert spec.needs_model == (spec.config is not None and spec.config.model)
    assert [s.name for s in SYSTEMS if s.needs_model] == [DEFAULT_SYSTEM, SIBLINGS_SYSTEM]
    siblings = specs[SIBLINGS_SYSTEM]  # the default Cleaner, given siblings, on the seeds only
    assert siblings.config == CleanerConfig() and siblings.cluster
    assert siblings.runs_on("seeds") and not siblings.runs_on("clean_bbc")
    assert all(specs[n].runs_on("clean_bbc") for n in (RULES_SYSTEM, DEFAULT_SYSTEM))


FAKE_SPECS = (
    SystemSpec("do-nothing", "floor", None),
    SystemSpec("fake+model", "needs the model", CleanerConfig(model=True), needs_model=True),
)


def _no_probe() -> ModelState:
    raise AssertionError("the model must not be probed when it is not requested")


def test_without_the_model_its_systems_are_skipped_with_the_option() -> None:
    loaded, skipped, timings = load_systems(FAKE_SPECS, with_model=False, probe=_no_probe)
    assert [spec.name for spec, _ in loaded] == ["do-nothing"]
    assert [s.part for s in skipped] == ["fake+model"]
    assert "not requested" in skipped[0].reason and "--no-model" in skipped[0].fix
    assert set(timings) == {"load:do-nothing"}


def test_unavailable_model_becomes_a_skip_not_an_error() -> None:
    absent = ModelState(Path("/nowhere"), None, frozenset())
    loaded, skipped, _ = load_systems(FAKE_SPECS, with_model=True, probe=lambda: absent)
    assert [spec.name for spec, _ in loaded] == ["do-nothing"]
    assert [(s.part, s.reason) for s in skipped] == [
        ("fake+model", "no trained model in /nowhere (model.json not found)")
    ]


def test_model_that_fails_to_load_becomes_a_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(spec: SystemSpec) -> DoNothing:
        if spec.needs_model:
            raise ValueError("encoder weights do not fit")
        return DoNothing()

    monkeypatch.setattr(systems, "build_system", build)
    loaded, skipped, _ = load_systems(FAKE_SPECS, with_model=True, probe=lambda: INSTALLED)
    assert [spec.name for spec, _ in loaded] == ["do-nothing"]
    assert len(skipped) == 1 and "encoder weights do not fit" in skipped[0].reason
    assert "mtclean[train]" in skipped[0].fix


def test_loaded_model_system_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(systems, "build_system", lambda spec: FakeSystem())
    loaded, skipped, timings = load_systems(FAKE_SPECS, with_model=True, probe=lambda: INSTALLED)
    assert [spec.name for spec, _ in loaded] == ["do-nothing", "fake+model"] and not skipped
    assert "load:fake+model" in timings


@pytest.mark.parametrize(("args", "expected"), [([], True), (["--model"], True),
                                                (["--no-model"], False)])  # fmt: skip
def test_cli_model_option_reaches_the_options(
    monkeypatch: pytest.MonkeyPatch, args: list[str], expected: bool
) -> None:
    seen: list[Options] = []

    def fake(options: Options) -> Outcome:
        seen.append(options)
        return Outcome({"skipped": []}, (), None, None, ())

    monkeypatch.setattr("mtclean.evaluation.run.evaluate_and_write", fake)
    result = runner.invoke(app, ["evaluate", "--quiet", *args])
    assert result.exit_code == 0, result.output
    assert [o.model for o in seen] == [expected]
    assert Options().model  # the model systems run by default


def test_model_run_without_a_model_skips_it_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MTCLEAN_MODEL_DIR", str(tmp_path / "no-model"))
    options = Options(data=tmp_path / "absent", quick=True, plots=False, show_progress=False,
                      command=["mtclean", "evaluate"])  # fmt: skip
    report = run_evaluation(options)
    skip = next(s for s in report["skipped"] if s["part"] == DEFAULT_SYSTEM)
    assert str(tmp_path / "no-model") in skip["reason"] and "MTCLEAN_MODEL_DIR" in skip["fix"]
    assert DEFAULT_SYSTEM not in [s["name"] for s in report["systems"]]
    assert DEFAULT_SYSTEM not in report["parts"]["seeds"]["systems"]
    assert report["model"]["detectors_of"] == RULES_SYSTEM  # the headline falls back
    markdown = render_markdown(report)
    assert f"- **{DEFAULT_SYSTEM}**: no trained model in" in markdown
    assert f"detectors of `{RULES_SYSTEM}`: encoding, boilerplate" in markdown
    assert f"Most frequent unsupported terms after `{RULES_SYSTEM}`" in markdown


@pytest.fixture(scope="module")
def seeds_only_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    absent = tmp_path_factory.mktemp("nodata") / "absent"
    options = Options(data=absent, quick=True, plots=False, show_progress=False, model=False,
                      command=["mtclean", "evaluate", "--quick", "--no-model"])  # fmt: skip
    return run_evaluation(options)


def test_without_data_the_seeds_still_run(seeds_only_report: dict[str, Any]) -> None:
    report = seeds_only_report
    assert set(report["parts"]) == {"seeds", "clean_seed_bodies"}
    skipped = {s["part"]: s for s in report["skipped"]}
    for part in ("bbc_spin_light", "bbc_spin_heavy", "bbc_punctuation", "bbc_boilerplate",
                 "bbc_glued", "clean_bbc", "mlqe_mt_spa", "mlqe_mt_cat",
                 "mlqe_real_mt"):  # fmt: skip
        assert part in skipped and "MTCLEAN_DATA" in skipped[part]["fix"]
    assert "not requested" in skipped[DEFAULT_SYSTEM]["reason"]
    assert "--no-model" in skipped[DEFAULT_SYSTEM]["fix"]
    seeds = report["parts"]["seeds"]
    assert set(seeds["systems"]) == {"do-nothing", "lexicon-only", RULES_SYSTEM}
    assert [s["name"] for s in report["systems"]] == ["do-nothing", "lexicon-only", RULES_SYSTEM]
    assert seeds["gold_spans"]["spun"]["req"] > 0
    assert report["siblings"]["degraded"].startswith("003_")
    assert report["command"] == "mtclean evaluate --quick --no-model"
    assert report["model"]["resources_hash"]
    markdown = render_markdown(report)
    assert "## Skipped" in markdown and "MTCLEAN_DATA" in markdown
    assert (
        "#### seeds / spun" in markdown
        and f"| metric | do-nothing | lexicon-only | {RULES_SYSTEM} |" in markdown
    )
    assert f"- **{DEFAULT_SYSTEM}**: not requested" in markdown
    assert "To fix: run without --no-model." in markdown
    clean_table = markdown.split("#### clean_seed_bodies / false flags on clean text", 1)[1]
    assert "| spun flags per 1,000 words | 0.00 |" in clean_table
    assert "| mt flags per 1,000 words | 0.00 |" in clean_table


# --- the gate -------------------------------------------------------------------------------

GATED = RULES_SYSTEM


def _scores(f1: float, flags: float = 0.0) -> dict[str, dict[str, Any]]:
    """One system's records on part "a" (gold) and part "clean"."""
    label = {"precision": f1, "recall": f1, "f1": f1}
    return {
        "a": {"labels": {"spun": label, "mt": label},
              "text": {"wer_after": 0.2, "chrf_after": 80.0}},
        "clean": {"false_flags_per_1000_words": flags, "boilerplate_flags_per_1000_words": 0.0,
                  "edits_per_1000_words": 0.0},
    }  # fmt: skip


def _report(
    f1: float,
    flags: float = 0.0,
    parts: tuple[str, ...] = ("a", "clean"),
    systems: Mapping[str, dict[str, dict[str, Any]]] | None = None,
    skipped_systems: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A report of ``systems`` (default: the gated system scoring ``f1``, ``flags``)."""
    scores = {GATED: _scores(f1, flags)} if systems is None else systems
    all_parts: dict[str, Any] = {
        "a": {"kind": "gold", "gold_spans": {"spun": {"req": 3, "opt": 0}, "mt": {"req": 0}},
              "systems": {name: s["a"] for name, s in scores.items()}},
        "clean": {"kind": "clean", "systems": {name: s["clean"] for name, s in scores.items()}},
    }  # fmt: skip
    skipped = [
        {"part": p, "reason": "data missing", "fix": "x"} for p in all_parts if p not in parts
    ] + [{"part": s, "reason": "not requested", "fix": "y"} for s in skipped_systems]
    return {
        "systems": [{"name": name} for name in scores],
        "parts": {p: all_parts[p] for p in parts},
        "skipped": skipped,
        "settings": {"q": 1},
    }


def test_gated_metrics_only_for_labels_with_gold() -> None:
    keys = set(gated_metrics(_report(0.5), GATED))
    assert "a/spun/f1" in keys and "a/mt/f1" not in keys
    assert {
        "a/text/wer_after",
        "a/text/chrf_after",
        "clean/clean/false_flags_per_1000_words",
    } <= keys
    assert gated_metrics(_report(0.5), "absent") == {}


def test_every_system_is_gated_on_its_own_floors() -> None:
    both = _report(0.5, systems={GATED: _scores(0.5), DEFAULT_SYSTEM: _scores(0.8)})
    baseline = updated_baseline(both, None)
    assert set(baseline["systems"]) == {GATED, DEFAULT_SYSTEM}
    assert baseline["systems"][DEFAULT_SYSTEM]["metrics"]["a/spun/f1"]["measured"] == 0.8
    assert check(both, baseline).ok
    worse = _report(0.5, systems={GATED: _scores(0.5), DEFAULT_SYSTEM: _scores(0.6)})
    failures = check(worse, baseline).failures
    assert failures and all(f.startswith(f"{DEFAULT_SYSTEM}/a/") for f in failures)


def test_a_system_without_floors_is_reported_not_gated() -> None:
    baseline = updated_baseline(_report(0.5), None)
    both = _report(0.5, systems={GATED: _scores(0.5), DEFAULT_SYSTEM: _scores(0.0, flags=99.0)})
    result = check(both, baseline)
    assert result.ok and not result.not_checked
    assert set(result.passed) == {f"{GATED}/{key}" for key in gated_metrics(both, GATED)}
    assert len(result.not_gated) == 1
    assert result.not_gated[0].startswith(f"{DEFAULT_SYSTEM}: not gated (no floors")
    assert "--update-baseline" in result.not_gated[0]
    assert check(_report(0.5), baseline).not_gated == ()


def test_floors_of_a_skipped_system_are_not_checked_and_kept() -> None:
    both = _report(0.5, systems={GATED: _scores(0.5), DEFAULT_SYSTEM: _scores(0.8)})
    old = updated_baseline(both, None)
    rules_only = _report(0.5, skipped_systems=(DEFAULT_SYSTEM,))
    result = check(rules_only, old)
    assert result.ok and result.not_checked
    assert all(
        n.startswith(f"{DEFAULT_SYSTEM}/") and "(not requested)" in n for n in result.not_checked
    )
    assert updated_baseline(rules_only, old)["systems"] == old["systems"]
    gone = _report(0.5)  # the system neither ran nor was skipped: it no longer exists
    with pytest.raises(BaselineLoweringError, match=f"{DEFAULT_SYSTEM}: would be removed"):
        updated_baseline(gone, old)
    assert set(updated_baseline(gone, old, allow_lower=True)["systems"]) == {GATED}


def test_a_baseline_of_another_format_is_refused_with_what_to_do() -> None:
    old_format = {"format": 1, "system": "mtclean", "metrics": {}}
    with pytest.raises(BaselineFormatError, match="--update-baseline"):
        check(_report(0.5), old_format)
    with pytest.raises(BaselineFormatError):
        updated_baseline(_report(0.5), old_format)


def test_gate_passes_within_noise_and_fails_beyond_it() -> None:
    baseline = updated_baseline(_report(0.5, flags=1.0), None)
    entry = baseline["systems"][GATED]["metrics"]["a/spun/f1"]
    assert entry["measured"] == 0.5 and entry["bound"] == pytest.approx(0.5 - entry["margin"])
    assert check(_report(0.5 - entry["margin"] / 2, flags=1.2), baseline).ok
    result = check(_report(0.4, flags=1.0), baseline)
    assert not result.ok and any(
        f.startswith(f"{GATED}/a/spun/f1 = 0.4000 < floor") for f in result.failures
    )
    ceiling = check(_report(0.5, flags=3.0), baseline)
    assert any("false_flags_per_1000_words" in f and "ceiling" in f for f in ceiling.failures)


def test_gate_skips_parts_the_run_skipped_and_flags_vanished_metrics() -> None:
    baseline = updated_baseline(_report(0.5), None)
    result = check(_report(0.5, parts=("clean",)), baseline)
    assert result.ok and any("data missing" in n for n in result.not_checked)
    vanished = _report(0.5)
    vanished["parts"]["a"]["gold_spans"]["spun"]["req"] = 0
    assert any("missing" in f for f in check(vanished, baseline).failures)


def _floors(baseline: Mapping[str, Any]) -> dict[str, Any]:
    floors: dict[str, Any] = baseline["systems"][GATED]["metrics"]
    return floors


def test_lowering_a_floor_needs_allow_lower() -> None:
    old = updated_baseline(_report(0.6), None)
    with pytest.raises(BaselineLoweringError, match="--allow-lower") as caught:
        updated_baseline(_report(0.5), old)
    assert any(c.startswith(f"{GATED}/a/spun/f1: floor") for c in caught.value.changes)
    lowered = updated_baseline(_report(0.5), old, allow_lower=True)
    assert _floors(lowered)["a/spun/f1"]["measured"] == 0.5
    raised = updated_baseline(_report(0.7), old)  # raising floors needs no flag
    assert _floors(raised)["a/spun/f1"]["bound"] > _floors(old)["a/spun/f1"]["bound"]
    with pytest.raises(BaselineLoweringError):  # a ceiling going up is a lowering too
        updated_baseline(_report(0.6, flags=5.0), old)


def test_update_keeps_old_floor_on_tiny_jitter() -> None:
    old = updated_baseline(_report(0.6), None)
    new = updated_baseline(_report(0.6 - 0.001), old)  # well under a tenth of the 0.03 margin
    assert _floors(new)["a/spun/f1"] == _floors(old)["a/spun/f1"]


def test_update_keeps_floors_of_skipped_parts() -> None:
    old = updated_baseline(_report(0.6), None)
    new = updated_baseline(_report(0.6, parts=("clean",)), old)
    assert _floors(new)["a/spun/f1"] == _floors(old)["a/spun/f1"]


def test_cli_update_then_gate_then_refuse_lowering(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    common = ["evaluate", "--quick", "--quiet", "--no-model", "--data", str(tmp_path / "absent"),
              "--out", str(tmp_path / "out"), "--baseline", str(baseline)]  # fmt: skip
    result = runner.invoke(app, [*common, "--update-baseline"])
    assert result.exit_code == 0, result.output
    pinned = json.loads(baseline.read_text())
    assert set(pinned["systems"]) == {"do-nothing", "lexicon-only", GATED}  # every system run
    floors = pinned["systems"][GATED]["metrics"]
    assert "seeds/boilerplate/f1" in floors
    assert (tmp_path / "out" / "report.md").is_file() and (
        tmp_path / "out" / "report.json"
    ).is_file()
    summary = (tmp_path / "out" / "report.md").read_text("utf-8").split("## Summary", 1)[1]
    # the first column (do-nothing, which predicts nothing, is left out): lexicon-only
    assert "| seeds | boilerplate (17) | n/a / 0.00 [0.00, 0.00] / 0.00 (n=0) |" in summary
    assert "apt-get install" not in result.output or "skipped" in result.output
    assert "MTCLEAN_DATA" in result.output  # the skipped parts say how to get the data
    assert f"skipped {DEFAULT_SYSTEM}: not requested" in result.output

    assert runner.invoke(app, [*common, "--gate"]).exit_code == 0

    # Pin a floor the current system cannot reach: the gate must fail on it.
    key = "seeds/spun/f1"
    assert floors[key]["measured"] < 0.999
    floors[key]["bound"] = 0.999
    floors[key]["measured"] = 1.0
    baseline.write_text(json.dumps(pinned))
    failed = runner.invoke(app, [*common, "--gate"])
    assert failed.exit_code == 1 and f"{GATED}/{key}" in failed.output
    refused = runner.invoke(app, [*common, "--update-baseline"])
    assert refused.exit_code == 2 and "--allow-lower" in refused.output
    assert _floors(json.loads(baseline.read_text()))[key]["bound"] == 0.999
    allowed = runner.invoke(app, [*common, "--update-baseline", "--allow-lower"])
    assert allowed.exit_code == 0, allowed.output
    assert _floors(json.loads(baseline.read_text()))["seeds/boilerplate/f1"]["bound"] < 0.999
