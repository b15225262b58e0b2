"""The normalizer: candidate originals read backwards from the tables, ranked in context."""

from __future__ import annotations

import pytest

from mtclean.normalize.candidates import CandidateIndex, default_index
from mtclean.normalize.normalizer import context_of
from mtclean.normalize.ranking import RANKER_FEATURES, Ranker
from mtclean.normalize.siblings import SiblingBank
from mtclean.records import Candidate, Span
from mtclean.resolve import resolve_edits

# (spun wording, the two words before it, an original the tables must propose)
PROPOSED = [
    ("officers", "", "", "officials"),
    ("stated", "he", "", "said"),
    ("Stated", "", "", "Said"),
    ("by no means", "", "", "never"),
    ("the whole lot", "", "", "everything"),
    ("whereas", "", "", "while"),
    ("develop into", "to", "", "become"),
    ("conferences", "the", "", "meetings"),
]


@pytest.mark.parametrize(("wording", "prev", "prev2", "original"), PROPOSED)
def test_tables_read_backwards_propose_the_original(
    wording: str, prev: str, prev2: str, original: str
) -> None:
    proposed = [p.text for p in default_index().propose(wording, prev, prev2)]
    assert original in proposed


def test_lowercase_wordings_get_no_names() -> None:
    proposed = [p.text for p in default_index().propose("assembly", "the", "")]
    assert proposed and all(p.islower() for p in proposed)


def test_a_custom_index_proposes_inflected_originals_with_their_evidence() -> None:
    index = CandidateIndex(
        [
            ("thesaurus", [("official", "noun", ("officer", "functionary"))]),
            ("pivot", [("official", "noun", ("agent", "officer"))]),
            ("function_words", [("never", "", ("by no means",))]),
        ]
    )
    officials = index.propose("officers")
    assert [(p.text, p.tables, p.rank) for p in officials] == [
        ("officials", ("thesaurus", "pivot"), 0)
    ]
    assert [p.text for p in index.propose("By no means")] == ["Never"]
    assert index.propose("meeting") == []


def test_context_is_the_neighbouring_words_within_a_phrase() -> None:
    text = "He stated, on Monday. The officers met"
    start = text.index("stated")
    assert context_of(text, start, start + len("stated")) == context_of(text, start, start + 6)
    ctx = context_of(text, start, start + 6)
    assert (ctx.prev, ctx.nxt) == ("he", "<s>")
    start = text.index("officers")
    ctx = context_of(text, start, start + 8)
    assert (ctx.prev, ctx.prev2, ctx.nxt) == ("the", "<s>", "met")


def test_ranker_probabilities_leave_room_for_none_of_them() -> None:
    ranker = Ranker(tuple(1.0 if f == "context_is_best" else 0.0 for f in RANKER_FEATURES), 0.0)
    rows = [tuple(1.0 if f == "context_is_best" else 0.0 for f in RANKER_FEATURES)]
    rows.append(tuple(0.0 for _ in RANKER_FEATURES))
    first, second = ranker.probabilities(rows)
    assert first > second > 0
    assert first + second < 1.0
    with pytest.raises(ValueError, match="weights"):
        Ranker((1.0,), 0.0)


def test_sibling_bank_counts_word_runs_case_blind() -> None:
    bank = SiblingBank.from_texts(["The Deputy Foreign Minister spoke.", "deputy foreign minister"])
    assert bank.count("Deputy Foreign Minister") == 2
    assert bank.count("foreign") == 2
    assert bank.count("overseas") == 0
    assert not SiblingBank()


def test_an_unsure_restoration_stays_a_flag() -> None:
    sure = Span(0, 8, "spun", 0.95, "model", "officials", candidates=(Candidate("officials", 0.9),))
    unsure = Span(9, 15, "spun", 0.95, "model", "said", candidates=(Candidate("said", 0.5),))
    assert sure.edit_score == pytest.approx(0.855)
    edits = resolve_edits([sure, unsure], 0.8)
    assert [(e.start, e.replacement) for e in edits] == [(0, "officials")]
    assert edits[0].score == pytest.approx(0.855)


# --- source alignment -------------------------------------------------------------------------

SOURCE = (
    "Russian officials said on Monday that the talks in Geneva had reached a deadlock. "
    "The Deputy Foreign Minister, Sergei Ryabkov, told reporters the meeting was useful "
    "but that Moscow would never accept the expansion of NATO into Eastern Europe."
)
REPOST = (
    "Russian officers stated on Monday that the talks in Geneva had reached an impasse. "
    "The Deputy Overseas Minister, Sergei Ryabkov, told reporters the assembly was useful "
    "but that Moscow would by no means accept the expansion of NATO into Jap Europe."
)


