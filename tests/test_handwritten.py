"""Hand-written entries (tests/fixtures/handwritten/) read field for field, import, and keep
what opswizard has no field for.

Each fixture stresses one thing people really do: CRLF, `*` bullets, `#` lines in code,
nested fences, unknown sections, foreign frontmatter keys, `##` headings, `**Label:**`,
non-UTC offsets and missing zones, non-ASCII titles, a Searchable Tags list, a BOM,
follow-ups with owners, deadlines and `[x]`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from opswizard.cli import main
from opswizard.core import frontmatter as fm
from opswizard.core.naming import FILE_RE
from opswizard.core.parse import parse_bytes
from opswizard.core.render import render_bytes

from .conftest import FIXTURES

HANDWRITTEN = FIXTURES / "handwritten"

# Every field of the three FIELDS sections that open an entry, as the file says it
# (normalised: dates in UTC with Z, canonical category/severity/environment).
FIELDS: dict[str, dict[str, str]] = {
    "01-crlf-windows.md": {
        "date": "2026-01-14T09:05:00Z",
        "category": "deployment",
        "title": "Blue/green cutover stalled on a stale DNS TTL",
        "severity": "MEDIUM",
        "duration": "50 minutes",
        "impact": "Half of the API clients kept calling the retired blue stack",
        "system_state": "Blue/green cutover of the public API",
        "symptoms": "Traffic on blue never dropped below 50%",
        "environment": "Production",
        "related_services": "Public API, Route 53",
        "trigger": "Record TTL was 3600 s instead of 60 s",
        "primary_cause": (
            "The TTL was raised during a DNS provider migration and never lowered"
        ),
        "secondary_causes": "Blue was scaled down before traffic had drained",
        "systemic_issues": "Cutover checklist has no TTL check",
        "human_factors": "Runbook written on Windows, never reviewed since",
    },
    "02-star-bullets.md": {
        "date": "2025-11-03T02:17:00Z",
        "category": "recovery",
        "title": "Restoring the orders database from a point-in-time backup",
        "severity": "CRITICAL",
        "duration": "3 hours 10 minutes",
        "impact": "Checkout unavailable for all EU customers; 1,240 orders delayed",
        "system_state": "Nightly vacuum running on the primary, replica lag at 40 s",
        "symptoms": '"relation orders does not exist" errors from the API',
        "environment": "Production",
        "related_services": "Orders DB, Checkout API, Billing Worker",
        "trigger": "A migration dropped the orders table on the wrong cluster",
        "primary_cause": "Migration tool pointed at production through a stale kube context",
        "secondary_causes": "No confirmation prompt for destructive migrations",
        "systemic_issues": "Production and staging share one credentials file",
        "human_factors": "Late-night change under time pressure, no second reviewer",
    },
    "03-fence-hash-lines.md": {
        "date": "2026-02-11T18:40:00Z",
        "category": "monitoring",
        "title": "Disk alerts silent after Prometheus relabeling change",
        "severity": "MEDIUM",
        "duration": "1h 30m",
        "impact": "Two hosts filled their disks without paging anyone",
        "environment": "Production",
        "related_services": "Prometheus, Alertmanager, Node Exporter",
        "trigger": "A relabel rule dropped the `mountpoint` label",
        "primary_cause": "Alert expression grouped by a label that no longer existed",
        "time_to_detection": "9 hours",
        "time_to_resolution": "90 minutes",
        "system_availability": "100% (no user impact)",
        "performance_impact": "2 hosts at 100% disk for 40 minutes",
    },
    "04-nested-fences.md": {
        "date": "2026-01-22T11:00:00Z",
        "category": "maintenance",
        "title": "Runbook generator broke on nested code blocks",
        "severity": "LOW",
        "duration": "2 hours",
        "environment": "Staging",
        "related_services": "Runbook Generator, Docs Site",
        "primary_cause": "The generator's fence regex matched any three backticks",
        "human_factors": "The runbook author did not know fences can be longer than three",
    },
    "05-unknown-sections.md": {
        "date": "2025-09-18T07:30:00Z",
        "category": "performance",
        "title": "Search latency regression after Elasticsearch 8 upgrade",
        "severity": "HIGH",
        "duration": "2 days",
        "impact": "p99 search latency up from 180 ms to 1.4 s",
        "trigger": "Rolling upgrade from 7.17 to 8.11",
        "primary_cause": "Aggregations hit the new default bucket limit and retried",
        "human_factors": "Upgrade notes read for breaking changes, not for defaults",
    },
    "06-foreign-frontmatter.md": {
        "date": "2025-12-01T00:04:00Z",
        "category": "issue",
        "title": "Expired wildcard certificate on the public ingress",
        "severity": "CRITICAL",
        "duration": "52 minutes",
        "impact": "All HTTPS traffic to *.example.com failed TLS handshakes",
        "related_services": "Ingress Gateway, cert-manager",
        "trigger": "Wildcard certificate expired at midnight UTC",
        "secondary_causes": "DNS-01 solver credentials had been rotated",
    },
    "07-h2-headings.md": {
        "date": "2025-10-07T13:22:00Z",
        "category": "deployment",
        "title": "Queue backlog after RabbitMQ node loss during rollout",
        "severity": "HIGH",
        "duration": "75 minutes",
        "impact": "Notification e-mails delayed by up to an hour",
        "system_state": "Rolling deployment of the notifier, 3 of 6 pods updated",
        "related_services": "Notifier, RabbitMQ",
        "primary_cause": "Queue declaration arguments changed between versions",
        "human_factors": "The change looked like a library bump in review",
    },
    "08-bold-colon-labels.md": {
        "date": "2025-08-14T21:05:00Z",
        "category": "configuration",
        "title": "Feature flag default flipped for all tenants",
        "severity": "MEDIUM",
        "duration": "40 minutes",
        "impact": "New billing UI shown to 30% of tenants who had not opted in",
        "system_state": "Flag service migration to a new backend",
        "symptoms": "Support tickets about a changed billing page",
        "environment": "Production",
        "related_services": "Flag Service, Billing UI",
        "trigger": "Migration script copied flags without their per-tenant overrides",
        "primary_cause": "Overrides lived in a second table the script did not read",
        "secondary_causes": "Default value of the flag was `true`",
        "systemic_issues": "No diff of effective flag values before cut-over",
        "human_factors": "Migration tested on a tenant with no overrides",
    },
    "09-offset-plus0200-de.md": {
        "date": "2026-03-02T14:45:00Z",  # 16:45 at +02:00
        "category": "issue",
        "title": "Ausfall der Zahlungs-API – Überlast",
        "severity": "HIGH",  # written `high`
        "duration": "1 hour 20 minutes",
        "impact": "Zahlungen für 18 % der Kunden abgelehnt",
        "environment": "Production",  # written `production`
        "related_services": "Zahlungs-API, Händler-Portal",
        "trigger": "Kampagnen-E-Mail an 2 Mio. Empfänger um 16:30",
    },
    "10-offset-minus0500.md": {
        "date": "2025-11-29T04:50:00Z",  # 23:50 the day before at -05:00
        "category": "deployment",  # written `Deployment`
        "title": "Black Friday deploy freeze bypassed by a cron-triggered release",
        "severity": "MEDIUM",  # written `Medium`
        "duration": "25 minutes",
        "impact": "Storefront served stale prices for 25 minutes",
    },
    "11-no-zone-ja.md": {
        "date": "2026-01-09T10:15:00Z",  # no zone: read as UTC, with a warning
        "category": "issue",
        "title": "決済APIのタイムアウト多発",
        "severity": "HIGH",
        "duration": "45 minutes",
        "impact": "決済の約 12% がタイムアウト",
        "related_services": "決済API, 在庫サービス",
        "primary_cause": "在庫サービスの接続プール上限が 20 のまま",
    },
    "12-searchable-tags.md": {
        "date": "2025-07-21T05:12:00Z",
        "category": "issue",
        "title": "Redis failover left clients pinned to the old primary",
        "severity": "HIGH",
        "duration": "35 minutes",
        "related_services": "Session Service, Redis",
    },
    "13-utf8-bom.md": {
        "date": "2025-06-30T15:00:00Z",
        "category": "maintenance",
        "title": "Log volume filled during logrotate misconfiguration",
        "severity": "LOW",
        "duration": "30 minutes",
        "impact": "Batch workers paused while /var/log was full",
        "symptoms": '"No space left on device" from the batch workers',
        "environment": "Staging",
        "related_services": "Batch Workers",
        "trigger": "Patched logrotate config lost its `compress` directive",
    },
    "14-follow-up-actions.md": {
        "date": "2026-02-20T08:00:00Z",
        "category": "monitoring",
        "title": "Consumer lag alert fired for a topic nobody owns",
        "severity": "LOW",
        "duration": "2 hours",
        "symptoms": "Repeated consumer lag pages for `legacy.events.v1`",
        "related_services": "Kafka, Alertmanager",
    },
}

TAGS = {
    "01-crlf-windows.md": ["dns", "blue-green"],
    "06-foreign-frontmatter.md": ["certificates", "ingress", "cert-manager"],
    "09-offset-plus0200-de.md": ["payments", "überlast", "rate-limiting"],
    "12-searchable-tags.md": [
        "redis", "sentinel", "failover", "session-service", "readonly", "connection-pool"
    ],
    "14-follow-up-actions.md": ["kafka", "consumer-lag"],
}

STEPS = {
    "02-star-bullets.md": [
        "Froze writes by scaling the Checkout API to zero",
        "Restored the 01:55 base backup to a new instance: `pg_restore -d orders_pitr base.dump`",
        "Replayed WAL up to 02:16:30 with `recovery_target_time`",
        "Swapped the service DNS to the restored instance",
        "Re-enabled checkout and replayed the 1,240 queued orders",
    ],
    "07-h2-headings.md": [
        "Paused the rollout: `kubectl rollout pause deploy/notifier`",
        "Rolled back to the previous image",
        "Drained the backlog with 12 extra consumers",
    ],
    "11-no-zone-ja.md": ["接続プール上限を 20 から 100 に変更", "リトライに指数バックオフを追加"],
}

ACTIONS = {
    "02-star-bullets.md": [
        {"text": "Add a cluster-name confirmation to the migration tool", "done": False,
         "owner": "@lena", "deadline": "2025-11-20"},
        {"text": "Split the shared credentials file", "done": True, "owner": "@omar",
         "deadline": "2025-11-10"},
    ],
    "09-offset-plus0200-de.md": [
        {"text": "Kampagnenkalender mit dem Betrieb teilen", "done": False,
         "owner": "@jürgen", "deadline": "2026-03-20"},
    ],
    "14-follow-up-actions.md": [
        {"text": "Record an owner for every topic", "done": False, "owner": "@dana",
         "deadline": "2026-03-01"},
        {"text": "Delete the `legacy.events.v1` consumer group", "done": True, "owner": "@li",
         "deadline": "2026-02-21"},
        {"text": "Silence the page", "done": True, "owner": "@dana", "deadline": ""},
        {"text": "Generate lag alerts only for live consumer groups", "done": False,
         "owner": "", "deadline": "2026-04-15"},
        {"text": "Review alert routing with the data team", "done": False, "owner": "",
         "deadline": ""},
        {"text": "Write the decommissioning checklist entry", "done": False, "owner": "@sam",
         "deadline": "next sprint"},
    ],
}

# Text opswizard has no field for, exactly as written (LF; CRLF files are compared in CRLF).
UNKNOWN = {
    "01-crlf-windows.md": [
        "### Timeline\n"
        "- 09:05 cutover started\n"
        "- 09:20 blue traffic flat at 50%\n"
        "- 09:55 TTL lowered, traffic drained by 10:55",
    ],
    "05-unknown-sections.md": [
        "### Timeline\n"
        "| Time (UTC) | Event |\n"
        "|------------|-------|\n"
        "| 07:30 | Upgrade finished, latency alarm fires |\n"
        "| 09:10 | Rolled back query cache settings, no change |\n"
        "| 14:45 | Found `search.max_buckets` hit on faceted queries |\n"
        "\n"
        "Times are taken from the #inc-search channel.",
        "### Performance Results\n"
        "- **Before**: p99 1.4 s, p50 220 ms\n"
        "- **After**: p99 160 ms, p50 45 ms\n"
        "- **Improvement**: 89% lower p99\n"
        "\n"
        "> Measured over 24 hours of production traffic.",
        "### Customer Communication\n"
        "A status page note went out at 09:30 and was closed at 16:00.",
    ],
    "07-h2-headings.md": ["# Queue backlog after RabbitMQ node loss"],
}

ALL = sorted(p.name for p in HANDWRITTEN.glob("*.md"))


def parse(name: str):  # type: ignore[no-untyped-def]
    return parse_bytes((HANDWRITTEN / name).read_bytes())


def test_there_are_a_dozen_fixtures_and_each_is_expected() -> None:
    assert len(ALL) >= 12
    assert sorted(FIELDS) == ALL


@pytest.mark.parametrize("name", ALL)
def test_fields(name: str) -> None:
    result = parse(name)
    assert result.writable
    assert result.errors == []
    for key, value in FIELDS[name].items():
        assert result.entry.get(key) == value, key


@pytest.mark.parametrize("name", ALL)
def test_tags(name: str) -> None:
    assert parse(name).entry.tags == TAGS.get(name, [])


@pytest.mark.parametrize("name", sorted(STEPS))
def test_resolution_steps(name: str) -> None:
    assert [i.text for i in parse(name).entry.resolution_steps.items] == STEPS[name]


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_follow_up_actions(name: str) -> None:
    items = parse(name).entry.follow_up_actions.items
    got = [{"text": a.text, "done": a.done, "owner": a.owner, "deadline": a.deadline}
           for a in items]
    assert got == ACTIONS[name]


def test_crlf_is_read_and_kept() -> None:
    data = (HANDWRITTEN / "01-crlf-windows.md").read_bytes()
    assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")  # the fixture is CRLF
    entry = parse("01-crlf-windows.md").entry
    assert entry.newline == "\r\n"
    assert entry.extra_frontmatter == [("jira", "jira: OPS-311\n")]
    assert entry.commands_used.first_fence().language == "powershell"
    assert entry.additional_notes.text == (
        "The runbook file itself uses CRLF line endings; keep them."
    )
    out = render_bytes(entry)
    assert out.count(b"\n") == out.count(b"\r\n") > 40  # every line ends in CRLF
    assert b"jira: OPS-311\r\n" in out


def test_star_bullets_read_as_bullets() -> None:
    entry = parse("02-star-bullets.md").entry
    assert [i.label for i in entry.prevention_measures.items] == [
        "Guard rails", "Credentials", "Drills"
    ]
    assert entry.prevention_measures.items[0].text == (
        "Destructive migrations require `--confirm-cluster=<name>`"
    )
    assert [i.text for i in entry.learning_points.items][2] == (
        "Queued orders made the recovery invisible to most customers"
    )
    assert [(i.label, i.text) for i in entry.validation.items] == [
        ("Row counts", "Orders table count matched the billing ledger within 3 rows"),
        ("Smoke test", "Synthetic checkout passed in all EU regions"),
    ]
    assert entry.unknown_parts() == ["# Operational Learning Entry\n\n## Learning Entry"]


def test_hash_lines_in_fences_are_code_not_headings() -> None:
    entry = parse("03-fence-hash-lines.md").entry
    fence = entry.commands_used.first_fence()
    assert fence.language == "bash"
    lines = fence.code.split("\n")
    assert lines[0] == "# Which labels does node_filesystem_avail_bytes carry now?"
    assert "### This is a comment that looks like a heading, not a section" in lines
    assert "## Also not a heading" in lines
    assert lines[-1] == "promtool test rules tests/disk_alerts_test.yml"
    change = entry.configuration_changes.first_fence()
    assert change.language == "yaml"
    assert change.code.startswith("# Before:\n- source_labels: [__name__, mountpoint]")
    assert change.code.endswith("# After:\n# (rule removed; mountpoint is kept)")
    # Nothing inside the fences became a section of its own.
    assert entry.unknown_parts() == ["# Operational Learning Entry\n\n## Learning Entry"]


def test_nested_fences_keep_their_inner_fences() -> None:
    entry = parse("04-nested-fences.md").entry
    code = entry.code_changes.first_fence()
    assert code.language == "markdown"
    assert code.code == (
        "# Before: the page as authors wrote it\n"
        "```python\n"
        'FENCE = re.compile(r"```")\n'
        "```\n"
        "\n"
        "# After: a longer outer fence keeps the inner one intact\n"
        "```python\n"
        'FENCE = re.compile(r"^(`{3,}|~{3,})")\n'
        "```"
    )
    config = entry.configuration_changes.first_fence()
    assert config.language == "toml"
    assert '```\nnot the end of the block\n```\n"""' in config.code
    assert config.code.endswith('engine = "commonmark"')
    assert [i.text for i in entry.learning_points.items] == [
        "CommonMark fences close only on a marker at least as long as the opener",
        "Tilde fences are the easy way to show backtick fences in documentation",
    ]
    # Written back, each block still holds exactly the same code.
    again = parse_bytes(render_bytes(entry)).entry
    assert again.code_changes.first_fence().code == code.code
    assert again.configuration_changes.first_fence().code == config.code


