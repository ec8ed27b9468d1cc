"""Finding the knowledge base's files for the index (`kbdb.py`): what `store.scan` finds
(no dot names, no symlinks, regular `.md` files), with sizes and mtimes, in one pass."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from . import store


def scan(root: Path) -> tuple[list[tuple[str, str, int, int]], list[tuple[str, str, str]]]:
    """(path, key, size, mtime_ns) of every entry file (as `store.scan` finds them: no
    dot names, no symlinks, regular `.md` files), and (path, key, error) of those that
    cannot be stat-ed. In no particular order."""
    root_text = os.fspath(root)
    prefix = len(os.path.join(root_text, ""))
    found: list[tuple[str, str, int, int]] = []
    failed: list[tuple[str, str, str]] = []
    stack = [root_text]
    scandir = os.scandir
    while stack:
        try:
            with scandir(stack.pop()) as it:
                items = list(it)
        except OSError:
            continue
        for item in items:
            name = item.name
            if name[0] == ".":
                continue
            try:
                if item.is_dir(follow_symlinks=False):
                    stack.append(item.path)
                    continue
                if not (name.endswith(".md") and item.is_file(follow_symlinks=False)):
                    continue
                info = item.stat(follow_symlinks=False)
            except OSError as exc:
                failed.append((item.path, item.path[prefix:],
                               f"cannot be read ({exc.strerror})"))
                continue
            found.append((item.path, item.path[prefix:], info.st_size, info.st_mtime_ns))
    if os.sep != "/":  # pragma: no cover - Windows
        found = [(p, k.replace(os.sep, "/"), n, m) for p, k, n, m in found]
        failed = [(p, k.replace(os.sep, "/"), e) for p, k, e in failed]
    return found, failed


def digest(found: list[tuple[str, str, int, int]]) -> str:
    """One hash of every file's key, size and mtime: equal, nothing changed."""
    text = repr([(k, n, m) for _, k, n, m in found])  # scan order: stable while
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()  # unchanged


def read(path: str) -> tuple[bytes | None, str]:
    """A file's bytes, or None and why it cannot be read."""
    try:
        return store.read_bytes(Path(path)), ""
    except store.StoreError as exc:
        return None, str(exc).removeprefix(f"{path}: ")
