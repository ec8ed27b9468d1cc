"""The knowledge base's files: where the knowledge base is, which files are its entries,
and reading one safely. Re-exported by `store.py`, through which callers use them.

Everything read here is untrusted: the scan follows no symlink and skips hidden folders;
a read opens no symlink, FIFO or device and is capped (`mdblocks.MAX_FILE_BYTES`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .prelist import DEFAULT_SUBDIR as PRELIST_SUBDIR
from .prelist import resolve_root

DEFAULT_SUBDIR = Path(*PRELIST_SUBDIR)


class StoreError(OSError):
    """A save or read that cannot be done; the message says what to do next."""


def find_root(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """`--kb PATH`, else `$OPSWIZARD_KB`, else docs/ops-knowledge in the enclosing git
    repository, else the current folder (`prelist.resolve_root`: the listing started
    before the imports uses the same rule)."""
    return Path(resolve_root(os.fspath(explicit) if explicit else None,
                             os.fspath(cwd) if cwd is not None else None))


# -- reading ---------------------------------------------------------------------------------
def scan(root: Path) -> Iterator[Path]:
    """Every regular `*.md` file under root, not following symlinks, skipping hidden folders."""
    for item in scan_entries(root):
        yield Path(item.path)


def scan_entries(root: Path) -> Iterator[os.DirEntry[str]]:
    """`scan`, as each file's `os.DirEntry` (its `.path` string and a cached `.stat`)."""
    stack: list[str | Path] = [root]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        folders = []
        for item in entries:
            if item.name.startswith("."):
                continue
            try:
                if item.is_symlink():
                    continue
                if item.is_dir(follow_symlinks=False):
                    folders.append(item.path)
                elif item.name.endswith(".md") and item.is_file(follow_symlinks=False):
                    yield item
            except OSError:
                continue
        stack.extend(reversed(folders))


def read_bytes(path: Path | str) -> bytes:
    """A file's bytes, refusing what is not a regular file and what is over the cap."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: a symlink
            raise StoreError(f"{path}: is a symlink; opswizard does not follow links") from None
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(f"{path}: not a regular file")
        from .mdblocks import MAX_FILE_BYTES

        chunks = []
        remaining = MAX_FILE_BYTES + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