def test_unknown_sections_stay_in_place() -> None:
    entry = parse("05-unknown-sections.md").entry
    order = [p.section or p.text.split("\n")[0] for p in entry.layout
             if p.section is None or p.keep_empty]
    assert order == [
        "# Operational Learning Entry", "issue_summary", "context", "### Timeline",
        "root_cause_analysis", "resolution_steps", "### Performance Results",
        "learning_points", "follow_up_actions", "### Customer Communication",
    ]


def test_foreign_frontmatter_keys_survive_verbatim() -> None:
    entry = parse("06-foreign-frontmatter.md").entry
    assert entry.status == "final"
    assert [key for key, _ in entry.extra_frontmatter] == [
        "author", "jira", "reviewed", "version", "links"
    ]
    out = render_bytes(entry).decode()
    front, _, _ = fm.split(out)
    assert front is not None
    for line in (
        "author: Dana Whitfield\n",
        "jira: OPS-123\n",
        "reviewed: NO\n",  # not False
        "version: 1.10\n",  # not 1.1
        "links:\n  postmortem_doc: https://wiki.example.com/pm/OPS-123\n"
        "  dashboards: [ingress-overview, cert-expiry]\n",
    ):
        assert line in front
    assert entry.related_issues.items[0].label == "OPS-97"
    assert entry.related_issues.items[0].text == (
        "[Rotated DNS credentials](https://jira.example.com/browse/OPS-97)"
    )


