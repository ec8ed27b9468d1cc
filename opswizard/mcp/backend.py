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
        self._by_key: dict[str, Found] = {}
        self._by_id: dict[str, list[Found]] = {}
        self._services: dict[str, str] = {}  # service key -> a spelling
        self._tags: set[str] = set()
        self._parsed: dict[str, tuple[int, int, store.Loaded]] = {}
        self._facts: FactSet | None = None
        self._facts_version = -1

    # -- freshness ------------------------------------------------------------------------
    def refresh(self) -> KbIndex:
        """The index brought up to date with the files (parsing only what changed)."""
        from ..core.index import service_key
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
                self._by_key, self._by_id, self._services, self._tags = {}, {}, {}, set()
                for summary in self._kb.entries():
                    found = Found(summary.path, summary.key, summary)
                    self._by_key[summary.key] = found
                    self._by_id.setdefault(summary.id, []).append(found)
                    for name in summary.services:
                        self._services.setdefault(service_key(name), name)
                    self._tags.update(summary.tags)
                self._parsed = {k: v for k, v in self._parsed.items() if k in self._by_key}
            return self._kb

    # -- finding one entry ----------------------------------------------------------------
    def find(self, id_or_path: str) -> Found:
        """The entry with this id, or at this path (relative to the knowledge base, or
        absolute inside it, or a unique file name). Nothing outside the indexed entries is
        ever opened: `../../etc/passwd` is simply not an entry."""
        with self._lock:
            self.refresh()
            wanted = id_or_path.strip()
            matches = self._by_id.get(wanted, [])
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                paths = ", ".join(sorted(m.key for m in matches))
                raise UnknownEntry(f"{len(matches)} entries share the id {wanted!r} ({paths}); "
                                   "ask for one by its path")
            key = self._key_of(wanted)
            if key is not None and key in self._by_key:
                return self._by_key[key]
            named = [f for k, f in self._by_key.items() if PurePosixPath(k).name == wanted]
            if len(named) == 1:
                return named[0]
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
    def _hits(self, hits: list[Any]) -> list[tuple[Found, float, str]]:
        out = []
        for hit in hits:
            found = self._by_key.get(hit.key)
            if found is not None:
                out.append((found, hit.score, hit.reason))
        return out

    def search(self, query: str, limit: int) -> list[tuple[Found, float, str]]:
        """(entry, score 0-100, why it matched), best first: the search of `opswizard
        search` (the same query gives the same order)."""
        with self._lock:
            self.refresh()
            assert self._search is not None
            return self._hits(self._search.search(query, limit, summaries=False))

    def similar(self, description: str, limit: int) -> list[tuple[Found, float, str]]:
        """Past entries most like a free-text description of an incident (symptoms,
        services, error messages): the description as the query, with the known services
        and tags it names to share, as the wizard looks for a possible recurrence."""
        from ..core.index import norm_text
        from ..core.search import Query

        with self._lock:
            self.refresh()
            assert self._search is not None
            text = f" {norm_text(description)} "
            services = tuple(name for key, name in self._services.items()
                             if key and f" {key.replace('-', ' ')} " in text)
            tags = tuple(tag for tag in self._tags
                         if tag and f" {tag.replace('-', ' ')} " in text)
            hits = self._search.search(Query(description, services, tags, typing=False),
                                       limit, summaries=False)
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
                out.append(self._by_key[summary.key])
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
            rows = []
            for item in ledger.items(self._facts.entries, wanted, today):
                f, e = item.follow_up, item.entry
                found = self._by_key.get(e.key)
                rows.append({
                    "text": f.text, "owner": f.owner, "deadline": f.deadline, "done": f.done,
                    "overdue": f.overdue(today), "days_left": item.days_left(today),
                    "entry": {"id": found.summary.id if found else "", "title": e.title,
                              "path": e.key, "line": f.line,
                              "date": e.when.isoformat() if e.when else "",
                              "severity": e.severity, "status": e.status},
                })
            return rows
