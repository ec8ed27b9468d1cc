"""Small typed dialogs: a choice among buttons, and a reason to record."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 72; max-width: 95%; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 1 2;
}}
{name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
{name} .dialog-body {{ margin-bottom: 1; }}
{name} Horizontal {{ height: auto; }}
{name} Button {{ margin-right: 1; }}
"""


class ChoiceDialog(ModalScreen[str | None]):
    """A question with buttons; dismisses with the chosen id, or None on escape."""

    HELP_TITLE = 'A question'
    HELP = (
        'opswizard needs a decision before it goes on. Each button says what it does; tab '
        'moves between them, enter presses one, escape cancels (nothing changes).'
    )

    DEFAULT_CSS = DIALOG_CSS.format(name="ChoiceDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, body: Content | str,
                 choices: list[tuple[str, str, str]]) -> None:
        """`choices`: (id, label, variant) for each button, the first focused."""
        super().__init__()
        self._title = title
        self._body = body if isinstance(body, Content) else Content(body)
        self._choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self._title), classes="dialog-title")
            yield Static(self._body, classes="dialog-body")
            with Horizontal():
                for choice_id, label, variant in self._choices:
                    yield Button(Content(label), id=choice_id, variant=variant)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReasonDialog(ModalScreen[str | None]):
    """Ask for a reason (recorded in the entry); None if cancelled."""

    HELP_TITLE = 'Save as final anyway'
    HELP = (
        'The checklist does not pass. Saving as final anyway needs a reason, which is '
        'recorded in the entry (checklist_override) so reviewers can see why. Escape cancels:'
        ' nothing is saved.'
    )

    DEFAULT_CSS = DIALOG_CSS.format(name="ReasonDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, body: Content, placeholder: str) -> None:
        super().__init__()
        self._title = title
        self._body = body
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self._title), classes="dialog-title")
            yield Static(self._body, classes="dialog-body")
            yield Input(placeholder=self._placeholder, id="reason")
            yield Static("", id="reason-message")
            with Horizontal():
                yield Button("Save final anyway", id="ok", variant="warning")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#reason-message", Static).update(
                Content("A reason is needed: it is recorded in the entry.")
            )
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
