"""One editing session over one entry: open it, change it, check it, save it. No Textual.

Every writer of entries uses this (the wizard, plain mode, `import`, and what comes later):

    session = EditSession.open(root, path)      # or .new(root), .recover(root, journal)
    session.entry.title = "..."                 # change the model
    outcome = session.save(final=True)          # Saved | Unchanged | NeedsFinalReason
                                                # | Conflict | Refused  (core/outcomes.py)
    session.close()                             # releases the edit lock

What it holds, so no caller repeats it:
- **read-only rules**: a file the parser cannot rewrite safely, or one holding terminal
  control characters (shown escaped, never written back), is never saved;
- **the edit lock**: another live opswizard on the same file is named in `other_editor`;
- **the recovery journal**: `note(text)` after each change, `write_journal(text)` from any
  thread; when the text equals the saved file again (every change undone) the journal is
  removed, so nothing is offered next time;
- **saving**: atomic, conflict-checked against the digest read at open, never over another
  file, always inside the knowledge base;
- **path follows content** (`placement.py`): when the date, category, title or first
  related service of a draft changed, the save moves it to its conventional name and
  folder (the new file is written first, the old one removed after, through
  `store.publish_moved`); a final entry is moved only with `confirm_move=True` (else
  `Saved.move_offered` says where it belongs). The entry's own relative links are
  rewritten for its new folder, and links in other entries to its old path are pointed
  at the new one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from . import journal, store
from .outcomes import Conflict, NeedsFinalReason, Outcome, Refused, Saved, Unchanged
from .placement import Placement

if TYPE_CHECKING:  # pragma: no cover
    from .checklist import Checklist
    from .model import EntryBase
    from .secrets import SecretFinding


def _like(root: Path, path: Path) -> Path:
    """`path` in the same form as `root` (absolute when root is), so paths compare."""
    return Path(os.path.abspath(path)) if root.is_absolute() else Path(path)


class EditSession(Placement):
    """One entry being edited. Build it with `new`, `open` or `recover`."""

    def __init__(self, root: Path, entry: EntryBase, path: Path | None = None) -> None:
        from .render import render

        self.root = Path(root)
        """The knowledge base, as given (a relative root keeps paths shown relative)."""
        self.entry = entry
        """The model being edited: change it in place."""
        self.path = _like(self.root, path) if path is not None else None
        """The file (None for a new entry until its first save)."""
        self.baseline = render(entry)
        """The text as last saved (or as opened): `dirty` compares against it."""
        self.source = b""
        """The bytes last read or written (a save of an unedited hand-written file is none)."""
        self.digest: str | None = None
        """The digest of the file when read: a save checks the file still has it."""
        self.read_only_reason = ""
        self.outside = self.path is not None and not store.is_inside(self.root, self.path)
        """The file is outside the knowledge base (through a symlinked folder too): it is
        read-only, since every write stays inside; a screen may offer to import a copy."""
        if self.outside:
            self.read_only_reason = self._outside_reason()
        self.controls: list[tuple[int, int, str]] = []
        """Terminal control characters in the file as read (line, column, character): the
        session is read-only until `strip_controls`."""
        self._stripped = ""
        self.saved_path: Path | None = None
        """Where this session last saved (None: not yet)."""
        self.saved_status: str | None = None
        """The status the file has on disk (None: a new entry)."""
        self.relinked = False
        """Whether the last save rewrote links in this entry (a screen reloads them)."""
        self.name_basis = self._basis()
        self._links: dict[str, tuple[Path, str]] = {}
        self._journal = journal.SessionJournal(self.root)
        self._edit_lock = journal.EditLock()

    # -- building ----------------------------------------------------------------------------
    @classmethod
    def new(cls, root: Path, entry: EntryBase | None = None, *, lock: bool = False,
            prefill: Mapping[str, str] | None = None, **fields: str) -> EditSession:
        """A new entry (the given one, or one made from `prefill` and `fields`), not yet on
        disk. `lock`: hold the edit lock on its file once it is saved (an editor does)."""
        from .model import new_entry

        values = {**(prefill or {}), **fields}
        session = cls(root, entry if entry is not None else new_entry(**values))
        session._edit_lock.wanted = lock
        return session

    @classmethod
    def open(cls, root: Path, path: Path, *, lock: bool = True) -> EditSession:
        """Open a file (ours or hand-written). Raises `store.StoreError` only when it cannot
        be read at all; a file that cannot be rewritten safely opens read-only."""
        loaded = store.load(path)
        session = cls(root, loaded.entry.model_copy(deep=True), path)
        session._loaded(loaded)
        session._edit_lock.wanted = lock and not session.read_only_reason
        if session._edit_lock.wanted:
            session._edit_lock.take(session.path)
        return session

    @classmethod
    def recover(cls, root: Path, pending: journal.Journal, *, lock: bool = True) -> EditSession:
        """Take up journalled text from an earlier run. The save is checked against the
        file as it was then (a change on disk since is a `Conflict`)."""
        from .parse import parse_text

        path = pending.target
        if path is not None and path.exists():
            session = cls.open(root, path, lock=lock)
        else:
            session = cls(root, parse_text(pending.text).entry, path)
            session._edit_lock.wanted = lock
            session.baseline = ""  # never saved, or the file is gone: all of it is unsaved
            if path is not None:
                session.saved_status = "draft"
        session.entry = parse_text(pending.text).entry
        session.digest = pending.base_digest
        session._journal.adopt(pending.file)
        return session

    def _loaded(self, loaded: store.Loaded) -> None:
        from .parse import parse_text
        from .render import render
        from .sanitize import clean

        self.source, self.digest = loaded.data, loaded.digest
        self.saved_status = self.entry.status
        if not loaded.result.writable:
            errors = loaded.result.errors
            self.read_only_reason = errors[0].message if errors else "cannot be rewritten"
        shown = self.baseline.replace("\r\n", "\n")
        if clean(shown) != shown:  # terminal controls: shown escaped, never written back
            from .sanitize import control_positions, strip_controls

            self.controls = control_positions(
                loaded.data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace"))
            self._stripped = strip_controls(shown)
            self.entry = parse_text(clean(shown)).entry
            self.baseline = render(self.entry)
            where = "; ".join(f"line {ln}, column {col}" for ln, col, _ in self.controls[:3])
            more = " and more" if len(self.controls) > 3 else ""
            self.read_only_reason = self.read_only_reason or (
                f"the file holds terminal control characters (shown escaped here) at {where}"
                f"{more}")
            if not self.read_only_reason.startswith("the file holds"):
                self.controls = []  # read-only for another reason first: not repaired here
        self.name_basis = self._basis()

    def _outside_reason(self) -> str:
        return (f"{self.path} is outside the knowledge base {self.root}; opswizard writes "
                "only inside it")

    def strip_controls(self) -> bool:
        """Repair a file that holds terminal control characters: the text without them
        (escape sequences removed whole) becomes the entry, editable; saving writes it.
        Returns False when there is nothing to strip."""
        from .parse import parse_text

        if not self.controls or not self.read_only_reason.startswith("the file holds"):
            return False
        self.entry = parse_text(self._stripped).entry
        self.controls = []
        self.read_only_reason = self._outside_reason() if self.outside else ""
        return True

    def import_as_new(self) -> None:
        """The text of a file outside the knowledge base becomes a new entry inside it (its
        first save publishes it there); the outside file is never written."""
        if self.read_only_reason == self._outside_reason():
            self.read_only_reason = ""
        self._edit_lock.release()
        self.outside = False
        self.path = None
        self.digest = None
        self.source = b""
        self.baseline = ""
        self.saved_status = None

    def give_way(self, other: dict[str, object]) -> None:
        """Another live opswizard keeps the entry: read-only here, its lock given back."""
        self._edit_lock.give_way(other)
        self.read_only_reason = (f"another opswizard (pid {other.get('pid')}) is editing "
                                 "this entry")

    # -- the edit lock ---------------------------------------------------------------------
    @property
    def other_editor(self) -> dict[str, object] | None:
        """Another live opswizard editing the same file when this one opened it."""
        return self._edit_lock.other

    def hold_lock(self) -> None:
        """Hold the edit lock on the file from now on (and on the file a save moves it to,
        or a new entry's file once written): an interactive editor does, a command not."""
        self._edit_lock.wanted = not self.read_only_reason
        if self._edit_lock.wanted:
            self._edit_lock.take(self.path)

    def close(self) -> None:
        """Release the edit lock (the journal stays while the text is unsaved)."""
        self._edit_lock.release()

    def __enter__(self) -> EditSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state -------------------------------------------------------------------------------
    def text(self) -> str:
        """The entry's text as a save would write it."""
        from .render import render

        return render(self.entry)

    def dirty(self, text: str | None = None) -> bool:
        """Whether the text differs from the saved file."""
        return (self.text() if text is None else text) != self.baseline

    def redact_secrets(self) -> list[SecretFinding]:
        """Swap every secret in the entry for `<redacted:KIND>`, keeping the rest of each
        line (the knowledge base's allowlist honoured): the secrets redacted, none when
        there was nothing to redact (the entry is then left as it is)."""
        from . import secrets
        from .parse import parse_text

        redacted, done = secrets.redact(self.text(), allowlist=secrets.load_allowlist(self.root))
        if done:
            self.entry = parse_text(redacted).entry
        return done

    def checklist(self) -> Checklist:
        """The template's completion checklist for the entry as it is now."""
        from .checklist import evaluate

        return evaluate(self.entry)

    # -- the recovery journal ---------------------------------------------------------------
    def note(self, text: str | None = None) -> bool:
        """Tell the session the text changed; returns whether it differs from the saved
        file. When it does not (every change undone), the journal is removed at once."""
        text = self.text() if text is None else text
        dirty = text != self.baseline
        self._journal.want(text if dirty and not self.read_only_reason else None,
                           undone=not dirty)
        return dirty

    def write_journal(self, text: str) -> Path | None:
        """Journal `text` if it is still the latest noted one (safe from any thread: a
        write that an undo or a save overtook is skipped). Raises OSError on failure."""
        return self._journal.write(
            text, lambda: (self.path, self.entry.id, self.entry.title, self.digest))

    def flush_journal(self) -> Path | None:
        """Journal the current text now, if it is unsaved (exit, crash): where, or None."""
        text = self.text()
        self.note(text)
        try:
            return self.write_journal(text)
        except OSError:
            return None

    def discard(self) -> None:
        """Forget the unsaved text's journal (the author chose to discard it)."""
        self._journal.forget(self.path, self.entry.id)

    # -- saving ------------------------------------------------------------------------------
    def save(self, final: bool = False, reason: str | None = None, confirm_move: bool = False,
             overwrite: bool = False) -> Outcome:
        """Save as a draft, or as final (with a failing checklist, only given a `reason`,
        which is recorded). `overwrite`: write over a file changed on disk since it was
        opened (after a `Conflict`, when the author chose so)."""
        if self.read_only_reason:
            return Refused(self.read_only_reason)
        checklist = self.checklist()
        if final and not checklist.passed:
            if not (reason and reason.strip()):
                return NeedsFinalReason(tuple(checklist.failing()))
            self.entry.checklist_override = reason.strip()
        elif final or checklist.passed:
            self.entry.checklist_override = ""
        self.entry.status = "final" if final else "draft"
        wanted = self.planned_move()
        moving = self.moves_on_save(confirm_move)
        dest = moving or self.target()
        self.relinked = self._relink(dest)
        text = self.text()
        data = text.encode("utf-8")
        old = self.path
        if old is not None and moving is None and (text == self.baseline or data == self.source):
            self._journal.forget(self.path, self.entry.id)  # no edits: the file stays byte for byte
            return Unchanged(old)
        incoming: list[tuple[Path, tuple[str, ...]]] = []
        try:
            if old is None:
                written = store.publish(self.root, dest.relative_to(self.root), data)
            elif moving is not None:
                incoming = self._incoming(old)
                written = store.publish_moved(self.root, old, dest.relative_to(self.root),
                                              data, None if overwrite else self.digest)
            else:
                store.save_over(old, data, None if overwrite else self.digest, root=self.root)
                written = old
        except store.ConflictError as exc:
            return self._conflict(exc, text)
        except (store.StoreError, OSError, ValueError) as exc:
            return Refused(str(exc))
        self._written(written, data, text, keep_basis=wanted is not None and moving is None)
        rewritten: tuple[Path, ...] = ()
        failed: tuple[tuple[Path, str], ...] = ()
        if moving is not None and incoming:
            from .backlinks import retarget

            rewritten, failed = retarget(self.root, incoming, written)
        offered = wanted if moving is None and old is not None else None
        return Saved(written, old if moving is not None else None, offered, rewritten, failed)

    def save_copy(self) -> Outcome:
        """Save the text as a new file at its conventional place (after a `Conflict`: the
        file on disk is left as it is, and the session edits the copy from now on)."""
        if self.read_only_reason:
            return Refused(self.read_only_reason)
        dest = self.conventional_path()
        self.relinked = self._relink(dest)
        text = self.text()
        data = text.encode("utf-8")
        try:
            written = store.publish(self.root, dest.relative_to(self.root), data)
        except (store.StoreError, OSError, ValueError) as exc:
            return Refused(str(exc))
        self._written(written, data, text, keep_basis=False)
        return Saved(written)

    def _incoming(self, old: Path) -> list[tuple[Path, tuple[str, ...]]]:
        from .backlinks import incoming_hrefs

        try:
            return incoming_hrefs(self.root, old)
        except Exception:  # noqa: BLE001 - an index that cannot answer must not stop a move
            return []  # the links elsewhere stay as they are; the move itself goes on

    def _conflict(self, exc: store.ConflictError, text: str) -> Conflict:
        try:
            disk = store.read_bytes(exc.path).decode("utf-8", "replace")
        except store.StoreError:
            disk = ""
        return Conflict(exc.path, exc.how, disk, text)

    def _written(self, path: Path, data: bytes, text: str, keep_basis: bool) -> None:
        self._journal.forget(self.path, self.entry.id)
        self.path = self.saved_path = path
        self.source, self.digest, self.baseline = data, store.digest(data), text
        self.saved_status = self.entry.status
        if not keep_basis:
            self.name_basis = self._basis()
        if self._edit_lock.wanted:
            self._edit_lock.take(self.path)
