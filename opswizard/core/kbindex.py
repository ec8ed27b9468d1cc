"""The knowledge base's index, kept in a cache outside the repository between runs.

`load(root)` returns a `Snapshot`: one `Summary` per file of the knowledge base (what
the search index, the browser's rows and `opswizard list` need, and the error of a file
that is not an entry). A warm start stats every file (`store.scan`) but reads and
parses only what changed; deleted files drop out.

The cache
---------
One JSON file per knowledge base, in the user's cache folder (never in the tree, so
`git status` stays clean and nobody merges it):
`platformdirs.user_cache_path("opswizard")/index/<sha256 of the resolved root, 32 hex>.json`,
written atomically with mode 0600 (`store.write_private`). Its layout is by column
(one list per field of `Summary`, all of `count` items: a column is checked in one pass):

    {"format": "opswizard-index", "version": 1, "fingerprint": "...", "root": "/abs/kb",
     "count": 2, "columns": {"key": ["issues/x/a.md", ...], "sha256": [...], ...}}

one row per file, keyed by its path relative to the root (`/`-separated), with the
file's size and `st_mtime_ns` when read and the sha256 of its bytes. A file whose size
and mtime agree with its row is not read. One whose size or mtime differ is read and
hashed: same sha256 (a `git checkout` or `touch` that changed only the mtime), the row
is reused without parsing; else the file is parsed again. A file modified within
`RACY_NS` of the moment it was stat-ed is stored with mtime 0, so the next run hashes it
once more (a write landing in the same timestamp tick as our read cannot hide).

The cache is untrusted input: a file that is not valid JSON, over `MAX_CACHE_BYTES`, of
another format, version, parser fingerprint or root, or with one value of the wrong type
or out of range is ignored whole and rebuilt. Nothing is ever read from a path the cache
names: paths come from scanning the tree, and the cache is only looked up by them. A failure to
write the cache (read-only folder, full disk) only costs the next start its speed.

The `fingerprint` changes whenever opswizard or its core modules change (their sizes and
mtimes), so a parser fix never leaves stale rows behind.

Cold indexing parses in a pool of processes when there are many files and more than
one CPU (`PARALLEL_MIN`; see BENCHMARKS.md for what it buys), else in this process.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from . import store
from .index import KnowledgeIndex, Record, make_record

if TYPE_CHECKING:  # pragma: no cover
    from .catalog import Row
    from .links import LinkGraph

FORMAT = "opswizard-index"
VERSION = 1
FIELDS = (  # text first, then numbers, then lists: a row is type-checked by slices
    "key", "sha256", "error", "id", "title", "date", "when", "category", "severity", "status",
    "symptoms", "primary_cause", "impact", "text", "size", "mtime_ns", "percent", "tags",
    "services", "owners", "links",
)
MAX_CACHE_BYTES = 512 * 1024 * 1024
RACY_NS = 2_000_000_000  # 2 s: coarser than any file system's mtime tick in use
PARALLEL_MIN = 1500  # files to parse before a process pool pays for its start
CHUNK = 250  # files per task sent to a worker process

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` while files are parsed (total: files to parse)."""


class Summary(NamedTuple):
    """One file of the knowledge base, as the cache keeps it (a row, in FIELDS order).

    `error` is set for a file that is not a usable entry (the other fields are then
    empty). `title` and `symptoms` are as written (the browser and `list` show them);
    `primary_cause` and `impact` are on one line (only search reads them); `text` is the
    search text of the entry's `Record`; `when` the entry's instant, if it can be read.
    """

    key: str
    sha256: str
    error: str = ""
    id: str = ""
    title: str = ""
    date: str = ""
    when: datetime | None = None
    category: str = ""
    severity: str = ""
    status: str = ""
    symptoms: str = ""
    primary_cause: str = ""
    impact: str = ""
    text: str = ""
    size: int = 0
    mtime_ns: int = 0
    percent: int = 0
    tags: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()

    def row(self) -> list[Any]:
        """The cache's JSON row (FIELDS order; JSON writes the tuples as lists)."""
        row = list(self)
        row[6] = self.when.isoformat() if self.when else ""
        return row

    def record(self, path: str) -> Record:
        """The entry's search `Record`, at `path`."""
        return make_record(
            path, id=self.id, title=_one_line(self.title), date=self.date.strip(),
            category=self.category.strip(), severity=self.severity.strip(), status=self.status,
            tags=self.tags, services=self.services, owners=self.owners,
            symptoms=_one_line(self.symptoms), primary_cause=self.primary_cause,
            impact=self.impact, text=self.text,
        )


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Stats:
    """What a load did: files seen, rows reused as they were, rows reused after hashing,
    files parsed, files that could not be read, and whether the cache was usable."""

    files: int = 0
    reused: int = 0
    rehashed: int = 0
    parsed: int = 0
    unreadable: int = 0
    cache: str = "missing"  # "ok", "missing", or why it was ignored
    written: bool = False


