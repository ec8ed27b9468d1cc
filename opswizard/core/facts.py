"""What the ledger, the stats and the report need to know of one entry: its facts.

`from_entry` reads them from a parsed entry: date, severity, category, status, services,
tags, time to detection and time to resolution (in seconds, through the wizard's duration
parser `kinds.parse_duration`), and the follow-up actions with their line in the file.
`Facts.row()` / `from_row()` turn them into plain JSON values for the facts cache
(`factcache.py`); `from_row` trusts nothing (a wrong type raises `ValueError`).

Time values
-----------
Each of `ttd` and `ttr` is seconds, or None; its `*_state` says why: `"ok"`, `"missing"`
(no value: never counted as zero), or `"bad"` (a value that is not a duration: left out of
the figures, counted beside them, and a `validate` warning naming the field).
Time to resolution is the Metrics section's Time to Resolution when it is given, else the
Duration field (`ttr_from` says which).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from . import kinds

if TYPE_CHECKING:  # pragma: no cover
    from .model import EntryBase

OK, MISSING, BAD = "ok", "missing", "bad"
STATES = (OK, MISSING, BAD)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One follow-up action of an entry.

    `n`: its position among the Follow-up Actions items (as `parse` numbers them, the
    `action:N` location); `line`: its 1-based line in the file; `due`: the deadline read as
    a day, None when there is none or it is not `YYYY-MM-DD`.
    """

    n: int
    line: int
    text: str
    done: bool
    owner: str = ""
    deadline: str = ""

    @property
    def due(self) -> date | None:
        return kinds.parse_day(self.deadline) if self.deadline else None

    def overdue(self, today: date) -> bool:
        """Open and past its deadline (a deadline of today is not overdue yet)."""
        due = self.due
        return not self.done and due is not None and due < today


@dataclass(frozen=True, slots=True)
class Repeat:
    """The similar earlier entry that makes an entry a repeat incident."""

    key: str
    title: str
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Facts:
    """The facts of one entry (see the module docstring)."""

    key: str  # path relative to the knowledge base root, `/`-separated
    sha256: str  # of the file's bytes when the facts were read
    title: str = ""
    when: datetime | None = None
    category: str = ""
    severity: str = ""
    status: str = ""
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    ttd: int | None = None
    ttd_state: str = MISSING
    ttr: int | None = None
    ttr_state: str = MISSING
    ttr_from: str = ""  # "metrics" or "duration" (the field the value came from)
    follow_ups: tuple[FollowUp, ...] = ()
    repeat: Repeat | None = field(default=None, compare=False)

    def row(self) -> list[Any]:
        """Plain JSON values (the facts cache's row)."""
        return [
            self.key, self.sha256, self.title, self.when.isoformat() if self.when else "",
            self.category, self.severity, self.status, list(self.services), list(self.tags),
            self.ttd, self.ttd_state, self.ttr, self.ttr_state, self.ttr_from,
            [[f.n, f.line, f.text, f.done, f.owner, f.deadline] for f in self.follow_ups],
            [self.repeat.key, self.repeat.title, self.repeat.score, self.repeat.reason]
            if self.repeat else None,
        ]


def _seconds(value: Any, state: Any) -> tuple[int | None, str]:
    if state not in STATES:
        raise ValueError("unknown state")
    if state == OK:
        if type(value) is not int or value < 0:
            raise ValueError("not seconds")
        return value, OK
    if value is not None:
        raise ValueError("a value without the ok state")
    return None, state


_NONE = type(None)
_ROW_TYPES = (str, str, str, str, str, str, str, list, list)
_FOLLOW_UP_TYPES = (int, int, str, bool, str, str)


