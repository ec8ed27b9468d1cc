"""The wizard's left column: every step, marked complete, incomplete or with errors."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...core.template import SECTIONS

REVIEW = "review"
MARKS = {
    "complete": ("✓", "$success"),
    "incomplete": ("·", "$text-muted"),
    "error": ("✗", "$error"),
    "review": ("»", "$accent"),
}


def _prompt(title: str, status: str) -> Content:
    mark, style = MARKS[status]
    return Content.assemble((mark, style), " ", title)


class StepList(OptionList):
    """Steps in template order, then Review. Selecting one posts `StepList.Chosen`."""

    DEFAULT_CSS = """
    StepList { width: 30; height: 1fr; border: none; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    class Chosen(Message):
        """The author picked a step."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, id: str | None = None) -> None:
        options = [Option(_prompt(s.heading, "incomplete"), id=s.key) for s in SECTIONS]
        options.append(Option(_prompt("Review and save", "review"), id=REVIEW))
        super().__init__(*options, id=id)
        self.statuses: dict[str, str] = {}
        """The last status shown for each step."""

    def show_statuses(self, statuses: dict[str, str]) -> None:
        """Mark each step: "complete", "incomplete" or "error"."""
        for spec in SECTIONS:
            status = statuses.get(spec.key, "incomplete")
            if self.statuses.get(spec.key) != status:
                self.replace_option_prompt(spec.key, _prompt(spec.heading, status))
        self.statuses = dict(statuses)

    def show_current(self, key: str) -> None:
        self.highlighted = self.get_option_index(key)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
