"""The SQLite index's layout and where it lives (see `kbdb.py` for how it is kept).

One database per knowledge base in the user's cache folder; the tables and the FTS5
columns derive from the summary (`summary.py`), itself derived from the template.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import sqlite3
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii
from pathlib import Path
from urllib.parse import unquote

from .index import service_key, terms
from .summary import SEARCH_NAMES, FollowUp, Summary

SCHEMA = 3  # 2: rows_bad (the unreadable files, without reading every row); 3: rows_count
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
ROW_COLUMNS = (
    "key", "size", "mtime_ns", "sha256", "error", "eid", "title", "date", "whenz", "category",
    "severity", "status", "tags", "services", "owners", "percent", "texts", "wsort",
)


INSERT_ROW = (f"INSERT INTO rows(id, {', '.join(ROW_COLUMNS)}) VALUES "
              f"({', '.join('?' * (len(ROW_COLUMNS) + 1))})")
INSERT_FOLLOWUP = "INSERT INTO followups VALUES (?, ?, ?, ?, ?, ?)"
INSERT_LINK = "INSERT INTO links VALUES (?, ?, ?, ?, ?)"
INSERT_TAG = "INSERT INTO tags VALUES (?, ?)"
INSERT_SERVICE = "INSERT INTO services VALUES (?, ?)"
INSERT_FTS = (f"INSERT INTO fts(rowid, {', '.join(SEARCH_NAMES)}) VALUES "
              f"(?, {', '.join('?' * len(SEARCH_NAMES))})")


def schema(fts: bool) -> list[str]:
    """The statements creating every table (the FTS5 ones when `fts`)."""
    ddl = [
        "CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
        "CREATE TABLE rows(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, size INTEGER NOT "
        "NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL, error TEXT NOT NULL, eid TEXT "
        "NOT NULL, title TEXT NOT NULL, date TEXT NOT NULL, whenz TEXT NOT NULL, category TEXT "
        "NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL, tags TEXT NOT NULL, services "
        "TEXT NOT NULL, owners TEXT NOT NULL, percent INTEGER NOT NULL, texts TEXT NOT NULL, "
        "wsort TEXT NOT NULL) STRICT",
        # `KbIndex.bad()` (every command reports them): the few rows with an error, in key
        # order, without reading the whole table (17 ms of a warm search at 10,000 rows).
        "CREATE INDEX rows_bad ON rows(key, error) WHERE error != ''",
        # `count(*)` (a warm start checks the rows are all there) walks the narrowest index:
        # one on an integer column is about a tenth of the pages of the key's (10 ms of a
        # warm search at 100,000 rows, reading the key's).
        "CREATE INDEX rows_count ON rows(size)",
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
    if fts:
        ddl.append(f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(SEARCH_NAMES)}, "
                   "tokenize='unicode61 remove_diacritics 0', prefix='2 3')")
        ddl.append("CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'row')")
    return ddl


def create(conn: sqlite3.Connection, fts: bool) -> None:
    """Create the tables of a new database, without their indexes (`finish` makes them
    once the rows are in: cheaper than keeping them up to date row by row)."""
    for statement in schema(fts):
        if not statement.startswith("CREATE INDEX"):
            conn.execute(statement)


def insert_many(conn: sqlite3.Connection, fts: bool, first: int,
                records: list[tuple[Record, int, int]]) -> None:
    """Insert (record, size, mtime_ns) rows into a new database, numbered from `first`,
    one `executemany` per table (a rebuild calls it chunk after chunk, in order)."""
    numbered = list(enumerate(records, first))
    conn.executemany(INSERT_ROW, ((rid, r[0][0], size, mtime, *r[0][1:])
                                  for rid, (r, size, mtime) in numbered))
    conn.executemany(INSERT_FOLLOWUP, ((rid, *f) for rid, (r, _, _) in numbered for f in r[1]))
    conn.executemany(INSERT_LINK, ((rid, *link) for rid, (r, _, _) in numbered
                                   for link in r[2]))
    conn.executemany(INSERT_TAG, ((rid, t) for rid, (r, _, _) in numbered for t in r[3]))
    conn.executemany(INSERT_SERVICE, ((rid, k) for rid, (r, _, _) in numbered for k in r[4]))
    if fts:
        conn.executemany(INSERT_FTS, ((rid, *r[5]) for rid, (r, _, _) in numbered))


def finish(conn: sqlite3.Connection, fts: bool, meta: list[tuple[str, str]]) -> None:
    """The meta rows and the indexes of a new database, once every row is in."""
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta)
    for statement in schema(fts):
        if statement.startswith("CREATE INDEX"):
            conn.execute(statement)


def insert(conn: sqlite3.Connection, fts: bool, rec: Record, size: int, mtime_ns: int) -> None:
    """Insert one file's record (a row added by an incremental update)."""
    row, follow, links, tags, skeys, doc = rec
    rid = conn.execute(INSERT_ROW, (None, row[0], size, mtime_ns, *row[1:])).lastrowid
    conn.executemany(INSERT_FOLLOWUP, [(rid, *f) for f in follow])
    conn.executemany(INSERT_LINK, [(rid, *link) for link in links])
    conn.executemany(INSERT_TAG, [(rid, t) for t in tags])
    conn.executemany(INSERT_SERVICE, [(rid, k) for k in skeys])
    if fts:
        conn.execute(INSERT_FTS, (rid, *doc))


