"""A Select you can type into without opening it: `crit` picks CRITICAL.

Opening the menu (enter, space, up/down) works as usual. Typing on the closed
Select needs no menu, so fast typists never race the overlay.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import events
from textual.widgets import Select


class TypeSelect(Select[str]):
    """Select with type-ahead on the closed widget (case-insensitive prefix, then substring)."""

    RESET_AFTER = 1.0

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._typed = ""
        self._typed_at = 0.0

    def _choices(self) -> list[tuple[str, str]]:
        out = []
        for prompt, value in self._options:
            if value is Select.NULL:
                continue
            text = prompt.plain if isinstance(prompt, Text) else str(prompt)
            out.append((text.lower(), str(value)))
        return out

    def pick(self, typed: str) -> str | None:
        """The value that `typed` names, if any."""
        query = typed.lower()
        choices = self._choices()
        for text, value in choices:
            if text.startswith(query):
                return value
        for text, value in choices:
            if query in text:
                return value
        return None

    async def _on_key(self, event: events.Key) -> None:
        if self.expanded or not event.is_printable or event.character in (None, " "):
            return
        now = time.monotonic()
        if now - self._typed_at > self.RESET_AFTER:
            self._typed = ""
        self._typed_at = now
        self._typed += event.character or ""
        value = self.pick(self._typed)
        if value is not None:
            self.value = value
        event.stop()
        event.prevent_default()