@dataclass
class Snapshot:
    """The knowledge base as the cache knows it: entries and unusable files, scan order.

    An entry's path is a string (as `Record.path`): `str()` of the path `store.scan` gives.
    """

    root: Path
    entries: list[tuple[str, Summary]] = field(default_factory=list)
    bad: list[tuple[Path, str]] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)

    def records(self) -> list[Record]:
        return [summary.record(path) for path, summary in self.entries]

    def index(self) -> KnowledgeIndex:
        """The search index (`KnowledgeIndex`), unusable files in its `bad`."""
        index = KnowledgeIndex(self.records(), self.root)
        index.bad = list(self.bad)
        return index

    def newest_first(self) -> list[tuple[str, Summary]]:
        """Entries by instant, newest first, undated last (as `store.newest_first`)."""
        floor = datetime.min.replace(tzinfo=UTC)
        return sorted(self.entries, key=lambda it: (it[1].when or floor, it[0]), reverse=True)


# -- where ------------------------------------------------------------------------------------
def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("opswizard", appauthor=False) / "index"


def _resolved(root: Path) -> str:
    try:
        return str(Path(root).resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(root)


def cache_file(root: Path) -> Path:
    """The cache file of the knowledge base at root (one per resolved root)."""
    name = hashlib.sha256(_resolved(root).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cache_dir() / f"{name}.json"


_FINGERPRINT: str | None = None


def fingerprint() -> str:
    """Changes when opswizard or one of its core modules does: old rows are then rebuilt."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        from .. import __version__

        parts = [__version__, str(VERSION)]
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


# -- reading the cache (untrusted) ------------------------------------------------------------
class _Invalid(ValueError):
    pass


_STR = {str}
_INT = {int}
_LIST = {list}
_SHA = re.compile(r"(?:[0-9a-f]{64}\n)*")
# In a key wrapped as `/a/b.md/`: an absolute path, an empty, `.` or `..` part, odd bytes.
_KEY_BAD = ("//", "/./", "/../", "\x00", "\\")


def _texts(column: list[Any], name: str) -> None:
    if column and set(map(type, column)) != _STR:
        raise _Invalid(f"{name}: not all text")


def _lists(column: list[Any], name: str) -> None:
    """A column of lists of text."""
    if column and (set(map(type, column)) != _LIST
                   or not set(map(type, chain.from_iterable(column))) <= _STR):
        raise _Invalid(f"{name}: not all lists of text")


def _columns(doc: dict[str, Any]) -> list[Summary]:
    """The rows of a cache's columns, each checked (any doubt: `_Invalid`).

    Checked a column at a time, mostly in C: every field's type, numbers' ranges, the
    sha256s, the dates, and each path (relative, inside the root, a `.md` file).
    """
    columns = doc.get("columns")
    if type(columns) is not dict or set(columns) != set(FIELDS):
        raise _Invalid("other columns")
    count = doc.get("count")
    if type(count) is not int:
        raise _Invalid("no count")
    cols = [columns[name] for name in FIELDS]
    if any(type(col) is not list or len(col) != count for col in cols):
        raise _Invalid("columns of different lengths")
    for name, col in zip(FIELDS[:14], cols[:14], strict=True):
        _texts(col, name)
    for name, col in zip(FIELDS[17:20], cols[17:20], strict=True):
        _lists(col, name)
    keys, shas, whens = cols[0], cols[1], cols[6]
    sizes, mtimes, percents, links = cols[14], cols[15], cols[16], cols[20]
    for name, col in (("size", sizes), ("mtime_ns", mtimes), ("percent", percents)):
        if col and (set(map(type, col)) != _INT or min(col) < 0):
            raise _Invalid(f"{name}: not all numbers from 0")
    if percents and max(percents) > 100:
        raise _Invalid("percent: over 100")
    if not _SHA.fullmatch("".join(sha + "\n" for sha in shas)):
        raise _Invalid("sha256: not all 64 hex digits")
    # Only ever looked up by the paths a scan finds, but a path that cannot be one is a
    # sign the file is not ours: distrust all of it.
    joined = "\n".join(keys)
    wrapped = "/" + joined.replace("\n", "/\n/") + "/"  # each key as /a/b.md/
    if count and (joined.count("\n") != count - 1 or (joined + "\n").count(".md\n") != count
                  or any(bad in wrapped for bad in _KEY_BAD)):
        raise _Invalid("a path is not inside the knowledge base")
    if len(set(keys)) != count:
        raise _Invalid("a path twice")
    # links: per file, a list of [text, href] pairs
    if links and set(map(type, links)) != _LIST:
        raise _Invalid("links: not all lists")
    pairs = list(chain.from_iterable(links))
    if pairs and set(map(type, pairs)) != _LIST:
        raise _Invalid("links: not all pairs")
    if (pairs and ({len(p) for p in pairs} != {2}
                   or set(map(type, chain.from_iterable(pairs))) != _STR)):
        raise _Invalid("links: not all [text, href] pairs")
    try:
        dates = [datetime.fromisoformat(w) if w else None for w in whens]
    except ValueError:
        raise _Invalid("when: not ISO 8601") from None
    if any(d is not None and d.tzinfo is None for d in dates):
        raise _Invalid("when: no zone")
    cols[6] = dates
    for n in (17, 18, 19):
        cols[n] = list(map(tuple, cols[n]))
    cols[20] = [tuple(map(tuple, row)) for row in links]
    return list(map(Summary, *cols))


def read_cache(root: Path) -> tuple[dict[str, Summary], str]:
    """The cache's rows by key, and "ok"; or {} and why the cache was not used."""
    path = cache_file(root)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return {}, "missing"
    except OSError as exc:
        return {}, f"unreadable ({exc.strerror})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return {}, "not a regular file"
        if info.st_size > MAX_CACHE_BYTES:
            return {}, "too large"
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_CACHE_BYTES + 1)
    except OSError as exc:
        return {}, f"unreadable ({exc.strerror})"
    finally:
        os.close(fd)
    try:
        return _parse_cache(data, root), "ok"
    except (_Invalid, ValueError, TypeError, RecursionError, MemoryError) as exc:
        return {}, f"ignored: {exc}"[:200]


def _parse_cache(data: bytes, root: Path) -> dict[str, Summary]:
    if len(data) > MAX_CACHE_BYTES:
        raise _Invalid("too large")
    doc = json.loads(data.decode("utf-8"))
    if type(doc) is not dict:
        raise _Invalid("not an object")
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise _Invalid("another format or version")
    if doc.get("fingerprint") != fingerprint():
        raise _Invalid("written by another opswizard")
    if doc.get("root") != _resolved(root):
        raise _Invalid("written for another knowledge base")
    return {summary.key: summary for summary in _columns(doc)}


def write_cache(root: Path, summaries: Sequence[Summary]) -> bool:
    """Write the cache atomically; False (and nothing raised) if it cannot be written."""
    rows = [s.row() for s in summaries]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in FIELDS]
    doc = {
        "format": FORMAT, "version": VERSION, "fingerprint": fingerprint(),
        "root": _resolved(root), "count": len(rows),
        "columns": dict(zip(FIELDS, columns, strict=True)),
    }
    try:
        data = json.dumps(doc, separators=(",", ":")).encode("ascii")
        store.write_private(cache_file(root), data)
    except (OSError, ValueError, TypeError):
        return False
    return True


