"""Generated blocks of the README: text between a begin mark and an end mark (HTML comments),
rewritten from a committed JSON by the script that measured it, and checked by
``tests/test_readme.py`` (a number in such a block is never typed in by hand)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReadmeBlock:
    """The marks around one generated block (``begin`` names the JSON and the command)."""

    begin: str
    end: str

    def _match(self, text: str) -> re.Match[str] | None:
        pattern = re.escape(self.begin) + r"\n(?:(.*?)\n)?" + re.escape(self.end)
        return re.search(pattern, text, re.S)

    def find(self, text: str) -> str | None:
        """The block's body in ``text``, marks excluded (None without both marks)."""
        found = self._match(text)
        return (found.group(1) or "") if found else None

    def replace(self, text: str, body: str) -> str:
        """``text`` with the block's body replaced by ``body``; ValueError without the marks."""
        found = self._match(text)
        if found is None:
            raise ValueError(f"no block {self.begin!r} ... {self.end!r}")
        block = f"{self.begin}\n{body}\n{self.end}"
        return text[: found.start()] + block + text[found.end() :]
