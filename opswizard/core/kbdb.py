"""The knowledge base's index: one SQLite database per knowledge base, outside the tree.

`KbIndex.open(root)` returns the index brought up to date; `refresh()` brings it up to
date again (a long-running reader calls it on each request); `summaries()` gives every
file's `Summary` (newest first, unreadable files last); `search.py` queries its FTS5
table; `kbrows.py` reads its follow-ups and links.

Where: `platformdirs.user_cache_path("opswizard")/index/<sha256 of the real root, 32 hex>`
`.current` names the database in use, `<same>.<generation>.sqlite` (mode 0600). Never in
the knowledge base, so `git status` stays clean and nobody merges it.

Tables (STRICT): `meta` (schema version, the parser's fingerprint, the root), `rows` (one
per file: the summary's fields as derived from the template, or the file's error, with
its size, mtime and sha256), `followups`, `links`, `tags` and `services` (exact values,
indexed), and `fts` (FTS5, one column per searched field holding its search terms, as
`index.terms` cuts and stems them, so the vocabulary is known exactly).

Rebuilt whole at the first doubt (no database, another schema version, fingerprint or
root, any SQLite error): a rebuild writes a new file and then swaps the `.current`
pointer atomically, so a reader holding the old one keeps a consistent view and picks the
new one on its next request. Incremental updates (a warm start) run in one `BEGIN
IMMEDIATE` transaction, so several processes (the browser, a command, an agent server)
can share the database (WAL).

Change detection (`changes.py`): which files changed since the last refresh. A file is
parsed only when its bytes changed (its sha256), so an edited file is never served
stale, and a `touch` or a `git checkout` of the same bytes costs a hash, not a parse.

Where the Python build has no FTS5, the rows are kept all the same and `search.py`
falls back to the in-process index (`suggest.Suggester`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import bulkparse, changes, kbschema, store
from .changes import Stats
from .kbscan import digest, scan
from .kbschema import (
    RACY_NS,
    SCHEMA,
    SEP,
    base_name,
    cache_dir,
    clear,
    database_file,
    fingerprint,
    link_target,
    pointer_file,
    probes,
    read_summaries,
    real_root,
    record,
    unlink_db,
)
from .summary import SEARCH_FIELDS, Summary, broken

Row = tuple[kbschema.Record, int, int]  # a file's record, its size and mtime_ns as kept
Parsed = tuple[kbschema.Record, bool]  # a file's record, and False if it could not be read

HAS_FTS5 = kbschema.HAS_FTS5
"""Whether this Python's SQLite has FTS5 (else search falls back to the in-process index)."""