def clear(root: Path) -> None:
    """Forget the knowledge base's cache (the next load reads every file)."""
    try:
        os.unlink(cache_file(root))
    except OSError:
        pass


# -- parsing ----------------------------------------------------------------------------------
def summarize(key: str, data: bytes) -> Summary:
    """A file's summary from its bytes (size and mtime: filled in by the caller)."""
    from .checklist import evaluate
    from .index import record_from_entry
    from .links import hrefs
    from .parse import parse_bytes

    sha = hashlib.sha256(data).hexdigest()
    result = parse_bytes(data)
    entry = result.entry
    errors = result.errors
    if errors and not entry.present_sections():
        return Summary(key, sha, error=errors[0].message or "unreadable")
    record = record_from_entry(entry, key)
    when = entry.when()
    return Summary(
        key, sha, id=entry.id, title=entry.title, date=entry.date,
        when=when, category=entry.category,
        severity=entry.severity, status=entry.status, symptoms=entry.get("symptoms"),
        primary_cause=record.primary_cause, impact=record.impact, text=record.text,
        percent=evaluate(entry).percent, tags=tuple(entry.tags),
        services=tuple(entry.services()), owners=record.owners,
        links=tuple(hrefs(entry)),
    )


def _summarize_chunk(items: list[tuple[str, bytes]]) -> list[Summary]:
    return [summarize(key, data) for key, data in items]


