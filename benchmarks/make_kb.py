"""Write a realistic knowledge base of N entries, seeded, through the core renderer.

    python benchmarks/make_kb.py OUT_DIR [-n 1000] [--seed 7] [--broken 3] [--fast]

Entries spread over three years, across every category and severity, with tags,
services, symptoms, follow-ups, and Related Issues links to earlier entries (so the
browser's "related" view has both directions to show). `--broken` adds unreadable files.
The same seed writes the same files (ids and dates included).
"""

from __future__ import annotations

import argparse
import os
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from opswizard.core import kinds, store
from opswizard.core.model import Action, EntryBase, Item, new_entry
from opswizard.core.naming import collision_key, file_name, folder
from opswizard.core.render import render_bytes
from opswizard.core.template import CATEGORIES, SEVERITIES

SERVICES = ["Memory Service", "Multi-Agent Orchestrator", "Session Cache", "Context Index",
            "State Store", "Log Shipper", "API Gateway", "Billing", "Auth Service",
            "Search Cluster", "Message Queue", "Object Storage", "Scheduler", "Web Frontend"]
PROBLEMS = [
    ("Connection Pool Exhaustion", "connection timeouts, pool exhausted errors",
     ["connection-pool", "database"]),
    ("Memory Leak After Deploy", "RSS grows until OOM kills", ["memory", "oom", "deployment"]),
    ("TLS Certificate Expiry", "handshake failures for every client", ["tls", "certificates"]),
    ("Disk Pressure on Nodes", "evictions and failed writes", ["disk", "kubernetes"]),
    ("Slow Queries After Index Drop", "p99 latency above 2 seconds", ["latency", "database"]),
    ("Retry Storm", "traffic tripled after a brief outage", ["retries", "backpressure"]),
    ("Config Drift Between Regions", "different answers per region", ["configuration", "drift"]),
    ("DNS Resolution Failures", "intermittent NXDOMAIN for internal names", ["dns", "network"]),
    ("Queue Backlog", "consumers minutes behind", ["queue", "throughput"]),
    ("Clock Skew", "tokens rejected as not yet valid", ["time", "auth"]),
    ("Rate Limit Misconfiguration", "legitimate clients throttled", ["rate-limit", "config"]),
    ("Failed Canary Rollout", "error rate spike during canary", ["canary", "deployment"]),
    ("Backup Restore Drill Gaps", "restore took four times the target", ["backup", "recovery"]),
    ("Missing Alerts", "outage noticed by customers first", ["alerting", "monitoring"]),
]
OWNERS = ["@dana", "@lee", "@sam", "@ravi", "@mika", "@jo"]


def make_entry(rng: random.Random, when: datetime) -> EntryBase:
    title, symptoms, tags = rng.choice(PROBLEMS)
    services = rng.sample(SERVICES, rng.randint(1, 3))
    category = rng.choice(CATEGORIES)
    minutes = rng.choice([5, 15, 30, 45, 90, 180])
    entry = new_entry(
        date=kinds.format_date(when), category=category, severity=rng.choice(SEVERITIES),
        title=f"{services[0]} {title}", duration=f"{minutes} minutes",
        impact=f"{rng.randint(1, 60)}% of requests to {services[0]} failed",
        system_state=rng.choice(["Peak load", "Normal weekday load", "During a deploy"]),
        symptoms=symptoms.capitalize(), environment=rng.choice(["Production", "Staging"]),
        related_services=", ".join(services), trigger="A change outside its tested range",
        primary_cause=f"{title.lower()} in {services[0]}",
        secondary_causes="No alert on the limit", systemic_issues="No load test",
        human_factors="Default configuration not reviewed",
    )
    entry.id = str(uuid.UUID(int=rng.getrandbits(128)))
    entry.tags = tags + rng.sample(["p1", "customer-facing", "regression", "toil"], 1)
    entry.status = "final" if rng.random() < 0.6 else "draft"
    entry.resolution_steps.items = [Item(text=f"Step {i + 1}: checked and fixed {services[0]}")
                                    for i in range(rng.randint(1, 5))]
    entry.learning_points.items = [Item(text="Limits need an alert before they bite")]
    entry.follow_up_actions.items = [
        Action(text="Add a load test", owner=rng.choice(OWNERS),
               deadline=(when + timedelta(days=30)).strftime("%Y-%m-%d"))]
    return entry


def link(source_folder: PurePosixPath, target: Path, root: Path, title: str) -> str:
    relative = os.path.relpath(root / target, root / source_folder)
    return f"[{title}]({quote(PurePosixPath(*Path(relative).parts).as_posix(), safe='/')})"


class _FastPublisher:
    """`store.publish` without the fsyncs and the folder listing per file, for a fresh,
    empty root only (same names: a taken name gets `-2`, `-3`...). 50,000 entries in
    about a minute instead of ten."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.taken: dict[Path, set[str]] = {}

    def __call__(self, root: Path, relative: Path, data: bytes) -> Path:
        target = self.root / relative
        taken = self.taken.get(target.parent)
        if taken is None:
            target.parent.mkdir(parents=True, exist_ok=True)
            taken = self.taken[target.parent] = {collision_key(n)
                                                 for n in os.listdir(target.parent)}
        stem = target.name[: -len(".md")]
        n = 1
        while collision_key(name := f"{stem}.md" if n == 1 else f"{stem}-{n}.md") in taken:
            n += 1
        taken.add(collision_key(name))
        path = target.parent / name
        with open(path, "xb") as handle:
            handle.write(data)
        return path


def write(root: Path, count: int, seed: int = 7, broken: int = 0, fast: bool = False,
          ) -> list[Path]:
    """Write `count` entries (and `broken` unreadable files) under root; the paths written.

    `fast`: no fsync, for benchmarks (root must be new or empty); the same files."""
    rng = random.Random(seed)
    publish = _FastPublisher(root) if fast else store.publish
    start = datetime(2023, 1, 1, tzinfo=UTC)
    written: list[tuple[Path, str]] = []
    for _ in range(count):
        when = start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        entry = make_entry(rng, when)
        if written:
            targets = rng.sample(written, min(len(written), rng.choice([0, 0, 1, 2])))
            entry.related_issues.items = [
                Item(label="Related", text=link(folder(entry), path, root, title))
                for path, title in targets
            ]
        path = publish(root, folder(entry) / file_name(entry), render_bytes(entry))
        written.append((path.relative_to(root), entry.title))
    for n in range(broken):
        bad = root / "issues" / "general" / f"broken-{n}.md"
        bad.parent.mkdir(parents=True, exist_ok=True)
        bad.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    return [root / path for path, _ in written]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken", type=int, default=0)
    parser.add_argument("--fast", action="store_true", help="no fsync (a new folder only)")
    args = parser.parse_args()
    paths = write(args.out, args.count, args.seed, args.broken, fast=args.fast)
    print(f"wrote {len(paths)} entries under {args.out}")


if __name__ == "__main__":
    main()