def _fsync(path: Path) -> None:
    """Flush a file to the disk (the rebuilt database, before the pointer names it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flush_behind(path: Path | None) -> threading.Thread | None:
    """Start flushing what is written of a new database (the rows: most of it) to the
    disk, in a thread that waits on the disk while this one makes the indexes: the fsync
    before the pointer swap then has only the rest to write (16 -> 4 ms at 10,000 files)."""
    if path is None:
        return None

    def flush() -> None:
        try:
            _fsync(path)
        except OSError:  # the fsync before the swap says so
            pass

    thread = threading.Thread(target=flush, daemon=True)
    thread.start()
    return thread


# -- the index --------------------------------------------------------------------------------
class KbIndex:
    """One knowledge base's index (thread-safe: one connection behind a lock)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.lock = threading.RLock()
        self.conn: sqlite3.Connection | None = None
        self.path: Path | None = None
        self.stats = Stats()
        self.version = 0  # goes up whenever a refresh changed something
        self.rows: tuple[int, int] | None = None  # (version, rows) a refresh counted
        self.fts = HAS_FTS5
        self._summaries: list[Summary] | None = None

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path, progress: bulkparse.Progress | None = None,
             workers: int | None = None) -> KbIndex:
        """The index of the knowledge base at root, brought up to date."""
        index = cls(root)
        index.refresh(progress, workers)
        return index

    def close(self) -> None:
        with self.lock:
            if self.conn is not None:
                self.conn.close()
                self.conn = None

    def _connect(self, path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=30, check_same_thread=False,
                               isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 30000")
        return conn

    def _current(self) -> str:
        """"ok", or why the database in use cannot be used."""
        path = database_file(self.root)
        if path is None or not path.is_file():
            self.close()
            return "missing"
        if self.conn is None or path != self.path:
            self.close()
            self.conn, self.path = self._connect(path), path
        meta = dict(self.conn.execute("SELECT name, value FROM meta").fetchall())
        if meta.get("schema") != str(SCHEMA) or meta.get("fingerprint") != fingerprint():
            return "another version"
        if meta.get("root") != real_root(self.root):
            return "another knowledge base"
        if meta.get("fts") != str(int(self.fts)):
            return "another SQLite"
        for probe in probes(self.fts):  # every table and column there (an error: rebuilt)
            self.conn.execute(probe).fetchall()
        return "ok"

    # -- refreshing ---------------------------------------------------------------------------
    def refresh(self, progress: bulkparse.Progress | None = None,
                workers: int | None = None) -> Stats:
        """Bring the index up to date with the files (parsing only what changed); on any
        doubt about the database, rebuild it whole. Returns what was done."""
        with self.lock:
            try:
                why = self._current()
                if why == "ok":
                    self.stats = self._update(progress, workers)
                    return self.stats
            except sqlite3.Error as exc:
                why = f"unusable ({exc})"[:200]
            self.close()
            self.stats = self._rebuild(progress, workers)
            self.stats.cache = why
            return self.stats

    def _update(self, progress: bulkparse.Progress | None, workers: int | None) -> Stats:
        return changes.update(self, progress, workers)

    def _meta(self, name: str) -> str:
        assert self.conn is not None
        row = self.conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else ""

    @staticmethod
    def _set_meta(conn: sqlite3.Connection, name: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    @contextmanager
    def _write(self, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction (`bump`: readers' views change: version up, rows dropped)."""
        assert self.conn is not None
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if bump:
            self.version += 1
            self._summaries = None

    def _delete(self, conn: sqlite3.Connection, rid: int) -> None:
        for table in ("followups", "links", "tags", "services"):
            conn.execute(f"DELETE FROM {table} WHERE row = ?", (rid,))
        if self.fts:
            conn.execute("DELETE FROM fts WHERE rowid = ?", (rid,))
        conn.execute("DELETE FROM rows WHERE id = ?", (rid,))

    def _insert(self, conn: sqlite3.Connection, s: Summary, size: int, mtime_ns: int) -> None:
        kbschema.insert(conn, self.fts, record(s), size, mtime_ns)

    def _rebuild(self, progress: bulkparse.Progress | None, workers: int | None) -> Stats:
        stats = Stats()
        bulkparse.warm_up(workers)  # imported in a thread while the scan waits for `find`
        found, failed = scan(self.root)
        stats.files = len(found) + len(failed)
        now = time.time_ns()
        # Each file is read where it is parsed (a pool's worker: the reads in parallel too),
        # and each chunk is inserted as it comes back, while the pool parses the next ones.
        # The pool starts (forks) before the database is opened, and before anything the
        # workers do not need is done here.
        chunks = bulkparse.index_chunks([(key, path) for path, key, _, _ in found], progress,
                                        workers) if found else iter(())
        sizes = {key: (size, 0 if mtime_ns > now - RACY_NS else mtime_ns)
                 for _, key, size, mtime_ns in found}
        tail = [record(broken(Path(path), key, error)) for path, key, error in failed]
        stats.unreadable = len(tail)
        racy = any(m > now - RACY_NS for _, _, _, m in found)

        def meta() -> list[tuple[str, str]]:
            return [("schema", str(SCHEMA)), ("fingerprint", fingerprint()),
                    ("root", real_root(self.root)), ("fts", str(int(self.fts))),
                    ("scan", "" if racy or stats.unreadable
                     else changes.scan_stamp(digest(found), len(found)))]

        got: list[Row] = []  # every row inserted so far (for the fallback)
        folder = cache_dir()
        name = f"{base_name(self.root)}.{time.time_ns():x}{os.getpid():x}.sqlite"
        target = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
            conn = self._connect(target)
        except (OSError, sqlite3.Error):
            return self._in_memory(got, chunks, tail, sizes, stats)
        try:
            self.conn, self.path = conn, target
            # A new file nobody reads until the pointer names it: no journal and no sync
            # while it is filled (a crash leaves a file nobody names), then WAL for its
            # life, and one fsync before the pointer is swapped.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            flushing = self._fill(conn, got, chunks, tail, sizes, stats, meta)
            if flushing is not None:
                flushing.join()
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            _fsync(target)
            old = database_file(self.root)
            store.write_private(pointer_file(self.root), name.encode("ascii"))
        except (OSError, sqlite3.Error):
            self.close()
            unlink_db(target)
            return self._in_memory(got, chunks, tail, sizes, stats)
        except BaseException:  # the parse itself failed: no file left behind
            self.close()
            unlink_db(target)
            raise
        if old is not None and old != target:
            unlink_db(old)
        stats.written = True
        return stats

    def _fill(self, conn: sqlite3.Connection, got: list[Row], chunks: Iterator[list[Parsed]],
              tail: list[kbschema.Record], sizes: dict[str, tuple[int, int]], stats: Stats,
              meta: Callable[[], list[tuple[str, str]]]) -> threading.Thread | None:
        """Create the tables and insert every row: those in `got` (a fallback's: inserted
        before a database failed), then each chunk as it comes (appended to `got` and
        counted in `stats`), then the files the scan could not read (`tail`); the meta
        rows and the indexes last. Returns the thread flushing the file's rows meanwhile
        (`_flush_behind`; None in memory)."""
        with self._write():
            kbschema.create(conn, self.fts)
            kbschema.insert_many(conn, self.fts, 1, got)
            for chunk in chunks:
                rows = [(rec, *(sizes[rec[0][0]] if readable else (0, 0)))
                        for rec, readable in chunk]
                readable = sum(ok for _, ok in chunk)
                stats.parsed += readable
                stats.unreadable += len(chunk) - readable
                got.extend(rows)
                kbschema.insert_many(conn, self.fts, len(got) - len(rows) + 1, rows)
            kbschema.insert_many(conn, self.fts, len(got) + 1, [(r, 0, 0) for r in tail])
            flushing = _flush_behind(self.path)
            kbschema.finish(conn, self.fts, meta())
        return flushing

    def _in_memory(self, got: list[Row], chunks: Iterator[list[Parsed]],
                   tail: list[kbschema.Record], sizes: dict[str, tuple[int, int]],
                   stats: Stats) -> Stats:
        """The cache folder cannot be written: the same database, in memory (costs speed)."""
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self.conn, self.path = conn, None
        self._fill(conn, got, chunks, tail, sizes, stats, list)
        stats.cache = "not writable"
        return stats

    # -- reading ------------------------------------------------------------------------------
    def summaries(self) -> list[Summary]:
        """Every file: entries newest first (undated last), then unreadable files by path."""
        with self.lock:
            if self._summaries is None:
                try:
                    self._summaries = self._load_summaries()
                except sqlite3.Error as exc:  # damaged since the refresh: rebuilt, read again
                    self.close()
                    self.stats = self._rebuild(None, None)
                    self.stats.cache = f"unusable ({exc})"[:200]
                    self._summaries = self._load_summaries()
            return self._summaries

    def _load_summaries(self, where: str = "", args: Iterable[object] = ()) -> list[Summary]:
        assert self.conn is not None
        return read_summaries(self.conn, self.root, where, tuple(args))

    def by_ids(self, ids: list[int]) -> dict[int, Summary]:
        """The summaries of these rows, by row id."""
        if not ids:
            return {}
        with self.lock:
            marks = ", ".join("?" * len(ids))
            assert self.conn is not None
            keys = dict(self.conn.execute(f"SELECT key, id FROM rows WHERE id IN ({marks})",
                                          ids).fetchall())
            found = self._load_summaries(f"WHERE id IN ({marks})", ids)
        return {keys[s.key]: s for s in found}

    def entries(self) -> list[Summary]:
        """The summaries of the files that are entries (newest first)."""
        return [s for s in self.summaries() if not s.error]

    def bad(self) -> list[tuple[Path, str]]:
        """(path, why) of each file that is not a usable entry, by path."""
        with self.lock:
            if self._summaries is not None:
                return [(s.path, s.error) for s in self._summaries if s.error]
            assert self.conn is not None
            rows = self.conn.execute(
                "SELECT key, error FROM rows WHERE error != '' ORDER BY key").fetchall()
        return [(self.root / key, error) for key, error in rows]


__all__ = ["KbIndex", "Stats", "HAS_FTS5", "SEARCH_FIELDS", "SEP", "base_name", "cache_dir",
           "clear", "database_file", "fingerprint", "link_target", "pointer_file", "real_root"]
