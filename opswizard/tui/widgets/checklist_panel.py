"""The live completion checklist: the template's eight items, computed as you type.

Selecting a failing item jumps to the step that fixes it (`ChecklistPanel.Jump`).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.checklist import Checklist
from ..safe import line


def item_prompt(passed: bool, label: str, reason: str) -> Content:
    mark = ("✓ ", "$success") if passed else ("✗ ", "$error")
    return Content.assemble(mark, label, "\n  ", line(reason).stylize("$text-muted"))


class ChecklistPanel(Vertical):
    """The checklist with an overall completeness figure."""

    DEFAULT_CSS = """
    ChecklistPanel { width: 38; height: 1fr; border-left: tall $panel; padding: 0 1; }
    ChecklistPanel #checklist-score { text-style: bold; margin-bottom: 1; }
    ChecklistPanel OptionList { height: 1fr; border: none; padding: 0; }
    """

    class Jump(Message):
        """Go to the step that fixes a checklist item."""

        def __init__(self, section: str) -> None:
            super().__init__()
            self.section = section

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._sections: list[str] = []
        self._last: tuple[tuple[bool, str], ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("", id="checklist-score")
        yield OptionList(id="checklist-items")

    def show(self, checklist: Checklist) -> None:
        """Show a freshly computed checklist (cheap when nothing changed)."""
        state = tuple((i.passed, i.reason) for i in checklist.items)
        if state == self._last:
            return
        self._last = state
        score = self.query_one("#checklist-score", Static)
        score.update(Content.assemble(
            "Checklist ", (f"{checklist.score}/{len(checklist.items)}", "bold"),
            f" · {checklist.percent}% complete",
        ))
        options = self.query_one("#checklist-items", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(
            [Option(item_prompt(i.passed, i.label, i.reason), id=i.key) for i in checklist.items]
        )
        self._sections = [i.section for i in checklist.items]
        if highlighted is not None:
            options.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        section = self._sections[event.option_index]
        if section:
            self.post_message(self.Jump(section))
