"""One entry, full screen and read-only, on a screen of its own (the wizard's peek uses it).

The browser itself reads in place: `enter` maximizes its preview, which is already rendered.

| Key | Action |
|---|---|
| `j` / `k`, `up` / `down`, `pageup` / `pagedown` | Scroll |
| `escape`, `q` | Back |
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Markdown

from ...core.catalog import Row
from ...core.sanitize import clean_line
from ..widgets.entry_preview import EntryPreview
from ..widgets.key_footer import KeyFooter


class EntryViewScreen(Screen[None]):
    """Reads one entry; nothing here changes the file."""

    HELP_TITLE = "Reading an entry"
    HELP = "The entry as it is on disk, rendered. Nothing here changes the file."
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="view.back"),
        Binding("question_mark", "app.help", "This help", id="view.help", show=False,
                key_display="F1, ?"),
    ]

    def __init__(self, row: Row) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        yield Header()
        yield EntryPreview(id="reader")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = clean_line(self.row.key)
        self.query_one(EntryPreview).show(self.row)
        self.query_one(EntryPreview).focus()

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Markdown.LinkClicked)
    def _link(self) -> None:
        self.notify("Links between entries are followed in the browser (opswizard browse).",
                    markup=False)
