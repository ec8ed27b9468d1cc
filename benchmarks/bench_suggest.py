"""Per-keystroke latency of the suggesters over large synthetic knowledge bases.

    python benchmarks/bench_suggest.py                  # 10,000 and 100,000 entries, 3 runs
    python benchmarks/bench_suggest.py -n 10000 --runs 5

A seeded generator makes knowledge-base records (no files: the index is built from
records directly, as a cache would feed it). The vocabulary grows with the size, like a
real one: a core of operational words plus generated identifiers (service, host, metric
and config names), services, tags and owners used with Zipf-like frequencies.

Then it simulates typing: every prefix of several tag queries (`tags()`), every
keystroke of drafts being written (title, then symptoms, then cause; `related()` with
the whole draft each time) and every prefix of search queries (`search()`), and reports
per-keystroke latency (median and p95) and build time (index + suggester). Each figure
is the median over the runs. Targets: p95 <= 16 ms at 10,000 entries, <= 100 ms at 100,000.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opswizard.core import index as index_module  # noqa: E402
from opswizard.core.index import KnowledgeIndex, Record, make_record  # noqa: E402
from opswizard.core.suggest import Suggester  # noqa: E402

OPS_WORDS = """
timeout timeouts latency error errors pool connection connections exhausted exhaustion
disk full memory leak cpu spike queue backlog lag consumer producer deploy deployment
rollback certificate expired dns resolution failure failing failed cache miss stampede
replica replication primary failover split brain quorum leader election partition
throttling throttled rate limit limited retry retries storm thundering herd slow query
queries index missing lock contention deadlock vacuum bloat transaction long running
oom killed restart restarted crash loop backoff probe liveness readiness health check
gateway upstream downstream 502 503 504 500 handshake tls ssl expired rotation secret
config configuration drift typo flag feature toggle canary release migration schema
batch import export job cron scheduler stuck hung blocked saturation saturated capacity
throughput degraded unavailable outage partial regional network packet loss jitter
bandwidth egress ingress firewall rule security group route table peering vpn tunnel
kernel patch upgrade downgrade version mismatch dependency library breaking change api
client server socket file descriptors inode quota exceeded billing alert page missed
silenced noisy flapping dashboard metric metrics log logs logging shipping dropped
sampling trace tracing span duplicate duplicated messages events order orders payment
payments checkout refund invoice session sessions login auth token tokens signing key
keys storage bucket object upload download cdn purge stale content invalidation ttl
""".split()

STATIC_SERVICES = ["pgbouncer", "postgres", "kafka", "redis", "memory-service", "payments-api",
                   "api-gateway", "alertmanager", "prometheus", "order-service", "auth-service",
                   "search-cluster", "object-storage", "scheduler", "web-frontend", "cdn"]
STATIC_TAGS = ["connection-pool", "latency", "postgres", "deploy", "rollback", "kafka",
               "consumer-lag", "db-timeout", "capacity", "caching", "monitoring", "alerting",
               "configuration", "tls", "certificates", "dns", "oom", "disk", "networking",
               "security", "migration", "batch", "performance", "high-load", "backpressure"]
SYLLABLES = ["ka", "lo", "mi", "ren", "tor", "vex", "za", "quil", "bar", "dun", "fel", "gri",
             "hom", "jas", "ket", "lum", "nor", "pex", "ros", "sul", "tam", "vor", "wex", "yul"]

TITLES = ["{svc} {w1} {w2} after {w3}", "{W1} {w2} on {svc}", "{svc} {w1} caused by {ident}",
          "{W1} {w2} in {ident} {w3}", "{svc} {ident} {w1} {w2} {w3}"]
SYMPTOMS = ["{w1} {w2} errors, {w3} {w4} on {ident}", "{ident} {w1} at {n}%, {w2} {w3}",
            "'{w1} {w2}' in {svc} logs, {w3} {w4} {w5}", "{w1} {w2} for {n} minutes, {ident} {w3}"]
CAUSES = ["{ident} {w1} {w2} for {w3} {w4}", "{w1} {w2} in {ident} after {w3}",
          "default {ident} of {n} too small for {w1} {w2}"]


def _zipf(rng: random.Random, items: list[str], s: float = 1.1) -> Callable[[], str]:
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    import bisect

    def pick() -> str:
        return items[bisect.bisect_left(cum, rng.random() * total)]

    return pick


def _ident(rng: random.Random) -> str:
    parts = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
             for _ in range(rng.randint(1, 2))]
    return "_".join(parts)


def generate(n: int, seed: int = 7) -> list[Record]:
    """n synthetic records: realistic word frequencies, a vocabulary growing with n."""
    rng = random.Random(seed)
    idents = list(dict.fromkeys(_ident(rng) for _ in range(max(200, n // 5))))
    services = STATIC_SERVICES + list(dict.fromkeys(
        f"{_ident(rng).replace('_', '-')}-{rng.choice(['api', 'svc', 'worker', 'db'])}"
        for _ in range(max(50, n // 200))))
    tags = STATIC_TAGS + list(dict.fromkeys(
        f"{rng.choice(OPS_WORDS)}-{rng.choice(OPS_WORDS)}" for _ in range(max(100, n // 20))))
    owners = [f"@{_ident(rng).replace('_', '.')}" for _ in range(max(30, n // 300))]
    word = _zipf(rng, OPS_WORDS, 0.9)
    ident = _zipf(rng, idents, 1.0)
    service = _zipf(rng, services, 1.1)
    tag = _zipf(rng, tags, 1.1)
    owner = _zipf(rng, owners, 1.0)
    categories = ["issue", "performance", "configuration", "deployment", "recovery",
                  "monitoring", "maintenance"]
    records = []
    for i in range(n):
        svc = service()

        def fill(template: str, svc: str = svc) -> str:
            w = [word() for _ in range(5)]
            return template.format(svc=svc, ident=ident(), n=rng.randint(2, 99),
                                   W1=w[0].capitalize(), w1=w[0], w2=w[1], w3=w[2], w4=w[3],
                                   w5=w[4])

        day = rng.randint(0, 3 * 365)
        date = (f"{2022 + day // 365}-{1 + (day % 365) // 31:02d}-{1 + day % 28:02d}"
                f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z")
        category = rng.choice(categories)
        records.append(make_record(
            f"{category}/ops-learning-{i:06d}.md",
            id=f"id-{i}",
            title=fill(rng.choice(TITLES)).title(),
            date=date,
            category=category,
            severity=rng.choice(["LOW", "MEDIUM", "HIGH", "CRITICAL"]),
            status=rng.choice(["final", "final", "final", "draft"]),
            tags=list(dict.fromkeys(tag() for _ in range(rng.randint(1, 5)))),
            services=list(dict.fromkeys([svc] + [service() for _ in range(rng.randint(0, 2))])),
            owners=list(dict.fromkeys(owner() for _ in range(rng.randint(0, 3)))),
            symptoms=fill(rng.choice(SYMPTOMS)),
            primary_cause=fill(rng.choice(CAUSES)),
            impact=fill("{W1} {w2} for {n}% of {w3} {w4}"),
        ))
    return records


TAG_QUERIES = ["conn pool", "latency", "kafka consumer", "db-timeouts", "rollbak", "certificate",
               "high load"]
DRAFTS = [
    ("payments-api", "Payments API connection pool exhausted during deploy",
     "connection timeouts, pool exhausted errors, p99 latency 4s",
     "pool size too small for batch workers"),
    ("kafka", "Kafka consumer lag on order events",
     "consumer lag grew for 40 minutes, delayed order messages",
     "partition count limited consumer throughput"),
    ("pgbouncer", "PgBouncer client queue saturation",
     "clients waiting, upstream 504 timeouts, cpu spike",
     "default pool size too small"),
]
SEARCH_QUERIES = ["pool exhausted timeouts", "certificate expired handshake",
                  "kafka consumer lag", "dns resolution failure"]


def prefixes(text: str) -> list[str]:
    return [text[:i] for i in range(1, len(text) + 1)]


def _timed(calls: list[Callable[[], object]]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each call (CPU time is what a busy machine
    cannot inflate: on a quiet one the two agree)."""
    wall, cpu = [], []
    for call in calls:
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def run_once(records: list[Record]) -> dict[str, float]:
    # Start cold: the process-wide word caches would otherwise make later builds cheaper.
    for cache in (index_module._TERMS, index_module._STEM_CACHE, index_module._SERVICE_KEYS):
        cache.clear()
    gc.collect()
    start, start_cpu = time.perf_counter(), time.process_time()
    index = KnowledgeIndex(records)
    index_ms = (time.perf_counter() - start) * 1000
    index_cpu = (time.process_time() - start_cpu) * 1000
    start, start_cpu = time.perf_counter(), time.process_time()
    sug = Suggester(index)
    suggester_ms = (time.perf_counter() - start) * 1000
    suggester_cpu = (time.process_time() - start_cpu) * 1000

    tag_calls = [lambda p=p: sug.tags(p) for q in TAG_QUERIES for p in prefixes(q)]
    tag_calls += [lambda q=q: sug.near_duplicate_tag(q) for q in TAG_QUERIES]
    related_calls = []
    for svc, title, symptoms, cause in DRAFTS:
        for t in prefixes(title):
            related_calls.append(lambda t=t, svc=svc: sug.related(
                make_record("draft.md", id="draft", title=t, services=[svc])))
        for s in prefixes(symptoms):
            related_calls.append(lambda s=s, svc=svc, title=title: sug.related(
                make_record("draft.md", id="draft", title=title, symptoms=s, services=[svc])))
        for c in prefixes(cause):
            related_calls.append(lambda c=c, svc=svc, title=title, symptoms=symptoms: sug.related(
                make_record("draft.md", id="draft", title=title, symptoms=symptoms,
                            primary_cause=c, services=[svc], tags=["latency"])))
    search_calls = [lambda p=p: sug.search(p) for q in SEARCH_QUERIES for p in prefixes(q)]

    out = {"index_ms": index_ms, "suggester_ms": suggester_ms,
           "build_ms": index_ms + suggester_ms, "cpu_build_ms": index_cpu + suggester_cpu}
    for name, calls in (("tags", tag_calls), ("related", related_calls),
                        ("search", search_calls)):
        wall, cpu = _timed(calls)
        for clock, times in (("", wall), ("cpu_", cpu)):
            out[f"{clock}{name}_median"] = statistics.median(times)
            out[f"{clock}{name}_p95"] = statistics.quantiles(times, n=20, method="inclusive")[-1]
            out[f"{clock}{name}_max"] = max(times)
        out[f"{name}_n"] = len(times)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, action="append", help="entries (repeatable)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = args.n or [10_000, 100_000]
    targets = {10_000: 16.0, 100_000: 100.0}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load {load:.1f}, "
          f"{args.runs} runs, seed {args.seed}")
    for n in sizes:
        start = time.perf_counter()
        records = generate(n, args.seed)
        gen_s = time.perf_counter() - start
        runs = [run_once(records) for _ in range(args.runs)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        target = targets.get(n)
        print(f"\n{n:,} entries (generated in {gen_s:.1f} s)")
        print(f"  build: index {med['index_ms']:.0f} ms + suggester {med['suggester_ms']:.0f} ms"
              f" = {med['build_ms']:.0f} ms (cpu {med['cpu_build_ms']:.0f} ms)")
        for name in ("tags", "related", "search"):
            ok = ""
            if target is not None:
                ok = "  ok" if med[f"{name}_p95"] <= target else f"  OVER {target:.0f} ms"
            print(f"  {name:8} per keystroke ({int(med[f'{name}_n'])} keystrokes){ok}")
            for clock, label in (("", "wall"), ("cpu_", "cpu ")):
                print(f"    {label}  median {med[f'{clock}{name}_median']:6.2f} ms  "
                      f"p95 {med[f'{clock}{name}_p95']:6.2f} ms  "
                      f"max {med[f'{clock}{name}_max']:6.1f} ms")


if __name__ == "__main__":
    main()