def from_row(row: Any) -> Facts:
    """Facts from a cache row; `ValueError` on anything unexpected."""
    if type(row) is not list or len(row) != 16:
        raise ValueError("not a facts row")
    (key, sha, title, when, category, severity, status, services, tags,
     ttd, ttd_state, ttr, ttr_state, ttr_from, follow_ups, repeat) = row
    if tuple(map(type, row[:9])) != _ROW_TYPES or type(follow_ups) is not list:
        raise ValueError("facts row: wrong types")
    services, tags = tuple(services), tuple(tags)
    if not set(map(type, services + tags)) <= {str}:
        raise ValueError("services or tags: not text")
    moment = datetime.fromisoformat(when) if when else None
    if moment is not None and moment.tzinfo is None:
        raise ValueError("a date without a zone")
    items = []
    for item in follow_ups:
        if type(item) is not list or tuple(map(type, item)) != _FOLLOW_UP_TYPES:
            raise ValueError("not a follow-up")
        items.append(FollowUp(*item))
    pair = None
    if repeat is not None:
        if (type(repeat) is not list or len(repeat) != 4
                or tuple(map(type, repeat)) not in ((str, str, float, str), (str, str, int, str))):
            raise ValueError("not a repeat")
        pair = Repeat(repeat[0], repeat[1], float(repeat[2]), repeat[3])
    ttd_s, ttd_st = _seconds(ttd, ttd_state)
    ttr_s, ttr_st = _seconds(ttr, ttr_state)
    if ttr_from not in ("", "metrics", "duration"):
        raise ValueError("ttr_from")
    return Facts(key, sha, title, moment, category, severity, status, services, tags,
                 ttd_s, ttd_st, ttr_s, ttr_st, ttr_from, tuple(items), pair)


def duration(raw: str) -> tuple[int | None, str]:
    """(seconds, state) of a time value as written: the wizard's duration parser."""
    text = raw.strip()
    if not text or kinds.is_placeholder(text):
        return None, MISSING
    seconds = kinds.parse_duration(text)
    return (seconds, OK) if seconds is not None else (None, BAD)


def resolution(entry: EntryBase) -> tuple[int | None, str, str]:
    """(seconds, state, field) of the entry's time to resolution: Metrics, else Duration."""
    metrics = entry.get("time_to_resolution")
    if metrics.strip() and not kinds.is_placeholder(metrics):
        return (*duration(metrics), "metrics")
    seconds, state = duration(entry.get("duration"))
    return seconds, state, "duration" if state != MISSING else ""


def follow_ups(entry: EntryBase, locations: dict[str, int]) -> tuple[FollowUp, ...]:
    """The entry's follow-up actions (hand-written lines without a bullet left out)."""
    out = []
    for n, action in enumerate(entry.follow_up_actions.items):
        if action.raw or not (action.text.strip() or action.owner.strip()
                              or action.deadline.strip()):
            continue
        out.append(FollowUp(n, locations.get(f"action:{n}", 0), action.text.strip(),
                            action.done, action.owner.strip(), action.deadline.strip()))
    return tuple(out)


def from_entry(entry: EntryBase, key: str, sha256: str,
               locations: dict[str, int] | None = None) -> Facts:
    """The facts of a parsed entry (`locations`: the parser's, for follow-up lines)."""
    ttd, ttd_state = duration(entry.get("time_to_detection"))
    ttr, ttr_state, ttr_from = resolution(entry)
    return Facts(
        key=key, sha256=sha256, title=entry.title.strip(), when=entry.when(),
        category=entry.category.strip(), severity=entry.severity.strip(),
        status=entry.status, services=tuple(entry.services()), tags=tuple(entry.tags),
        ttd=ttd, ttd_state=ttd_state, ttr=ttr, ttr_state=ttr_state, ttr_from=ttr_from,
        follow_ups=follow_ups(entry, locations or {}),
    )


def from_bytes(key: str, data: bytes) -> Facts | None:
    """The facts of a file's bytes; None when it is not a usable entry."""
    from .parse import parse_bytes
    from .store import digest

    result = parse_bytes(data)
    if result.errors and not result.entry.present_sections():
        return None
    return from_entry(result.entry, key, digest(data), result.locations)
