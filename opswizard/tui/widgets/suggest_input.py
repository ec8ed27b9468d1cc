"""A dropdown of knowledge-base suggestions under an Input (tags, services, owners).

A thin adapter (STYLE.md, 11) over textual-autocomplete: the ranking is the core
`Suggester`'s; it runs in a thread worker per keystroke, and a result that no
longer matches what is typed is dropped. Keys: up/down to move, enter or tab to
accept, escape to dismiss.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.content import Content
from textual.geometry import Offset
from textual.widgets import Input
from textual.worker import get_current_worker
from textual_autocomplete import AutoComplete, DropdownItem, TargetState

from ...core.sanitize import clean_line

Source = Callable[[str], list[Any]]
"""Given what is typed, suggestions with `.value` and `.count` (core.suggest.Suggestion)."""


class SuggestInput(AutoComplete):
    """Suggestions for one Input. `multi`: the Input holds a comma-separated list."""

    def __init__(self, target: Input, source: Callable[[], Source | None], multi: bool = False,
                 limit: int = 8) -> None:
        super().__init__(target, candidates=None)
        self._source = source
        self._multi = multi
        self._limit = limit
        self._results: tuple[str, list[DropdownItem]] = ("", [])

    def _align_to_target(self) -> None:
        """Below the cursor when the dropdown fits there, else above it."""
        super()._align_to_target()
        _, cursor_y = self.target.cursor_screen_offset
        height = self.option_list.outer_size.height
        bottom = self.screen.scrollable_content_region.bottom
        if cursor_y + 1 + height > bottom and cursor_y - height >= 0:
            self.absolute_offset = Offset(self.absolute_offset.x, cursor_y - height)

    def should_show_dropdown(self, search_string: str) -> bool:
        """Not when what is typed already is a known value: then tab moves on."""
        if not super().should_show_dropdown(search_string):
            return False
        options = self.option_list
        typed = search_string.casefold()
        return not any(
            getattr(options.get_option_at_index(i), "value", "").casefold() == typed
            for i in range(options.option_count)
        )

    # -- what is being completed ------------------------------------------------------------
    def get_search_string(self, target_state: TargetState) -> str:
        text = target_state.text[: target_state.cursor_position]
        if self._multi:
            text = text.rsplit(",", 1)[-1]
        return text.strip()

    def apply_completion(self, value: str, state: TargetState) -> None:
        target = self.target
        if not self._multi:
            target.value = value
            target.cursor_position = len(value)
            return
        head = state.text[: state.cursor_position]
        tail = state.text[state.cursor_position :]
        kept = head.rsplit(",", 1)[0] + ", " if "," in head else ""
        new_head = f"{kept}{value}, "
        target.value = new_head + tail.lstrip(", ")
        target.cursor_position = len(new_head)

    # -- matching: off the UI thread, stale results dropped --------------------------------
    def get_candidates(self, target_state: TargetState) -> list[DropdownItem]:
        return []

    def get_matches(self, target_state: TargetState, candidates: list[DropdownItem],
                    search_string: str) -> list[DropdownItem]:
        query, items = self._results
        if search_string and query != search_string:
            self._compute(search_string)
        return items if query == search_string else []

    @work(thread=True, exclusive=True, group="suggest")
    def _compute(self, search: str) -> None:
        source = self._source()
        if source is None:
            return
        found = source(search)[: self._limit]
        if get_current_worker().is_cancelled:
            return
        items = [
            DropdownItem(Content(clean_line(s.value)),
                         prefix=Content.styled(f"{s.count:>3} ", "dim"))
            for s in found
        ]
        self.app.call_from_thread(self._deliver, search, items)

    def _deliver(self, search: str, items: list[DropdownItem]) -> None:
        if not self.is_attached:
            return
        if search != self.get_search_string(self._get_target_state()):
            return  # typed on since: stale
        self._results = (search, items)
        self._handle_target_update()
        self.call_after_refresh(self._align_to_target)
