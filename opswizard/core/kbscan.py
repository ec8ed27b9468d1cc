"""Finding the knowledge base's files for the index (`kbdb.py`, `changes.py`): what
`store.scan` finds (no dot names, no symlinks, regular `.md` files), with sizes and mtimes.

Where GNU `find` is at hand (`-printf`), one `find` process lists the tree (`listing`):
the walk and one `lstat` per file are then C, and a warm start that finds nothing changed
hashes find's output as it comes (`Listing.signature`) without a Python object per file.
Anywhere else (no `find`, a BSD `find`, any error or anything on stderr: a folder that
cannot be read, a file gone mid-walk), the tree is walked in Python (`walk`), as before.
Both find the same files (a test compares them on an awkward tree); their signatures
differ, which costs one full comparison when a run switches from one to the other.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from . import prelist, store


class Found(list[tuple[str, str, int, int]]):
    """(path, key, size, mtime_ns) of each entry file; `signature`: the hash of the
    `Listing` they were read from (empty: walked, `digest` hashes them)."""

    signature = ""


Failed = list[tuple[str, str, str]]
"""(path, key, why) of each file that cannot be stat-ed."""

FIND_FORMAT = prelist.FIND_FORMAT
_USE_FIND = os.name == "posix"
KEPT_FOR = 1.0
"""How long the listing a sweep made stays good for the index's refresh (seconds)."""
_kept: dict[str, tuple[float, int, Listing]] = {}


class Listing:
    """The tree as one `find` listed it (`raw`: one `size mtime key` + NUL per file; read
    from `output` when first asked, if find's output was left in its memory file)."""

    __slots__ = ("root", "_raw", "_output")

    def __init__(self, root: str, raw: bytes | None, output: prelist.Output | None = None
                 ) -> None:
        self.root, self._raw, self._output = root, raw, output

    @property
    def raw(self) -> bytes:
        if self._raw is None:
            assert self._output is not None
            self._raw = self._output.read()
        return self._raw

    @property
    def count(self) -> int:
        """How many files it holds."""
        return self.raw.count(b"\0")

    @property
    def signature(self) -> str:
        """One hash of every file's size, mtime and key: equal, nothing changed (hashed
        while find wrote it, when it was started early: `prelist.Output`)."""
        if self._output is not None and self._output.sha256:
            return "find:" + self._output.sha256
        import hashlib  # here, as below: `opswizard browse` starts without it

        return "find:" + hashlib.sha256(self.raw).hexdigest()

    def found(self) -> Found:
        """Each file as `walk` gives it (in find's order)."""
        join, root = os.path.join, self.root
        out = Found()
        for item in os.fsdecode(self.raw).split("\0")[:-1]:
            size, mtime, key = item.split(" ", 2)
            seconds, _, fraction = mtime.partition(".")
            ns = int(seconds) * 1_000_000_000 + int((fraction + "000000000")[:9])
            out.append((join(root, key), key, int(size), ns))
        out.signature = self.signature
        return out


def listing(root: Path) -> Listing | None:
    """The tree as one `find` process lists it, or None (no usable `find`, or it met
    anything it did not list cleanly: then `walk` decides). The listing `sweep` made for
    the same root in this process, if under `KEPT_FOR` seconds old and no file was written
    since (`store.WRITES`), is taken instead (once)."""
    kept = _kept.pop(os.fspath(root), None)
    if (kept is not None and time.monotonic() - kept[0] < KEPT_FOR
            and kept[1] == store.WRITES):
        return kept[2]
    found = _find(root)
    return None if found is None else found[0]


def _find(root: Path) -> tuple[Listing, list[tuple[str, float]], list[str]] | None:
    """One `find` over the tree: the listing (stdout), and on stderr the temp files a save
    writes (`store.TEMP_PREFIX`, key and mtime) and the hidden folders other than `.git`
    (which the listing leaves out and a sweep still looks into)."""
    global _USE_FIND
    if not _USE_FIND:
        prelist.discard()
        return None
    root_text = os.fspath(root)  # `./-x`: never read as an option
    start = root_text if os.path.isabs(root_text) else os.path.join(".", root_text)
    command = prelist.find_command(start)
    taken = prelist.take(command, usable=store.WRITES == 0)  # started before the imports
    output: prelist.Output | None = None
    if taken is None:
        import subprocess

        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                                  env=prelist.find_env(), check=False)
        except OSError:  # no find here
            _USE_FIND = False
            return None
        returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
        size, last = len(stdout), stdout[-1:]
    else:
        returncode, output, stderr = taken
        stdout, size, last = None, output.size, output.last
    if returncode != 0:
        if b"printf" in stderr:  # a find without -printf (BSD): not tried again
            _USE_FIND = False
        return None
    if size and last != b"\0":
        return None
    temps: list[tuple[str, float]] = []
    hidden: list[str] = []
    if stderr:
        if not stderr.endswith(b"\0"):
            return None  # a warning of find's own: not a listing to trust
        for item in os.fsdecode(stderr).split("\0")[:-1]:
            if item.startswith("D "):
                hidden.append(item[2:])
            elif item.startswith("T") and " " in item:
                mtime, _, key = item[1:].partition(" ")
                try:
                    temps.append((key, float(mtime)))
                except ValueError:
                    return None
            else:
                return None
    return Listing(os.path.join(root_text, ""), stdout, output), temps, hidden


def sweep(root: Path, older_than: float = 60.0) -> list[Path] | None:
    """`store.clean_temp_files(root, older_than)` with the one `find` that lists the tree
    (kept for the index's refresh in this process: a command sweeps, then opens the index,
    with one walk of the tree); None where there is no usable `find`."""
    found = _find(root)
    if found is None:
        return None
    listed, temps, hidden = found
    now = time.time()
    removed: list[Path] = []
    for key, mtime in temps:
        if now - mtime > older_than:
            path = Path(os.path.join(listed.root, key))
            try:
                os.unlink(path)
            except OSError:
                continue
            removed.append(path)
    for key in hidden:  # the save of a file opened in a hidden folder leaves its temp there
        removed += store.clean_temp_files(Path(os.path.join(listed.root, key)), older_than)
    _kept[os.fspath(root)] = (time.monotonic(), store.WRITES, listed)
    return removed


def scan(root: Path) -> tuple[Found, Failed]:
    """(path, key, size, mtime_ns) of every entry file (as `store.scan` finds them: no
    dot names, no symlinks, regular `.md` files), and (path, key, error) of those that
    cannot be stat-ed. In no particular order."""
    found = listing(root)
    return (found.found(), []) if found is not None else walk(root)


def walk(root: Path) -> tuple[Found, Failed]:
    """`scan`, walking the tree in Python (`os.scandir`, one `lstat` per file)."""
    root_text = os.fspath(root)
    prefix = len(os.path.join(root_text, ""))
    found = Found()
    failed: Failed = []
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
        found = Found((p, k.replace(os.sep, "/"), n, m) for p, k, n, m in found)
        failed = [(p, k.replace(os.sep, "/"), e) for p, k, e in failed]
    return found, failed


def digest(found: Found) -> str:
    """One hash of every file's key, size and mtime: equal, nothing changed (the
    listing's own, when `find` listed them)."""
    import hashlib

    if found.signature:
        return found.signature
    text = repr([(k, n, m) for _, k, n, m in found])  # scan order: stable while
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()  # unchanged


def read(path: str) -> tuple[bytes | None, str]:
    """A file's bytes, or None and why it cannot be read."""
    try:
        return store.read_bytes(path), ""
    except store.StoreError as exc:
        return None, str(exc).removeprefix(f"{path}: ")
