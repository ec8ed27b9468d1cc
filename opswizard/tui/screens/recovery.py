"""Pending recoveries at start: recover, show the difference, discard (asked), or later."""

from __future__ import annotations

import difflib

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from ...core import journal, store
from ..safe import line
from .dialogs import DIALOG_CSS, ChoiceDialog


def diff_content(old: str, new: str, old_name: str, new_name: str) -> Content:
    """A unified diff, coloured, every line user text shown safely."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name,
                                 lineterm="")
    styled = []
    for text in lines:
        style = ("$success" if text.startswith("+") else "$error" if text.startswith("-")
                 else "$accent" if text.startswith("@@") else "")
        styled.append(line(text, style) if style else line(text))
    return Content("\n").join(styled) if styled else Content("No difference.")


class DiffScreen(ModalScreen[None]):
    """The difference between two texts; escape closes it."""

    HELP_TITLE = 'The difference'
    HELP = (
        'Lines starting with - are only in the first text (the file on disk), lines with + '
        'only in the second (your unsaved text). Nothing here changes anything; escape closes'
        ' it.'
    )

    DEFAULT_CSS = DIALOG_CSS.format(name="DiffScreen") + """
    DiffScreen > Vertical { width: 95%; max-width: 140; height: 90%; }
    DiffScreen VerticalScroll { height: 1fr; }
    """
    BINDINGS = [Binding("escape,q", "close", "Close", id="diff.close")]

    def __init__(self, title: str, diff: Content) -> None:
        super().__init__()
        self._title = title
        self._diff = diff

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self._title), classes="dialog-title")
            with VerticalScroll():
                yield Static(self._diff)
            yield Button("Close (escape)", id="close")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


def _label(item: journal.Journal) -> Content:
    what = item.path or "a new entry, never saved"
    return Content.assemble(line(item.title or "(untitled)").stylize("bold"), "\n  ",
                            line(f"{what} · journalled {item.saved_at}").stylize("$text-muted"))


class RecoveryScreen(ModalScreen["journal.Journal | None"]):
    """Unsaved work from an earlier run that ended without saving. Nothing is dropped
    unless you say so."""

    HELP_TITLE = "Recover unsaved work"
    HELP = ("An earlier opswizard ended (a crash, a closed terminal, a kill) with text that was "
            "not saved. It was journalled outside the knowledge base. Recover it into the "
            "wizard, look at the difference from the file on disk, or discard it (asked "
            "first). 'Later' keeps it for next time.")
    DEFAULT_CSS = DIALOG_CSS.format(name="RecoveryScreen") + """
    RecoveryScreen > Vertical { width: 90; }
    RecoveryScreen OptionList { height: auto; max-height: 12; margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("escape", "later", "Later", id="recovery.later"),
        Binding("d", "diff", "Show difference", id="recovery.diff"),
    ]

    def __init__(self, pending: list[journal.Journal]) -> None:
        super().__init__()
        self.pending = list(pending)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("Unsaved work was found"), classes="dialog-title")
            yield Static(Content("opswizard ended before these were saved. Choose what to "
                                 "do with each; nothing is discarded unless you say so."),
                         classes="dialog-body")
            yield OptionList(*[Option(_label(j)) for j in self.pending], id="pending")
            with Horizontal():
                yield Button("Recover", id="recover", variant="primary")
                yield Button("Show difference", id="diff")
                yield Button("Discard…", id="discard", variant="error")
                yield Button("Later", id="later")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def _selected(self) -> journal.Journal | None:
        index = self.query_one(OptionList).highlighted
        return self.pending[index] if index is not None and index < len(self.pending) else None

    @on(OptionList.OptionSelected)
    @on(Button.Pressed, "#recover")
    def _recover(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.dismiss(chosen)

    @on(Button.Pressed, "#diff")
    def action_diff(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        old, name = "", "(not saved yet)"
        if chosen.target is not None:
            try:
                old = store.read_bytes(chosen.target).decode("utf-8", "replace")
                name = str(chosen.target)
            except store.StoreError as exc:
                name = f"{chosen.target} ({exc})"
        diff = diff_content(old, chosen.text, name, "unsaved (journal)")
        self.app.push_screen(DiffScreen("Unsaved text compared with the file on disk", diff))

    @on(Button.Pressed, "#discard")
    @work(exclusive=True, group="recovery")
    async def _discard(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        answer = await self.app.push_screen_wait(ChoiceDialog(
            "Discard unsaved work?",
            Content.assemble("The unsaved text of ", line(chosen.title or "(untitled)"),
                             " will be deleted for good."),
            [("keep", "Keep it", "primary"), ("discard", "Discard", "error")],
        ))
        if answer != "discard":
            return
        journal.discard(chosen)
        index = self.pending.index(chosen)
        self.pending.remove(chosen)
        self.query_one(OptionList).remove_option_at_index(index)
        if not self.pending:
            self.dismiss(None)

    @on(Button.Pressed, "#later")
    def action_later(self) -> None:
        self.dismiss(None)
