"""A generated knowledge base whose answers are known: what each entry was given.

`make(root, n, seed)` writes `n` entries through the core renderer and returns the
`Given` values of each, so a test can compute the ledger's and the stats' figures itself.
Problems come in pairs sharing a service (so a shared service alone must not make a
repeat); each problem has its own words and tags.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from opswizard.core import kinds
from opswizard.core.model import Action, new_entry
from opswizard.core.render import render_bytes

PROBLEMS = [  # title, symptoms, cause, service, tags
    ("Ledger writer stalls on fsync", "writes hang and the ledger queue grows",
     "fsync blocked behind a slow volume", "ledger-db", ["fsync", "storage"]),
    ("Nightly compaction starves readers", "read latency triples at midnight",
     "compaction threads take every core", "ledger-db", ["compaction", "cpu"]),
    ("Webhook signer rejects rotated key", "partners see signature mismatch errors",
     "the new signing key was never distributed", "hooks", ["signing", "keys"]),
    ("Webhook retries flood partner endpoints", "partner rate limits trip within minutes",
     "retry backoff was disabled by a flag", "hooks", ["retries", "rate-limit"]),
    ("Thumbnail workers leak file handles", "too many open files after a day",
     "temporary images are never closed", "imaging", ["file-handles", "leak"]),
    ("Thumbnail cache serves stale crops", "edited photos show the old crop",
     "cache keys ignore the crop version", "imaging", ["cache", "staleness"]),
]
OWNERS = ["@ana", "@bo", "cy", ""]
SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"]
CATEGORIES = ["issue", "performance", "deployment", "monitoring"]
START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


@dataclass
class Given:
    """What one generated entry was given (the test's source of truth)."""

    name: str
    problem: int
    when: datetime
    severity: str
    category: str
    ttd: int | None  # seconds; None: missing or not a duration
    ttd_bad: bool
    ttr: int | None  # what the figures must use: Metrics, else Duration
    ttr_bad: bool
    # text, done, owner, due
    follow_ups: list[tuple[str, bool, str, str]] = field(default_factory=list)


def _minutes(rng: random.Random) -> int:
    return rng.choice([3, 5, 12, 20, 45, 60, 95, 180, 600])


def make(root: Path, n: int = 60, seed: int = 11) -> list[Given]:
    """Write `n` entries under `root`; return what each was given."""
    rng = random.Random(seed)
    given: list[Given] = []
    when = START
    for i in range(n):
        when = when + timedelta(days=rng.randint(1, 13), hours=rng.randint(0, 5))
        p = rng.randrange(len(PROBLEMS))
        title, symptoms, cause, service, tags = PROBLEMS[p]
        duration = _minutes(rng)
        entry = new_entry(
            date=kinds.format_date(when), category=rng.choice(CATEGORIES),
            severity=rng.choice(SEVERITIES), title=title, symptoms=symptoms,
            primary_cause=cause, related_services=service, duration=f"{duration} minutes",
            impact="some requests failed",
        )
        entry.tags = list(tags)
        kind = rng.random()
        ttd: int | None = None
        ttd_bad = False
        if kind < 0.6:
            minutes = _minutes(rng)
            entry.set("time_to_detection", f"{minutes} minutes")
            ttd = minutes * 60
        elif kind < 0.75:
            entry.set("time_to_detection", "quickly")
            ttd_bad = True
        ttr: int | None = duration * 60
        ttr_bad = False
        kind = rng.random()
        if kind < 0.5:
            minutes = _minutes(rng)
            entry.set("time_to_resolution", f"{minutes // 60}h {minutes % 60}m"
                      if minutes >= 60 else f"{minutes} min")
            ttr = minutes * 60
        elif kind < 0.6:
            entry.set("time_to_resolution", "most of the afternoon")
            ttr, ttr_bad = None, True
        actions = []
        for j in range(rng.randint(0, 3)):
            owner = rng.choice(OWNERS)
            due = (when.date() + timedelta(days=rng.randint(5, 120))).isoformat() \
                if rng.random() < 0.8 else ""
            done = rng.random() < 0.4
            actions.append((f"Follow-up {i}.{j}", done, owner, due))
        entry.follow_up_actions.items = [Action(text=t, done=d, owner=o, deadline=dl)
                                         for t, d, o, dl in actions]
        name = f"e{i:03d}.md"
        (root / name).write_bytes(render_bytes(entry))
        given.append(Given(name, p, when, entry.severity, entry.category, ttd, ttd_bad, ttr,
                           ttr_bad, actions))
    return given


def repeats(given: list[Given], window_days: int = 90) -> dict[str, str]:
    """Each repeat's name and its pair: the latest earlier entry of the same problem within
    the window (all of a problem's entries are equally similar; ties go to the latest)."""
    out = {}
    for g in given:
        earlier = [o for o in given if o.problem == g.problem
                   and g.when - timedelta(days=window_days) <= o.when < g.when]
        if earlier:
            out[g.name] = max(earlier, key=lambda o: o.when).name
    return out


def day(value: str) -> date:
    return date.fromisoformat(value)
