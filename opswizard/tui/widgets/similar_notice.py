"""A non-blocking notice naming past entries like the one being written (a recurrence?).

Selecting one (enter or click) asks the screen to open it read-only.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

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

    def show(self, matches: list[Any]) -> None:
        self._paths = [m.record.path for m in matches]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(one_line(m)) for m in matches])
        self.set_class(bool(matches), "-shown")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Open(self._paths[event.option_index]))
