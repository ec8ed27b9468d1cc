"""An entry rendered for reading: a header (title, facts, checklist) and the markdown body.

The browser's preview pane, which `enter` maximizes to read full screen. Everything shown comes
from a file, so the header is built from Content objects and the body (a `Markdown`
widget, which parses no Textual markup) has its terminal control characters neutralised.
Links are not opened: a click posts `Markdown.LinkClicked`, which the screen resolves.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from ...core.catalog import Row
from ...core.checklist import evaluate
from ...core.render import render_body
from ...core.sanitize import clean
from ...core.template import PREAMBLE
from ..safe import fmt, line


def body_markdown(row: Row) -> str:
    """The entry's body as markdown, without the template's preamble, safe for a terminal."""
    if row.loaded is None:
        return ""
    body = render_body(row.loaded.entry)
    if body.startswith(PREAMBLE):
        body = body[len(PREAMBLE):].lstrip("\n")
    return clean(body)


def header(row: Row) -> Content:
    """Title, facts, tags and what the checklist still wants, as Content."""
    if row.broken:
        return Content("\n").join([
            line(row.key, "bold red"),
            fmt("[b]This file cannot be read as an entry:[/b] $error", error=row.error),
            Content("Fix it in an editor; `opswizard validate` says more.").stylize("dim"),
        ])
    parts = [line(row.title or "(untitled)", "bold")]
    facts = " · ".join(v for v in (row.date, row.severity, row.category, row.status) if v)
    parts.append(fmt("$facts · [b]$percent%[/b] complete", facts=facts,
                     percent=str(row.percent)))
    if row.tags:
        parts.append(fmt("[dim]tags:[/dim] $tags", tags=", ".join(row.tags)))
    parts.append(line(row.key, "dim"))
    assert row.loaded is not None
    findings = row.loaded.result.errors
    if findings:
        parts.append(fmt("[red]$count problem(s) reading this file:[/red] $first",
                         count=str(len(findings)), first=findings[0].message))
    failing = evaluate(row.loaded.entry).failing()
    if failing:
        reasons = "; ".join(item.reason for item in failing[:3])
        parts.append(fmt("[dim]checklist:[/dim] $reasons", reasons=reasons))
    return Content("\n").join(parts)


class EntryPreview(VerticalScroll):
    """Shows one row of the catalog: call `show(row)` (None shows `empty`).

    | Key | Action |
    |---|---|
    | `j` / `k`, `up` / `down`, `pageup` / `pagedown` | Scroll |
    """

    ALLOW_MAXIMIZE = True  # the browser reads an entry full screen by maximizing its preview
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", id="preview.down", show=False),
        Binding("k", "scroll_up", "Scroll up", id="preview.up", show=False),
    ]

    DEFAULT_CSS = """
    EntryPreview { padding: 0 1; }
    EntryPreview > #preview-head { border-bottom: solid $primary-muted; }
    EntryPreview > Markdown { padding: 0; margin: 0; }
    """

    def __init__(self, *, id: str | None = None, empty: str = "Nothing selected.") -> None:
        super().__init__(id=id)
        self.empty = empty
        """What to show when there is no row."""
        self.row: Row | None = None
        """The row shown."""

    def compose(self) -> ComposeResult:
        yield Static(Content(self.empty), id="preview-head")
        yield Markdown(open_links=False)

    def show(self, row: Row | None, empty: str | None = None) -> None:
        """Show a row (the very same row again is a no-op)."""
        if row is not None and row is self.row:
            return
        self.row = row
        self.query_one("#preview-head", Static).update(
            header(row) if row else Content(empty or self.empty))
        self.query_one(Markdown).update(body_markdown(row) if row else "")
        self.scroll_home(animate=False)
