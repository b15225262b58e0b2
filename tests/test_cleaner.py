"""The Python API: detect, clean, pipe; the offsets invariant on every seed."""

from __future__ import annotations

from typing import ClassVar

import pytest
from support import SEEDS, read_seed

from mtclean import Cleaner, CleanerConfig, Detection, Document, Span, apply_edits

SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))


class _FixedDetector:
    """A detector that proposes given spans, to test the Cleaner's own logic."""

    name: ClassVar[str] = "fixed"

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans

    def detect(self, doc: Document) -> Detection:
        return Detection(tuple(self.spans), {"author": "A. Writer"}, {"hits": len(self.spans)})


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.mark.parametrize("name", SEED_NAMES)
def test_offsets_invariant_on_seeds(cleaner: Cleaner, name: str) -> None:
    text = read_seed(name)
    result = cleaner.clean(Document(text, id=name))
    assert result.id == name
    assert apply_edits(text, result.edits) == result.text
    for span in result.spans:
        assert 0 <= span.start <= span.end <= len(text)
    assert 0.0 <= result.score <= 1.0


def test_thresholds_decide_between_edit_and_flag() -> None:
    text = "alpha beta gamma delta"
    spans = [
        Span(0, 5, "spun", 0.95, "fixed", "ALPHA"),
        Span(6, 10, "spun", 0.6, "fixed", "BETA"),
        Span(11, 16, "mt", 0.2, "fixed", "GAMMA"),
        Span(17, 22, "mt", 0.9, "fixed", None),
    ]
    cleaner = Cleaner(
        CleanerConfig(report_threshold=0.3, edit_threshold=0.8), [_FixedDetector(spans)]
    )
    result = cleaner.clean(text)
    assert result.text == "ALPHA beta gamma delta"
    assert [s.start for s in result.spans] == [0, 6, 17]  # 0.2 is below the report threshold
    assert cleaner.detect(text) == list(result.spans)
    assert result.metadata == {"author": "A. Writer"}
    assert result.stats["fixed.hits"] == 4 and result.stats["edits"] == 1


def test_degradation_score_counts_content_words_only() -> None:
    text = "one two three four\nShare this"
    spans = [Span(0, 7, "spun", 1.0, "fixed"), Span(19, 29, "boilerplate", 1.0, "fixed", "")]
    result = Cleaner(detectors=[_FixedDetector(spans)]).clean(text)
    assert result.score == 0.5  # two of the four content words flagged; boilerplate excluded


def test_pipe_keeps_order_and_accepts_documents() -> None:
    cleaner = Cleaner(detectors=[])
    items: list[str | Document] = ["a", Document("b", id="x"), "c"]
    results = list(cleaner.pipe(items, batch_size=2))
    assert [r.text for r in results] == ["a", "b", "c"]
    assert results[1].id == "x"
    with pytest.raises(ValueError, match="batch_size"):
        list(cleaner.pipe(["a"], batch_size=0))
    with pytest.raises(TypeError, match=r"str or mtclean\.Document"):
        cleaner.clean(b"bytes")  # type: ignore[arg-type]


def test_components_can_be_switched_off() -> None:
    cleaner = Cleaner(
        CleanerConfig(
            encoding=False, boilerplate=False, punctuation=False, lexicon=False, model=False
        )
    )
    assert cleaner.detectors == ()
    names = [d.name for d in Cleaner().detectors]
    assert names == ["encoding", "boilerplate", "punctuation", "lexicon", "model"]  # cheapest first


@pytest.mark.parametrize("bad", [{"edit_threshold": 1.2}, {"report_threshold": -0.1}])
def test_config_validation(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be in"):
        CleanerConfig(**bad)


class _BatchDetector(_FixedDetector):
    """Records the batches it is given."""

    def __init__(self) -> None:
        super().__init__([])
        self.batches: list[int] = []

    def detect_batch(self, docs: list[Document]) -> list[Detection]:
        self.batches.append(len(docs))
        return [Detection((Span(0, 1, "spun", 0.9, "fixed", "X"),)) for _ in docs]


def test_pipe_hands_whole_batches_to_detect_batch() -> None:
    detector = _BatchDetector()
    results = list(Cleaner(detectors=[detector]).pipe(["ab", "cd", "ef"], batch_size=2))
    assert detector.batches == [2, 1]
    assert [r.text for r in results] == ["Xb", "Xd", "Xf"]
    assert Cleaner(detectors=[detector]).clean("gh").text == "Xh"


def test_pipe_in_worker_processes_matches_one_process() -> None:
    config = CleanerConfig(model=False)
    texts = [f"Document {i}. The plant emits nurture gas.\nSource link\n" for i in range(30)]
    one = list(Cleaner(config).pipe(texts, batch_size=4))
    two = list(Cleaner(config).pipe(iter(texts), batch_size=4, workers=2))
    assert one == two
    with pytest.raises(ValueError):
        list(Cleaner(config).pipe(texts, workers=0))


def test_flags_inside_boilerplate_are_dropped() -> None:
    from mtclean.cleaner import inside_boilerplate_dropped

    spans = [
        Span(0, 34, "boilerplate", 0.95, "boilerplate", replacement=""),
        Span(7, 12, "spun", 0.9, "model"),  # inside: dropped
        Span(30, 40, "spun", 0.9, "model"),  # crosses the edge: kept
        Span(50, 55, "mt", 0.9, "punctuation"),
    ]
    assert inside_boilerplate_dropped(spans) == [spans[0], spans[2], spans[3]]
    assert inside_boilerplate_dropped(spans[1:]) == spans[1:]
