"""The knowledge base's listing, started before the command line's imports.

A warm `opswizard search` over 10,000 files spends most of what the files cost in the
one `find` that lists the tree (`kbscan._find`), and that `find` used to start only once
click, the command and the index were imported. `cli.py` calls `start` first thing, with
`os` alone imported: for a command whose first act on the files is `kb_root`'s sweep
(`COMMANDS`), the root is worked out from the arguments the way `store.find_root` does
and the same `find` is spawned (`os.posix_spawnp`, its output into two anonymous memory
files, so it never waits on a reader), while Python goes on importing on the other core.

The first listing the process asks for (`kbscan._find`) takes it (`take`) only if
- it is the very same `find` command (the same root: a guess that turns out wrong is
  thrown away, and the command runs its own `find`),
- this process has written no file yet (`store.WRITES` is 0: the caller says so),
- and it is the first: whatever happens, the listing started early is used once or
  not at all, so it is never older than the command's own start.
Anything else (no `find`, no `memfd_create`, the spawn fails) leaves nothing started:
`kbscan` then does exactly what it did without this module (its own `find`, or the walk
in Python). Nothing is left behind: a listing not taken is ended and reaped at exit, its
files closed (`discard`).

Why it is never stale: `find` starts after this process did, so every edit finished
before the command was started is in the listing, as with the `find` run later. An
edit made while the command runs may be missed by this run (it may be with a later
`find` too), never by the next: the index keeps the listing's sizes and mtimes, and a
file edited after its listing was taken shows a new mtime (or is racy and re-read, see
`changes.py`). Only `os`, `sys`, `atexit` and `signal` are imported here.
"""

from __future__ import annotations

import os
import sys

FIND_FORMAT = "%s %T@ %P\\0"
"""Each file as find prints it: size, mtime (seconds, a fraction in nanoseconds and more),
the path under the root, a NUL."""
TEMP_GLOB = ".opswizard-*.tmp"
"""A save's temp files (`store.TEMP_PREFIX` + anything + `store.TEMP_SUFFIX`; a test)."""
DEFAULT_SUBDIR = ("docs", "ops-knowledge")
"""Where the knowledge base sits in a git repository, when nothing names it."""
COMMANDS = frozenset({"search", "list", "show", "validate", "links", "report", "stats",
                      "actions"})
"""The commands that list the tree first thing (`kb_root`'s sweep), before writing."""

_pending: tuple[list[str], int, int, int] | None = None  # command, pid, stdout, stderr
_started = False  # once per process (`python -m opswizard.cli` imports cli.py twice)


def find_command(start: str) -> list[str]:
    """The `find` that lists the tree at start (`kbscan._find`): entries on stdout; temp
    files (`T` mtime key) and hidden folders (`D ` key) on stderr. A name that is not
    hidden (nearly all) meets two name tests, not five (a third of find's CPU)."""
    return ["find", "-H", start, "-mindepth", "1",
            "-name", ".*", "(",
            "-name", ".git", "-prune", "-o",
            "-name", TEMP_GLOB, "-type", "f", "-fprintf", "/dev/stderr", "T%T@ %P\\0", "-o",
            "-type", "d", "-fprintf", "/dev/stderr", "D %P\\0", "-prune", "-o",
            "-prune", ")", "-o",
            "-type", "f", "-name", "*.md", "-printf", FIND_FORMAT]


def find_env() -> dict[str, str]:
    return {"LC_ALL": "C", "PATH": os.environ.get("PATH", os.defpath)}


def is_program(argv0: str) -> bool:
    """Whether this process is the `opswizard` program (the console script, `python -m
    opswizard` or `-m opswizard.cli`), not a test or a library importing the command line,
    nor a pool's worker (multiprocessing's spawn imports the program's main script again,
    with the program's arguments: `bulkparse`)."""
    if "--multiprocessing-fork" in getattr(sys, "orig_argv", ()):
        return False
    name = os.path.basename(argv0)
    if name in ("__main__.py", "cli.py"):
        return os.path.basename(os.path.dirname(argv0)) == "opswizard"
    return name == "opswizard"


def root_of(args: list[str]) -> str | None:
    """The knowledge base root `opswizard ARGS` will use, as `store.find_root` gives it
    (`--kb`, the command's own over the group's, else `$OPSWIZARD_KB`, else
    docs/ops-knowledge in the enclosing git repository, else here), or None when the
    command is not one of `COMMANDS` (or asks for help). A guess: `take` checks it."""
    explicit: str | None = None
    command: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            if command is None:
                return None
            break
        if arg == "--kb" and i + 1 < len(args):
            explicit = args[i + 1]
            i += 2
            continue
        if arg.startswith("--kb="):
            explicit = arg[5:]
        elif arg in ("-h", "--help", "--version"):
            return None
        elif command is None:
            if arg.startswith("-"):
                return None
            command = arg
        i += 1
    if command not in COMMANDS:
        return None
    return resolve_root(explicit)


def resolve_root(explicit: str | None, cwd: str | None = None) -> str:
    """The knowledge base root: `--kb PATH`, else `$OPSWIZARD_KB`, else docs/ops-knowledge
    in the enclosing git repository, else the current folder; absolute. The one rule:
    `store.find_root` gives it as a Path (here, with `os` alone: it runs before the
    imports)."""
    if explicit:
        return _absolute(explicit)
    env = os.environ.get("OPSWIZARD_KB")
    if env:
        return _absolute(env)
    here = _absolute(cwd or os.getcwd())
    candidate = here
    while True:
        if os.path.exists(os.path.join(candidate, ".git")):
            return os.path.join(candidate, *DEFAULT_SUBDIR)
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return here
        candidate = parent