def probes(fts: bool) -> tuple[str, ...]:
    """Statements that fail unless every table and column is there."""
    return (
    f"SELECT id, {', '.join(ROW_COLUMNS)} FROM rows LIMIT 0",
    "SELECT row, n, text, owner, deadline, done FROM followups LIMIT 0",
    "SELECT row, n, text, href, target FROM links LIMIT 0",
    "SELECT row, tag FROM tags LIMIT 0",
    "SELECT row, skey FROM services LIMIT 0",
    *((f"SELECT rowid, {', '.join(SEARCH_NAMES)} FROM fts LIMIT 0",
       "SELECT term, doc FROM vocab LIMIT 0") if fts else ()),
    )


def search_doc(summary: Summary) -> tuple[str, ...]:
    """The search terms of each searched field (`index.terms`), as the FTS table holds them.

    A file that is not an entry is found by its path and error, as its title."""
    if summary.error:
        first = " ".join(terms(f"{summary.key} {summary.error}"))
        return (first, *("" for _ in SEARCH_NAMES[1:]))
    return tuple(" ".join(terms(text)) for text in summary.texts)


Record = tuple  # see `record`
"""One file's rows as the index stores them (`record`): picklable plain values, so a pool
worker sends it back cheaply, and the build inserts it with `executemany`."""


def record(s: Summary) -> Record:
    """A summary as rows: (the `rows` columns from `sha256` on, without size and mtime;
    its follow-ups; its links; its distinct tags; its service keys; its FTS5 document)."""
    when = s.when
    iso = when.isoformat() if when else ""
    return (
        (s.key, s.sha256, s.error, s.id, s.title, s.date, iso,
         s.category, s.severity, s.status, SEP.join(s.tags), SEP.join(s.services),
         SEP.join(s.owners), s.percent, _json_texts(s.texts),
         "" if when is None else iso if when.tzinfo is UTC else when.astimezone(UTC).isoformat()),
        tuple((f.n, f.text, f.owner, f.deadline, int(f.done)) for f in s.followups),
        tuple((n, text, href, link_target(s.key, href)) for n, (text, href)
              in enumerate(s.links)),
        tuple(dict.fromkeys(s.tags)),
        tuple(dict.fromkeys(k for k in map(service_key, s.services) if k)),
        search_doc(s),
    )


def _json_texts(texts: tuple[str, ...]) -> str:
    """`json.dumps(texts)` (the same text: ASCII, ", " between; half its cost)."""
    return f"[{', '.join(map(encode_basestring_ascii, texts))}]"


def link_target(key: str, href: str) -> str:
    """The key a Related Issues link names, relative to the linking entry's folder ("" for
    a URL, an anchor or a path leaving the knowledge base)."""
    target = unquote(href.split("#", 1)[0].split("?", 1)[0]).strip()
    if not target or "://" in target or target.startswith(("/", "mailto:")):
        return ""
    folder = posixpath.dirname(key)
    joined = posixpath.normpath(posixpath.join(folder, target))
    return "" if joined.startswith("..") else joined


def split(text: str) -> tuple[str, ...]:
    return tuple(text.split(SEP)) if text else ()


def unlink_db(path: Path) -> None:
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
        unlink_db(path)


def check_keys(conn: sqlite3.Connection, where: str = "", args: tuple[object, ...] = ()
               ) -> None:
    """Raise `sqlite3.DatabaseError` when a row `where` selects has a key no scan could
    give (outside the tree, not an entry's name): the database is not to be trusted."""
    bad_key = conn.execute(
        f"SELECT key FROM rows {where} {'AND' if where else 'WHERE'} (key GLOB '/*' OR "
        "key GLOB '../*' OR key GLOB '*/../*' OR key GLOB '*/./*' OR key NOT GLOB '*.md' "
        "OR instr(key, char(0)) OR key GLOB '*//*') LIMIT 1", args).fetchone()
    if bad_key:
        raise sqlite3.DatabaseError(f"a row names {bad_key[0]!r}")


def read_summaries(conn: sqlite3.Connection, root: Path, where: str = "",
                   args: tuple[object, ...] = ()) -> list[Summary]:
    """The summaries of the rows `where` selects (all: ""): entries newest first, then the
    unusable files by key. A key no scan could give raises `sqlite3.DatabaseError`."""
    links: dict[int, list[tuple[str, str]]] = {}
    for rid, text, href in conn.execute(
            f"SELECT row, text, href FROM links {where.replace('id', 'row')} "
            "ORDER BY row, n", args):
        links.setdefault(rid, []).append((text, href))
    follow: dict[int, list[FollowUp]] = {}
    for rid, n, text, owner, deadline, done in conn.execute(
            f"SELECT row, n, text, owner, deadline, done FROM followups "
            f"{where.replace('id', 'row')} ORDER BY row, n", args):
        follow.setdefault(rid, []).append(FollowUp(n, text, owner, deadline, bool(done)))
    out = []
    fromiso = datetime.fromisoformat
    check_keys(conn, where, args)
    for (rid, key, size, mtime, sha, error, eid, title, date, whenz, category, severity,
         status, tags, services, owners, percent, texts, _) in conn.execute(
            f"SELECT id, {', '.join(ROW_COLUMNS)} FROM rows {where} "
            "ORDER BY error != '', wsort DESC, key DESC", args):
        out.append(Summary(
            key=key, path=root / key, sha256=sha, error=error, id=eid, title=title,
            date=date, when=fromiso(whenz) if whenz else None, category=category,
            severity=severity, status=status, tags=split(tags),
            services=split(services), owners=split(owners), percent=percent,
            texts=tuple(json.loads(texts)), links=tuple(links.get(rid, ())),
            followups=tuple(follow.get(rid, ())), size=size, mtime_ns=mtime,
        ))
    broken_rows = sorted((s for s in out if s.error), key=lambda s: s.key)
    return [s for s in out if not s.error] + broken_rows
