"""The recovery journal: unsaved wizard text, kept outside the knowledge base.

While the wizard holds unsaved changes it journals the entry's text here (the
user's state folder, via platformdirs), keyed by knowledge base and entry, within
about a second of the last change and on exit. The journal is removed only after
a successful save or an explicit discard; the next start offers what is pending.

Also here: edit locks, so a second opswizard editing the same entry is warned.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_state_path

from .store import private_folder, write_private

VERSION = 1


def state_dir() -> Path:
    """`$XDG_STATE_HOME/opswizard` (or the platform's equivalent)."""
    return user_state_path("opswizard", appauthor=False)


def _key(root: Path, path: Path | None, entry_id: str) -> str:
    import hashlib  # here, as below: the browser starts without OpenSSL's set-up

    what = f"{root.resolve()}\0{path.resolve() if path else 'new:' + entry_id}"
    return hashlib.sha256(what.encode("utf-8", "surrogatepass")).hexdigest()[:24]


@dataclass
class Journal:
    """One pending recovery."""

    file: Path
    kb: str
    path: str | None  # the entry's file, or None for a new entry never saved
    entry_id: str
    title: str
    saved_at: str
    text: str
    base_digest: str | None  # the file's digest when it was opened (conflict check)

    @property
    def target(self) -> Path | None:
        return Path(self.path) if self.path else None


def journal_file(root: Path, path: Path | None, entry_id: str) -> Path:
    return state_dir() / "recovery" / f"{_key(root, path, entry_id)}.json"


def write(root: Path, path: Path | None, entry_id: str, title: str, text: str,
          base_digest: str | None) -> Path:
    """Journal the text atomically; returns the journal's path."""
    target = journal_file(root, path, entry_id)
    data = {
        "version": VERSION,
        "kb": str(root.resolve()),
        "path": str(path.resolve()) if path else None,
        "entry_id": entry_id,
        "title": title,
        "saved_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "text": text,
        "base_digest": base_digest,
    }
    private_folder(state_dir())
    write_private(target, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    return target


def remove(root: Path, path: Path | None, entry_id: str) -> None:
    """Drop the journal after a successful save (both keys: a new entry gets a path)."""
    for candidate in {journal_file(root, path, entry_id), journal_file(root, None, entry_id)}:
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


class SessionJournal:
    """The journal of one editing session: the newest unsaved text it was told of, written
    on request from any thread (a write that an undo or a save overtook is skipped), and
    every journal it wrote or took up removed once the text is saved or every change undone.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._files: set[Path] = set()
        self._wanted: str | None = None

    def adopt(self, file: Path) -> None:
        """A journal taken up from an earlier run: removed with this session's own."""
        self._files.add(file)

    def want(self, text: str | None, undone: bool = False) -> None:
        """The text to journal (None: none); `undone`: the text is the saved file's again,
        so every journal goes now."""
        with self._lock:
            self._wanted = text
            if undone:
                self._drop()

    def write(self, text: str,
              where: Callable[[], tuple[Path | None, str, str, str | None]]) -> Path | None:
        """Journal `text` if it is still the one wanted; `where()` gives the entry's file,
        id, title and the digest a save checks. Raises OSError on failure."""
        with self._lock:
            if self._wanted is None or text != self._wanted:
                return None
            path, entry_id, title, digest = where()
            written = write(self.root, path, entry_id, title, text, digest)
            self._files.add(written)
            return written

    def forget(self, path: Path | None, entry_id: str) -> None:
        """Nothing to journal any more (saved, or discarded): every journal goes."""
        with self._lock:
            self._wanted = None
            remove(self.root, path, entry_id)
            self._drop()

    def _drop(self) -> None:
        for file in self._files:
            file.unlink(missing_ok=True)
        self._files.clear()


def discard(journal: Journal) -> None:
    try:
        journal.file.unlink()
    except FileNotFoundError:
        pass


def pending(root: Path) -> list[Journal]:
    """Journals for this knowledge base, newest first. A journal that cannot be read is
    skipped (and left in place), never deleted."""
    folder = state_dir() / "recovery"
    found: list[Journal] = []
    try:
        files = sorted(folder.glob("*.json"))
    except OSError:
        return []
    wanted = str(root.resolve())
    for file in files:
        try:
            if file.stat().st_size > 4 * 1024 * 1024:
                continue
            data = json.loads(file.read_text("utf-8"))
            if not isinstance(data, dict) or data.get("kb") != wanted:
                continue
            found.append(Journal(
                file=file, kb=data["kb"], path=data.get("path"),
                entry_id=str(data.get("entry_id", "")), title=str(data.get("title", "")),
                saved_at=str(data.get("saved_at", "")), text=str(data["text"]),
                base_digest=data.get("base_digest"),
            ))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    found.sort(key=lambda j: j.saved_at, reverse=True)
    return found


# -- edit locks ----------------------------------------------------------------------------------
def _lock_file(path: Path) -> Path:
    import hashlib

    key = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return state_dir() / "locks" / f"{key}.json"


_HELD: set[Path] = set()
"""Entries this process holds an edit lock on (released all at once on a signal)."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_opswizard(pid: int) -> bool:
    """Whether a live process is an opswizard (where /proc tells; elsewhere assume so)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # no /proc: cannot tell, so assume it is
    except OSError:
        return True
    return b"opswizard" in cmdline


def other_editor(path: Path) -> dict[str, object] | None:
    """Who else is editing this file right now (a live opswizard on this host, or one on
    another host, which cannot be checked), if anyone. A stale lock (its process gone, or
    not an opswizard: the pid was reused) is removed."""
    file = _lock_file(path)
    try:
        data = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("pid") == os.getpid():
        return None
    same_host = data.get("host") == socket.gethostname()
    pid = data.get("pid")
    if same_host and isinstance(pid, int) and (not _alive(pid) or not _is_opswizard(pid)):
        try:
            file.unlink()
        except OSError:
            pass
        return None
    return data


def lock(path: Path) -> None:
    """Take the entry's edit lock (taking it over from anyone who held it)."""
    data = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
    write_private(_lock_file(path), json.dumps(data).encode())
    _HELD.add(path)


def unlock(path: Path) -> None:
    """Release the entry's edit lock if this process holds it."""
    _HELD.discard(path)
    file = _lock_file(path)
    try:
        data = json.loads(file.read_text("utf-8"))
        if data.get("pid") == os.getpid():
            file.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def restore_lock(path: Path, data: dict[str, object]) -> None:
    """Give an entry's lock back to the editor it was taken from (its lock data)."""
    try:
        write_private(_lock_file(path), json.dumps(data).encode())
    except (OSError, TypeError, ValueError):
        pass


class EditLock:
    """The edit lock one session holds on its file (at most one file at a time)."""

    def __init__(self) -> None:
        self.held: Path | None = None
        self.wanted = False
        """Whether the session holds a lock on its file (an interactive editor does)."""
        self.other: dict[str, object] | None = None
        """Another live opswizard editing the file when the lock was last taken."""

    def take(self, path: Path | None) -> None:
        """Hold the lock on `path` (giving up any other); a lock that cannot be written
        is skipped: a lock is a courtesy to other editors, never a reason to stop."""
        if path is None or self.held == path:
            return
        self.release()
        self.other = other_editor(path)
        try:
            lock(path)
        except OSError:
            return
        self.held = path

    def release(self) -> None:
        """Give up the lock held, if any."""
        if self.held is not None:
            unlock(self.held)
            self.held = None

    def give_way(self, other: dict[str, object]) -> None:
        """Another live opswizard keeps the file: its lock is given back, none wanted."""
        path = self.held
        self.wanted = False
        self.release()
        if path is not None:
            restore_lock(path, other)


def release_all() -> None:
    """Release every edit lock this process holds (a signal, a closed terminal)."""
    for path in list(_HELD):
        unlock(path)
