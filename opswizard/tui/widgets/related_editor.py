"""The Related Issues step: ranked past entries to link (enter) or skip (x), then the links.

| Key | Action |
|---|---|
| `enter` on a suggestion | Link it: adds a Related Issues line `[Title](relative/path.md)` |
| `x` on a suggestion | Skip it |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...core.model import Item
from ..safe import line
from .list_editor import ItemRow, ListEditor

if TYPE_CHECKING:
    from ...core.model import EntryBase


def match_prompt(match: Any) -> Content:
    """`Title` on one line, the reason and score under it (all user text safe)."""
    return Content.assemble(
        line(match.record.title or match.record.path).stylize("bold"),
        "\n  ", line(match.reason).stylize("$text-muted"), (f"  {match.score:.0f}", "dim"),
    )


class CandidateList(OptionList):
    """Suggested related entries."""

    BINDINGS = [Binding("x,delete", "skip", "Skip suggestion", id="related.skip")]

    def action_skip(self) -> None:
        if self.highlighted is not None:
            option = self.get_option_at_index(self.highlighted)
            if option.id is not None:
                self.remove_option(option.id)


class RelatedEditor(ListEditor):
    """Ranked candidates from the knowledge base above the Related Issues list."""

    DEFAULT_CSS = """
    RelatedEditor CandidateList { height: auto; max-height: 12; margin-bottom: 1; }
    RelatedEditor #candidates-title { color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Content("Suggested from the knowledge base (enter: link it, x: skip)"),
                     id="candidates-title")
        yield CandidateList(id="candidates")
        yield from super().compose()

    async def load(self, entry: EntryBase) -> None:
        await super().load(entry)
        self.refresh_candidates(entry)

    @work(thread=True, exclusive=True, group="related")
    def refresh_candidates(self, entry: EntryBase) -> None:
        suggester = self.context.suggester
        if suggester is None:
            return
        own = self.context.target_path() if self.context.target_path else None
        matches = suggester.related(entry, limit=8, exclude_path=own)
        linked = " ".join(i.text for i in entry.related_issues.items)
        fresh = [m for m in matches if m.record.path.rsplit("/", 1)[-1] not in linked]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_candidates, fresh)

    def _show_candidates(self, matches: list[Any]) -> None:
        if not self.is_attached or self._closing or not self.query(CandidateList):
            return  # closed (the app is stopping) before the candidates came back
        self._matches = {str(i): m for i, m in enumerate(matches)}
        options = self.query_one(CandidateList)
        options.clear_options()
        options.add_options([Option(match_prompt(m), id=k) for k, m in self._matches.items()])
        self.query_one("#candidates-title", Static).display = bool(matches)
        options.display = bool(matches)

    @on(OptionList.OptionSelected, "#candidates")
    async def _accept(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        match = self._matches.get(event.option.id or "")
        if match is None or self.context.link_for is None:
            return
        text = self.context.link_for(match.record)
        rows = self.rows
        empty = [r for r in rows if not r.value().text.strip() and not r.item.raw]
        if empty:
            await empty[0].remove()
        await self.query_one("#rows").mount(ItemRow(self.spec.kind, Item(text=text)))
        event.option_list.remove_option(event.option.id or "")
        self.changed()
