"""The knowledge base as the MCP server sees it: the one place it reads entries from.

Every tool asks a `Backend` (search, similar entries, one entry, the list, follow-ups). It is
the swap point to the core's search and index: today it reads the index cache
(`kbindex.load`) and ranks through the same `Suggester` as `opswizard search` and the
browser, and takes follow-ups from the ledger (`core.ledger` over `core.factcache`, as
`opswizard actions` does); when the core's one search replaces them, only this module
changes.

The server runs for hours while people and other processes edit the knowledge base, so every
call first checks freshness: the tree is scanned (lstat only, as the index does) and, when a
file was added, removed or changed in size or mtime, the index is loaded again (the cache
re-parses only what changed). Entries are parsed only when a tool needs their sections, and
kept by (size, mtime) so a second call parses nothing.

A lock serialises calls: the SDK runs tools in worker threads.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..core import kbindex, store
from ..core.index import Record, make_record
from ..core.tags import normalise_tag

if TYPE_CHECKING:  # pragma: no cover
    from ..core.factcache import FactSet
    from ..core.kbindex import Snapshot, Summary
    from ..core.suggest import Match, Suggester


class UnknownEntry(LookupError):
    """No entry of the knowledge base has this id or path."""


@dataclass(frozen=True)
class Found:
    """One entry of the knowledge base: where it is (absolute and relative) and its summary."""

    path: Path
    key: str  # relative to the root, `/`-separated
    summary: Summary


class Backend:
    """Read access to one knowledge base, fresh on every call."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.RLock()
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._snapshot: Snapshot | None = None
        self._suggester: Suggester | None = None
        self._by_key: dict[str, Found] = {}
        self._by_id: dict[str, list[Found]] = {}
        self._parsed: dict[str, tuple[int, int, store.Loaded]] = {}
        self._facts: FactSet | None = None
        self._facts_signature: tuple[tuple[str, int, int], ...] | None = None
        self.reloads = 0

    # -- freshness ------------------------------------------------------------------------
    def _scan(self) -> tuple[tuple[str, int, int], ...]:
        out = []
        for item in store.scan_entries(self.root):
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                out.append((item.path, -1, -1))
                continue
            out.append((item.path, info.st_size, info.st_mtime_ns))
        return tuple(out)

    def refresh(self) -> Snapshot:
        """The knowledge base as it is now: reloaded when any file was added, removed or
        changed since the last call, else the snapshot already in memory."""
        with self._lock:
            signature = self._scan()
            if self._snapshot is None or signature != self._signature:
                snapshot = kbindex.load(self.root)
                self._snapshot, self._signature = snapshot, signature
                self._suggester = None
                self._by_key = {}
                self._by_id = {}
                root_text = os.fspath(self.root)
                for path, summary in snapshot.entries:
                    found = Found(Path(path) if os.path.isabs(path)
                                  else Path(root_text) / path, summary.key, summary)
                    self._by_key[summary.key] = found
                    self._by_id.setdefault(summary.id, []).append(found)
                live = set(self._by_key)
                self._parsed = {k: v for k, v in self._parsed.items() if k in live}
                self.reloads += 1
            return self._snapshot

    def suggester(self) -> Suggester:
        """The search over the fresh index (`opswizard search` ranks with the same)."""
        from ..core.suggest import Suggester

        with self._lock:
            snapshot = self.refresh()
            if self._suggester is None:
                self._suggester = Suggester(snapshot.index())
            return self._suggester

    # -- finding one entry ----------------------------------------------------------------
    def find(self, id_or_path: str) -> Found:
        """The entry with this id, or at this path (relative to the knowledge base, or
        absolute inside it, or a unique file name). Nothing outside the scanned entries is
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

    def record_found(self, record: Record) -> Found | None:
        """The entry behind a search record."""
        key = self._key_of(record.path)
        return self._by_key.get(key) if key is not None else None

    # -- queries ----------------------------------------------------------------------------
    def search(self, query: str, limit: int) -> list[tuple[Found, float, str]]:
        """(entry, score 0-100, why it matched), best first: the search of `opswizard search`."""
        with self._lock:
            out = []
            for match in self.suggester().search_matches(query, limit):
                found = self.record_found(match.record)
                if found is not None:
                    out.append((found, match.score, match.reason))
            return out

    def similar(self, description: str, limit: int) -> list[tuple[Found, float, str]]:
        """Past entries most like a free-text description of an incident (symptoms,
        services, error messages): compared as the wizard compares a new entry with past
        ones (title, symptoms, cause, shared services and tags named in the text), topped
        up with plain search hits when that finds fewer than `limit`."""
        with self._lock:
            suggester = self.suggester()
            probe = self._probe(description, suggester)
            matches: list[Match] = suggester.related(probe, limit=limit, min_score=5.0)
            seen = {m.record.path for m in matches}
            if len(matches) < limit:
                for match in suggester.search_matches(description, limit):
                    if match.record.path not in seen and len(matches) < limit:
                        matches.append(match)
                        seen.add(match.record.path)
            out = []
            for match in matches:
                found = self.record_found(match.record)
                if found is not None:
                    out.append((found, match.score, match.reason))
            return out

    @staticmethod
    def _probe(description: str, suggester: Suggester) -> Record:
        """A record standing for the incident described: the text as its title, symptoms and
        cause, and the known services and tags the text names."""
        from ..core.index import norm_text, service_key

        text = f" {norm_text(description)} "
        index = suggester.index
        services = [index.service_name(key) for key in index.service_counts
                    if key and f" {key.replace('-', ' ')} " in text]
        tags = [tag for tag in index.tag_counts if tag and f" {tag.replace('-', ' ')} " in text]
        return make_record("", title=description, symptoms=description,
                           primary_cause=description,
                           services=[s for s in services if service_key(s)], tags=tags)

    def entries(self, category: str | None, severity: str | None, tag: str | None,
                status: str | None) -> list[Found]:
        """Entries newest first, filtered as `opswizard list` filters."""
        with self._lock:
            snapshot = self.refresh()
            wanted_tag = normalise_tag(tag) if tag else None
            out = []
            for _, summary in snapshot.newest_first():
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
            if self._facts is None or self._facts_signature != self._signature:
                self._facts = factcache.load(self.root, pairs=False)
                self._facts_signature = self._signature
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
