"""The knowledge base on disk: loading entries and saving them without loss (where the
knowledge base is and which files it holds: `kbfiles.py`, re-exported here).

Everything read here is untrusted: the scan follows no symlink and opens no FIFO
or device; reads are capped; saves are atomic (temp file in the same folder,
fsync, `os.replace`, folder fsync) and a new entry never overwrites a file.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# Finding the knowledge base and its files, and reading one safely (`kbfiles.py`), are
# re-exported here: callers read and write through `store`.
from .kbfiles import DEFAULT_SUBDIR as DEFAULT_SUBDIR
from .kbfiles import StoreError as StoreError
from .kbfiles import find_root as find_root
from .kbfiles import read_bytes as read_bytes
from .kbfiles import scan as scan
from .kbfiles import scan_entries as scan_entries

# The model, the parser and the renderer (pydantic, YAML) are imported when first used:
# scanning and stat-ing the tree (`list`, `search` on a warm index cache, the browser's
# first frame) need none of them.
if TYPE_CHECKING:  # pragma: no cover
    from .model import EntryBase
    from .parse import ParseResult

TEMP_PREFIX = ".opswizard-"
TEMP_SUFFIX = ".tmp"
WRITES = 0
"""How many files this process has written (a listing of the tree taken before the last
write is stale: `kbscan.listing`)."""


@dataclass
class Loaded:
    """An entry read from disk, with what is needed to save it back safely."""

    path: Path
    result: ParseResult
    digest: str  # sha256 of the bytes read: a save checks the file still has them
    data: bytes

    @property
    def entry(self) -> EntryBase:
        return self.result.entry


def digest(data: bytes) -> str:
    import hashlib  # here: OpenSSL's set-up is not paid by every start (the browser's)

    return hashlib.sha256(data).hexdigest()


def load(path: Path) -> Loaded:
    """Read and parse one file. Raises StoreError only when the file cannot be read at all."""
    from .parse import parse_bytes

    data = read_bytes(path)
    result = parse_bytes(data)
    return Loaded(path, result, digest(data), data)


# -- writing ---------------------------------------------------------------------------------
def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(folder_path: Path, data: bytes, mode: int | None) -> str:
    global WRITES
    WRITES += 1
    fd, temp = tempfile.mkstemp(dir=folder_path, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode if mode is not None else 0o666 & ~_umask())
    except BaseException:
        _unlink_quietly(temp)
        raise
    return temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def private_folder(folder_path: Path) -> None:
    """Make a folder of opswizard's own state (mode 0700), tightening one found looser."""
    folder_path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        info = os.stat(folder_path)
        if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == os.getuid():
            os.chmod(folder_path, 0o700)
    except OSError:
        pass


def write_private(path: Path, data: bytes) -> None:
    """Atomically write a file of opswizard's own (journal, lock, cache), mode 0600,
    in a folder of mode 0700 (tightened if it was found looser)."""
    private_folder(path.parent)
    temp = _write_temp(path.parent, data, 0o600)
    try:
        os.replace(temp, path)
    except BaseException:
        _unlink_quietly(temp)
        raise


def _ensure_folder(root: Path, target: Path) -> None:
    inside(root, target)  # before mkdir: a symlinked folder must not get folders made outside
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {target.parent}: {exc.strerror}") from None
    inside(root, target)


def is_inside(root: Path, target: Path) -> bool:
    """True when target's real location (its folder's symlinks resolved) is inside root's."""
    real_root = root.resolve()
    real = target.absolute().parent.resolve() / target.name
    return real_root == real.parent or real_root in real.parents


def inside(root: Path, target: Path) -> None:
    """Refuse a path that would resolve outside the knowledge base."""
    if not is_inside(root, target):
        raise StoreError(f"{target}: outside the knowledge base {root}; refused")


def save_over(path: Path, data: bytes, expected: str | None = None, *, root: Path) -> None:
    """Replace an existing file atomically. `expected`: the digest it must still have.

    `root`: the knowledge base (required); a path whose real location is outside it,
    through a symlinked folder too, is refused before anything is written.
    """
    inside(root, path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if expected is not None:
            raise ConflictError(path, "deleted") from None
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise StoreError(f"{path}: is a symlink; refusing to save through it")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path}: not a regular file; refusing to save over it")
    if expected is not None and info is not None:
        current = digest(read_bytes(path))
        if current != expected:
            raise ConflictError(path, "changed")
    mode = stat.S_IMODE(info.st_mode) if info is not None else None
    try:
        temp = _write_temp(path.parent, data, mode)
        try:
            os.replace(temp, path)
        except BaseException:
            _unlink_quietly(temp)
            raise
    except OSError as exc:
        if isinstance(exc, StoreError):
            raise
        why = exc.strerror or exc
        raise StoreError(f"could not save {path}: {why}; nothing was changed") from None
    _fsync_dir(path.parent)


