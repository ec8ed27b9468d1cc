"""What the app asks of its screens, as Protocols (checked with isinstance, never probed
with getattr): a screen holding unsaved work, and a screen adding palette commands."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol, runtime_checkable

from textual.app import SystemCommand


@runtime_checkable
class HoldsUnsavedWork(Protocol):
    """A screen with text that may not be saved yet (the wizard)."""

    def flush_journal(self) -> Path | None:
        """Journal the unsaved text now (a crash, a signal, an exit): where, or None."""
        ...

    def request_close(self) -> None:
        """Close, asking the author first about unsaved changes (ctrl+q)."""
        ...


@runtime_checkable
class AddsPaletteCommands(Protocol):
    """A screen with commands of its own for the palette ("Go to step: Metrics")."""

    def palette_commands(self) -> Iterable[SystemCommand]:
        """The screen's extra commands."""
        ...
