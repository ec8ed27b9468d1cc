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

import hashlib
import json
import os
import posixpath
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import bulkparse, store
from .index import service_key, terms
from .summary import SEARCH_FIELDS, SEARCH_NAMES, FollowUp, Summary, broken

SCHEMA = 1
RACY_NS = 2_000_000_000  # 2 s: coarser than any file system's mtime tick in use
SEP = "\x1f"  # between the values of a list field (tags, services, owners)


def _has_fts5() -> bool:
    try:
        conn = sqlite3.connect(":memory:")
        try:
            conn.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return True


HAS_FTS5 = _has_fts5()
"""Whether this Python's SQLite has FTS5 (else search falls back to the in-process index)."""


@dataclass
class Stats:
    """What a refresh did: files seen, rows reused as they were, rows reused after hashing,
    files parsed, files that could not be read, whether the database was usable (`cache`:
    "ok", "missing", or why it was rebuilt) and whether anything was written."""

    files: int = 0
    reused: int = 0
    rehashed: int = 0
    parsed: int = 0
    unreadable: int = 0
    cache: str = "missing"
    written: bool = False
    how: str = "stat"  # how changes were found: "stat" or "git"


# -- where ------------------------------------------------------------------------------------
def cache_dir() -> Path:
    """The folder holding every knowledge base's index."""
    from platformdirs import user_cache_path

    return user_cache_path("opswizard", appauthor=False) / "index"