def test_alignment_restores_every_differing_stretch_from_the_source() -> None:
    from mtclean.normalize.alignment import align

    found = align(REPOST, SOURCE, "wire")
    assert found.coverage > 0.7
    pairs = [(REPOST[s.start : s.end], s.replacement) for s in found.stretches]
    assert pairs == [
        ("officers stated", "officials said"),
        ("an impasse", "a deadlock"),
        ("Overseas", "Foreign"),
        ("assembly", "meeting"),
        ("by no means", "never"),
        ("Jap", "Eastern"),
    ]
    start = REPOST.index("Sergei")
    assert found.inside_same(start, start + len("Sergei Ryabkov"))
    assert not found.inside_same(REPOST.index("Jap"), REPOST.index("Jap") + 3)


def test_the_source_index_finds_the_source_and_never_the_document_itself() -> None:
    from mtclean.normalize.alignment import SourceIndex

    index = SourceIndex()
    index.add("other", "Apple shares rose 3% in New York after the iPhone maker beat forecasts.")
    index.add("wire", SOURCE)
    index.add("self", REPOST)
    found = index.find(REPOST)
    assert found is not None and found.source_id == "wire"
    assert index.find("Tensions rose.") is None
    with pytest.raises(ValueError, match="twice"):
        index.add("wire", SOURCE)


def test_with_the_source_flags_on_identical_wording_go_and_stretches_are_restored() -> None:
    from mtclean.normalize.normalizer import load_normalizer
    from mtclean.normalize.siblings import Siblings

    normalizer = load_normalizer(_model_dir())
    geneva = REPOST.index("Geneva")
    flags = [
        Span(geneva, geneva + 6, "spun", 0.9, "model"),  # identical in the source: a false flag
        Span(REPOST.index("Jap"), REPOST.index("Jap") + 3, "spun", 0.9, "model"),
    ]
    siblings = Siblings.from_texts([("wire", SOURCE)])
    spans, stats = normalizer.normalize(REPOST, flags, siblings)
    assert stats["source_found"] == 1 and stats["dropped_same_as_source"] == 1
    assert all(s.source == "normalizer" for s in spans)
    assert {s.text_in(REPOST): s.replacement for s in spans}["Jap"] == "Eastern"
    restored = resolve_edits(spans, 0.8)
    from mtclean.edits import apply_edits

    assert apply_edits(REPOST, restored) == SOURCE


def test_a_quote_is_restored_from_its_verified_source() -> None:
    """Repairs inside quotation marks stay flags unless the evidence is strong; the wording of
    a verified source is (a held-out check lost 19% of its restorations to the quote rule)."""
    from mtclean import Cleaner, CleanerConfig
    from mtclean.normalize.siblings import Siblings

    def quoted(text: str) -> str:
        text = text.replace("told reporters the", 'told reporters: "The')
        text = text.replace("Eastern Europe.", 'Eastern Europe."')
        return text.replace("Jap Europe.", 'Jap Europe."')

    source, repost = quoted(SOURCE), quoted(REPOST)
    assert '"The assembly was useful' in repost
    cleaner = Cleaner(CleanerConfig(model=False))
    cleaner.siblings = Siblings.from_texts([("wire", source)])
    assert cleaner.clean(repost).text == source


def _model_dir():  # type: ignore[no-untyped-def]
    from mtclean.detectors.model import model_dir

    path = model_dir().resolve()
    if not (path / "normalizer.json").is_file():
        pytest.skip(f"{path / 'normalizer.json'} is missing (scripts/train_normalizer.py)")
    return path


def test_spans_grow_to_the_phrase_of_the_tables_around_them() -> None:
    from mtclean.normalize.normalizer import load_normalizer

    normalizer = load_normalizer(_model_dir())
    text = "Moscow would by no means accept it."
    flags = [
        Span(text.index("by"), text.index("by") + 2, "spun", 0.9, "model"),
        Span(text.index("means"), text.index("means") + 5, "spun", 0.85, "model"),
    ]
    spans, stats = normalizer.normalize(text, flags)
    assert stats["extended"] == 2
    assert [(s.text_in(text), s.replacement, s.score) for s in spans] == [
        ("by no means", "never", 0.9)
    ]


# --- names misspelt against a reference ----------------------------------------------------------

NAME_CASES = [
    # (text, siblings, expected fixes as (wrong, right))
    (
        "Blinken met Lavrov. Blinken said talks would go on. Blinken smiled. Later Blnken left.",
        [],
        [("Blnken", "Blinken")],
    ),
    (
        "Secretary of State Anthony Blinken flew to Geneva.",
        ["Antony Blinken said so.", "US Secretary of State Antony Blinken met Lavrov."],
        [("Anthony", "Antony")],
    ),
    # must not change: a plural of a name, a dictionary word, a name without a reference
    ("The Emiew robot and two Emiews walked. Emiew, Emiew and Emiew.", [], []),
    ("Blinken, Blinken and Blinken spoke, then Blinked.", [], []),
    ("Anthony Blinken flew to Geneva.", [], []),
]


