"""Numbers over time, from the entries' facts: `compute(entries, ...)` gives one plain dict
(what `stats --json` prints, the report draws and the stats screen charts).

- Entries dated within `since`..`until` (days, both included) are counted, by period
  (`month`: `2026-03`, `quarter`: `2026-Q1`) and category, and by period and severity.
  Undated entries are counted apart (`undated`), never in a period.
- Time to detection and time to resolution (see `facts.py`): median and p90 by the
  nearest-rank method (the value at rank ceil(p/100 * n) of the sorted values), overall,
  by severity and by period. Each figure carries `n` (values used), `missing` (no value:
  never counted as zero) and `left_out` (a value that is not a duration).
- The services and tags that recur most, follow-up counts and completion rate, and the
  repeat incidents (an entry with a similar earlier entry: `repeats.py`) with the pair named.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from . import ledger
from .facts import BAD, MISSING, Facts
from .index import service_key
from .template import CATEGORIES, SEVERITIES

PERIODS = ("month", "quarter")
TOP = 10  # services and tags listed


def nearest_rank(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile by nearest rank (values sorted or not); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def period(day: date, by: str) -> str:
    """The period a day falls in: `2026-03` by month, `2026-Q1` by quarter."""
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def periods_between(first: date, last: date, by: str) -> list[str]:
    """Every period from the one holding `first` to the one holding `last` (gaps included)."""
    out: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        name = period(date(year, month, 1), by)
        if not out or out[-1] != name:
            out.append(name)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def figure(entries: Iterable[Facts], which: str) -> dict[str, Any]:
    """Median and p90 of `ttd` or `ttr` (seconds) with the counts beside them."""
    values: list[int] = []
    missing = left_out = 0
    for facts in entries:
        state = getattr(facts, f"{which}_state")
        if state == MISSING:
            missing += 1
        elif state == BAD:
            left_out += 1
        else:
            values.append(getattr(facts, which))
    return {"n": len(values), "median": nearest_rank(values, 50), "p90": nearest_rank(values, 90),
            "missing": missing, "left_out": left_out}


def _ordered(counter: Counter[str], known: Sequence[str]) -> dict[str, int]:
    names = [k for k in known if counter[k]] + sorted(k for k in counter if k not in known)
    return {name: counter[name] for name in names}


def _top(names: Iterable[Iterable[str]], key: Any) -> list[list[Any]]:
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for group in names:
        for name in {key(n): n for n in group if key(n)}.items():
            counts[name[0]] += 1
            spelling.setdefault(name[0], name[1])
    return [[spelling[k], n] for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            [:TOP]]


def compute(entries: Iterable[Facts], since: date | None = None, until: date | None = None,
            by: str = "month", today: date | None = None) -> dict[str, Any]:
    """Every figure over the entries dated within since..until (see the module docstring)."""
    today = today or date.today()
    chosen: list[Facts] = []
    undated = 0
    for facts in entries:
        if facts.when is None:
            undated += 1
            continue
        day = facts.when.date()
        if (since is None or day >= since) and (until is None or day <= until):
            chosen.append(facts)
    chosen.sort(key=lambda f: (f.when, f.key))
    days = [f.when.date() for f in chosen if f.when]
    names = periods_between(since or days[0], until or days[-1], by) if days else []
    in_period: dict[str, list[Facts]] = {name: [] for name in names}
    for facts in chosen:
        in_period.setdefault(period(facts.when.date(), by), []).append(facts)  # type: ignore[union-attr]
    severities = sorted({f.severity for f in chosen},
                        key=lambda s: (SEVERITIES.index(s) if s in SEVERITIES else 99, s))
    items = ledger.items(chosen, ledger.LedgerFilter(state="all"), today)
    counts = ledger.counts(items, today)
    out: dict[str, Any] = {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "by": by, "as_of": today.isoformat(), "entries": len(chosen), "undated": undated,
        "periods": names,
        "by_category": {p: _ordered(Counter(f.category for f in fs), CATEGORIES)
                        for p, fs in in_period.items()},
        "by_severity": {p: _ordered(Counter(f.severity for f in fs), SEVERITIES)
                        for p, fs in in_period.items()},
    }
    for which in ("ttd", "ttr"):
        out[which] = {
            "all": figure(chosen, which),
            "by_severity": {s: figure((f for f in chosen if f.severity == s), which)
                            for s in severities},
            "by_period": {p: figure(fs, which) for p, fs in in_period.items()},
        }
    out["services"] = _top((f.services for f in chosen), service_key)
    out["tags"] = _top((f.tags for f in chosen), lambda t: t)
    out["follow_ups"] = {
        "open": counts.open, "done": counts.done, "overdue": counts.overdue,
        "no_owner": counts.no_owner, "no_deadline": counts.no_deadline,
        "completion_rate": round(counts.completion, 4) if counts.completion is not None else None,
    }
    out["repeats"] = [
        {"entry": f.key, "title": f.title, "date": f.when.date().isoformat() if f.when else "",
         "earlier": f.repeat.key, "earlier_title": f.repeat.title, "score": f.repeat.score,
         "reason": f.repeat.reason}
        for f in reversed(chosen) if f.repeat is not None
    ]
    return out


def human(seconds: float | None) -> str:
    """`45m`, `2h 30m`, `3d 4h`, or `-` for none."""
    if seconds is None:
        return "-"
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return f"{minutes}m" if minutes else f"{int(seconds)}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"
