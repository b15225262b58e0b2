"""Degradation generators: exact restore, determinism, density, inflection, names, phrases."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import read_seed, shared_data_dir

from mtclean.degrade import (
    Degraded,
    DegradedSpan,
    DictThesaurus,
    Spinner,
    concat,
    glue_documents,
    inject_boilerplate,
    restore,
    substituted_share,
)
from mtclean.degrade.punctuation import punctuate
from mtclean.degrade.roundtrip import align_sentence

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "cases" / "degrade_spinner.json").read_text("utf-8")
)
TINY = DictThesaurus({(lemma, pos): tuple(syns) for lemma, pos, syns in CASES["thesaurus"]})
# the case thesaurus alone: no connective table, so each case's expected output is the only one
SPINNER = Spinner(TINY, zipf_floor=0.0, function_table={})
BOILERPLATE = ("Source link", "Leave a Reply", "%d bloggers like this:", 'Press "Enter" to skip')
NEWS = (
    "The officials told reporters on Monday that talks had increased tensions. "
    "Two years ago the country said its foreign policy would change, otherwise nothing.\n\n"
    "Deputy Foreign Minister Sergei Ryabkov hoped the meeting would take part in a large "
    "process; officials warned that reporters took part in the talks.\n\n"
    "“We hope,” he said, “that the officials tell the truth.” OFFICIALS WARN OF LARGE TALKS"
)
needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None,
    reason="apertium not installed (apt-get install apertium apertium-eng-spa apertium-eng-cat)",
)

WORDS = st.sampled_from(
    [
        "the",
        "officials",
        "Officials",
        "told",
        "increased",
        "ago",
        "otherwise",
        "took",
        "part",
        "in",
        "talks",
        "Policy",
        "OFFICIALS",
        "Ryabkov",
        "100,000",
        "won't",
        "Russia's",
        "country",
        "large",
        "“quoted”",
        "—",
        ",",
        ".",
        "!",
        "?",
    ]
)
SEPARATORS = st.sampled_from([" ", " ", " ", "\n", "\n\n", "  ", ". ", ", "])


@st.composite
def news_like(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(WORDS, SEPARATORS), max_size=40))
    return "".join(w + s for w, s in parts)


# --- base ---------------------------------------------------------------------------------------


def test_restore_replaces_spans_by_originals() -> None:
    degraded = Degraded("Jap Europe is large", (DegradedSpan(0, 3, "spun", "Eastern"),))
    assert restore(degraded) == "Eastern Europe is large"
    assert degraded.span_texts() == ["Jap"]


def test_degraded_rejects_overlapping_spans() -> None:
    with pytest.raises(ValueError, match="overlap"):
        Degraded("abcdef", (DegradedSpan(0, 3, "mt", "x"), DegradedSpan(2, 4, "mt", "y")))


def test_concat_shifts_spans() -> None:
    a = Degraded("ab", (DegradedSpan(0, 1, "mt", "A"),))
    joined = concat([a, " ", a])
    assert joined.text == "ab ab"
    assert restore(joined) == "Ab Ab"


# --- spinner ------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=news_like(), seed=st.integers(0, 2**32), density=st.floats(0.0, 1.0))
def test_spinner_restore_is_exact(text: str, seed: int, density: float) -> None:
    assert restore(SPINNER.spin(text, seed, density=density)) == text


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=80), seed=st.integers(0, 1000))
def test_spinner_restore_is_exact_on_any_text(text: str, seed: int) -> None:
    assert restore(SPINNER.spin(text, seed, density=0.5)) == text


def test_spinner_is_deterministic_per_seed() -> None:
    first = SPINNER.spin(NEWS, 7, density=0.3)
    assert first == SPINNER.spin(NEWS, 7, density=0.3)
    same = Spinner(TINY, zipf_floor=0.0, function_table={})
    assert first == same.spin(NEWS, random.Random(7), density=0.3)
    assert len({SPINNER.spin(NEWS, seed, density=0.3).text for seed in range(10)}) > 1


def test_spinner_leaves_global_random_state_alone() -> None:
    random.seed(3)
    expected = random.random()
    random.seed(3)
    SPINNER.spin(NEWS, 1, density=0.5)
    assert random.random() == expected


@pytest.mark.parametrize("case", CASES["full_density"], ids=lambda c: c["text"][:30])
def test_spinner_cases(case: dict[str, Any]) -> None:
    for seed in range(5):
        degraded = SPINNER.spin(case["text"], seed, density=1.0)
        assert restore(degraded) == case["text"]
        for wanted in case["contains"]:
            assert wanted in degraded.text, (wanted, degraded.text)
        for kept in case["keeps"]:
            assert kept in degraded.text, (kept, degraded.text)
        assert all(s.label == "spun" for s in degraded.spans)


def test_spinner_phrases_in_both_directions() -> None:
    outputs = [SPINNER.spin(NEWS, seed, density=0.6) for seed in range(30)]
    pairs = {(d.text[s.start : s.end], s.original) for d in outputs for s in d.spans}
    assert any(" " in new and " " not in old for new, old in pairs)  # ago -> in the past
    assert any(" " in old and " " not in new for new, old in pairs)  # took part -> participated


def _density_text() -> str:
    sentence = "The officials told reporters that talks increased the large country's policy. "
    return sentence * 40


@pytest.mark.parametrize("density", [0.05, 0.2, 0.4])
def test_spinner_density_is_as_requested(density: float) -> None:
    text = _density_text()
    shares = [substituted_share(SPINNER.spin(text, seed, density=density)) for seed in range(10)]
    assert abs(sum(shares) / len(shares) - density) < 0.02


def test_spinner_keeps_one_choice_per_lemma_mostly() -> None:
    thesaurus = DictThesaurus({("official", "noun"): ("officer", "functionary", "bureaucrat")})
    spinner = Spinner(thesaurus, zipf_floor=0.0)
    degraded = spinner.spin("officials said and officials said. " * 20, 1, density=0.5)
    chosen = [degraded.text[s.start : s.end] for s in degraded.spans]
    most = max(chosen.count(c) for c in set(chosen))
    assert most >= 0.55 * len(chosen)


def test_spinner_rejects_bad_density() -> None:
    with pytest.raises(ValueError, match="density"):
        SPINNER.spin("text", 1, density=1.5)


# --- spinner over the shipped thesaurus ----------------------------------------------------------

_SHIPPED = Path(__file__).resolve().parent.parent / "mtclean" / "resources" / "thesaurus.tsv.gz"
needs_thesaurus = pytest.mark.skipif(
    not _SHIPPED.is_file(), reason=f"shipped thesaurus {_SHIPPED} not built yet"
)


@needs_thesaurus
def test_shipped_spinner_on_seed_article() -> None:
    from mtclean.degrade.spinner import Spinner, default_spinner
    from mtclean.thesaurus import load_thesaurus

    # the article's prose paragraphs (headlines and metadata lines are Title Case by design)
    seed_text = read_seed("000_91c3d4301d021a5a.txt")
    paragraphs = [p.strip() for p in seed_text.split("\n\n")]
    text = "\n\n".join(p for p in paragraphs if len(p.split()) > 25 and "\n" not in p)
    for density, low, high in ((0.05, 0.03, 0.07), (0.4, 0.25, 0.42)):
        degraded = default_spinner().spin(text, 11, density=density)
        assert restore(degraded) == text
        assert low <= substituted_share(degraded) <= high
    # names are never touched at proper_noun_rate 0; the news spinner spins inside them
    plain = Spinner(load_thesaurus()).spin(text, 11, density=0.4)
    assert not [
        s
        for s in plain.spans
        if s.original[:1].isupper() and not _sentence_initial(plain.text, s.start)
    ]
    spun = default_spinner().spin(text, 11, density=0.4)
    assert [
        s
        for s in spun.spans
        if s.original[:1].isupper() and not _sentence_initial(spun.text, s.start)
    ]


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip(" “\"'\u2018(")
    return not before or before[-1] in ".!?:\n—" or bool(re.search(r"\n\s*$", text[:start]))


@needs_thesaurus
def test_shipped_spinner_inflects() -> None:
    from lemminflect import getInflection

    from mtclean.degrade.spinner import default_spinner

    spinner = default_spinner()
    text = "The officials said that prices increased. Reporters asked questions."
    seen: set[tuple[str, str]] = set()
    for seed in range(20):
        degraded = spinner.spin(text, seed, density=1.0)
        seen |= {(degraded.text[s.start : s.end], s.original) for s in degraded.spans}
    for new, old in seen:
        if old in ("said", "increased", "asked") and " " not in new:
            assert new.endswith(("ed", "d", "t")) or new in {"told", "said", "rose", "grew"}, new
        if old in ("officials", "prices", "questions") and " " not in new:
            # a plural, or a noun that is its own plural ("personnel")
            assert new.endswith("s") or getInflection(new, "NNS") == (new,), new


# --- machine-translation round trips ----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    a=st.lists(st.sampled_from(["the", "cat", "sat", ",", "on", "mat", "."]), max_size=12),
    b=st.lists(st.sampled_from(["the", "dog", "sat", ",", "in", "mat", "."]), max_size=12),
    gap=st.sampled_from([" ", "  ", ""]),
)
def test_alignment_restore_is_exact(a: list[str], b: list[str], gap: str) -> None:
    original, translated = gap.join(a), " ".join(b)
    degraded = align_sentence(original, translated)
    assert restore(degraded) == original
    assert all(s.label == "mt" and s.start < s.end for s in degraded.spans)


def test_alignment_keeps_unchanged_words_outside_spans() -> None:
    degraded = align_sentence("The officials told reporters.", "The officers said reporters.")
    assert degraded.text == "The officers said reporters."
    assert degraded.span_texts() == ["officers said"]
    assert degraded.spans[0].original == "officials told"


def test_alignment_widens_insertions_and_deletions() -> None:
    degraded = align_sentence("It will be hard.", "will be hard.")
    assert restore(degraded) == "It will be hard."
    assert all(s.start < s.end for s in degraded.spans)


@needs_apertium
@pytest.mark.parametrize("pivot", ["spa", "cat"])
def test_roundtrip_restore_is_exact_and_deterministic(pivot: str) -> None:
    from mtclean.degrade.roundtrip import roundtrip_documents

    texts = [read_seed("000_91c3d4301d021a5a.txt"), NEWS, "", "One line\nwithout a stop"]
    first = roundtrip_documents(texts, 3, pivot=pivot)  # type: ignore[arg-type]
    assert first == roundtrip_documents(texts, 3, pivot=pivot)  # type: ignore[arg-type]
    for text, degraded in zip(texts, first, strict=True):
        assert restore(degraded) == text
    assert first[0].spans and all(s.label == "mt" for s in first[0].spans)


@needs_apertium
def test_roundtrip_rate_leaves_some_sentences_alone() -> None:
    from mtclean.degrade.roundtrip import roundtrip

    degraded = roundtrip(NEWS, 1, pivot="spa", rate=0.0)
    assert degraded.text == NEWS and not degraded.spans


# --- boilerplate ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(text=news_like(), seed=st.integers(0, 2**32), n=st.integers(0, 5))
def test_boilerplate_injection_restore_is_exact(text: str, seed: int, n: int) -> None:
    degraded = inject_boilerplate(text, BOILERPLATE, seed, n=n)
    assert restore(degraded) == text
    assert all(s.label == "boilerplate" and s.original == "" for s in degraded.spans)


def test_boilerplate_injection_keeps_existing_spans() -> None:
    spun = SPINNER.spin(NEWS, 2, density=0.4)
    degraded = inject_boilerplate(spun, BOILERPLATE, 5, n=4)
    assert restore(degraded) == NEWS
    labels = {s.label for s in degraded.spans}
    assert labels == {"spun", "boilerplate"}
    assert degraded == inject_boilerplate(spun, BOILERPLATE, 5, n=4)


def test_boilerplate_goes_between_paragraphs_only() -> None:
    degraded = inject_boilerplate("One.\n\nTwo.\n\nThree.", BOILERPLATE, 1, n=6, where=["between"])
    for span in degraded.spans:
        assert degraded.text[span.start - 2 : span.start] == "\n\n"


def test_glued_documents_restore_to_a_blank_line_join() -> None:
    for seed in range(20):
        spun = SPINNER.spin(NEWS, seed, density=0.3)
        glued = glue_documents("First article ends here.", spun, BOILERPLATE, seed)
        assert restore(glued) == "First article ends here.\n\n" + NEWS
        join = glued.spans[0]
        assert join.label == "boilerplate" and join.original == "\n\n"
        assert "\n" not in glued.text[: join.end]


@pytest.mark.needs_data
def test_harvest_boilerplate_from_benchmark() -> None:
    from mtclean.degrade.boilerplate import BENCHMARK_DIR, harvest_boilerplate

    folder = shared_data_dir() / BENCHMARK_DIR
    if not (folder / "ground-truth.json").is_file():
        pytest.skip(f"article-extraction benchmark not found at {folder} (set MTCLEAN_DATA)")
    lines = harvest_boilerplate(folder)
    assert len(lines) > 1000
    assert len(set(lines)) == len(lines)
    assert all(line and "\n" not in line for line in lines)


def test_spinner_output_does_not_depend_on_string_hashing() -> None:
    """Same seed, same text in two processes with different PYTHONHASHSEED: same output."""
    import os
    import subprocess
    import sys

    code = (
        "from mtclean.degrade.spinner import spin\n"
        "text = ('Officials brought about changes depending on the talks, and the minister told "
        "reporters that the policy had increased tensions in Eastern Europe weeks ago.')\n"
        "print(spin(text, 11, density=0.4).text)\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="abcAB .,\u201c\u201d\n", max_size=200), st.integers(0, 1000))
def test_punctuate_restore_is_exact_on_any_text(text: str, seed: int) -> None:
    assert restore(punctuate(text, seed, rate=0.3)) == text


def test_punctuate_damages_at_the_rate_asked_and_keeps_existing_spans() -> None:
    text = read_seed("000_91c3d4301d021a5a.txt")
    spun = Spinner(DictThesaurus({("talk", "NOUN"): ("negotiation",)})).spin(text, 1, density=1.0)
    assert spun.spans
    words = len(re.findall(r"\w+", text))
    light = punctuate(spun, 3, rate=0.005)
    heavy = punctuate(spun, 3, rate=0.03)
    for damaged in (light, heavy):
        assert restore(damaged) == text
        kept = [(damaged.text[s.start : s.end], s.original) for s in damaged.spans]
        assert [(spun.text[s.start : s.end], s.original) for s in spun.spans] == [
            pair for pair, s in zip(kept, damaged.spans, strict=True) if s.label == "spun"
        ]
    added = len(heavy.spans) - len(spun.spans)
    assert len(light.spans) - len(spun.spans) < added <= 0.03 * words * 2
    assert added >= 0.03 * words / 2
    assert {s.label for s in heavy.spans} - {"spun"} == {"mt"}
    assert punctuate(spun, 3, rate=0.03) == heavy
    with pytest.raises(ValueError, match="rate"):
        punctuate(text, 0, rate=1.5)


def test_cached_inflection_is_lemminflects() -> None:
    """``inflection`` (cached tables) gives exactly what ``lemminflect.getInflection`` gives, on
    lexicon words, out-of-vocabulary words, alternative tags and tags it refuses."""
    import lemminflect

    from mtclean.degrade.inflection import inflection

    lemmas = ["say", "official", "good", "fast", "child", "criterion", "be", "have", "run",
              "blorf", "Paris", "quickly", "data", "ox", "stop", "happy", "well"]  # fmt: skip
    tags = ["NN", "NNS", "NNP", "NNPS", "VB", "VBD", "VBG", "VBN", "VBZ", "VBP", "JJ", "JJR",
            "JJS", "RB", "RBR", "RBS", "RP"]  # fmt: skip
    for lemma in lemmas:
        for tag in tags:
            for oov in (True, False):
                expected = tuple(lemminflect.getInflection(lemma, tag=tag, inflect_oov=oov))
                assert inflection(lemma, tag, oov) == expected, (lemma, tag, oov)
