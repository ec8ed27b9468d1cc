"""A dropdown of knowledge-base suggestions under an Input (tags, services, owners).

A thin adapter (STYLE.md, 11) over textual-autocomplete: the ranking is the core
`Suggester`'s; it runs in a thread worker per keystroke, and a result that no
longer matches what is typed is dropped.

Suggestions never replace what was typed: only an explicit choice accepts one.

| Key | Action |
|---|---|
| `down` / `up` | Move into the list and along it (no wrap-around; up from the top leaves it) |
| `enter` | Accept the highlighted suggestion (only after moving into the list) |
| `tab` | Move on, keeping what was typed |
| `escape` | Dismiss the list (only the list) |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events, work
from textual.content import Content
from textual.geometry import Offset
from textual.widgets import Input
from textual.worker import get_current_worker
from textual_autocomplete import AutoComplete, DropdownItem, TargetState

from ...core.sanitize import clean_line

Source = Callable[[str], list[Any]]
"""Given what is typed, suggestions with `.value` and `.count` (core.complete.Suggestion)."""


class SuggestInput(AutoComplete):
    """Suggestions for one Input. `multi`: the Input holds a comma-separated list."""

    HELP_KEYS = (("Down / Up", "Into the suggestions and along them"),
                 ("Enter", "Take the highlighted suggestion"),
                 ("Tab", "Move on, keeping what you typed"),
                 ("Escape", "Hide the suggestions"))
    """The keys of the suggestion list, listed by F1 when its field has the cursor."""

    def __init__(self, target: Input, source: Callable[[], Source | None], multi: bool = False,
                 limit: int = 8) -> None:
        super().__init__(target, candidates=None)
        self._source = source
        self._multi = multi
        self._limit = limit
        self._results: tuple[str, list[DropdownItem]] = ("", [])

    # -- keys: an explicit choice only ------------------------------------------------------
    def _listen_to_messages(self, event: events.Event) -> None:
        """Keys of the target Input, seen after it handled them (see the table above)."""
        if isinstance(event, Input.Changed):
            self._handle_target_update()
            return
        if not isinstance(event, events.Key):
            return
        options = self.option_list
        shown = bool(self.display) and options.option_count > 0
        key = event.key
        if key == "down" and options.option_count:
            event.prevent_default()
            event.stop()
            if not shown:
                self.action_show()
            current = options.highlighted
            options.highlighted = 0 if current is None else min(
                current + 1, options.option_count - 1)
        elif key == "up" and shown and options.highlighted is not None:
            event.prevent_default()
            event.stop()
            current = options.highlighted
            options.highlighted = None if current == 0 else current - 1
        elif key == "enter" and shown and options.highlighted is not None:
            event.prevent_default()
            event.stop()
            self._complete(option_index=options.highlighted)
        elif key == "escape" and shown:
            event.prevent_default()
            event.stop()
            self.action_hide()
        elif key in ("tab", "shift+tab", "enter") and shown:
            self.action_hide()  # moving on keeps what was typed

    def _rebuild_options(self, target_state: TargetState, search_string: str) -> None:
        """Nothing highlighted until the author moves into the list."""
        super()._rebuild_options(target_state, search_string)
        self.option_list.highlighted = None

    def _align_to_target(self) -> None:
        """Below the cursor when the dropdown fits there, else above it."""
        super()._align_to_target()
        _, cursor_y = self.target.cursor_screen_offset
        height = self.option_list.outer_size.height
        bottom = self.screen.scrollable_content_region.bottom
        placed = self.absolute_offset  # set by the alignment above
        if placed is not None and cursor_y + 1 + height > bottom and cursor_y - height >= 0:
            self.absolute_offset = Offset(placed.x, cursor_y - height)

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
        kept = head.rsplit(",", 1)[0].rstrip() + ", " if "," in head else ""
        new_head = f"{kept}{value}"
        rest = tail.lstrip(", ")
        # No separator is added after the value: the author types `, ` for the next one,
        # so a list never gets an empty item.
        target.value = new_head + (f", {rest}" if rest.strip() else "")
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
