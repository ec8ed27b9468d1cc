"""Questions answered straight from the index's tables (`kbdb.py`), without a file read:
every follow-up action, and the Related Issues links out of and into an entry.

For the ledger, `stats`, backlinks and the agent server. Each function takes an open
`KbIndex` (refreshed by the caller: a long-running reader refreshes per request) or a
knowledge base root (opened and brought up to date here).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from .kbdb import KbIndex, link_target
from .kbschema import check_keys, split
from .summary import FollowUp, Summary


class EntryFollowUp(NamedTuple):
    """A follow-up action, with the key and title of the entry holding it."""

    key: str
    title: str
    action: FollowUp


class EntryLink(NamedTuple):
    """A Related Issues link: from which entry, its text and href, the key it names ("" for a
    URL or a path outside the knowledge base), and whether that entry is indexed."""

    source: str
    text: str
    href: str
    target: str
    exists: bool


def _kb(where: KbIndex | Path) -> KbIndex:
    return where if isinstance(where, KbIndex) else KbIndex.open(Path(where))


def all_followups(where: KbIndex | Path) -> list[EntryFollowUp]:
    """Every follow-up action of every entry: entries newest first, actions in order."""
    kb = _kb(where)
    with kb.lock:
        assert kb.conn is not None
        rows = kb.conn.execute(
            "SELECT r.key, r.title, f.n, f.text, f.owner, f.deadline, f.done FROM followups f "
            "JOIN rows r ON r.id = f.row ORDER BY r.wsort DESC, r.key DESC, f.n").fetchall()
    return [EntryFollowUp(key, title, FollowUp(n, text, owner, deadline, bool(done)))
            for key, title, n, text, owner, deadline, done in rows]


def _links(kb: KbIndex, where: str, args: tuple[str, ...]) -> list[EntryLink]:
    with kb.lock:
        assert kb.conn is not None
        rows = kb.conn.execute(
            "SELECT r.key, l.text, l.href, l.target, EXISTS(SELECT 1 FROM rows t WHERE "
            f"t.key = l.target AND t.error = '') FROM links l JOIN rows r ON r.id = l.row "
            f"WHERE {where} ORDER BY r.key, l.n", args).fetchall()
    return [EntryLink(src, text, href, target, bool(exists))
            for src, text, href, target, exists in rows]


def links_from(where: KbIndex | Path, key: str) -> list[EntryLink]:
    """The links in the Related Issues of the entry at `key` (its path from the root)."""
    return _links(_kb(where), "r.key = ?", (key,))


def links_to(where: KbIndex | Path, key: str) -> list[EntryLink]:
    """The links of other entries naming the entry at `key`."""
    return _links(_kb(where), "l.target = ? AND r.key != ?", (key, key))


def entry_rows(kb: KbIndex) -> Iterator[Summary]:
    """The entries as `kb.entries()` gives them (newest first), one at a time from the
    database, each built from its row alone: no texts, links or follow-ups (what `list`
    prints: memory stays flat at any size). Holds `kb.lock` while iterated. Raises
    `sqlite3.DatabaseError` before the first when a row's key is not one a scan gives."""
    with kb.lock:
        assert kb.conn is not None
        check_keys(kb.conn)
        fromiso = datetime.fromisoformat
        for (key, size, mtime, sha, eid, title, date, whenz, category, severity, status,
             tags, services, owners, percent) in kb.conn.execute(
                "SELECT key, size, mtime_ns, sha256, eid, title, date, whenz, category, "
                "severity, status, tags, services, owners, percent FROM rows "
                "WHERE error = '' ORDER BY wsort DESC, key DESC"):
            yield Summary(
                key=key, path=kb.root / key, sha256=sha, id=eid, title=title, date=date,
                when=fromiso(whenz) if whenz else None, category=category,
                severity=severity, status=status, tags=split(tags),
                services=split(services), owners=split(owners), percent=percent,
                size=size, mtime_ns=mtime)


__all__ = ["EntryFollowUp", "EntryLink", "all_followups", "entry_rows", "links_from",
           "links_to", "link_target"]
