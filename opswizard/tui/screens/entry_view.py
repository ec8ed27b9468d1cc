"""One entry, full screen and read-only.

| Key | Action |
|---|---|
| `j` / `k`, `up` / `down`, `pageup` / `pagedown` | Scroll |
| `e` | Edit it in the wizard |
| `r` | Related entries |
| `escape`, `q` | Back to the list |
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from ...core.catalog import Row
from ...core.links import LinkGraph
from ...core.sanitize import clean_line
from ..widgets.entry_preview import EntryPreview

ViewResult = str | Path | None
""""edit", "related", the path of an entry to jump to, or None (back)."""


class EntryViewScreen(Screen[ViewResult]):
    """Reads one entry; hands edit, related and followed links back to the browser."""

    HELP_TITLE = "Reading an entry"
    HELP = ("The entry as it is on disk, rendered. Nothing here changes the file: press e to "
            "edit it in the wizard. Links to other entries can be clicked.")
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="view.back"),
        Binding("e", "finish('edit')", "Edit", id="view.edit"),
        Binding("r", "finish('related')", "Related", id="view.related"),
        Binding("j,down", "scroll(1)", "Scroll down", id="view.down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", id="view.up", show=False),
        Binding("question_mark", "app.help", "This help", id="view.help", show=False,
                key_display="F1, ?"),
    ]

    def __init__(self, row: Row, graph: LinkGraph | None = None) -> None:
        super().__init__()
        self.row = row
        self.graph = graph

    def compose(self) -> ComposeResult:
        yield Header()
        yield EntryPreview(id="reader")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = clean_line(self.row.key)
        self.query_one(EntryPreview).show(self.row)
        self.query_one(EntryPreview).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "finish" and self.row.broken:
            return None
        return True

    def action_scroll(self, step: int) -> None:
        preview = self.query_one(EntryPreview)
        (preview.scroll_down if step > 0 else preview.scroll_up)(animate=False)

    def action_finish(self, what: str) -> None:
        self.dismiss(what)

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Markdown.LinkClicked)
    def _follow(self, event: Markdown.LinkClicked) -> None:
        if self.graph is None:
            return
        link = self.graph.resolve(event.href, self.row.path)
        if link.exists and link.path is not None:
            self.dismiss(link.path)
        else:
            self.notify("That link is not to an entry in this knowledge base.",
                        severity="warning", markup=False)
