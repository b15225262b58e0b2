"""From per-word probabilities to calibrated, merged spans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from mtclean.model.features import ID_LABELS, Word
from mtclean.records import Label, Span

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MAX_GAP = 1  # words merge into one span when only this many characters (a space) separate them


@dataclass(frozen=True, slots=True)
class Calibration:
    """A monotone map from raw P(degraded) to a probability (isotonic fit on dev text)."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __call__(self, raw: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        import numpy as np

        if not self.x:
            return raw
        return np.interp(raw, self.x, self.y)

    def to_json(self) -> dict[str, list[float]]:
        return {"x": list(self.x), "y": list(self.y)}

    @classmethod
    def from_json(cls, data: dict[str, list[float]]) -> Calibration:
        return cls(tuple(float(v) for v in data["x"]), tuple(float(v) for v in data["y"]))

    @classmethod
    def fit(cls, raw: Sequence[float], target: Sequence[int], points: int = 200) -> Calibration:
        import numpy as np
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        iso.fit(np.asarray(raw, dtype=np.float64), np.asarray(target, dtype=np.float64))
        grid = np.unique(np.quantile(np.asarray(raw), np.linspace(0.0, 1.0, points)))
        grid = np.unique(np.concatenate([[0.0], grid, [1.0]]))
        return cls(tuple(float(v) for v in grid), tuple(float(v) for v in iso.predict(grid)))


def merge_spans(
    text: str,
    words: Sequence[Word],
    probs: npt.NDArray[np.float32],
    calibration: Calibration,
    threshold: float,
    source: str,
) -> list[Span]:
    """Flag words whose calibrated P(degraded) reaches ``threshold``; adjacent flagged words
    (only whitespace between, no line break) become one span labelled by the argmax of the summed
    label probabilities, scored by the highest calibrated probability in it."""
    import numpy as np

    if not words:
        return []
    raw = 1.0 - probs[:, 0].astype(np.float64)
    calibrated = calibration(raw)
    spans: list[Span] = []
    run: list[int] = []

    def close() -> None:
        if not run:
            return
        summed = probs[run, 1:].sum(axis=0)
        label = cast(Label, ID_LABELS[1 + int(np.argmax(summed))])
        score = float(min(1.0, max(0.0, calibrated[run].max())))
        spans.append(
            Span(words[run[0]].start, words[run[-1]].end, label, score, source,
                 reason=f"{source}: {len(run)} word(s), P(degraded)={score:.2f}")
        )  # fmt: skip
        run.clear()

    for i, word in enumerate(words):
        if calibrated[i] < threshold:
            close()
            continue
        if run:
            gap = text[words[run[-1]].end : word.start]
            if len(gap) > MAX_GAP or gap.strip() or "\n" in gap:
                close()
        run.append(i)
    close()
    return spans
