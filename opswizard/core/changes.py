"""Change detection: bringing a warm index (`kbdb.KbIndex`) up to date with the files.

A file is parsed only when its bytes changed (its sha256), so an edited file is never
served stale, and a `touch` or a `git checkout` of the same bytes costs a hash, not a
parse. A file whose size and mtime are as the index last saw them (and not "racy": an
mtime within `RACY_NS` of the time it was seen, when a same-second write could follow) is
taken as unchanged; when every file is so (one hash of every key, size and mtime, kept in
`meta`), no row is read at all. The files are listed by one `find` process where there is
one (`kbscan.listing`: no Python object per file when nothing changed), else walked.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import bulkparse
from .kbscan import digest, listing, read, walk
from .kbschema import RACY_NS
from .summary import Summary, broken

if TYPE_CHECKING:  # pragma: no cover
    from .kbdb import KbIndex


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


def scan_stamp(signature: str, files: int) -> str:
    """What `meta` keeps of a quiet listing: its hash and how many files it held."""
    return f"{signature} {files}" if signature else ""


def update(index: KbIndex, progress: bulkparse.Progress | None, workers: int | None) -> Stats:
    """Bring `index` (a usable database) up to date: parse what changed, drop what is
    gone, in one write transaction. Returns what was done."""
    assert index.conn is not None
    stats = Stats(cache="ok")
    listed = listing(index.root)
    if listed is not None:
        signature = listed.signature
    else:
        found, failed = walk(index.root)
        signature = digest(found) if not failed else ""
    seen, _, files = index._meta("scan").rpartition(" ")
    if signature and seen == signature and files.isdigit():
        # The same hash, the same files: as many as when it was stored (`files`, so the
        # listing is not counted); the rows must still be that many.
        rows = index.conn.execute("SELECT count(*) FROM rows").fetchone()[0]
        if rows == int(files):
            stats.files = stats.reused = rows  # every file as the index last saw it
            index.rows = (index.version, rows)
            return stats
    if listed is not None:
        found, failed = listed.found(), []
    stats.files = len(found) + len(failed)
    known = {key: (rid, size, mtime, sha, error) for rid, key, size, mtime, sha, error
             in index.conn.execute("SELECT id, key, size, mtime_ns, sha256, error FROM rows")}
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
        data, error = read(path)
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
    quiet = "" if racy or new_errors or failed else scan_stamp(signature, len(found))
    if not (parsed or new_errors or touched or gone):
        if quiet and quiet != index._meta("scan"):
            with index._write(bump=False) as conn:
                index._set_meta(conn, "scan", quiet)
            stats.written = True
        return stats
    with index._write() as conn:
        index._set_meta(conn, "scan", quiet)
        for key in gone:
            index._delete(conn, known[key][0])
        for s in parsed:
            size, mtime_ns = sizes[s.key]
            stamp = 0 if mtime_ns > now - RACY_NS else mtime_ns
            if s.key in known:
                index._delete(conn, known[s.key][0])
            index._insert(conn, s, size, stamp)
        for s in new_errors:  # unreadable now: kept as a row that is always re-read
            if s.key in known:
                index._delete(conn, known[s.key][0])
            index._insert(conn, s, 0, 0)
        conn.executemany("UPDATE rows SET size = ?, mtime_ns = ? WHERE id = ?",
                         [(size, mtime, rid) for rid, size, mtime in touched])
    stats.written = True
    return stats
