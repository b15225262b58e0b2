"""The Cleaner of a pipeline step, built on first use in the process that runs the step and
left out of the pickled step (executors ship steps to workers by pickling them)."""

from __future__ import annotations

from typing import Any

from mtclean.cleaner import Cleaner
from mtclean.config import CleanerConfig


class CleanerOnFirstUse:
    """A mixin: ``self.cleaner`` is ``Cleaner(self.config)``, built once per process."""

    config: CleanerConfig | None = None
    _cleaner: Cleaner | None = None

    @property
    def cleaner(self) -> Cleaner:
        if self._cleaner is None:
            self._cleaner = Cleaner(self.config)
        return self._cleaner

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_cleaner": None}  # each process builds its own