def _parse_all(
    items: list[tuple[str, bytes]], progress: Progress | None, workers: int | None,
) -> list[Summary]:
    total = len(items)
    if workers is None:
        workers = (os.cpu_count() or 1) if total >= PARALLEL_MIN else 1
    if progress:
        progress(0, total)
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file and not os.path.exists(main_file):  # `python - <script`: spawn cannot
        workers = 1  # start a child (it re-imports the main module by its path)
    if workers > 1 and total > CHUNK:
        try:
            return _parse_pool(items, progress, workers)
        except Exception:  # no processes to be had here (a sandbox...): parse in this one
            pass
    out: list[Summary] = []
    for n, (key, data) in enumerate(items, 1):
        out.append(summarize(key, data))
        if progress and (n % 100 == 0 or n == total):
            progress(n, total)
    return out


def _parse_pool(
    items: list[tuple[str, bytes]], progress: Progress | None, workers: int,
) -> list[Summary]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn, not fork: the app runs threads, and a forked child may inherit a held lock.
    context = multiprocessing.get_context("spawn")
    _start_resource_tracker()
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    results: list[list[Summary]] = [[] for _ in chunks]
    done = 0
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=context) as pool:
        futures = {pool.submit(_summarize_chunk, chunk): n for n, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            n = futures[future]
            results[n] = future.result()
            done += len(chunks[n])
            if progress:
                progress(done, len(items))
    return [summary for chunk in results for summary in chunk]


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a real stderr: inside the Textual app
    `sys.stderr` is a capture whose `fileno()` is -1, which the tracker cannot be given."""
    try:
        if sys.stderr is not None and sys.stderr.fileno() >= 0:
            return
    except (AttributeError, OSError, ValueError):
        pass
    from multiprocessing import resource_tracker

    saved = sys.stderr
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


# -- loading ----------------------------------------------------------------------------------
def load(
    root: Path, progress: Progress | None = None, workers: int | None = None,
    use_cache: bool = True,
) -> Snapshot:
    """The knowledge base under root, through the cache (which is brought up to date).

    `workers`: processes to parse with (None: decided by the number of files).
    `use_cache=False` reads every file and leaves the cache alone.
    """
    root = Path(root)
    snapshot = Snapshot(root)
    stats = snapshot.stats
    cached, stats.cache = read_cache(root) if use_cache else ({}, "not used")
    now = time.time_ns()
    root_text = os.fspath(root)
    prefix = len(os.path.join(root_text, ""))
    # path as `store.scan` gives it (a str), key, size, mtime_ns: in scan order
    found: list[tuple[str, str, int, int]] = []
    for item in store.scan_entries(root):
        try:
            info = item.stat(follow_symlinks=False)
        except OSError as exc:
            snapshot.bad.append((Path(item.path), f"cannot be read ({exc.strerror})"))
            continue
        key = item.path[prefix:]
        if os.sep != "/":  # pragma: no cover - Windows
            key = key.replace(os.sep, "/")
        path = key if root_text == "." else item.path  # str(Path(item.path)), cheaply
        found.append((path, key, info.st_size, info.st_mtime_ns))
    stats.files = len(found) + len(snapshot.bad)
    by_key: dict[str, Summary] = {}
    unreadable: dict[str, str] = {}
    to_parse: list[tuple[str, bytes]] = []
    changed = len(cached) != len(found) or stats.cache != "ok"
    get = cached.get
    for path, key, size, mtime_ns in found:
        old = get(key)
        if old is not None and old.mtime_ns == mtime_ns and old.size == size:
            by_key[key] = old
            continue
        changed = True
        try:
            data = store.read_bytes(Path(path))
        except store.StoreError as exc:
            unreadable[key] = str(exc).removeprefix(f"{path}: ")
            continue
        if old is not None and old.sha256 == hashlib.sha256(data).hexdigest():
            by_key[key] = old
            stats.rehashed += 1
            continue
        to_parse.append((key, data))
    stats.reused = len(by_key) - stats.rehashed
    parsed = _parse_all(to_parse, progress, workers) if to_parse else []
    stats.parsed = len(parsed)
    stats.unreadable = len(unreadable)
    for summary in parsed:
        by_key[summary.key] = summary
    keep: list[Summary] = []
    entries = snapshot.entries
    for path, key, size, mtime_ns in found:
        summary = by_key.get(key)
        if summary is None:
            snapshot.bad.append((Path(path), unreadable[key]))
            continue
        if mtime_ns > now - RACY_NS:
            mtime_ns = 0  # modified just now: hash it again next time
        if summary.mtime_ns != mtime_ns or summary.size != size:
            summary = summary._replace(size=size, mtime_ns=mtime_ns)
            changed = True
        keep.append(summary)
        if summary.error:
            snapshot.bad.append((Path(path), summary.error))
        else:
            entries.append((path, summary))
    if use_cache and changed:
        stats.written = write_cache(root, keep)
    return snapshot


# -- what the callers build from a snapshot ---------------------------------------------------
def knowledge_index(root: Path, progress: Progress | None = None) -> KnowledgeIndex:
    """`KnowledgeIndex.build` through the cache."""
    return load(root, progress).index()


def catalog_rows(snapshot: Snapshot) -> list[Row]:
    """The browser's rows (as `catalog.build` makes them from loaded files), without the
    parsed entries: `catalog.ensure_loaded` reads one when its preview is shown."""
    from .catalog import Row, broken_row, haystack

    root = snapshot.root
    rows = []
    for text, s in snapshot.newest_first():
        row = Row(
            path=Path(text), key=s.key, title=s.title,  # s.key: `catalog.key_for` of the path
            date=s.when.strftime("%Y-%m-%d") if s.when else s.date[:10], when=s.when,
            category=s.category, severity=s.severity, status=s.status, tags=s.tags,
            services=s.services, symptoms=s.symptoms, percent=s.percent,
        )
        row.haystack.update(haystack(row))
        rows.append(row)
    rows.extend(broken_row(path, error, root) for path, error in sorted(snapshot.bad))
    return rows


def link_graph(snapshot: Snapshot) -> LinkGraph:
    from .links import LinkGraph

    return LinkGraph(snapshot.root, [(Path(path), s.links) for path, s in snapshot.entries])


__all__: Sequence[str] = (
    "Snapshot", "Summary", "Stats", "load", "read_cache", "write_cache", "cache_file",
    "catalog_rows", "link_graph", "knowledge_index", "summarize", "clear",
)
