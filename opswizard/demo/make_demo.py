"""Regenerate opswizard/demo/kb/: the demo knowledge base `opswizard demo` opens.

Thirteen entries, written with the core model and renderer at the paths opswizard itself
chooses (`naming.relative_path`):

- the template's three examples (tests/fixtures/seed/), imported: parsed, given the tags of
  the seed's "Searchable Tags" list, and rendered, as `opswizard import` would;
- ten more, across all seven categories and four severities, sharing tags, services and
  owners, linked to each other in Related Issues, most of them final and passing the
  completion checklist, one final with a recorded override, two drafts still in progress.

Ids derive from titles and nothing reads the clock, so a rerun writes identical bytes:

    python -m opswizard.demo.make_demo          # rewrite opswizard/demo/kb/
    python -m opswizard.demo.make_demo OUT_DIR  # write elsewhere (the test compares)
"""

from __future__ import annotations

import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

from opswizard.core.index import make_record
from opswizard.core.links import related_issue_item
from opswizard.core.model import Action, EntryBase, Fence, Item, new_entry
from opswizard.core.naming import relative_path
from opswizard.core.parse import parse_bytes
from opswizard.core.render import render_bytes

HERE = Path(__file__).parent
KB = HERE / "kb"
SEED = HERE.parent.parent / "tests" / "fixtures" / "seed"
NAMESPACE = uuid.UUID("0c2d6a8e-4f1b-4d8e-9a77-5be1d3c0a942")

# The seed's "Searchable Tags", one line per example (plus the service each one is about).
SEED_TAGS = {
    "example1-service-issue.md": ["memory-service", "connection-pool", "performance",
                                  "high-load"],
    "example2-performance.md": ["memory-service", "context-preparation", "n-plus-one",
                                "batch-queries", "caching"],
    "example3-configuration.md": ["configuration", "validation", "json-schema",
                                  "health-monitoring"],
}

