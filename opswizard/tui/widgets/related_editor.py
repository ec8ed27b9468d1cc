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
from textual.message import Message
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
    """Suggested related entries: the first is highlighted, up and down stop at the ends."""

    BINDINGS = [Binding("x,delete", "skip", "Skip suggestion", id="related.skip")]
    HELP_KEYS = (("Enter", "Link the highlighted entry"),
                 ("Up / Down", "Move (stops at the top and the bottom)"))

    class Emptied(Message):
        """The last suggestion was linked or skipped."""

    def action_cursor_up(self) -> None:
        """Up, stopping at the top (no wrap-around to the bottom)."""
        if self.highlighted is None:
            self.highlighted = 0 if self.option_count else None
        elif self.highlighted > 0:
            self.highlighted -= 1

    def action_cursor_down(self) -> None:
        """Down, stopping at the bottom (no wrap-around to the top)."""
        if self.highlighted is None:
            self.highlighted = 0 if self.option_count else None
        elif self.highlighted < self.option_count - 1:
            self.highlighted += 1

    def drop(self, option_id: str) -> None:
        """Remove a suggestion; keep one highlighted; say so when none is left."""
        index = self.highlighted
        self.remove_option(option_id)
        if self.option_count:
            self.highlighted = min(index or 0, self.option_count - 1)
        else:
            self.post_message(self.Emptied())

    def action_skip(self) -> None:
        if self.highlighted is not None:
            option = self.get_option_at_index(self.highlighted)
            if option.id is not None:
                self.drop(option.id)


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
        if matches:
            options.highlighted = 0  # enter links the first at once, as the hint says
        self._collapse(not matches)

    def _collapse(self, empty: bool) -> None:
        """Hide the suggestions box when it holds nothing (focus goes to the links)."""
        options = self.query_one(CandidateList)
        had_focus = options.has_focus
        self.query_one("#candidates-title", Static).display = not empty
        options.display = not empty
        if empty and had_focus and self.rows:
            self.rows[-1].first_input().focus()

    @on(CandidateList.Emptied)
    def _emptied(self) -> None:
        self._collapse(True)

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
        self.query_one(CandidateList).drop(event.option.id or "")
        self.changed()
