"""Fenced code blocks in markdown: which lines are code (the markers included)."""

from __future__ import annotations

import re

FENCE_OPEN = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")


class FenceTracker:
    """Feed lines in order; `inside` says whether the last line fed was code."""

    def __init__(self) -> None:
        self.char = ""
        self.length = 0
        self.opened_at = 0

    @property
    def open(self) -> bool:
        return bool(self.char)

    def feed(self, no: int, line: str) -> bool:
        """Return True if the line belongs to a fence (its markers included)."""
        if self.char:
            stripped = line.strip()
            if (
                stripped
                and set(stripped) == {self.char}
                and len(stripped) >= self.length
            ):
                self.char = ""
            return True
        match = FENCE_OPEN.match(line)
        if match:
            marker, info = match.group(2), match.group(3)
            if marker[0] == "`" and "`" in info:
                return False
            self.char, self.length, self.opened_at = marker[0], len(marker), no
            return True
        return False

