"""A non-blocking notice naming past entries like the one being written (a recurrence?).

Selecting one (enter or click) asks the screen to open it read-only.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ..safe import line


def one_line(match: Any) -> Content:
    """`Title — reason` on one line (cut to the width by the list)."""
    return Content.assemble(line(match.record.title or match.record.path).stylize("bold"),
                            (" — ", "dim"), line(match.reason).stylize("$text-muted"))


class SimilarNotice(Vertical):
    """Hidden until there are similar past entries."""

    DEFAULT_CSS = """
    SimilarNotice { height: auto; display: none; border: round $warning; padding: 0 1; }
    SimilarNotice.-shown { display: block; }
    SimilarNotice #similar-title { color: $warning; }
    SimilarNotice OptionList {
        height: auto; max-height: 3; border: none; padding: 0;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    class Open(Message):
        """Open this past entry read-only."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def compose(self) -> ComposeResult:
        yield Static(Content("Possible recurrence: similar past entries (F2 to look)"),
                     id="similar-title")
        yield OptionList(id="similar-list")

    _basis: tuple[str, str, tuple[str, ...]] | None = None

    def look_for(self, suggester: Any, entry: Any, exclude: Path | None) -> None:
        """Look for past entries like `entry` (its title, symptoms and services), off the
        UI thread, when they changed since the last look; shown when found."""
        basis = (entry.title, entry.get("symptoms"), tuple(entry.services()))
        if basis == self._basis:
            return
        self._basis = basis
        if any(basis[:2]) or basis[2]:
            self._find(suggester, *basis, exclude)
        else:
            self.show([])

    def forget(self) -> None:
        """Look again next time, even for the same entry (the index changed)."""
        self._basis = None

    @work(thread=True, exclusive=True, group="similar")
    def _find(self, suggester: Any, title: str, symptoms: str, services: tuple[str, ...],
              exclude: Path | None) -> None:
        time.sleep(0.15)  # let typing settle; a newer keystroke cancels this one
        if get_current_worker().is_cancelled:
            return
        matches = suggester.similar(title, symptoms, services, limit=3, exclude_path=exclude,
                                    min_score=12.0)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._found, matches)

    def _found(self, matches: list[Any]) -> None:
        if self.is_attached:
            self.show(matches)

    def focus_list(self) -> None:
        """Move into the list (F2), when it is showing."""
        if self.has_class("-shown"):
            options = self.query_one(OptionList)
            options.focus()
            if options.highlighted is None:
                options.highlighted = 0

    def show(self, matches: list[Any]) -> None:
        self._paths = [m.record.path for m in matches]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(one_line(m)) for m in matches])
        self.set_class(bool(matches), "-shown")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Open(self._paths[event.option_index]))
