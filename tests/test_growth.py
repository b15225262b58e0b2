"""Linear-time structures give what the quadratic loops they replaced gave (issue 13).

Each fast path is checked against the plain definition it replaced, on generated inputs; the
timings themselves are measured by ``scripts/bench_growth.py`` (timing tests would be flaky on a
shared machine).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtclean.detectors import punctuation
from mtclean.intervals import DisjointIntervals, _PositionSet, max_cover
from mtclean.normalize.names import _one_edit_candidates, _one_edit_index
from mtclean.normalize.wording_counts import WordingCounts, count_outside_slow
from mtclean.records import Span
from mtclean.resolve import _overlaps, resolve_edits
from mtclean.scoring import degradation_score

SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(st.integers(1, 70_000), st.lists(st.integers(0, 69_999), max_size=40), st.data())
def test_position_set_predecessor(size: int, members: list[int], data: st.DataObject) -> None:
    positions = _PositionSet(size)
    kept = {m for m in members if m < size}
    for m in kept:
        positions.add(m)
    for bound in data.draw(st.lists(st.integers(0, size + 1), max_size=20)):
        assert positions.last_below(bound) == max((m for m in kept if m < bound), default=-1)


intervals = st.lists(
    st.tuples(st.integers(0, 300), st.sampled_from([0, 0, 1, 2, 3, 7, 20, 64, 65, 150])),
    max_size=80,
)


@SETTINGS
@given(intervals)
def test_disjoint_intervals_follow_the_resolver_rule(drawn: list[tuple[int, int]]) -> None:
    taken = DisjointIntervals(500)  # short candidates: bytes; long ones: the predecessor
    chosen: list[tuple[int, int]] = []
    for start, length in drawn:
        end = start + length
        expected = any(_overlaps(start, end, a, b) for a, b in chosen)
        assert taken.overlaps(start, end) == expected
        if not expected:
            taken.add(start, end)
            chosen.append((start, end))


spans = st.lists(
    st.builds(
        lambda start, length, label, score, replace: Span(
            start, start + length, label, score, "test", "x" if replace else None
        ),
        st.integers(0, 50),
        st.integers(0, 8),
        st.sampled_from(["spun", "mt", "boilerplate"]),
        st.sampled_from([0.5, 0.8, 0.85, 0.9, 0.95]),
        st.booleans(),
    ),
    max_size=40,
)


def _resolve_by_scan(found: list[Span], threshold: float) -> list[tuple[int, int]]:
    priority = {"boilerplate": 0, "spun": 1, "mt": 1}
    candidates = [s for s in found if s.replacement is not None and s.edit_score >= threshold]
    candidates.sort(key=lambda s: (priority[s.label], -s.edit_score, s.start - s.end, s.start))
    chosen: list[Span] = []
    for span in candidates:
        if not any(_overlaps(span.start, span.end, c.start, c.end) for c in chosen):
            chosen.append(span)
    return sorted((s.start, s.end) for s in chosen)


@SETTINGS
@given(spans)
def test_resolver_chooses_what_the_scan_chose(found: list[Span]) -> None:
    edits = resolve_edits(found, 0.8)
    assert [(e.start, e.end) for e in edits] == _resolve_by_scan(found, 0.8)


def _score_by_scan(text: str, found: list[Span]) -> float:
    boilerplate = [(s.start, s.end) for s in found if s.label == "boilerplate"]
    degraded = sorted((s.start, s.end, s.score) for s in found if s.label != "boilerplate")
    if not degraded:
        return 0.0
    words = weight = 0.0
    for match in re.finditer(r"\w+", text):
        start, end = match.span()
        if any(b <= start and end <= e for b, e in boilerplate):
            continue
        words += 1
        weight += max([score for s, e, score in degraded if s < end and e > start], default=0.0)
    return round(weight / words, 4) if words else 0.0


@SETTINGS
@given(st.text(alphabet="ab .\n", max_size=60), spans)
def test_degradation_score_is_the_scan(text: str, found: list[Span]) -> None:
    assert degradation_score(text, found) == _score_by_scan(text, found)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 5)), max_size=30), spans)
def test_max_cover(points: list[tuple[int, int]], found: list[Span]) -> None:
    ordered, cursor = [], 0  # disjoint, in text order (words)
    for gap, length in points:
        ordered.append((cursor + gap % 3, cursor + gap % 3 + length))
        cursor = ordered[-1][1]
    triples = [(s.start, s.end, s.score) for s in found]
    expected = [max([c for a, b, c in triples if a < e and b > s], default=0.0) for s, e in ordered]
    assert list(max_cover(ordered, triples)) == expected


words = st.sampled_from(["a", "b", "a b", "ab", "a-b", "-a", "b a b", "said", "'a", " a", "A"])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=["a", "b", " ", "-", "'", "A", "\n", "\u0130"], max_size=30), st.data())
def test_wording_counts_are_the_definition(text: str, data: st.DataObject) -> None:
    counts = WordingCounts(text)
    for _ in range(4):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        wording = data.draw(words)
        assert counts.outside(start, end, wording) == count_outside_slow(text, start, end, wording)


@SETTINGS
@given(st.lists(st.text(alphabet="abcA", min_size=1, max_size=7), max_size=20), st.data())
def test_one_edit_index_finds_every_close_name(names: list[str], data: st.DataObject) -> None:
    from rapidfuzz.distance import DamerauLevenshtein

    index = _one_edit_index(names)
    word = data.draw(st.text(alphabet="abcA", min_size=1, max_size=7))
    found = set(_one_edit_candidates(index, word, names))
    close = {n for n in names if DamerauLevenshtein.distance(n, word) <= 1}
    assert close <= found


def _unquoted_by_rescan(line: str) -> list[Span]:
    """The rule as it was: the line scanned for sentence starts up to every attribution."""
    out = []
    for m in punctuation._ATTRIBUTION_RE.finditer(line):
        starts = [s.end() for s in punctuation._SENTENCE_START_RE.finditer(line, 0, m.start())]
        if not starts:
            continue
        begin = starts[-1]
        if not punctuation._FIRST_PERSON_RE.search(line[begin : m.end(1)]):
            continue
        first = re.match(r"[\w\u2019'-]+", line[begin:])
        if first is None:
            continue
        opening_end = begin + first.end()
        out.append(punctuation._span(begin, opening_end, 0.7, "unquoted_speech", None))
        if m.start(1) >= opening_end:
            out.append(punctuation._span(m.start(1), m.end(1) + 1, 0.7, "unquoted_speech", None))
    return out


@SETTINGS
@given(
    st.lists(
        st.sampled_from(["We", "we,", "I,", "Us,", "said", "Putin", "told", "me.", "Go.", "\t"]),
        max_size=30,
    )
)
def test_unquoted_speech_finds_the_sentence_starts_once(tokens: list[str]) -> None:
    line = " ".join(tokens)
    found = [(s.start, s.end) for s in punctuation._unquoted_in_line(line, 0)]
    assert found == [(s.start, s.end) for s in _unquoted_by_rescan(line)]


# --- the per-document size limit ---------------------------------------------------------------


def test_a_document_over_the_limit_is_refused_by_the_api() -> None:
    import pytest

    from mtclean import Cleaner, CleanerConfig
    from mtclean.cleaner import DocumentTooLarge

    cleaner = Cleaner(CleanerConfig(model=False, max_document_chars=20))
    assert cleaner.clean("Talks resumed.").text == "Talks resumed."
    with pytest.raises(DocumentTooLarge, match="over the limit of 20"):
        cleaner.clean("Talks resumed in Geneva on Monday.")
    assert CleanerConfig().max_document_chars == 10_000_000
    with pytest.raises(ValueError, match="max_document_chars"):
        CleanerConfig(max_document_chars=0)


def test_a_document_over_the_limit_is_a_counted_reject(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from mtclean.cli import app

    source = tmp_path / "in.jsonl"
    records = [{"id": "a", "text": "Talks resumed."}, {"id": "b", "text": "x " * 40}]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    args = ["clean", str(source), "-o", str(out), "--rejects", str(rejects), "--no-model", "-q"]
    result = CliRunner().invoke(app, [*args, "--max-document-chars", "50"])
    assert result.exit_code == 1
    written = [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()]
    rejected = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    assert written == ["a"]
    assert [r["reason"] for r in rejected] == ["too_large"]
    assert json.loads(rejected[0]["raw"]) == records[1]  # nothing lost
    assert "--max-document-chars" in rejected[0]["message"]
    result = CliRunner().invoke(app, [*args, "--max-document-chars", "0"])  # no limit
    assert result.exit_code == 0
    assert len(out.read_text("utf-8").splitlines()) == 2


# --- the README's growth tables are the benchmark's ----------------------------------------------


def _bench_table() -> object:
    import importlib.util

    from support import REPO

    spec = importlib.util.spec_from_file_location(
        "bench_growth", REPO / "scripts" / "bench_growth.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.table


@pytest.mark.parametrize(
    "name", ["growth.json", "growth_model.json", "growth_before.json", "growth_before_small.json"]
)
def test_readme_growth_tables_come_from_the_benchmark(name: str) -> None:
    import json

    from support import REPO

    path = REPO / "benchmarks" / name
    if not path.is_file():
        pytest.skip(f"{path} not written (scripts/bench_growth.py --out {path})")
    table = _bench_table()
    rendered = table(json.loads(path.read_text("utf-8")))  # type: ignore[operator]
    assert rendered in (REPO / "README.md").read_text("utf-8")


@pytest.mark.parametrize("name", ["idempotence.json", "idempotence_model.json"])
def test_readme_idempotence_counts_come_from_the_script(name: str) -> None:
    import json

    from support import REPO

    path = REPO / "benchmarks" / name
    if not path.is_file():
        pytest.skip(f"{path} not written (scripts/check_idempotence.py --out {path})")
    report = json.loads(path.read_text("utf-8"))
    counted = f"{report['changed_on_a_second_clean']:,} of {report['documents']:,} mixes"
    assert counted in " ".join((REPO / "README.md").read_text("utf-8").split())