def _absolute(path: str) -> str:
    """`str(Path(path).expanduser().absolute())`, without pathlib: repeated slashes and
    `.` parts dropped, `..` kept."""
    path = os.path.expanduser(path)
    if not os.path.isabs(path):
        path = os.path.join(os.getcwd(), path)
    lead = "//" if path.startswith("//") and not path.startswith("///") else "/"
    parts = [part for part in path.split("/") if part and part != "."]
    return lead + "/".join(parts)


def start(argv: list[str]) -> None:
    """Start listing the knowledge base `argv` will use, if this process is the program
    and its command lists the tree first (see the module's docstring); else nothing."""
    global _pending, _started
    if _started or not argv or not is_program(argv[0]):
        return
    _started = True
    if not (hasattr(os, "memfd_create") and hasattr(os, "posix_spawnp")):
        return
    try:
        root = root_of(argv[1:])
        if root is None or not os.path.isdir(root):
            return
    except (OSError, ValueError):  # a vanished cwd, a NUL in an argument
        return
    command = find_command(root)
    import signal

    out = err = -1
    try:
        out = os.memfd_create("opswizard-find-out")
        err = os.memfd_create("opswizard-find-err")
        pid = os.posix_spawnp(
            "find", command, find_env(),
            file_actions=[(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                          (os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)],
            setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
    except (OSError, ValueError):  # no find, no memory files here: kbscan does as before
        for fd in (out, err):
            if fd >= 0:
                os.close(fd)
        return
    import atexit

    _pending = (command, pid, out, err)
    atexit.register(discard)


def take(command: list[str], usable: bool) -> tuple[int, Output, bytes] | None:
    """find's exit code, stdout (an `Output`, hashed while find wrote it) and stderr, if
    the listing started by `start` ran exactly `command` and is `usable` (no file written
    since); else None (the caller runs `find` itself). Called once per listing: after the
    first call, always None."""
    global _pending
    pending, _pending = _pending, None
    if pending is None:
        return None
    if not usable or pending[0] != command:
        _end(pending)
        return None
    _, pid, out, err = pending
    output = Output(out)
    try:
        status = output.follow(pid)
    except BaseException:  # interrupted (ctrl+c): the child is still ours to end
        output.forget()  # `_end` closes the memory file
        _end(pending)
        raise
    try:
        return os.waitstatus_to_exitcode(status), output, _read(err)
    finally:
        os.close(err)


class Output:
    """What find writes to its memory file: hashed (`sha256`) piece by piece while find
    runs (`follow`: the wait for find is the longest part of a warm command over a big
    tree, and this process has nothing else to do then), read whole only if asked
    (`read`: a warm start that finds the hash it stored never needs the bytes)."""

    __slots__ = ("_fd", "size", "last", "sha256")

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.size = 0
        self.last = b""  # the last byte written (a whole listing ends with a NUL)
        self.sha256 = ""  # hex, once find has ended

    def follow(self, pid: int) -> int:
        """Hash what find writes until it ends; find's wait status."""
        import hashlib
        import select

        digest = hashlib.sha256()

        def more() -> None:  # what find wrote since the last look
            while True:
                piece = os.pread(self._fd, 1 << 20, self.size)
                if not piece:
                    return
                digest.update(piece)
                self.size += len(piece)
                self.last = piece[-1:]

        waiter = _pidfd(pid)
        try:
            while True:
                ended, status = os.waitpid(pid, os.WNOHANG)
                more()  # after the check: once find has ended, this reads all it wrote
                if ended:
                    break
                if waiter >= 0:  # back at once when find ends, else every 2 ms
                    select.select([waiter], [], [], 0.002)
                else:
                    select.select([], [], [], 0.002)
        finally:
            if waiter >= 0:
                os.close(waiter)
        self.sha256 = digest.hexdigest()
        return status

    def read(self) -> bytes:
        """Every byte find wrote (then the memory file is closed)."""
        data = _read(self._fd)
        self.close()
        return data

    def forget(self) -> None:
        """Leave the memory file to whoever else closes it."""
        self._fd = -1

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()


def _pidfd(pid: int) -> int:
    """A descriptor that becomes readable when the child ends (-1 where there is none)."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return -1


def discard() -> None:
    """End the listing started early if nobody took it (at exit, or a test)."""
    global _pending
    pending, _pending = _pending, None
    if pending is not None:
        _end(pending)


def pending() -> bool:
    """Whether a listing started early waits to be taken."""
    return _pending is not None


def _end(pending: tuple[list[str], int, int, int]) -> None:
    _, pid, out, err = pending
    os.close(out)
    os.close(err)
    import signal

    try:
        os.kill(pid, signal.SIGKILL)  # find holds nothing to clean up
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # already reaped
        pass


def _read(fd: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, 1 << 24, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


__all__ = ["COMMANDS", "DEFAULT_SUBDIR", "FIND_FORMAT", "TEMP_GLOB", "discard",
           "find_command", "pending", "resolve_root", "root_of", "start", "take"]