def real_root(root: Path) -> str:
    try:
        return str(Path(root).resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(root)


def base_name(root: Path) -> str:
    return hashlib.sha256(real_root(root).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def pointer_file(root: Path) -> Path:
    """The file naming the database in use for the knowledge base at root."""
    return cache_dir() / f"{base_name(root)}.current"


def database_file(root: Path) -> Path | None:
    """The database in use for the knowledge base at root, if any."""
    try:
        name = pointer_file(root).read_text("ascii").strip()
    except (OSError, ValueError):
        return None
    if not name.startswith(base_name(root) + ".") or "/" in name or not name.endswith(".sqlite"):
        return None
    return cache_dir() / name


_FINGERPRINT: str | None = None


def fingerprint() -> str:
    """Changes when opswizard or one of its core modules does: old rows are then rebuilt."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        from .. import __version__

        parts = [__version__, str(SCHEMA)]
        here = Path(__file__).parent
        try:
            for item in sorted(os.scandir(here), key=lambda e: e.name):
                if item.name.endswith(".py"):
                    info = item.stat()
                    parts.append(f"{item.name}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append("unreadable")
        _FINGERPRINT = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]
    return _FINGERPRINT


# -- schema -----------------------------------------------------------------------------------
_ROW_COLUMNS = (
    "key", "size", "mtime_ns", "sha256", "error", "eid", "title", "date", "whenz", "category",
    "severity", "status", "tags", "services", "owners", "percent", "texts", "wsort",
)


def _schema() -> list[str]:
    ddl = [
        "CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
        "CREATE TABLE rows(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, size INTEGER NOT "
        "NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL, error TEXT NOT NULL, eid TEXT "
        "NOT NULL, title TEXT NOT NULL, date TEXT NOT NULL, whenz TEXT NOT NULL, category TEXT "
        "NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL, tags TEXT NOT NULL, services "
        "TEXT NOT NULL, owners TEXT NOT NULL, percent INTEGER NOT NULL, texts TEXT NOT NULL, "
        "wsort TEXT NOT NULL) STRICT",
        "CREATE TABLE followups(row INTEGER NOT NULL, n INTEGER NOT NULL, text TEXT NOT NULL, "
        "owner TEXT NOT NULL, deadline TEXT NOT NULL, done INTEGER NOT NULL) STRICT",
        "CREATE INDEX followups_row ON followups(row)",
        "CREATE TABLE links(row INTEGER NOT NULL, n INTEGER NOT NULL, text TEXT NOT NULL, "
        "href TEXT NOT NULL, target TEXT NOT NULL) STRICT",
        "CREATE INDEX links_row ON links(row)",
        "CREATE INDEX links_target ON links(target)",
        "CREATE TABLE tags(row INTEGER NOT NULL, tag TEXT NOT NULL) STRICT",
        "CREATE INDEX tags_tag ON tags(tag)",
        "CREATE INDEX tags_row ON tags(row)",
        "CREATE TABLE services(row INTEGER NOT NULL, skey TEXT NOT NULL) STRICT",
        "CREATE INDEX services_skey ON services(skey)",
        "CREATE INDEX services_row ON services(row)",
    ]
    if HAS_FTS5:
        ddl.append(f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(SEARCH_NAMES)}, "
                   "tokenize='unicode61 remove_diacritics 0', prefix='2 3')")
        ddl.append("CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'row')")
    return ddl


_PROBES = (
    f"SELECT id, {', '.join(_ROW_COLUMNS)} FROM rows LIMIT 0",
    "SELECT row, n, text, owner, deadline, done FROM followups LIMIT 0",
    "SELECT row, n, text, href, target FROM links LIMIT 0",
    "SELECT row, tag FROM tags LIMIT 0",
    "SELECT row, skey FROM services LIMIT 0",
    *((f"SELECT rowid, {', '.join(SEARCH_NAMES)} FROM fts LIMIT 0",
       "SELECT term, doc FROM vocab LIMIT 0") if HAS_FTS5 else ()),
)


def search_doc(summary: Summary) -> tuple[str, ...]:
    """The search terms of each searched field (`index.terms`), as the FTS table holds them.

    A file that is not an entry is found by its path and error, as its title."""
    if summary.error:
        first = " ".join(terms(f"{summary.key} {summary.error}"))
        return (first, *("" for _ in SEARCH_NAMES[1:]))
    return tuple(" ".join(terms(text)) for text in summary.texts)


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
        if meta.get("fts") != str(int(HAS_FTS5)):
            return "another SQLite"
        for probe in _PROBES:  # every table and column there (an error: rebuilt)
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

    def _scan(self, stats: Stats) -> tuple[list[tuple[str, str, int, int]],
                                           list[tuple[str, str, str]]]:
        """(path, key, size, mtime_ns) of every entry file (as `store.scan` finds them: no
        dot names, no symlinks, regular `.md` files), and (path, key, error) of those that
        cannot be stat-ed. In no particular order."""
        root_text = os.fspath(self.root)
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
        stats.files = len(found) + len(failed)
        return found, failed

    @staticmethod
    def _digest(found: list[tuple[str, str, int, int]]) -> str:
        """One hash of every file's key, size and mtime: equal, nothing changed."""
        text = repr([(k, n, m) for _, k, n, m in found])  # scan order: stable while
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()  # unchanged

    def _read(self, path: str, key: str) -> tuple[bytes | None, str]:
        try:
            return store.read_bytes(Path(path)), ""
        except store.StoreError as exc:
            return None, str(exc).removeprefix(f"{path}: ")

    def _update(self, progress: bulkparse.Progress | None, workers: int | None) -> Stats:
        assert self.conn is not None
        stats = Stats(cache="ok")
        found, failed = self._scan(stats)
        digest = self._digest(found) if not failed else ""
        if (digest and self._meta("scan") == digest and len(found)
                == self.conn.execute("SELECT count(*) FROM rows").fetchone()[0]):
            stats.reused = len(found)  # every file as it was when the index last saw it
            return stats
        known = {key: (rid, size, mtime, sha, error) for rid, key, size, mtime, sha, error
                 in self.conn.execute("SELECT id, key, size, mtime_ns, sha256, error FROM rows")}
        now = time.time_ns()
        to_parse: list[tuple[str, str, bytes]] = []
        touched: list[tuple[int, int, int]] = []  # id, size, mtime_ns
        gone: set[str] = set(known)
        new_errors: list[Summary] = []
        for path, key, size, mtime_ns in found:
            gone.discard(key)
            old = known.get(key)
            stamp = 0 if mtime_ns > now - RACY_NS else mtime_ns
            if old is not None and old[1] == size and old[2] == mtime_ns and mtime_ns:
                continue
            data, error = self._read(path, key)
            if data is None:
                stats.unreadable += 1
                new_errors.append(broken(Path(path), key, error))
                continue
            if old is not None and old[3] == hashlib.sha256(data).hexdigest():
                stats.rehashed += 1
                if (old[1], old[2]) != (size, stamp):
                    touched.append((old[0], size, stamp))
                continue
            to_parse.append((key, path, data))
        for path, key, error in failed:
            gone.discard(key)
            stats.unreadable += 1
            new_errors.append(broken(Path(path), key, error))
        parsed = bulkparse.parse_all(to_parse, progress, workers) if to_parse else []
        stats.parsed = len(parsed)
        stats.reused = len(found) - stats.parsed - stats.rehashed - stats.unreadable
        sizes = {key: (size, mtime_ns) for _, key, size, mtime_ns in found}
        racy = any(mtime_ns > now - RACY_NS for _, _, _, mtime_ns in found)
        scan = "" if racy or new_errors or failed else digest
        if not (parsed or new_errors or touched or gone):
            if scan and scan != self._meta("scan"):
                with self._write(bump=False) as conn:
                    self._set_meta(conn, "scan", scan)
                stats.written = True
            return stats
        with self._write() as conn:
            self._set_meta(conn, "scan", scan)
            for key in gone:
                self._delete(conn, known[key][0])
            for s in parsed:
                size, mtime_ns = sizes[s.key]
                stamp = 0 if mtime_ns > now - RACY_NS else mtime_ns
                if s.key in known:
                    self._delete(conn, known[s.key][0])
                self._insert(conn, s, size, stamp)
            for s in new_errors:  # unreadable now: kept as a row that is always re-read
                if s.key in known:
                    self._delete(conn, known[s.key][0])
                self._insert(conn, s, 0, 0)
            conn.executemany("UPDATE rows SET size = ?, mtime_ns = ? WHERE id = ?",
                             [(size, mtime, rid) for rid, size, mtime in touched])
        stats.written = True
        return stats

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
        cur = conn.execute(
            f"INSERT INTO rows({', '.join(_ROW_COLUMNS)}) VALUES "
            f"({', '.join('?' * len(_ROW_COLUMNS))})",
            (s.key, size, mtime_ns, s.sha256, s.error, s.id, s.title, s.date,
             s.when.isoformat() if s.when else "", s.category, s.severity, s.status,
             SEP.join(s.tags), SEP.join(s.services), SEP.join(s.owners), s.percent,
             json.dumps(s.texts), s.when.astimezone(UTC).isoformat() if s.when else ""))
        rid = cur.lastrowid
        conn.executemany("INSERT INTO followups VALUES (?, ?, ?, ?, ?, ?)",
                         [(rid, f.n, f.text, f.owner, f.deadline, int(f.done))
                          for f in s.followups])
        conn.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?)",
                         [(rid, n, text, href, link_target(s.key, href))
                          for n, (text, href) in enumerate(s.links)])
        conn.executemany("INSERT INTO tags VALUES (?, ?)", [(rid, t) for t in set(s.tags)])
        keys = {k for k in map(service_key, s.services) if k}
        conn.executemany("INSERT INTO services VALUES (?, ?)", [(rid, k) for k in keys])
        if self.fts:
            conn.execute(f"INSERT INTO fts(rowid, {', '.join(SEARCH_NAMES)}) VALUES "
                         f"(?, {', '.join('?' * len(SEARCH_NAMES))})", (rid, *search_doc(s)))

    def _rebuild(self, progress: bulkparse.Progress | None, workers: int | None) -> Stats:
        stats = Stats()
        found, failed = self._scan(stats)
        now = time.time_ns()
        to_parse: list[tuple[str, str, bytes]] = []
        errors: list[Summary] = []
        sizes = {}
        for path, key, size, mtime_ns in found:
            data, error = self._read(path, key)
            if data is None:
                errors.append(broken(Path(path), key, error))
                continue
            to_parse.append((key, path, data))
            sizes[key] = (size, 0 if mtime_ns > now - RACY_NS else mtime_ns)
        errors.extend(broken(Path(path), key, error) for path, key, error in failed)
        parsed = bulkparse.parse_all(to_parse, progress, workers) if to_parse else []
        stats.parsed, stats.unreadable = len(parsed), len(errors)
        folder = cache_dir()
        name = f"{base_name(self.root)}.{time.time_ns():x}{os.getpid():x}.sqlite"
        target = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
            conn = self._connect(target)
        except (OSError, sqlite3.Error):
            return self._in_memory(parsed, errors, sizes, stats)
        try:
            self.conn, self.path = conn, target
            conn.execute("PRAGMA journal_mode = WAL")
            with self._write():
                for ddl in _schema():
                    conn.execute(ddl)
                racy = any(m > now - RACY_NS for _, _, _, m in found) or errors
                conn.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("schema", str(SCHEMA)), ("fingerprint", fingerprint()),
                    ("root", real_root(self.root)), ("fts", str(int(HAS_FTS5))),
                    ("scan", "" if racy else self._digest(found)),
                ])
                for s in parsed:
                    self._insert(conn, s, *sizes[s.key])
                for s in errors:
                    self._insert(conn, s, 0, 0)
            old = database_file(self.root)
            store.write_private(pointer_file(self.root), name.encode("ascii"))
        except (OSError, sqlite3.Error):
            self.close()
            _unlink_db(target)
            return self._in_memory(parsed, errors, sizes, stats)
        if old is not None and old != target:
            _unlink_db(old)
        stats.written = True
        return stats

    def _in_memory(self, parsed: list[Summary], errors: list[Summary],
                   sizes: dict[str, tuple[int, int]], stats: Stats) -> Stats:
        """The cache folder cannot be written: the same database, in memory (costs speed)."""
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self.conn, self.path = conn, None
        with self._write():
            for ddl in _schema():
                conn.execute(ddl)
            for s in parsed:
                self._insert(conn, s, *sizes[s.key])
            for s in errors:
                self._insert(conn, s, 0, 0)
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
        conn = self.conn
        root = self.root
        links: dict[int, list[tuple[str, str]]] = {}
        for rid, text, href in conn.execute(
                f"SELECT row, text, href FROM links {where.replace('id', 'row')} "
                "ORDER BY row, n", tuple(args)):
            links.setdefault(rid, []).append((text, href))
        follow: dict[int, list[FollowUp]] = {}
        for rid, n, text, owner, deadline, done in conn.execute(
                f"SELECT row, n, text, owner, deadline, done FROM followups "
                f"{where.replace('id', 'row')} ORDER BY row, n", tuple(args)):
            follow.setdefault(rid, []).append(FollowUp(n, text, owner, deadline, bool(done)))
        out = []
        fromiso = datetime.fromisoformat
        bad_key = conn.execute(
            f"SELECT key FROM rows {where} {'AND' if where else 'WHERE'} (key GLOB '/*' OR "
            "key GLOB '../*' OR key GLOB '*/../*' OR key GLOB '*/./*' OR key NOT GLOB '*.md' "
            "OR instr(key, char(0)) OR key GLOB '*//*') LIMIT 1", tuple(args)).fetchone()
        if bad_key:  # not a key a scan gives: the database is not to be trusted
            raise sqlite3.DatabaseError(f"a row names {bad_key[0]!r}")
        for (rid, key, size, mtime, sha, error, eid, title, date, whenz, category, severity,
             status, tags, services, owners, percent, texts, _) in conn.execute(
                f"SELECT id, {', '.join(_ROW_COLUMNS)} FROM rows {where} "
                "ORDER BY error != '', wsort DESC, key DESC", tuple(args)):
            out.append(Summary(
                key=key, path=root / key, sha256=sha, error=error, id=eid, title=title,
                date=date, when=fromiso(whenz) if whenz else None, category=category,
                severity=severity, status=status, tags=_split(tags),
                services=_split(services), owners=_split(owners), percent=percent,
                texts=tuple(json.loads(texts)), links=tuple(links.get(rid, ())),
                followups=tuple(follow.get(rid, ())), size=size, mtime_ns=mtime,
            ))
        broken_rows = sorted((s for s in out if s.error), key=lambda s: s.key)
        return [s for s in out if not s.error] + broken_rows

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


def link_target(key: str, href: str) -> str:
    """The key a Related Issues link names, relative to the linking entry's folder ("" for
    a URL, an anchor or a path leaving the knowledge base)."""
    from urllib.parse import unquote

    target = unquote(href.split("#", 1)[0].split("?", 1)[0]).strip()
    if not target or "://" in target or target.startswith(("/", "mailto:")):
        return ""
    folder = posixpath.dirname(key)
    joined = posixpath.normpath(posixpath.join(folder, target))
    return "" if joined.startswith("..") else joined


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(SEP)) if text else ()


def _unlink_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass


def clear(root: Path) -> None:
    """Forget the knowledge base's index (the next open reads every file)."""
    path = database_file(root)
    try:
        os.unlink(pointer_file(root))
    except OSError:
        pass
    if path is not None:
        _unlink_db(path)


__all__ = ["KbIndex", "Stats", "HAS_FTS5", "SEARCH_FIELDS", "clear", "cache_dir"]
