"""The knowledge base as the MCP server sees it: the one place it reads entries from.

Every tool asks a `Backend` (search, similar entries, one entry, the list, follow-ups). It
reads through the core's one index and one search (`core/kbdb.py`, `core/search.py`: the
SQLite index and the ranking `opswizard search`, the browser and the wizard use), and
takes follow-ups from the ledger (`core.ledger` over `core.factcache`, as `opswizard
actions` does). When the core changes how it indexes or ranks, only this module changes.

The server runs for hours while people and other processes edit the knowledge base, so
every call first brings the index up to date (`KbIndex.refresh`: a stat of every file,
parsing only files whose bytes changed; a rebuild by another process is picked up).
Entries are parsed only when a tool needs their sections, and kept by (size, mtime) so a
second call parses nothing.

A lock serialises calls: the SDK runs tools in worker threads.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..core import store

if TYPE_CHECKING:  # pragma: no cover
    from ..core.factcache import FactSet
    from ..core.kbdb import KbIndex
    from ..core.search import Search
    from ..core.summary import Summary


class UnknownEntry(LookupError):
    """No entry of the knowledge base has this id or path."""


@dataclass(frozen=True)
class Found:
    """One entry of the knowledge base: its file, its key (relative to the root,
    `/`-separated) and its summary from the index."""

    path: Path
    key: str
    summary: Summary


class Backend:
    """Read access to one knowledge base, fresh on every call."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.RLock()
        self._kb: KbIndex | None = None
        self._search: Search | None = None
        self._version = -1
        self._known: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._parsed: dict[str, tuple[int, int, store.Loaded]] = {}
        self._facts: FactSet | None = None
        self._facts_version = -1

    # -- freshness ------------------------------------------------------------------------
    def refresh(self) -> KbIndex:
        """The index brought up to date with the files (parsing only what changed)."""
        from ..core.kbdb import KbIndex
        from ..core.search import Search

        with self._lock:
            if self._kb is None:
                self._kb = KbIndex.open(self.root)
                self._search = Search(self._kb)
            else:
                self._kb.refresh()
            if self._kb.version != self._version:
                self._version = self._kb.version
                self._known = ((), ())
                live = {k for k in self._parsed if (self.root / k).is_file()}
                self._parsed = {k: v for k, v in self._parsed.items() if k in live}
            return self._kb

    def _rows(self, where: str, args: tuple[object, ...]) -> list[Summary] | None:
        """The entries whose index row matches (SQL over the index's `rows` table, so a
        look-up never loads every summary); None when the index cannot be asked so."""
        kb = self.refresh()
        try:
            with kb.lock:
                if kb.conn is None:
                    return None
                ids = [rid for (rid,) in kb.conn.execute(
                    f"SELECT id FROM rows WHERE error = '' AND ({where})", args)]
        except sqlite3.Error:
            return None
        found = kb.by_ids(ids)
        return [found[rid] for rid in ids if rid in found]

    # -- finding one entry ----------------------------------------------------------------
    def find(self, id_or_path: str) -> Found:
        """The entry with this id, or at this path (relative to the knowledge base, or
        absolute inside it, or a unique file name). Nothing outside the indexed entries is
        ever opened: `../../etc/passwd` is simply not an entry."""
        with self._lock:
            wanted = id_or_path.strip()
            key = self._key_of(wanted) or ""
            tail = "/" + PurePosixPath(wanted).name if "/" not in wanted else "\x00"
            rows = self._rows("eid = ? OR key = ? OR key = ? OR substr(key, -?) = ?",
                              (wanted, key, wanted, len(tail), tail))
            if rows is None:  # ask the summaries instead
                rows = [s for s in self.refresh().entries()
                        if wanted in (s.id, s.key) or s.key == key or s.key.endswith(tail)]
            for matches in ([s for s in rows if s.id == wanted],
                            [s for s in rows if s.key in (key, wanted)],
                            [s for s in rows if s.key.endswith(tail)]):
                if len(matches) == 1:
                    return Found(matches[0].path, matches[0].key, matches[0])
                if len(matches) > 1:
                    paths = ", ".join(sorted(m.key for m in matches))
                    raise UnknownEntry(f"{len(matches)} entries answer to {wanted[:200]!r} "
                                       f"({paths[:1000]}); ask for one by its path")
            raise UnknownEntry(f"no entry with the id or path {wanted[:200]!r} in the knowledge "
                               "base; search_entries or list_entries give ids and paths")

    def _key_of(self, text: str) -> str | None:
        if not text or "\x00" in text:
            return None
        path = Path(text)
        if path.is_absolute():
            try:
                path = path.relative_to(self.root)
            except ValueError:
                return None
        normal = os.path.normpath(path)
        if normal.startswith(".."):
            return None
        return PurePosixPath(*Path(normal).parts).as_posix()

    def load(self, found: Found) -> store.Loaded:
        """The parsed entry (parsed again only when its file changed)."""
        with self._lock:
            info = os.lstat(found.path)
            cached = self._parsed.get(found.key)
            if cached and cached[0] == info.st_size and cached[1] == info.st_mtime_ns:
                return cached[2]
            loaded = store.load(found.path)
            self._parsed[found.key] = (info.st_size, info.st_mtime_ns, loaded)
            return loaded

    # -- queries ----------------------------------------------------------------------------
    @staticmethod
    def _hits(hits: list[Any]) -> list[tuple[Found, float, str]]:
        return [(Found(h.summary.path, h.key, h.summary), h.score, h.reason)
                for h in hits if h.summary is not None]

    def search(self, query: str, limit: int) -> list[tuple[Found, float, str]]:
        """(entry, score 0-100, why it matched), best first: the search of `opswizard
        search` (the same query gives the same order)."""
        with self._lock:
            self.refresh()
            assert self._search is not None
            return self._hits(self._search.search(query, limit))

    def _services_and_tags(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Every service key and tag the knowledge base uses (once per index version)."""
        kb = self.refresh()
        if self._known == ((), ()):
            try:
                with kb.lock:
                    assert kb.conn is not None
                    services = tuple(v for (v,) in kb.conn.execute(
                        "SELECT DISTINCT skey FROM services"))
                    tags = tuple(v for (v,) in kb.conn.execute("SELECT DISTINCT tag FROM tags"))
            except (sqlite3.Error, AssertionError):
                from ..core.index import service_key

                entries = kb.entries()
                services = tuple({service_key(n) for s in entries for n in s.services})
                tags = tuple({t for s in entries for t in s.tags})
            self._known = (services, tags)
        return self._known

    def similar(self, description: str, limit: int) -> list[tuple[Found, float, str]]:
        """Past entries most like a free-text description of an incident (symptoms,
        services, error messages): the description as the query, with the known services
        and tags it names to share, as the wizard looks for a possible recurrence."""
        from ..core.index import norm_text
        from ..core.search import Query

        with self._lock:
            known_services, known_tags = self._services_and_tags()
            assert self._search is not None
            text = f" {norm_text(description)} "
            services = tuple(key for key in known_services
                             if key and f" {key.replace('-', ' ')} " in text)
            tags = tuple(tag for tag in known_tags
                         if tag and f" {tag.replace('-', ' ')} " in text)
            hits = self._search.search(Query(description, services, tags, typing=False), limit)
            return self._hits([h for h in hits if h.score >= 5.0])

    def entries(self, category: str | None, severity: str | None, tag: str | None,
                status: str | None) -> list[Found]:
        """Entries newest first, filtered as `opswizard list` filters."""
        from ..core.tags import normalise_tag

        with self._lock:
            kb = self.refresh()
            wanted_tag = normalise_tag(tag) if tag else None
            out = []
            for summary in kb.entries():
                if category and summary.category != category:
                    continue
                if severity and summary.severity != severity:
                    continue
                if status and summary.status != status:
                    continue
                if wanted_tag and wanted_tag not in summary.tags:
                    continue
                out.append(Found(summary.path, summary.key, summary))
            return out

    def follow_ups(self, owner: str | None, open_only: bool,
                   overdue_as_of: date | None) -> list[dict[str, Any]]:
        """Every follow-up action in the knowledge base with its entry, owner, deadline and
        whether it is done, soonest deadline first: the ledger of `opswizard actions`
        (`core.ledger` over `core.factcache`). With `overdue_as_of`, only the open ones whose
        deadline is before that day."""
        from ..core import factcache, ledger

        with self._lock:
            self.refresh()
            if self._facts is None or self._facts_version != self._version:
                self._facts = factcache.load(self.root, pairs=False)
                self._facts_version = self._version
            today = overdue_as_of or date.today()
            wanted = ledger.LedgerFilter(owner=owner or "", state="open" if open_only else "all",
                                         overdue=overdue_as_of is not None)
            found = ledger.items(self._facts.entries, wanted, today)
            ids = self._ids_of([item.entry.key for item in found])
            rows = []
            for item in found:
                f, e = item.follow_up, item.entry
                rows.append({
                    "text": f.text, "owner": f.owner, "deadline": f.deadline, "done": f.done,
                    "overdue": f.overdue(today), "days_left": item.days_left(today),
                    "entry": {"id": ids.get(e.key, ""), "title": e.title,
                              "path": e.key, "line": f.line,
                              "date": e.when.isoformat() if e.when else "",
                              "severity": e.severity, "status": e.status},
                })
            return rows

    def _ids_of(self, keys: list[str]) -> dict[str, str]:
        """The entry ids of these keys (from the index)."""
        wanted = sorted(set(keys))
        kb = self.refresh()
        out: dict[str, str] = {}
        try:
            with kb.lock:
                assert kb.conn is not None
                for n in range(0, len(wanted), 500):
                    chunk = wanted[n:n + 500]
                    marks = ", ".join("?" * len(chunk))
                    out.update(kb.conn.execute(
                        f"SELECT key, eid FROM rows WHERE key IN ({marks})", chunk))
        except (sqlite3.Error, AssertionError):
            out = {s.key: s.id for s in kb.entries()}
        return out
