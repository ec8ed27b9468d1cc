"""An entry rendered for reading: a header (title, facts, checklist) and the markdown body.

The browser's preview pane, which `enter` maximizes to read full screen. Everything shown comes
from a file, so the header is built from Content objects and the body (a `Markdown`
widget, which parses no Textual markup) has its terminal control characters neutralised.
Links are not opened: a click posts `Markdown.LinkClicked`, which the screen resolves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ...core.excerpt import excerpt
from ...core.sanitize import clean
from ...core.vocab import PREAMBLE
from ..safe import fmt, line

if TYPE_CHECKING:  # pragma: no cover
    from textual.widgets import Markdown, TextArea

    from ...core.catalog import Row


def body_markdown(row: Row) -> str:
    """The entry's body as markdown, without the template's preamble, safe for a terminal."""
    if row.loaded is None:
        return ""
    from ...core.render import render_body  # the model (pydantic): after the first frame

    body = render_body(row.loaded.entry)
    if body.startswith(PREAMBLE):
        body = body[len(PREAMBLE):].lstrip("\n")
    return clean(body)


def header(row: Row) -> tuple[Content, Content, Content]:
    """(title and facts, path, notes) of the preview's header, as Content."""
    path = line(row.key, "dim")
    if row.broken:
        return (
            Content("\n").join([Content("Unreadable file").stylize("bold red"), fmt(
                "[b]This file cannot be read as an entry:[/b] $error", error=row.error)]),
            path,
            Content("Fix it in an editor; `opswizard validate` says more.").stylize("dim"),
        )
    assert row.loaded is not None
    facts = " · ".join(v for v in (row.day, row.severity, row.category, row.status) if v)
    head = fmt("[b]$title[/b]\n$facts · [b]$percent%[/b] complete",
               title=row.title or "(untitled)", facts=facts, percent=str(row.percent))
    if row.tags:
        head += fmt(" · [dim]tags:[/dim] $tags", tags=", ".join(row.tags))
    notes: list[Content] = []
    findings = row.loaded.result.errors
    if findings:
        notes.append(fmt("[red]$count problem(s) reading this file:[/red] $first",
                         count=str(len(findings)), first=findings[0].message))
    from ...core.checklist import evaluate

    failing = evaluate(row.loaded.entry).failing()
    if failing:
        reasons = "; ".join(item.reason for item in failing[:3])
        notes.append(fmt("[dim]to do:[/dim] $reasons", reasons=reasons))
    return head, path, Content("\n").join(notes)


class EntryPreview(VerticalScroll):
    """Shows one row of the catalog: call `show(row)` (None shows `empty`).

    The `Markdown` body and the whole-text `TextArea` are mounted when first needed (their
    imports, markdown-it and the syntax highlighter, and their styles cost the browser's
    first frame otherwise).

    A long entry is rendered only in part (`core.excerpt`: its first few hundred lines), so
    reading stays quick whatever the file's shape; `w` shows the whole text (as plain text,
    which is drawn only where it is on screen).

    | Key | Action |
    |---|---|
    | `j` / `k`, `up` / `down`, `pageup` / `pagedown` | Scroll |
    | `w` | Show the whole of a long entry |
    """

    ALLOW_MAXIMIZE = True  # the browser reads an entry full screen by maximizing its preview
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", id="preview.down", show=False),
        Binding("k", "scroll_up", "Scroll up", id="preview.up", show=False),
        Binding("w", "show_all", "Whole entry", id="preview.all"),
    ]

    DEFAULT_CSS = """
    EntryPreview { padding: 0 1; }
    EntryPreview > #preview-path { text-wrap: nowrap; text-overflow: ellipsis; }
    EntryPreview > #preview-notes { border-bottom: solid $primary-muted; }
    EntryPreview > Markdown { padding: 0; margin: 0; }
    EntryPreview > #preview-all { height: auto; max-height: 100%; border: none; padding: 0; }
    """

    def __init__(self, *, id: str | None = None, empty: str = "Nothing selected.") -> None:
        super().__init__(id=id)
        self.empty = empty
        """What to show when there is no row."""
        self.row: Row | None = None
        """The row shown."""
        self.hidden_lines = 0
        """Lines of the shown entry not rendered (0: all of it is); `w` shows them."""
        self._full = ""
        self._markdown: Markdown | None = None
        self._body = ""  # what the Markdown shows (or will, once mounted)
        self._all_text: TextArea | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(self.empty), id="preview-head")
        yield Static(id="preview-path")
        yield Static(id="preview-notes")

    def _show_markdown(self, text: str) -> None:
        """The body as markdown: the widget is made (and imported) the first time."""
        self._body = text
        markdown = self._markdown
        if markdown is None:
            from textual.widgets import Markdown

            self._markdown = Markdown(text, open_links=False)
            self.mount(self._markdown, after="#preview-notes")
            return
        markdown.display = True
        if markdown.is_mounted:
            markdown.update(text)
        else:  # still mounting: show the latest text once it is
            self.call_after_refresh(self._resync_markdown)

    def _resync_markdown(self) -> None:
        if self._markdown is not None and self._markdown.is_mounted:
            self._markdown.update(self._body)
        elif self._markdown is not None:
            self.call_after_refresh(self._resync_markdown)

    def _hide_all_text(self) -> None:
        if self._all_text is not None:
            self._all_text.display = False
            if self._all_text.is_mounted:
                self._all_text.load_text("")

    def show(self, row: Row | None, empty: str | None = None) -> None:
        """Show a row (the very same row again is a no-op)."""
        if row is not None and row is self.row:
            return
        self.row = row
        if row is not None:
            from ...core.catalog import ensure_loaded  # the parser: after the first frame

            row = ensure_loaded(row)  # rows from the index cache are parsed when shown
        if row is None:
            head, path, notes = Content(empty or self.empty), Content(), Content()
        else:
            head, path, notes = header(row)
        self.query_one("#preview-head", Static).update(head)
        self.query_one("#preview-path", Static).update(path)
        self.query_one("#preview-notes", Static).update(notes)
        self._full = body_markdown(row) if row else ""
        shown, self.hidden_lines = excerpt(self._full)
        if self.hidden_lines:
            shown += (f"\n\n---\n\n*{self.hidden_lines:,} more lines are not shown here: "
                      "press `w` (reading full screen) to show the whole entry as text.*\n")
        self._hide_all_text()
        self._show_markdown(shown)
        self.scroll_home(animate=False)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_all":
            return bool(self.hidden_lines)
        return True

    def action_show_all(self) -> None:
        """The whole of a long entry, as text: one widget that draws only what is on screen."""
        if not self.hidden_lines:
            return
        self.hidden_lines = 0
        if self._markdown is not None:
            self._markdown.display = False
            self._body = ""
            if self._markdown.is_mounted:
                self._markdown.update("")
        all_text = self._all_text
        if all_text is None:
            from textual.widgets import TextArea

            all_text = self._all_text = TextArea(self._full, read_only=True, soft_wrap=True,
                                                 id="preview-all")
            self.mount(all_text)
        else:
            all_text.load_text(self._full)
            all_text.display = True
        self.scroll_home(animate=False)
        self.refresh_bindings()
        if self.has_focus:
            all_text.focus()
