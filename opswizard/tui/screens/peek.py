"""A past entry opened read-only from inside the wizard (escape comes back)."""

from __future__ import annotations

from pathlib import Path

from ...core import store
from ...core.catalog import entry_row
from .entry_view import EntryViewScreen


class PeekScreen(EntryViewScreen):
    """The browser's reader, without edit or related: the wizard stays underneath."""

    HELP_TITLE = "A past entry (read-only)"
    HELP = ("A past entry from the knowledge base, opened from the wizard to compare. Nothing "
            "here changes it; escape goes back to your entry, which is kept as it was.")

    @classmethod
    def for_path(cls, path: Path, root: Path) -> PeekScreen:
        return cls(entry_row(store.load(path), root))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "finish" else True
