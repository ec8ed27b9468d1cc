"""Where an entry being edited belongs, and its links from there: the part of
`session.EditSession` that follows the template's naming (path follows content).

A draft whose date, category, title or first related service changed since it was opened
(or last saved) moves to its conventional name and folder on save; a final entry only
when the move is confirmed. The entry's Related Issues links are kept relative to where
it will be written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .model import EntryBase


class Placement:
    """Naming and links for an `EditSession` (which sets the attributes below)."""

    root: Path
    entry: EntryBase
    path: Path | None
    saved_status: str | None
    name_basis: tuple[str, str, str, str]
    _links: dict[str, tuple[Path, str]]

    def _basis(self) -> tuple[str, str, str, str]:
        services = self.entry.services()
        return (self.entry.date, self.entry.category, self.entry.title,
                services[0] if services else "")

    def conventional_path(self) -> Path:
        """Where the template's naming puts the entry (before any `-N` suffix)."""
        from .naming import file_name, folder

        return self.root / folder(self.entry) / file_name(self.entry)

    def target(self) -> Path:
        """The file being edited, or where a new entry will be written."""
        return self.path if self.path is not None else self.conventional_path()

    def planned_move(self) -> Path | None:
        """Where the entry belongs, when its date, category, title or first related service
        changed since it was opened (or last saved) and its file is not named for it."""
        from .naming import named_for

        if self.path is None or self._basis() == self.name_basis:
            return None
        wanted = self.conventional_path()
        return None if named_for(self.path, wanted) else wanted

    def moves_on_save(self, confirm_move: bool = False) -> Path | None:
        """Where the next save moves the file (a draft moves itself; a final entry only
        when confirmed), or None."""
        wanted = self.planned_move()
        if wanted is None or (self.saved_status == "final" and not confirm_move):
            return None
        return wanted

    # -- links -------------------------------------------------------------------------------
    def link_to(self, record: Any) -> str:
        """The Related Issues text linking to `record` (anything with `.path`, `.title`),
        relative to where the entry will be written; re-derived at each save."""
        from .links import markdown_link

        to = Path(record.path)
        to = to if to.is_absolute() else self.root / to
        text = markdown_link(to, str(record.title), self.target())
        self._links[text] = (to, str(record.title))
        return text

    def _relink(self, dest: Path) -> bool:
        """Make the entry's links right for `dest` (`links.relink`)."""
        from .links import LINK_SECTION, relink

        old_dir = self.path.parent if self.path is not None else None
        return relink(self.entry.section(LINK_SECTION), self._links, old_dir, dest)
