"""A judged relevance set for the knowledge base's search: MRR and success@3, before and after.

    python benchmarks/relevance.py            # prints a Markdown table

Queries are written as an engineer types them mid-incident (short, partial words, typos),
each with the entries that should come first (by a fragment of their file name, or a
title for the generated knowledge base). Two knowledge bases: the demo's (14 entries,
hand-written queries) and one of 300 generated entries (`make_kb.py`, seed 7), where
every entry with the right problem on the right service counts as relevant.

Systems compared:
- before, `opswizard search`: `suggest.Suggester.search_matches` (stemmed inverted index);
- before, the browser's filter: the substring + `partial_ratio` filter it used
  (`catalog.search` before the one search, copied below as it was);
- after: the one search (`core/search.py`), the same for the filter, `search` and related.

A query's reciprocal rank is 1/rank of its first relevant hit in the first 10 (0 if none);
success@3: a relevant hit in the first 3.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

DEMO_QUERIES: list[tuple[str, list[str]]] = [
    ("users logged out carts lost", ["redis-evictions"]),
    ("evicted keys redis", ["redis-evictions"]),
    ("replica lag after upgrade", ["postgres-minor"]),
    ("postgres upgrade ran long", ["postgres-minor"]),
    ("consumer lag order events", ["kafka-consumer"]),
    ("kafka lag millions of messages", ["kafka-consumer"]),
    ("restore from backup deleted rows", ["orders-database"]),
    ("order history empty", ["orders-database"]),
    ("cdn hit rate dropped origin requests", ["feature-flag"]),
    ("cache key cookie vary", ["feature-flag"]),
    ("checkout timeouts after deploy", ["checkout-release"]),
    ("payments-api timeouts p99 rollback", ["checkout-release"]),
    ("pgbouncer no more connections allowed", ["payments-api-outage"]),
    ("cl_waiting pgbouncer", ["payments-api-outage"]),
    ("kafka disk full under replicated", ["kafka-broker-dis"]),
    ("disk alert too late", ["kafka-broker-dis"]),
    ("slow search sequential scan", ["search-latency"]),
    ("missing index slow queries", ["search-latency"]),
    ("certificate expired 502 gateway", ["internal-gateway"]),
    ("tls handshake errors", ["internal-gateway"]),
    ("no pages sent alertmanager", ["alertmanager"]),
    ("alerts firing but nobody paged", ["alertmanager"]),
    ("context preparation slow n+1", ["memory-context"]),
    ("pool exhausted memory service", ["memory-service-connec"]),
    ("health checks failing intermittently", ["health-monito"]),
    ("invalid json config thresholds", ["health-monito"]),
    ("certifcate expird", ["internal-gateway"]),
    ("pgbouncr saturation", ["payments-api-outage"]),
    ("kafak consumer lag", ["kafka-consumer"]),
    ("conection pool exhausted", ["memory-service-connec", "payments-api-outage"]),
    ("replica la", ["postgres-minor"]),
    ("alertman", ["alertmanager"]),
]

GENERATED_QUERIES: list[tuple[str, list[str]]] = [
    ("billing retry storm traffic tripled", ["Billing Retry Storm"]),
    ("auth tokens rejected clock skew", ["Auth Service Clock Skew"]),
    ("scheduler queue backlog consumers behind", ["Scheduler Queue Backlog"]),
    ("api gateway tls handshake failures", ["API Gateway TLS Certificate Expiry"]),
    ("session cache memory leak oom", ["Session Cache Memory Leak After Deploy"]),
    ("search cluster slow queries index drop", ["Search Cluster Slow Queries After Index Drop"]),
    ("object storage disk presure evictions", ["Object Storage Disk Pressure on Nodes"]),
    ("web frontend canary error rate", ["Web Frontend Failed Canary Rollout"]),
    ("log shipper nxdomain dns", ["Log Shipper DNS Resolution Failures"]),
    ("message queue clok skew", ["Message Queue Clock Skew"]),
    ("orchestrator dns failing", ["Multi-Agent Orchestrator DNS Resolution Failures"]),
    ("log shipper missing alerts customers first", ["Log Shipper Missing Alerts"]),
    ("state store backup restore drill", ["State Store Backup Restore Drill Gaps"]),
    ("context index config drift regions", ["Context Index Config Drift Between Regions"]),
    ("orchestrator rate limit throttled", ["Multi-Agent Orchestrator Rate Limit Misconfiguration"]),
    ("memory service conection pool exhaustion", ["Memory Service Connection Pool Exhaustion"]),
]

Ranker = Callable[[str], list[tuple[str, str]]]  # query -> (key, title) best first


def _old_filter(rows: list[object]) -> Ranker:
    """The browser's filter before the one search (`catalog.search`, as it was)."""
    from rapidfuzz import fuzz

    weights = (("title", 1.0), ("tags", 0.9), ("services", 0.8), ("symptoms", 0.7))
    hay = [({"title": r.title.lower(), "tags": " ".join(r.tags).lower(),  # type: ignore[attr-defined]
             "services": " ".join(r.services).lower(),  # type: ignore[attr-defined]
             "symptoms": r.symptoms.lower()}, r) for r in rows]  # type: ignore[attr-defined]

    def score(h: dict[str, str], tokens: list[str]) -> float:
        total = 0.0
        for token in tokens:
            best = 0.0
            for name, weight in weights:
                text = h[name]
                if not text:
                    continue
                if token in text:
                    value = 100.0
                elif len(token) >= 4:
                    value = fuzz.partial_ratio(token, text, score_cutoff=75.0)
                else:
                    continue
                best = max(best, value * weight)
            if not best:
                return 0.0
            total += best
        return total / len(tokens)

    def rank(query: str) -> list[tuple[str, str]]:
        tokens = query.lower().split()
        scored = [(score(h, tokens), i, r) for i, (h, r) in enumerate(hay)]
        return [(r.key, r.title) for s, _, r in sorted((x for x in scored if x[0]),  # type: ignore[attr-defined]
                                                       key=lambda x: (-x[0], x[1]))]
    return rank


