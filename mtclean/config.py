"""Cleaner configuration. Field names are component names (see ``mtclean.detectors``)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_REPORT_THRESHOLD = 0.3
DEFAULT_EDIT_THRESHOLD = 0.8
# Keep/drop threshold on the document score, as measured in the README (the document-score
# table from benchmarks/cascade.json, scripts/bench_cascade.py): no clean article of the sample
# and nearly every article spun at 20%. The displays show the decision; `clean` writes every
# document.
DEFAULT_DROP_SCORE = 0.1
DEFAULT_MAX_DOCUMENT_CHARS = 10_000_000  # about 10 MB of English text
DEFAULT_QUOTED_EDIT_THRESHOLD = 0.95


@dataclass(frozen=True, slots=True)
class CleanerConfig:
    """What runs and how sure a component must be before its proposal changes the text.

    ``encoding``: repair mojibake and HTML entities as recorded edits (ftfy and
    ``html.unescape``; ``mtclean.detectors.encoding``).
    ``boilerplate`` / ``punctuation`` / ``lexicon`` / ``model``: switch a component on or off
    (``punctuation`` is the rules for sentence-level MT damage; ``model`` is the trained span
    classifier in ``models/``; see ``mtclean.detectors``).
    ``model_threshold``: calibrated probability at which the model flags a word, the same in
    every document; ``None`` (default) decides per document with the policy stored with the
    model (``models/cascade.json``: strict in clean-looking documents, lower in documents that
    are spun through).
    ``model_screen``: the cascade's cheap screen decides which documents the encoder reads
    (False: the encoder reads every document; slower, the same spans on spun documents).
    ``normalizer``: rank candidate originals for flagged spun spans (``mtclean.normalize``);
    a span's edit score is then its score times its best candidate's probability.
    ``qe``: sentence-level MT quality estimation (``mtclean.detectors.qe``): sentences whose
    estimated HTER reaches ``qe_threshold`` become ``mt`` spans (``None``: the threshold stored
    with the estimator, ``models/qe.json``). Off by default: it runs the encoder over every
    sentence (see the README's "MT quality estimation").
    ``mt_words``: word- and phrase-level MT damage (``mtclean.detectors.mt_words``: broken
    collocations scored with the clean n-gram table, trained on MLQE-PE and Apertium round
    trips). Off by default: it falls short of its precision target (see
    ``models/MT_WORDS_MODEL_CARD.md``).
    ``report_threshold``: spans scoring below it are not reported at all.
    ``edit_threshold``: spans scoring below it stay flagged; the text is left alone
    (precision first: a wrong edit costs more than a missed one).
    ``quoted_edit_threshold``: the edit threshold for spun and mt spans inside quotation marks
    (quotes are the speaker's words, often left alone by spinners and written loosely on
    purpose): below it they stay flags (the source alignment scores 0.95; a rule's repair or a
    ranked restoration does not reach it).
    ``max_document_chars``: the longest document cleaned, in characters (``None``: no limit);
    ``Cleaner.clean`` raises :class:`~mtclean.cleaner.DocumentTooLarge` for a longer one and
    the command line rejects it (reason ``too_large``), so one huge record cannot hold a
    corpus run up; every component is linear in the length, so the limit bounds the time.
    """

    encoding: bool = True
    boilerplate: bool = True
    punctuation: bool = True
    lexicon: bool = True
    model: bool = True
    model_threshold: float | None = None
    model_screen: bool = True
    normalizer: bool = True
    qe: bool = False
    qe_threshold: float | None = None
    mt_words: bool = False
    report_threshold: float = DEFAULT_REPORT_THRESHOLD
    edit_threshold: float = DEFAULT_EDIT_THRESHOLD
    quoted_edit_threshold: float = DEFAULT_QUOTED_EDIT_THRESHOLD
    max_document_chars: int | None = DEFAULT_MAX_DOCUMENT_CHARS

    def __post_init__(self) -> None:
        for name in (
            "report_threshold",
            "edit_threshold",
            "quoted_edit_threshold",
            "model_threshold",
            "qe_threshold",
        ):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        if self.max_document_chars is not None and self.max_document_chars < 1:
            raise ValueError(
                f"max_document_chars must be at least 1 (or None), got {self.max_document_chars}"
            )
