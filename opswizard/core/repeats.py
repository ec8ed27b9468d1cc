"""Repeat incidents: an entry with a similar earlier entry.

An entry B is a **repeat** of an earlier entry A when all of these hold:

- A is dated before B, at most `WINDOW_DAYS` (90) days before;
- they share a related service (compared as `index.service_key`) or a tag;
- A is among the one search's nearest entries to B (`search.Search.related`: the ranking
  `opswizard search`, the browser's filter and the wizard's related entries use) with a
  score of at least `MIN_SCORE` (60 of 100: the same service alone scores under 50, so a
  shared service is not enough; similar symptoms, cause or title are needed as well).

Among such A, the latest (then the best scored) is B's pair: the last time it happened.
Pairs are worked out once per
changed entry and kept in the facts cache (`factcache.py`), never per run: `affected` says
which entries a change can move (the changed ones, those paired with a changed or deleted
one, and those up to `WINDOW_DAYS` after a changed one that share a service or tag with it).
Many at once (a first `stats` pairs every entry): `repeat_batch.pair_all`, the same pairs.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .facts import Facts, Repeat
from .index import service_key

if TYPE_CHECKING:  # pragma: no cover
    from .search import Search
    from .summary import Summary

WINDOW_DAYS = 90
MIN_SCORE = 60.0
CANDIDATES = 100  # nearest entries the search is asked for


def shared_keys(facts: Facts) -> set[str]:
    """The entry's shared-service and tag keys (`s:<service key>`, `t:<tag>`): two entries
    can be a pair only when they have one in common."""
    return {f"s:{k}" for k in map(service_key, facts.services) if k} | {
        f"t:{t}" for t in facts.tags}


def _postings(by_key: dict[str, Facts]) -> dict[str, list[str]]:
    postings: dict[str, list[str]] = defaultdict(list)
    for key, facts in by_key.items():
        if facts.when is not None:
            for shared in shared_keys(facts):
                postings[shared].append(key)
    return postings


def candidates(by_key: dict[str, Facts], keys: Iterable[str]) -> set[str]:
    """Those of `keys` with at least one earlier entry in the window sharing a service or
    tag: the only ones that can be repeats (the others need no search)."""
    whens: dict[str, list[datetime]] = defaultdict(list)
    for known in by_key.values():
        if known.when is not None:
            for shared in shared_keys(known):
                whens[shared].append(known.when)
    for moments in whens.values():
        moments.sort()
    window = timedelta(days=WINDOW_DAYS)
    out = set()
    for key in keys:
        entry = by_key.get(key)
        if entry is None or entry.when is None:
            continue
        start = entry.when - window
        for shared in shared_keys(entry):
            moments = whens[shared]
            i = bisect_left(moments, start)
            if i < len(moments) and moments[i] < entry.when:
                out.add(key)
                break
    return out


def affected(by_key: dict[str, Facts], changed: Iterable[str], deleted: Iterable[str]) -> set[str]:
    """Keys whose pair may differ after `changed` (new or edited) and `deleted` keys."""
    changed = set(changed)
    if len(changed) * 4 >= len(by_key):  # a quarter changed: cheaper to redo them all
        return set(by_key)
    gone = changed | set(deleted)
    out = {k for k in changed if k in by_key}
    out |= {k for k, f in by_key.items() if f.repeat is not None and f.repeat.key in gone}
    window = timedelta(days=WINDOW_DAYS)
    postings = _postings(by_key)
    for key in changed:
        new = by_key.get(key)
        if new is None or new.when is None:
            continue
        for shared in shared_keys(new):
            for other in postings.get(shared, ()):
                when = by_key[other].when
                if when is not None and new.when < when <= new.when + window:
                    out.add(other)
    return out


def pair(facts: Facts, summary: Summary, search: Search, by_key: dict[str, Facts]
         ) -> Repeat | None:
    """The similar earlier entry of `facts` (whose index summary is `summary`), if any."""
    if facts.when is None:
        return None
    mine = shared_keys(facts)
    if not mine:
        return None
    start = facts.when - timedelta(days=WINDOW_DAYS)
    best: tuple[datetime, float, Repeat] | None = None
    for hit in search.related(summary, limit=CANDIDATES, min_score=MIN_SCORE):
        other = by_key.get(hit.key)
        if other is None or other.when is None or other.key == facts.key:
            continue
        if start <= other.when < facts.when and mine & shared_keys(other):
            found = (other.when, hit.score,
                     Repeat(other.key, other.title, round(hit.score, 1), hit.reason))
            if best is None or found[:2] > best[:2]:
                best = found
    return best[2] if best else None