# Field values by key; list sections as lists; `related` names other entries by title.
ENTRIES: list[dict[str, Any]] = [
    {
        "date": "2025-08-12T15:10:00Z", "category": "configuration",
        "title": "Alertmanager Route Typo Silenced Storage Pages", "severity": "MEDIUM",
        "duration": "25 minutes",
        "impact": "The storage on-call missed pages for 19 hours; two disk alerts went unseen",
        "system_state": "Alertmanager routing tree refactored the previous afternoon",
        "symptoms": "Critical storage alerts firing in the Alertmanager UI but no pages sent",
        "environment": "Production", "related_services": "alertmanager, pagerduty",
        "trigger": "A catch-all route was moved above the storage team's route",
        "primary_cause": "Routes match first-to-last and the catch-all had continue: false",
        "secondary_causes": "amtool check-config validates syntax, not who gets paged",
        "systemic_issues": "No test of the routing tree per team",
        "human_factors": "Refactor reviewed by one person late on a Friday",
        "status": "final",
        "tags": ["alerting", "configuration", "on-call", "validation"],
        "steps": [
            "Reproduced the routing: `amtool config routes test severity=critical team=storage`",
            "Moved the catch-all route to the end of the tree",
            "Re-sent the two missed alerts to the storage on-call by hand",
        ],
        "commands": [("bash", "amtool config routes show --config.file=alertmanager.yml\n"
                              "amtool config routes test --config.file=alertmanager.yml \\\n"
                              "  severity=critical team=storage")],
        "config": [("yaml", "# Before:\nroutes:\n  - receiver: default\n    continue: false\n"
                            "  - receiver: storage-pager\n    matchers: [team=\"storage\"]\n\n"
                            "# After:\nroutes:\n  - receiver: storage-pager\n"
                            "    matchers: [team=\"storage\"]\n  - receiver: default")],
        "prevention": [("Routing tests", "Run amtool route tests for every team in CI"),
                       ("Two reviewers", "Routing changes need a reviewer from an on-call team")],
        "learning": ["Alert routing needs tests just as application code does",
                     "A silent pager looks exactly like a quiet night"],
        "monitoring": [("Dead man's switch", "Page if no test alert reaches each team daily")],
        "testing": [("Route tests", "One amtool test per team and severity in CI")],
        "validation": [("Routing", "amtool shows storage-pager for team=storage alerts"),
                       ("Test page", "A synthetic critical alert paged the storage on-call")],
        "metrics": ("19 hours", "25 minutes", "100% (paging only)", "2 missed pages"),
        "actions": [("Add amtool routing tests to CI", "@sam", "2025-08-26", True),
                    ("Add a daily dead man's switch page per team", "@priya", "2025-09-09",
                     False)],
        "related": ["Health Monitoring Configuration Validation"],
    },
    {
        "date": "2025-10-06T07:55:00Z", "category": "monitoring",
        "title": "Internal Gateway TLS Certificate Expired Unnoticed", "severity": "HIGH",
        "duration": "55 minutes",
        "impact": "All service-to-service calls through the internal gateway failed",
        "system_state": "Quiet Monday morning, no deploys in flight",
        "symptoms": "'certificate has expired' handshake errors and 502s from the gateway",
        "environment": "Production", "related_services": "api-gateway, cert-manager",
        "trigger": "The gateway's internal certificate reached its expiry date",
        "primary_cause": "The renewal job had failed silently for 60 days",
        "secondary_causes": "No expiry monitoring for internal certificates",
        "systemic_issues": "Scheduled jobs without an owner or a failure alert",
        "human_factors": "Failure emails went to a retired mailbox",
        "status": "final",
        "tags": ["tls", "certificates", "alerting", "api-gateway"],
        "steps": [
            "Confirmed the expiry: `openssl s_client -connect gw.internal:443 | openssl x509 "
            "-noout -enddate`",
            "Issued a new certificate with cert-manager and reloaded the gateway",
            "Fixed the renewal job's service account permissions",
        ],
        "commands": [("bash", "kubectl -n gateway get certificate\n"
                              "cmctl renew internal-gateway -n gateway\n"
                              "kubectl -n gateway rollout restart deploy/gateway")],
        "prevention": [("Expiry alerts", "Alert 30 days before any certificate expires"),
                       ("Job ownership", "Every scheduled job names an owning team")],
        "learning": ["Every scheduled job needs an owner and an alert on failure",
                     "Certificate expiry is predictable, so it should never page"],
        "monitoring": [("Certificate expiry", "Added x509 exporter for every internal cert"),
                       ("Renewal failures", "Alert when a cert-manager renewal fails twice")],
        "docs": [("Certificate runbook", "How to renew and reload by hand")],
        "validation": [("Handshake", "openssl shows the new expiry date on every gateway pod")],
        "metrics": ("55 minutes", "55 minutes", "97.2%", "100% of internal calls failed"),
        "actions": [("Roll the x509 exporter out to every cluster", "@li", "2025-10-20", True),
                    ("Move job failure emails to the on-call channel", "@marco", "2025-10-31",
                     True)],
        "related": ["Alertmanager Route Typo Silenced Storage Pages"],
    },
    {
        "date": "2025-11-18T11:30:00Z", "category": "performance",
        "title": "Search Latency Regression From Missing Composite Index", "severity": "HIGH",
        "duration": "3 hours",
        "impact": "Product search p95 rose from 180 ms to 2.4 s; conversion dropped 4%",
        "system_state": "Catalogue grown to 9 million products after a marketplace launch",
        "symptoms": "Slow search pages, database CPU at 85%, sequential scans in the slow log",
        "environment": "Production", "related_services": "search-service, postgres",
        "trigger": "A new filter on (category_id, updated_at) shipped the week before",
        "primary_cause": "No composite index for the new filter: every query scanned the table",
        "secondary_causes": "The staging catalogue has only 50,000 products",
        "systemic_issues": "No query plan review for new filters",
        "human_factors": "Performance testing not part of the feature checklist",
        "status": "final",
        "tags": ["latency", "postgres", "slow-queries", "indexing"],
        "steps": [
            "Found the slow query in `pg_stat_statements` ordered by total time",
            "Confirmed the sequential scan with `EXPLAIN (ANALYZE, BUFFERS)`",
            "Created the index concurrently and watched p95 recover",
        ],
        "commands": [("sql", "SELECT query, calls, mean_exec_time FROM pg_stat_statements\n"
                             "ORDER BY total_exec_time DESC LIMIT 5;")],
        "code": [("sql", "-- Before:\n-- (no index on products for this filter)\n\n"
                         "-- After:\nCREATE INDEX CONCURRENTLY products_category_updated_idx\n"
                         "  ON products (category_id, updated_at DESC);")],
        "prevention": [("Plan review", "Attach EXPLAIN output for new queries to the review"),
                       ("Realistic staging", "Load a production-sized catalogue into staging")],
        "learning": ["Staging data sizes hide missing indexes until production",
                     "pg_stat_statements finds the worst query in under a minute"],
        "monitoring": [("Slow queries", "Alert when any query's mean time exceeds 500 ms")],
        "testing": [("Query budget", "CI fails when a search request runs a sequential scan")],
        "validation": [("Latency", "p95 back to 175 ms for 24 hours"),
                       ("Plan", "EXPLAIN shows an index scan on the new index")],
        "metrics": ("40 minutes", "3 hours", "99.9%", "p95 180 ms to 2.4 s"),
        "actions": [("Copy a production-sized catalogue to staging weekly", "@priya",
                     "2025-12-15", False),
                    ("Add EXPLAIN to the pull request template", "@sam", "2025-12-01", True)],
        "related": ["Memory Context Preparation Performance Optimization"],
    },
    {
        "date": "2026-01-22T22:47:00Z", "category": "monitoring",
        "title": "Kafka Broker Disk Alert Fired Too Late", "severity": "MEDIUM",
        "duration": "2 hours",
        "impact": "Producers blocked for 25 minutes; order intake paused",
        "system_state": "One broker replaced the day before",
        "symptoms": "Under-replicated partitions, producer send timeouts, log dir 100% full",
        "environment": "Production", "related_services": "kafka, order-service",
        "trigger": "Retention of 30 days copied from a test cluster onto the new broker",
        "primary_cause": "The disk alert fired at 95%, leaving eight minutes to react",
        "secondary_causes": "Broker configuration managed by hand",
        "systemic_issues": "Alert thresholds never reviewed against fill rates",
        "human_factors": "The replacement runbook did not mention retention",
        "status": "final",
        "tags": ["kafka", "disk", "alerting", "capacity"],
        "steps": [
            "Lowered retention to 3 days: "
            "`kafka-configs --alter --add-config retention.ms=259200000`",
            "Waited for log cleanup and watched under-replicated partitions reach 0",
            "Moved the disk alert to a fill-rate prediction",
        ],
        "commands": [("bash", "kafka-topics --describe --under-replicated-partitions\n"
                              "df -h /var/lib/kafka")],
        "config": [("yaml", "# Before:\nexpr: disk_used_percent > 95\n\n"
                            "# After:\nexpr: predict_linear(disk_free_bytes[6h], 12 * 3600) < 0")],
        "prevention": [("Predictive alert", "Alert when the disk will fill within 12 hours"),
                       ("Managed config", "Broker settings come from terraform only")],
        "learning": ["Disk alerts must leave hours, not minutes, to react",
                     "A fill-rate prediction beats a fixed percentage threshold"],
        "monitoring": [("Disk fill prediction", "Pages 12 hours before a broker disk fills")],
        "validation": [("Alert test", "A synthetic fill on staging paged 11 hours ahead")],
        "metrics": ("8 minutes", "2 hours", "99.1%", "order intake paused 25 minutes"),
        "actions": [("Import broker configs into terraform", "@dana", "2026-02-20", True),
                    ("Review every disk alert threshold", "@priya", "2026-03-06", False)],
        "related": ["Internal Gateway TLS Certificate Expired Unnoticed"],
    },
    {
        "date": "2026-03-10T19:05:00Z", "category": "issue",
        "title": "Payments API Outage From PgBouncer Pool Saturation", "severity": "CRITICAL",
        "duration": "70 minutes",
        "impact": "38% of payments failed during the evening peak; about 4,100 orders lost",
        "system_state": "Evening peak traffic with the nightly batch import starting early",
        "symptoms": "cl_waiting past 400, 'no more connections allowed', checkout timeouts",
        "environment": "Production", "related_services": "payments-api, pgbouncer, postgres",
        "trigger": "The batch importer started 64 workers against the shared pool",
        "primary_cause": "default_pool_size of 20 shared by the importer and API traffic",
        "secondary_causes": "The importer had no concurrency limit",
        "systemic_issues": "No separate pool for batch workloads",
        "human_factors": "The import schedule moved without a capacity review",
        "status": "final",
        "tags": ["connection-pool", "pgbouncer", "postgres", "payments"],
        "steps": [
            "Confirmed queueing: `psql -p 6432 pgbouncer -c 'SHOW POOLS;'`",
            "Paused the importer: `kubectl scale deploy/importer --replicas=0`",
            "Gave batch jobs their own pool and reloaded pgbouncer",
            "Resumed the importer with 16 workers",
        ],
        "commands": [("bash", "psql -p 6432 pgbouncer -c 'SHOW POOLS;'\n"
                              "kubectl scale deploy/importer --replicas=0\n"
                              "kill -HUP $(pidof pgbouncer)")],
        "config": [("ini", "; Before:\n[databases]\npayments = host=pg-primary pool_size=20\n\n"
                           "; After:\n[databases]\npayments = host=pg-primary pool_size=40\n"
                           "payments_batch = host=pg-primary dbname=payments pool_size=10")],
        "prevention": [("Separate pools", "Batch jobs use their own pgbouncer database entry"),
                       ("Capacity review", "Schedule changes to batch jobs need a review")],
        "learning": ["Batch and interactive traffic must never share one connection pool",
                     "cl_waiting is the earliest signal of pool saturation"],
        "monitoring": [("Pool queue", "Alert when cl_waiting exceeds 50 for 2 minutes"),
                       ("Dashboard", "pgbouncer pools panel on the payments dashboard")],
        "automation": [("Importer throttle", "Importer reads its worker count from config")],
        "kb": [("Pattern", "Connection pool exhaustion under mixed workloads")],
        "validation": [("Load test", "64 batch workers plus peak API load: no queueing")],
        "metrics": ("6 minutes", "70 minutes", "97.6%", "38% of payments failed"),
        "actions": [("Alert on cl_waiting above 50 for 2 minutes", "@dana", "2026-03-20", True),
                    ("Cap importer concurrency in its config", "@li", "2026-03-27", True),
                    ("Load test the payments pool every quarter", "@priya", "2026-06-30",
                     False)],
        "notes": "Customers who saw a failed payment were emailed a retry link the next "
                 "morning; 71% completed their order.",
        "related": ["Memory Service Connection Pool Exhaustion"],
    },
    {
        "date": "2026-04-14T13:40:00Z", "category": "deployment",
        "title": "Checkout Release Rolled Back After Connection Timeouts", "severity": "HIGH",
        "duration": "50 minutes",
        "impact": "Checkout p99 above 4 s for 35 minutes; 3% of carts abandoned",
        "system_state": "Release 2026.04.14 rolling out to all regions at once",
        "symptoms": "Connection timeouts to payments-api, p99 from 300 ms to 4 s",
        "environment": "Production", "related_services": "checkout-api, payments-api",
        "trigger": "The release opened a new connection per request to payments-api",
        "primary_cause": "An HTTP client created per request instead of shared",
        "secondary_causes": "Load tests ran against a mocked payments-api",
        "systemic_issues": "No canary stage for checkout releases",
        "human_factors": "The canary was skipped to meet a launch date",
        "status": "final",
        "tags": ["deploy", "rollback", "connection-pool", "connection-timeouts", "canary"],
        "steps": [
            "Rolled back: `argo rollouts undo checkout-api`",
            "Shared one HTTP client per process and redeployed through a canary",
        ],
        "commands": [("bash", "argo rollouts undo checkout-api\n"
                              "argo rollouts get rollout checkout-api --watch")],
        "code": [("python", "# Before:\nasync def charge(order):\n"
                            "    async with httpx.AsyncClient() as client:\n"
                            "        return await client.post(PAYMENTS_URL, json=order)\n\n"
                            "# After:\nCLIENT = httpx.AsyncClient(limits=httpx.Limits("
                            "max_connections=100))\n\nasync def charge(order):\n"
                            "    return await CLIENT.post(PAYMENTS_URL, json=order)")],
        "prevention": [("Mandatory canary", "Checkout releases go to 5% of traffic first"),
                       ("Client lint", "Review rule against per-request HTTP clients")],
        "learning": ["Canary stages catch connection regressions that mocks hide",
                     "Connection churn shows up as timeouts downstream, not errors upstream"],
        "testing": [("Contract load test", "Load tests call a real payments-api in staging")],
        "validation": [("Canary", "Canary at 5% for 30 minutes with p99 under 350 ms")],
        "metrics": ("4 minutes", "50 minutes", "99.4%", "p99 300 ms to 4 s"),
        "actions": [("Make the canary stage mandatory for checkout", "@sam", "2026-04-30", True),
                    ("Load test against a real payments-api", "@marco", "2026-05-29", False)],
        "related": ["Payments API Outage From PgBouncer Pool Saturation"],
    },
    {
        "date": "2026-05-27T16:20:00Z", "category": "deployment",
        "title": "Feature Flag Rollout Split the CDN Cache", "severity": "LOW",
        "duration": "1 hour",
        "impact": "CDN hit rate fell from 94% to 61%; origin load doubled, no errors",
        "system_state": "New product page behind a 50% feature flag",
        "symptoms": "Origin requests doubled, CDN hit-rate dashboard dropped",
        "environment": "Production", "related_services": "cdn, api-gateway",
        "trigger": "The flag added a Vary: Cookie header to product pages",
        "primary_cause": "Vary: Cookie made every visitor's cookie part of the cache key",
        "secondary_causes": "The flag service set a per-visitor cookie",
        "systemic_issues": "No review of caching headers for flagged pages",
        "human_factors": "Flag rollouts treated as configuration, not deploys",
        "status": "final",
        "tags": ["cdn", "caching", "feature-flags", "deploy"],
        "steps": [
            "Spotted `Vary: Cookie` with `curl -sI https://shop.example/p/1`",
            "Keyed the cache on the flag variant header instead of the cookie",
        ],
        "commands": [("bash", "curl -sI https://shop.example/p/1 | grep -i vary")],
        "config": [("nginx", "# Before:\nadd_header Vary Cookie;\n\n"
                             "# After:\nadd_header Vary X-Flag-Variant;")],
        "prevention": [("Header check", "Synthetic check fails on Vary: Cookie for pages"),
                       ("Flag reviews", "Flag rollouts follow the deploy checklist")],
        "learning": ["A Vary header can silently turn a shared cache into a private one",
                     "Feature flag rollouts deserve the same review as deploys"],
        "monitoring": [("Hit rate", "Alert when CDN hit rate drops below 85% for 15 minutes")],
        "validation": [("Hit rate", "CDN hit rate back to 93% within an hour")],
        "metrics": ("20 minutes", "1 hour", "100%", "origin load x2"),
        "actions": [("Add a synthetic check for Vary headers", "@marco", "2026-06-12", True)],
        "related": ["Checkout Release Rolled Back After Connection Timeouts"],
    },
    {
        "date": "2026-06-30T02:15:00Z", "category": "recovery",
        "title": "Orders Database Restored From Point-in-Time Backup", "severity": "CRITICAL",
        "duration": "4 hours",
        "impact": "Order history unavailable for 4 hours; 312 orders re-entered from events",
        "system_state": "Nightly data retention job running on the orders database",
        "symptoms": "Order history pages empty for customers with orders before 2024",
        "environment": "Production", "related_services": "postgres, order-service",
        "trigger": "The retention job's date filter was inverted in a refactor",
        "primary_cause": "DELETE removed rows newer than the cutoff instead of older ones",
        "secondary_causes": "The job ran without a row-count sanity check",
        "systemic_issues": "Destructive jobs had no dry-run mode",
        "human_factors": "The refactor's test used an empty table",
        "status": "final",
        "tags": ["postgres", "backup", "data-loss", "runbook"],
        "steps": [
            "Stopped the retention job and the order-service writers",
            "Restored a point-in-time copy to 02:04 UTC on a new instance",
            "Copied the deleted rows back: `pg_dump -t orders --data-only | psql`",
            "Replayed 312 orders from the order-events topic",
        ],
        "commands": [("bash", "wal-g backup-fetch /var/lib/postgresql/restore LATEST\n"
                              "pg_ctl -D /var/lib/postgresql/restore start\n"
                              "pg_dump -h restore -t orders --data-only orders | psql -h primary "
                              "orders")],
        "prevention": [("Sanity limit", "Destructive jobs stop if they would delete over 1%"),
                       ("Dry runs", "Retention jobs print their counts before deleting")],
        "learning": ["Point-in-time recovery works, but only if someone has practised it",
                     "A destructive job needs a limit on how much it may delete"],
        "docs": [("Restore runbook", "Rewritten step by step with the commands above")],
        "testing": [("Restore drill", "Quarterly restore of the orders database to staging")],
        "future": [("Soft deletes", "Move orders to soft deletes with a 30-day purge")],
        "validation": [("Row counts", "orders count matches the pre-incident snapshot"),
                       ("Customers", "Support confirmed order history for 20 sample accounts")],
        "metrics": ("35 minutes", "4 hours", "99.5%", "order history down 4 hours"),
        "actions": [("Add a deletion limit to every retention job", "@dana", "2026-07-15", True),
                    ("Run the first quarterly restore drill", "@li", "2026-09-30", True)],
        "related": ["Payments API Outage From PgBouncer Pool Saturation"],
    },
    {
        "date": "2026-08-19T07:00:00Z", "category": "performance",
        "title": "Kafka Consumer Lag on Order Events During Sale", "severity": "LOW",
        "duration": "3 hours",
        "impact": "Order confirmation emails delayed by up to 40 minutes",
        "system_state": "Summer sale traffic at three times normal volume",
        "symptoms": "Consumer lag grew to 2 million messages",
        "environment": "Production", "related_services": "kafka, order-service",
        "trigger": "Sale traffic exceeded consumer throughput",
        "primary_cause": "Only 6 partitions on order-events capped consumer parallelism",
        "secondary_causes": "Consumers committed offsets synchronously",
        "systemic_issues": "Topic sizing never revisited since launch",
        "human_factors": "The sale was not announced to the platform team",
        "status": "draft",
        "tags": ["kafka", "consumer-lag", "capacity", "latency"],
        "steps": [
            "Raised partitions: `kafka-topics --alter --topic order-events --partitions 24`",
            "Scaled consumers from 6 to 24 replicas",
        ],
        "prevention": [("Capacity review", "Review partitions before every sale")],
        "learning": ["Partition count caps consumer parallelism for a topic"],
        "metrics": ("15 minutes", "3 hours", "", "emails delayed 40 minutes"),
        "actions": [("Alert on consumer lag above 100k messages", "@priya", "", False),
                    ("Switch consumers to async commits", "", "", False)],
        "related": ["Kafka Broker Disk Alert Fired Too Late"],
    },
    {
        "date": "2026-09-12T06:00:00Z", "category": "maintenance",
        "title": "Postgres Minor Upgrade Window Ran Over", "severity": "LOW",
        "duration": "90 minutes",
        "impact": "The maintenance window ran 40 minutes over; read replicas lagged",
        "system_state": "Planned minor upgrade of the orders cluster",
        "symptoms": "Replica lag of 8 minutes after the primary restarted",
        "environment": "Production", "related_services": "postgres",
        "trigger": "Replicas upgraded after the primary instead of before",
        "primary_cause": "The runbook listed the primary first",
        "secondary_causes": "A long-running analytics query delayed replica catch-up",
        "systemic_issues": "Maintenance runbooks not rehearsed on staging",
        "human_factors": "The window was planned from memory of the last upgrade",
        "status": "final",
        "checklist_override": "Planned maintenance: availability was not measured",
        "tags": ["postgres", "maintenance-window", "upgrade", "runbook"],
        "steps": [
            "Cancelled the analytics query: `SELECT pg_cancel_backend(pid)`",
            "Upgraded the replicas, then failed over to one of them",
        ],
        "commands": [("bash", "patronictl list orders\npatronictl switchover orders")],
        "prevention": [("Runbook order", "Upgrade replicas first, then switch over")],
        "learning": ["Upgrading replicas first turns the primary restart into a switchover"],
        "docs": [("Upgrade runbook", "Replicas first, then patronictl switchover")],
        "metrics": ("5 minutes", "90 minutes", "", "window +40 minutes"),
        "actions": [("Rehearse the upgrade runbook on staging", "@marco", "2026-10-15", True)],
        "related": ["Orders Database Restored From Point-in-Time Backup"],
    },
    {
        "date": "2026-10-28T09:25:00Z", "category": "issue",
        "title": "Redis Evictions Logged Shoppers Out", "severity": "MEDIUM",
        "duration": "45 minutes",
        "impact": "About 9% of signed-in shoppers were logged out and lost their carts",
        "system_state": "Session cache shared with the product recommendation cache",
        "symptoms": "Support tickets about lost carts, evicted_keys climbing, timeouts",
        "environment": "Production", "related_services": "redis, session-service",
        "trigger": "A recommendations backfill filled the shared Redis",
        "primary_cause": "maxmemory-policy allkeys-lru evicted session keys",
        "secondary_causes": "Sessions and caches shared one Redis instance",
        "systemic_issues": "No separation of durable and disposable keys",
        "human_factors": "The backfill was run without telling the sessions team",
        "status": "draft",
        "tags": ["redis", "caching", "sessions", "connection-timeouts"],
        "steps": [
            "Stopped the backfill",
            "Set maxmemory-policy to volatile-lru so sessions without a TTL are kept",
        ],
        "commands": [("bash", "redis-cli INFO stats | grep evicted_keys\n"
                              "redis-cli CONFIG SET maxmemory-policy volatile-lru")],
        "learning": ["Sessions and caches need separate Redis instances"],
        "actions": [("Move sessions to their own Redis", "@li", "", False),
                    ("Alert on evicted_keys for the session Redis", "", "", False)],
        "notes": "Draft: the root cause review with the recommendations team is on Friday.",
    },
]