class ConflictError(StoreError):
    """The file on disk is not what was opened: someone else changed or removed it."""

    def __init__(self, path: Path, how: str) -> None:
        super().__init__(f"{path} was {how} on disk since it was opened; nothing was written")
        self.path = path
        self.how = how


def publish(root: Path, relative: Path, data: bytes, max_tries: int = 1000) -> Path:
    """Write a new file at root/relative, never overwriting: a taken name gets `-2`, `-3`...

    Names that differ only by case or Unicode normalisation count as taken.
    """
    from .naming import collision_key

    target = root / relative
    _ensure_folder(root, target)
    try:
        temp = _write_temp(target.parent, data, None)
    except OSError as exc:
        raise StoreError(f"could not save in {target.parent}: {exc.strerror}; text kept") from None
    try:
        taken = {collision_key(name) for name in os.listdir(target.parent)}
        stem = target.name[: -len(".md")]
        for n in range(1, max_tries + 1):
            name = f"{stem}.md" if n == 1 else f"{stem}-{n}.md"
            if collision_key(name) in taken:
                continue
            candidate = target.parent / name
            try:
                os.link(temp, candidate)
            except FileExistsError:
                continue
            except OSError as exc:
                raise StoreError(f"could not save {candidate}: {exc.strerror}; text kept") from None
            _fsync_dir(target.parent)
            return candidate
        raise StoreError(f"no free name for {target} after {max_tries} tries")
    finally:
        _unlink_quietly(temp)


def _check_unchanged(path: Path, expected: str | None) -> None:
    """Raise ConflictError unless `path` is a regular file holding bytes of digest `expected`
    (None: only that it is not a link or something other than a file, when it exists)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if expected is not None:
            raise ConflictError(path, "deleted") from None
        return
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path}: not a regular file; refusing to move it")
    if expected is not None and digest(read_bytes(path)) != expected:
        raise ConflictError(path, "changed")


def publish_moved(root: Path, old: Path, relative: Path, data: bytes,
                  expected: str | None) -> Path:
    """Move an entry to root/relative with new bytes: the new file is written first (no
    clobber, as `publish`), and `old` is removed only after it is.

    `expected`: the digest `old` must still have (checked before writing and again just
    before removing it); when it has changed, the new file is taken back and ConflictError
    raised, so nothing has changed. An emptied folder that `old` leaves is removed too.
    """
    inside(root, old)
    _check_unchanged(old, expected)
    new = publish(root, relative, data)
    try:
        _check_unchanged(old, expected)
        try:
            os.unlink(old)
        except FileNotFoundError:
            pass
    except OSError as exc:
        _unlink_quietly(new)
        _fsync_dir(new.parent)
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"could not remove {old}: {exc.strerror}; nothing was moved") from None
    _fsync_dir(old.parent)
    folder_path = old.parent
    if os.path.normpath(folder_path) != os.path.normpath(root):
        try:
            folder_path.rmdir()  # only when empty
        except OSError:
            pass
    return new


def entry_path(root: Path, entry: EntryBase) -> Path:
    """Where a new entry goes (before collision suffixes)."""
    from .naming import file_name, folder

    return root / folder(entry) / file_name(entry)


def save_new(root: Path, entry: EntryBase) -> Path:
    """Write a new entry at its conventional place (a `-N` suffix if the name is taken)."""
    from .naming import file_name, folder
    from .render import render_bytes

    return publish(root, Path(folder(entry)) / file_name(entry), render_bytes(entry))


def clean_temp_files(root: Path, older_than: float = 60.0) -> list[Path]:
    """Remove temp files a killed save left behind (only ones older than `older_than` s)."""
    removed = []
    now = time.time()
    stack = [root]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                for item in it:
                    if item.is_dir(follow_symlinks=False) and item.name != ".git":
                        stack.append(Path(item.path))
                    elif (
                        item.name.startswith(TEMP_PREFIX)
                        and item.name.endswith(TEMP_SUFFIX)
                        and item.is_file(follow_symlinks=False)
                        and now - item.stat(follow_symlinks=False).st_mtime > older_than
                    ):
                        _unlink_quietly(item.path)
                        removed.append(Path(item.path))
        except OSError:
            continue
    return removed


def load_all(root: Path) -> tuple[list[Loaded], list[tuple[Path, str]]]:
    """Every entry under root, and (path, error) for files that are not usable entries."""
    good: list[Loaded] = []
    bad: list[tuple[Path, str]] = []
    for path in scan(root):
        try:
            loaded = load(path)
        except StoreError as exc:
            bad.append((path, str(exc).removeprefix(f"{path}: ")))
            continue
        errors = loaded.result.errors
        if errors and not loaded.entry.present_sections():
            bad.append((path, errors[0].message))
            continue
        good.append(loaded)
    return good, bad


def newest_first(items: list[Loaded]) -> list[Loaded]:
    """Entries sorted by date, newest first; undated ones last."""
    from datetime import UTC, datetime

    floor = datetime.min.replace(tzinfo=UTC)
    return sorted(items, key=lambda it: (it.entry.when() or floor, str(it.path)), reverse=True)
