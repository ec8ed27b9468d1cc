"""The follow-up ledger: every follow-up action across the knowledge base, and ticking one.

`items(facts, LedgerFilter(...), today)` lists them soonest deadline first (follow-ups with
no deadline, or one that is not a date, last), each with its entry. `tick` marks one done
or open again by changing only its checkbox in its entry's file: the mark between the
brackets (`[ ]` to `[x]` and back; an `X` is kept as written when already done), or, on a
hand-written line with no checkbox, `[x] ` put after the bullet. No date is added, the
entry's status is unchanged, the file never moves, and the rest of the line (its own
spacing, bullet and wording) is kept byte for byte. The save is the store's atomic,
conflict-checked one: a file that changed since the ledger read it is a `ConflictError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from . import store
from .facts import Facts, FollowUp
from .index import owner_key, service_key

STATES = ("open", "done", "all")
_BOX = re.compile(rb"^([ \t]{0,3}[-*+][ \t]+)\[([ xX])\]")
_BULLET = re.compile(rb"^([ \t]{0,3}[-*+][ \t]+)")


@dataclass(frozen=True)
class Item:
    """One follow-up with its entry."""

    entry: Facts
    follow_up: FollowUp

    @property
    def owner(self) -> str:
        return self.follow_up.owner

    def overdue(self, today: date) -> bool:
        return self.follow_up.overdue(today)

    def days_left(self, today: date) -> int | None:
        """Days until the deadline (negative: overdue), None without a readable one."""
        due = self.follow_up.due
        return (due - today).days if due is not None else None


@dataclass(frozen=True)
class LedgerFilter:
    """What to show. `text`: words that must all appear in the follow-up, its owner, its
    entry's title, services or tags (the screen's filter as you type)."""

    owner: str = ""
    state: str = "open"  # open, done or all
    overdue: bool = False
    due_within: int | None = None  # days from today (overdue ones included)
    service: str = ""
    severity: str = ""
    text: str = ""

    def matches(self, item: Item, today: date) -> bool:
        """Whether the item passes every part of the filter."""
        f = item.follow_up
        if self.state == "open" and f.done or self.state == "done" and not f.done:
            return False
        if self.owner and owner_key(self.owner) != owner_key(f.owner):
            return False
        if self.overdue and not f.overdue(today):
            return False
        if self.due_within is not None:
            due = f.due
            if due is None or f.done or due > today + timedelta(days=self.due_within):
                return False
        if self.service and service_key(self.service) not in {
                service_key(s) for s in item.entry.services}:
            return False
        if self.severity and item.entry.severity.upper() != self.severity.upper():
            return False
        if self.text:
            hay = " ".join((f.text, f.owner, f.deadline, item.entry.title,
                            *item.entry.services, *item.entry.tags)).lower()
            if not all(word in hay for word in self.text.lower().split()):
                return False
        return True


def sort_key(item: Item) -> tuple[object, ...]:
    """Soonest deadline first; no readable deadline last; then by entry and position."""
    due = item.follow_up.due
    return (due is None, due or date.min, item.entry.key, item.follow_up.n)


def items(entries: Iterable[Facts], wanted: LedgerFilter | None = None,
          today: date | None = None) -> list[Item]:
    """The follow-ups passing `wanted`, soonest deadline first."""
    today = today or date.today()
    wanted = wanted or LedgerFilter()
    found = [Item(entry, f) for entry in entries for f in entry.follow_ups]
    return sorted((i for i in found if wanted.matches(i, today)), key=sort_key)


def group(found: Iterable[Item], by: str) -> list[tuple[str, list[Item]]]:
    """Items grouped by `owner` or by `entry` (each group keeps the items' order; groups in
    order of their first item). An item with no owner is in the group "(no owner)"."""
    groups: dict[str, list[Item]] = {}
    for item in found:
        name = (item.owner or "(no owner)") if by == "owner" else item.entry.key
        groups.setdefault(name, []).append(item)
    return list(groups.items())


@dataclass(frozen=True)
class Counts:
    """Open, done and overdue follow-ups, and those lacking an owner or a deadline."""

    open: int
    done: int
    overdue: int
    no_owner: int
    no_deadline: int

    @property
    def completion(self) -> float | None:
        """Done / all, None when there are none."""
        total = self.open + self.done
        return self.done / total if total else None


def counts(found: Iterable[Item], today: date) -> Counts:
    """The counts of `found` (give it the `all` state to count both open and done)."""
    found = list(found)
    return Counts(
        open=sum(not i.follow_up.done for i in found),
        done=sum(i.follow_up.done for i in found),
        overdue=sum(i.overdue(today) for i in found),
        no_owner=sum(not i.follow_up.owner for i in found),
        no_deadline=sum(not i.follow_up.deadline for i in found),
    )


class TickError(store.StoreError):
    """The follow-up could not be found where the ledger saw it, or the file may not be
    written (read-only: not UTF-8, merge markers)."""


def ticked_line(line: bytes, done: bool) -> bytes:
    """The line with its checkbox set to `done`, nothing else changed."""
    box = _BOX.match(line)
    if box:
        mark = box.group(2)
        if (mark != b" ") == done:
            return line
        start = box.end(1) + 1
        return line[:start] + (b"x" if done else b" ") + line[start + 1:]
    bullet = _BULLET.match(line)
    if bullet is None:
        raise TickError("no bullet on the follow-up's line")
    if not done:
        return line  # no checkbox: already open
    return line[:bullet.end()] + b"[x] " + line[bullet.end():]


def tick(root: Path, entry: Facts, follow_up: FollowUp, done: bool) -> bool:
    """Mark the follow-up done (or open) in its entry's file; False when it already was.

    The file is opened as every editor opens it (`session.EditSession`: its read-only
    rules and edit lock); a file another opswizard is editing is left alone (`TickError`).
    The bytes are not re-rendered: only the checkbox changes. Raises `store.ConflictError`
    if the file is not the one the facts were read from.
    """
    from .parse import parse_bytes
    from .session import EditSession

    path = root / entry.key
    session = EditSession.open(root, path, lock=True)
    try:
        if session.digest != entry.sha256:
            raise store.ConflictError(path, "changed")
        if session.read_only_reason:
            raise TickError(f"{path}: opened read-only ({session.read_only_reason})")
        if session.other_editor:
            raise TickError(f"{path}: being edited in another opswizard; tick it there")
        data = session.source
        line_no = parse_bytes(data).locations.get(f"action:{follow_up.n}")
        if line_no != follow_up.line:
            raise TickError(f"{path}: follow-up {follow_up.n + 1} is not on line "
                            f"{follow_up.line}")
        new = _ticked(data, line_no, done)
        if new == data:
            return False
        store.save_over(path, new, expected=entry.sha256, root=root)
        return True
    finally:
        session.close()


def _ticked(data: bytes, line_no: int, done: bool) -> bytes:
    lines = data.split(b"\n")  # as the parser numbers lines (CRLF: the \r stays on the line)
    index = line_no - 1
    body = lines[index]
    head, tail = (body[:-1], body[-1:]) if body.endswith(b"\r") else (body, b"")
    bom = index == 0 and head.startswith(b"\xef\xbb\xbf")
    new = ticked_line(head[3:] if bom else head, done)
    if bom:
        new = b"\xef\xbb\xbf" + new
    lines[index] = new + tail
    return b"\n".join(lines)


def parse_query(query: str, base: LedgerFilter | None = None) -> LedgerFilter:
    """The ledger screen's filter as typed: plain words match the follow-up, its owner, its
    entry's title, services and tags; `@ana` or `owner:ana`, `service:S`, `severity:S` (or
    `sev:S`), `due:N` (due within N days), `overdue`, `done`, `all` narrow it."""
    from dataclasses import replace

    wanted = base or LedgerFilter()
    words: list[str] = []
    for word in query.split():
        name, _, value = word.partition(":")
        lower = name.lower()
        if word.startswith("@") and len(word) > 1:
            wanted = replace(wanted, owner=word)
        elif value and lower == "owner":
            wanted = replace(wanted, owner=value)
        elif value and lower == "service":
            wanted = replace(wanted, service=value)
        elif value and lower in ("severity", "sev"):
            wanted = replace(wanted, severity=value)
        elif value and lower == "due" and value.isdigit():
            wanted = replace(wanted, due_within=int(value))
        elif word.lower() == "overdue":
            wanted = replace(wanted, overdue=True)
        elif word.lower() in ("done", "all", "open"):
            wanted = replace(wanted, state=word.lower())
        else:
            words.append(word)
    return replace(wanted, text=" ".join(words))