def rankers(root: Path) -> dict[str, Ranker]:
    from opswizard.core import kbindex
    from opswizard.core.kbdb import KbIndex
    from opswizard.core.search import Search
    from opswizard.core.suggest import Suggester

    snapshot = kbindex.load(root)
    suggester = Suggester(snapshot.index())
    prefix = len(str(root)) + 1
    search = Search(KbIndex.open(root))
    rows = [s for _, s in snapshot.entries]
    return {
        "before: opswizard search": lambda q: [(m.record.path[prefix:], m.record.title)
                                               for m in suggester.search_matches(q, 10)],
        "before: browser filter": _old_filter(rows),
        "after: the one search": lambda q: [(h.key, h.summary.title if h.summary else "")
                                            for h in search.search(q, 10)],
    }


def measure(rank: Ranker, queries: list[tuple[str, list[str]]], by_title: bool
            ) -> tuple[float, float, list[str]]:
    rr = 0.0
    at3 = 0
    misses = []
    for query, wanted in queries:
        hits = rank(query)[:10]
        found = 0
        for n, (key, title) in enumerate(hits, 1):
            if (title in wanted) if by_title else any(w in key for w in wanted):
                found = n
                break
        rr += 1 / found if found else 0.0
        at3 += 1 if found and found <= 3 else 0
        if found != 1:
            misses.append(f"{query!r}: {found or 'none'}")
    return rr / len(queries), at3 / len(queries), misses


def main() -> None:
    from opswizard.core import store

    work = Path(tempfile.mkdtemp(prefix="opswizard-relevance-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    try:
        demo = work / "demo"
        shutil.copytree(HERE.parent / "opswizard" / "demo" / "kb", demo)
        import make_kb

        generated = work / "generated"
        make_kb.write(generated, 300, seed=7, fast=True)
        assert len(list(store.scan(generated))) == 300
        sets = [("demo (14 entries)", demo, DEMO_QUERIES, False),
                ("generated (300 entries)", generated, GENERATED_QUERIES, True)]
        print("| system | knowledge base | queries | MRR | success@3 |")
        print("|---|---|---:|---:|---:|")
        notes = []
        totals: dict[str, list[float]] = {}
        for label, root, queries, by_title in sets:
            for name, rank in rankers(root).items():
                mrr, s3, misses = measure(rank, queries, by_title)
                totals.setdefault(name, []).extend([mrr * len(queries), s3 * len(queries),
                                                    len(queries)])
                print(f"| {name} | {label} | {len(queries)} | {mrr:.3f} | {s3:.2f} |")
                notes.append(f"{name}, {label}: not first: {'; '.join(misses) or 'none'}")
        for name, (*values,) in totals.items():
            rr = sum(values[0::3])
            s3 = sum(values[1::3])
            n = sum(values[2::3])
            print(f"| {name} | all | {int(n)} | {rr / n:.3f} | {s3 / n:.2f} |")
        print()
        for note in notes:
            print(f"- {note}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