def test_h2_headings_are_read_as_sections() -> None:
    entry = parse("07-h2-headings.md").entry
    assert entry.present_sections() == [
        "issue_summary", "context", "root_cause_analysis", "resolution_steps",
        "learning_points", "follow_up_actions",
    ]


def test_bold_colon_labels_are_read_like_bold_labels() -> None:
    entry = parse("08-bold-colon-labels.md").entry
    assert entry.issue_summary.extra == [] and entry.context.extra == []
    assert [(i.label, i.text) for i in entry.prevention_measures.items] == [
        ("Effective-value diff", "Compare evaluated flags per tenant before any cut-over"),
        ("Safe defaults", "New flags default to off"),
    ]


def test_offsets_become_utc_without_a_warning() -> None:
    for name in ("09-offset-plus0200-de.md", "10-offset-minus0500.md"):
        result = parse(name)
        assert result.findings == [], name


def test_a_date_without_zone_warns_on_its_line() -> None:
    result = parse("11-no-zone-ja.md")
    assert [(f.level, f.line) for f in result.findings] == [("warning", 6)]
    assert "no time zone" in result.findings[0].message
    assert "2026-01-09T10:15:00" in result.findings[0].message


def test_searchable_tags_list_becomes_tags_not_body() -> None:
    entry = parse("12-searchable-tags.md").entry
    assert "Searchable Tags" not in render_bytes(entry).decode().split("---\n", 2)[2]