def _items(pairs: list[tuple[str, str]]) -> list[Item]:
    return [Item(label=label, text=text) for label, text in pairs]


def build(spec: dict[str, Any]) -> EntryBase:
    """The entry a spec describes (related links are added once every path is known)."""
    entry = new_entry(**{k: v for k, v in spec.items() if isinstance(v, str)
                         and k not in ("status", "checklist_override", "notes")})
    entry.id = str(uuid.uuid5(NAMESPACE, spec["title"]))
    entry.status = spec["status"]
    entry.checklist_override = spec.get("checklist_override", "")
    entry.tags = list(spec["tags"])
    entry.resolution_steps.items = [Item(text=s) for s in spec["steps"]]
    for key, section in (("commands", "commands_used"), ("code", "code_changes"),
                         ("config", "configuration_changes")):
        entry.section(section).items = [Fence(language=lang, code=code)
                                        for lang, code in spec.get(key, [])]
    for key, section in (("prevention", "prevention_measures"), ("docs", "documentation_updates"),
                         ("monitoring", "monitoring_improvements"),
                         ("automation", "automation_opportunities"),
                         ("testing", "testing_improvements"), ("kb", "knowledge_base_updates"),
                         ("future", "future_considerations"), ("validation", "validation")):
        entry.section(section).items = _items(spec.get(key, []))
    entry.learning_points.items = [Item(text=t) for t in spec["learning"]]
    metrics = spec.get("metrics", ("", "", "", ""))
    for key, value in zip(("time_to_detection", "time_to_resolution", "system_availability",
                           "performance_impact"), metrics, strict=True):
        entry.set(key, value)
    entry.follow_up_actions.items = [Action(text=t, owner=o, deadline=d, done=done)
                                     for t, o, d, done in spec["actions"]]
    entry.additional_notes.text = spec.get("notes", "")
    return entry


