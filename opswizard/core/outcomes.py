"""What a save did, as values: `EditSession.save` returns one of these, never a dialog.

A screen, a command or an agent tool turns each into its own words (a notification, a
question, an exit code). Only `Saved` changed anything on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .checklist import CheckItem


@dataclass(frozen=True)
class Saved:
    """Written to `path`. `moved_from`: the file it was before (removed only after `path`
    was written). `links_rewritten`: other entries whose link to `moved_from` now names
    `path`; `links_failed`: (entry, why) for those that could not be changed.
    `move_offered`: where a final entry belongs now, when it was saved in place because
    the move was not confirmed (ask, then save again with `confirm_move=True`)."""

    path: Path
    moved_from: Path | None = None
    move_offered: Path | None = None
    links_rewritten: tuple[Path, ...] = ()
    links_failed: tuple[tuple[Path, str], ...] = ()


@dataclass(frozen=True)
class Unchanged:
    """Nothing to write: the text is what the file holds (the file is left byte for byte)."""

    path: Path


@dataclass(frozen=True)
class NeedsFinalReason:
    """Saving as final with a failing checklist: ask why, then save again with `reason=`."""

    failing: tuple[CheckItem, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Conflict:
    """The file is not what was opened (`how`: "changed" or "deleted"): nothing written.

    `disk_text` is what the file holds now ("" when deleted), `our_text` what would have
    been written. Resolve with `save(..., overwrite=True)` or `save_copy()`."""

    path: Path
    how: str
    disk_text: str
    our_text: str


@dataclass(frozen=True)
class Refused:
    """Not saved, and why (read-only, outside the knowledge base, a failed write). The
    text stays in the session and in the journal; nothing on disk changed."""

    why: str


Outcome = Saved | Unchanged | NeedsFinalReason | Conflict | Refused