def test_bom_is_read_and_kept() -> None:
    entry = parse("13-utf8-bom.md").entry
    assert entry.bom
    out = render_bytes(entry)
    assert out.startswith(b"\xef\xbb\xbf---\n")
    assert out.count(b"\xef\xbb\xbf") == 1


# -- survives writing ------------------------------------------------------------------------
def _native(text: str, name: str) -> bytes:
    data = text.encode()
    return data.replace(b"\n", b"\r\n") if name.startswith("01-") else data


@pytest.mark.parametrize("name", ALL)
def test_render_is_stable(name: str) -> None:
    once = render_bytes(parse(name).entry)
    result = parse_bytes(once)
    assert result.writable
    assert render_bytes(result.entry) == once


@pytest.mark.parametrize("name", sorted(UNKNOWN))
def test_unknown_content_survives_byte_for_byte(name: str) -> None:
    out = render_bytes(parse(name).entry)
    source = (HANDWRITTEN / name).read_bytes()
    for text in UNKNOWN[name]:
        assert _native(text, name) in source  # the expectation is the file's own text
        assert _native(text, name) in out


# -- through the command line ------------------------------------------------------------------
def _import(kb: Path, *paths: Path) -> list[str]:
    result = CliRunner().invoke(main, ["import", "--kb", str(kb), *map(str, paths)])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()  # the summary goes to stderr