def imported_seed() -> list[EntryBase]:
    """The template's three examples, as `opswizard import` reads them, with their tags."""
    entries = []
    for name, tags in SEED_TAGS.items():
        entry = parse_bytes((SEED / name).read_bytes()).entry
        entry.tags = list(tags)
        entries.append(entry)
    return entries


def write(out: Path) -> list[Path]:
    """Write the demo knowledge base to `out`, which must be empty or missing (or be the
    bundled `kb/`, which is replaced); returns the files written, sorted."""
    if out.resolve() == KB.resolve() and KB.exists():
        shutil.rmtree(KB)
    elif out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty: give an empty or new folder")
    entries = imported_seed() + [build(spec) for spec in ENTRIES]
    paths = {e.title: out / relative_path(e) for e in entries}
    by_title = {e.title: e for e in entries}
    pairs = [(entry.title, title)
             for entry, spec in zip(entries[len(SEED_TAGS):], ENTRIES, strict=True)
             for title in spec.get("related", ())]
    # Every link has its way back (`opswizard links`): the older entry names the newer one.
    pairs += [(target, source) for source, target in pairs if (target, source) not in pairs]
    for source, target in pairs:
        record = make_record(paths[target], title=target)
        by_title[source].related_issues.items.append(related_issue_item(paths[source], record))
    for entry in entries:
        target = paths[entry.title]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_bytes(entry))
    return sorted(paths.values())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else KB
    for path in write(out):
        print(path.relative_to(out).as_posix())
    return 0


if __name__ == "__main__":
    sys.exit(main())
