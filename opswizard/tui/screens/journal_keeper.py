"""Keeping a screen's unsaved text in the recovery journal, through its editing session.

The session decides what is journalled (the latest text, nothing once it equals the saved
file); this only decides when: half a second after the first change not yet journalled,
written in a thread so no key waits for the disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen
from textual.timer import Timer

from ...core.session import EditSession
from ..safe import say

DELAY = 0.5


class JournalKeeper:
    """Journals `screen`'s unsaved text (`text()` renders it) through `session`."""

    def __init__(self, screen: Screen[Any], session: EditSession,
                 text: Callable[[], str]) -> None:
        self._screen = screen
        self._session = session
        self._text = text
        self._timer: Timer | None = None

    def changed(self, dirty: bool) -> None:
        """After each change: journal soon if the text is unsaved, else stop waiting to.

        A pending timer is not restarted: steady typing (no half-second pause) must be
        journalled too, not only after the author stops (RELIABILITY.md 21).
        """
        if dirty and not self._session.read_only_reason:
            if self._timer is None:
                self._timer = self._screen.set_timer(DELAY, self._now)
        else:
            self._stop()

    def forget(self) -> None:
        """The author discarded the text: no journal, and none pending."""
        self._stop()
        self._session.discard()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _now(self) -> None:
        self._timer = None
        text = self._text()
        if self._session.dirty(text):
            self._screen.run_worker(lambda: self._write(text), thread=True, group="journal",
                                    exclusive=True)

    def _write(self, text: str) -> None:
        try:
            self._session.write_journal(text)  # skipped if an undo or a save overtook it
        except OSError as exc:
            self._screen.app.call_from_thread(
                say, self._screen, f"Could not journal unsaved text: {exc}", severity="warning")