def _show(path: Path) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["show", "--json", str(path)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


@pytest.mark.parametrize("name", ALL)
def test_import_then_show_json_gives_the_same_values(name: str, kb: Path) -> None:
    (line,) = _import(kb, HANDWRITTEN / name)
    assert line.startswith("wrote ")
    written = Path(line.removeprefix("wrote "))
    assert written.is_relative_to(kb)
    assert FILE_RE.match(written.name), written.name
    data = _show(written)
    for key, value in FIELDS[name].items():
        if key == "related_services":
            assert data[key] == [s.strip() for s in value.split(",")]
        else:
            assert data[key] == value, key
    assert data["tags"] == TAGS.get(name, [])
    if name in STEPS:
        assert data["resolution_steps"] == STEPS[name]
    if name in ACTIONS:
        assert data["follow_up_actions"] == ACTIONS[name]
    # show of the source file says the same as show of the imported one.
    source = _show(HANDWRITTEN / name)
    for key in ("title", "date", "category", "severity", "tags", "resolution_steps",
                "follow_up_actions", "unknown_sections"):
        assert source[key] == data[key], key


@pytest.mark.parametrize("name", ALL)
def test_reimporting_is_unchanged(name: str, kb: Path) -> None:
    (line,) = _import(kb, HANDWRITTEN / name)
    written = Path(line.removeprefix("wrote "))
    before = written.read_bytes()
    # The imported file imported again lands on itself, byte for byte.
    assert _import(kb, written) == [f"unchanged {written}"]
    # So does the hand-written source, a second time.
    assert _import(kb, HANDWRITTEN / name) == [f"unchanged {written}"]
    assert written.read_bytes() == before
    assert [p for p in kb.rglob("*") if p.is_file()] == [written]


def test_import_keeps_crlf_and_bom(kb: Path) -> None:
    lines = _import(kb, HANDWRITTEN / "01-crlf-windows.md", HANDWRITTEN / "13-utf8-bom.md")
    crlf, bom = (Path(line.removeprefix("wrote ")).read_bytes() for line in lines)
    assert crlf.count(b"\n") == crlf.count(b"\r\n")
    assert bom.startswith(b"\xef\xbb\xbf") and b"\r\n" not in bom


def test_import_puts_each_file_in_its_category_folder(kb: Path) -> None:
    lines = _import(kb, *(HANDWRITTEN / name for name in ALL))
    folders = {Path(line.removeprefix("wrote ")).parent.relative_to(kb).as_posix()
               for line in lines}
    assert folders == {
        "procedures/deployments", "procedures/recovery", "procedures/maintenance",
        "monitoring/prometheus", "monitoring/kafka", "performance/optimizations",
        "issues/ingress-gateway", "issues/zahlungs-api", "issues/session-service",
        "configurations/changes", "issues/jue-ji-api",
    }


def test_validate_reports_the_missing_zone_with_its_line() -> None:
    result = CliRunner().invoke(main, ["validate", str(HANDWRITTEN / "11-no-zone-ja.md")])
    assert result.exit_code == 1
    assert f"{HANDWRITTEN / '11-no-zone-ja.md'}:6: warning: Date: no time zone" in result.output