@pytest.mark.parametrize(("text", "siblings", "expected"), NAME_CASES)
def test_misspelt_names(text: str, siblings: list[str], expected: list[tuple[str, str]]) -> None:
    from mtclean.normalize.names import misspelt_names

    fixes = misspelt_names(text, siblings)
    assert [(text[f.start : f.end], f.replacement) for f in fixes] == expected


def test_the_original_is_never_rewritten_into_its_repost() -> None:
    from mtclean.normalize.normalizer import load_normalizer
    from mtclean.normalize.siblings import Siblings

    normalizer = load_normalizer(_model_dir())
    geneva = SOURCE.index("Geneva")
    flags = [Span(geneva, geneva + 6, "spun", 0.9, "model")]
    siblings = Siblings.from_texts([("repost", REPOST)])
    spans, stats = normalizer.normalize(SOURCE, flags, siblings)
    assert spans == [] and stats["source_is_repost"] == 1


# --- the siblings' wording (mtclean.normalize.sibling_wording) --------------------------------

SIBLING_INDEX = CandidateIndex(
    [
        ("thesaurus", [("official", "noun", ("officer",)), ("meeting", "noun", ("assembly",))]),
        ("function_words", [("said", "", ("stated",))]),
    ]
)
SIBLING_STORY = [
    "Officials said the meeting in Geneva was useful. Russian officials said so too.",
    "The meeting ended. US officials said more talks would follow the meeting.",
]


def test_words_the_siblings_never_write_for_an_original_they_keep_writing() -> None:
    from mtclean.normalize.sibling_wording import sibling_wording

    text = "Officers stated the assembly was useful; the officers left. An assembly met."
    hits = sibling_wording(
        text, SiblingBank.from_texts(SIBLING_STORY), SiblingBank.from_texts([text]), SIBLING_INDEX
    )
    assert [(text[h.start : h.end], h.original, h.count) for h in hits] == [
        ("Officers", "Officials", 3),
        ("stated", "said", 3),
        ("assembly", "meeting", 3),
        ("officers", "officials", 3),
        ("assembly", "meeting", 3),
    ]
    # covered words are left to the spans that cover them; fewer attestations: nothing
    occupied = [(0, 15)]
    kept = sibling_wording(
        text, SiblingBank.from_texts(SIBLING_STORY), SiblingBank.from_texts([text]),
        SIBLING_INDEX, occupied,
    )  # fmt: skip
    assert [text[h.start : h.end] for h in kept] == ["assembly", "officers", "assembly"]
    assert not sibling_wording(
        text, SiblingBank.from_texts(SIBLING_STORY), SiblingBank.from_texts([text]),
        SIBLING_INDEX, min_count=4,
    )  # fmt: skip


MUST_NOT_FLAG = [
    # the siblings write the word itself
    "The officers and the officials met.",
    # the document writes the original elsewhere: its own choice of words, not a spinner's
    "Officers met officials at the meeting; the assembly was brief.",
]


@pytest.mark.parametrize("text", MUST_NOT_FLAG)
def test_the_siblings_wording_leaves_alone(text: str) -> None:
    from mtclean.normalize.sibling_wording import sibling_wording

    story = [*SIBLING_STORY, "Two officers guarded the hall."]
    hits = sibling_wording(
        text, SiblingBank.from_texts(story), SiblingBank.from_texts([text]), SIBLING_INDEX
    )
    flagged = {text[h.start : h.end].lower() for h in hits}
    assert "officers" not in flagged
    if "meeting" in text:
        assert "assembly" not in flagged


def test_the_normalizer_flags_sibling_wording_only_in_a_document_read_as_spun() -> None:
    from mtclean.normalize.normalizer import NAME, SIBLING_WORDING_SCORE, load_normalizer
    from mtclean.normalize.siblings import Siblings
    from mtclean.paths import model_dir

    if not (model_dir() / "normalizer.json").is_file():
        pytest.skip("no shipped normalizer in models/")
    normalizer = load_normalizer(model_dir())
    siblings = Siblings.from_texts(enumerate(SIBLING_STORY), align=False)  # type: ignore[arg-type]
    text = "Russian officers stated the assembly in Geneva was useful."
    quiet, _ = normalizer.normalize(text, [], siblings, reads_spun=False)
    assert quiet == []
    flagged, stats = normalizer.normalize(text, [], siblings, reads_spun=True)
    assert stats["sibling_wording"] == len(flagged) > 0
    for span in flagged:
        assert (span.label, span.source, span.score) == ("spun", NAME, SIBLING_WORDING_SCORE)
        assert span.edit_score < 0.8  # a flag with its candidates, never an edit by itself
        assert "siblings never write" in span.reason
    assert not resolve_edits(flagged, 0.8)
