"""Questions answered straight from the index's tables (`kbdb.py`), without a file read:
every follow-up action, and the Related Issues links out of and into an entry.

For the ledger, `stats`, backlinks and the agent server. Each function takes an open
`KbIndex` (refreshed by the caller: a long-running reader refreshes per request) or a
knowledge base root (opened and brought up to date here).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .kbdb import KbIndex, link_target
from .summary import FollowUp


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


__all__ = ["EntryFollowUp", "EntryLink", "all_followups", "links_from", "links_to",
           "link_target"]
