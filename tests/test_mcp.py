"""`opswizard mcp`, as an agent meets it: spoken to with the SDK's own client, over a copy of
the demo knowledge base. The server is the one the command builds, served in this process
(`mcp_client.serve`); the tests of the listing, --read-only, the logs and malformed requests
start the command itself as a subprocess and speak over its stdin/stdout.

Each tool's happy path and its bad inputs (unknown id, invalid enum, path traversal in a title
or an id, huge input); drafts checked by `opswizard validate` afterwards; nothing written by
validate_entry or a refused create_draft; --read-only; freshness; errors that never end the
server; logs on stderr only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from opswizard.demo import source as demo_source

from .mcp_client import ToolFailed, call, call_error, serve

TOOLS = {"search_entries", "similar_entries", "get_entry", "list_entries", "list_follow_ups",
         "validate_entry", "create_draft"}
PGBOUNCER = "Payments API Outage From PgBouncer Pool Saturation"
TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"  # a fake GitHub token, well formed


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A fresh copy of the demo knowledge base (14 entries)."""
    return Path(shutil.copytree(demo_source(), tmp_path / "kb"))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root and its bytes (to show that nothing was written)."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "opswizard", *args], capture_output=True,
                          text=True, timeout=300, env=os.environ.copy())


# -- listing ----------------------------------------------------------------------------------
async def test_every_tool_is_listed_with_a_schema_and_a_description(demo: Path) -> None:
    async with serve(demo, process=True) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        templates = (await client.list_resource_templates()).resource_templates
        prompts = (await client.list_prompts()).prompts
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.input_schema["type"] == "object" and tool.input_schema["properties"]
        assert len((tool.description or "").split()) >= 10, tool.name
    assert tools["search_entries"].input_schema["required"] == ["query"]
    draft = tools["create_draft"].input_schema["properties"]
    assert {"title", "category", "severity", "date", "symptoms", "resolution_steps",
            "follow_up_actions", "tags", "markdown"} <= set(draft)
    assert "CRITICAL" in json.dumps(draft["severity"])
    assert tools["get_entry"].annotations.read_only_hint is True
    assert tools["create_draft"].annotations.read_only_hint is False
    assert [t.uri_template for t in templates] == ["opswizard://entry/{entry_id}"]
    assert [p.name for p in prompts] == ["write_entry"]


async def test_read_only_serves_everything_but_create_draft(demo: Path) -> None:
    before = tree(demo)
    async with serve(demo, "--read-only", process=True) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        refused = await call_error(client, "create_draft", {"title": "x", "category": "issue",
                                                             "severity": "LOW"})
        found = await call(client, "search_entries", {"query": "pgbouncer"})
    assert names == TOOLS - {"create_draft"}
    assert "create_draft" in refused
    assert found["entries"][0]["title"] == PGBOUNCER
    assert tree(demo) == before


# -- search and similar ---------------------------------------------------------------------
async def test_search_entries_ranks_like_the_cli_and_refuses_bad_input(demo: Path) -> None:
    async with serve(demo) as client:
        answer = await call(client, "search_entries", {"query": "pgbouncer pool saturation",
                                                       "limit": 3})
        empty = await call_error(client, "search_entries", {"query": ""})
        zero = await call_error(client, "search_entries", {"query": "pool", "limit": 0})
        huge = await call_error(client, "search_entries", {"query": "pool " * 100_000})
        nothing = await call(client, "search_entries", {"query": "zzqx wibble"})
    hits = answer["entries"]
    assert 1 <= len(hits) <= 3 and hits[0]["title"] == PGBOUNCER
    first = hits[0]
    assert first["severity"] == "CRITICAL" and first["category"] == "issue"
    assert first["path"].startswith("issues/payments-api/") and first["id"]
    assert "title" in first["why"] and 0 < first["score"] <= 100
    cli_hits = json.loads(cli("search", "--kb", str(demo), "--json", "--limit", "3",
                              "pgbouncer pool saturation").stdout)["entries"]
    assert [h["path"] for h in hits] == [h["path"] for h in cli_hits]
    assert "query" in empty and "limit" in zero and "query" in huge
    assert nothing["entries"] == []


async def test_similar_entries_brings_what_fixed_it(demo: Path) -> None:
    description = ("payments API returning 503s; pgbouncer shows clients waiting, postgres "
                   "connections maxed out while the nightly importer runs")
    async with serve(demo) as client:
        answer = await call(client, "similar_entries", {"description": description,
                                                        "limit": 3})
        huge = await call_error(client, "similar_entries", {"description": "x" * 30_000})
    best = answer["entries"][0]
    assert best["title"] == PGBOUNCER
    assert "pgbouncer" in best["why"]
    assert "pool" in best["primary_cause"]
    assert any("importer" in step for step in best["resolution_steps"])
    assert best["prevention_measures"] and best["learning_points"]
    assert len(answer["entries"]) <= 3
    assert "description" in huge


# -- one entry --------------------------------------------------------------------------------
async def test_get_entry_by_id_and_by_path(demo: Path) -> None:
    async with serve(demo) as client:
        hit = (await call(client, "search_entries", {"query": "pgbouncer"}))["entries"][0]
        by_id = await call(client, "get_entry", {"id_or_path": hit["id"]})
        by_path = await call(client, "get_entry", {"id_or_path": hit["path"]})
        by_name = await call(client, "get_entry", {"id_or_path": Path(hit["path"]).name})
    shown = json.loads(cli("show", "--json", str(demo / hit["path"])).stdout)
    assert by_id == by_path == by_name
    assert by_id["title"] == PGBOUNCER and by_id["path"] == hit["path"]
    for key in ("resolution_steps", "follow_up_actions", "tags", "checklist", "severity"):
        assert by_id[key] == shown[key], key
    assert by_id["markdown"] == (demo / hit["path"]).read_text(encoding="utf-8")
    assert by_id["uri"] == f"opswizard://entry/{hit['id']}"


async def test_get_entry_refuses_unknown_ids_and_paths_out_of_the_kb(demo: Path) -> None:
    (demo.parent / "outside.md").write_text("# not an entry of the knowledge base\n")
    wanted = ["no-such-id", "../../../../etc/passwd", "/etc/passwd", "../outside.md",
              str(demo.parent / "outside.md"), "issues/../../outside.md",
              "issues/payments-api/../../../outside.md", "x" * 900]
    async with serve(demo) as client:
        errors = [await call_error(client, "get_entry", {"id_or_path": w}) for w in wanted]
        too_long = await call_error(client, "get_entry", {"id_or_path": "x" * 5_000})
        still = await call(client, "list_entries", {"limit": 1})
    for asked, error in zip(wanted, errors, strict=True):
        assert "no entry with the id or path" in error, asked
        assert "not an entry of the knowledge base" not in error, asked
    assert "id_or_path" in too_long
    assert still["total"] == 14


async def test_a_symlink_out_of_the_kb_is_never_served(demo: Path) -> None:
    secret = demo.parent / "secret.md"
    secret.write_text("top secret\n")
    (demo / "issues" / "leak.md").symlink_to(secret)
    async with serve(demo) as client:
        error = await call_error(client, "get_entry", {"id_or_path": "issues/leak.md"})
        listed = await call(client, "list_entries", {"limit": 200})
    assert "no entry" in error and "top secret" not in error
    assert all("leak" not in e["path"] for e in listed["entries"])


# -- lists ------------------------------------------------------------------------------------
async def test_list_entries_newest_first_with_filters(demo: Path) -> None:
    async with serve(demo) as client:
        everything = await call(client, "list_entries", {})
        critical = await call(client, "list_entries", {"severity": "critical"})
        tagged = await call(client, "list_entries", {"tag": "Connection Pool", "limit": 2})
        drafts = await call(client, "list_entries", {"status": "draft"})
        bad = await call_error(client, "list_entries", {"category": "outage"})
        bad_limit = await call_error(client, "list_entries", {"limit": 10_000})
    dates = [e["date"] for e in everything["entries"]]
    assert everything["total"] == 14 and dates == sorted(dates, reverse=True)
    assert {e["severity"] for e in critical["entries"]} == {"CRITICAL"}
    assert critical["total"] == 2
    assert tagged["total"] >= 3 and len(tagged["entries"]) == 2
    assert all("connection-pool" in e["tags"] for e in tagged["entries"])
    assert drafts["total"] >= 1 and {e["status"] for e in drafts["entries"]} == {"draft"}
    assert "category" in bad and "issue" in bad and "maintenance" in bad
    assert "limit" in bad_limit


async def test_list_follow_ups_by_owner_and_overdue(demo: Path) -> None:
    async with serve(demo) as client:
        everyone = await call(client, "list_follow_ups", {"open_only": False, "limit": 500})
        priya = await call(client, "list_follow_ups", {"owner": "priya"})
        overdue = await call(client, "list_follow_ups", {"overdue_as_of": "2026-06-01"})
        bad = await call_error(client, "list_follow_ups", {"overdue_as_of": "soon"})
        huge = await call_error(client, "list_follow_ups", {"owner": "@" + "x" * 5_000})
        nobody = await call(client, "list_follow_ups", {"owner": "../../etc/passwd"})
    rows = everyone["follow_ups"]
    assert any(r["done"] for r in rows) and any(not r["done"] for r in rows)
    assert all(r["entry"]["path"].endswith(".md") and r["entry"]["title"] for r in rows)
    assert priya["total"] >= 1 and {r["owner"] for r in priya["follow_ups"]} == {"@priya"}
    assert all(not r["done"] for r in priya["follow_ups"])
    assert overdue["total"] >= 1
    assert all(r["overdue"] and r["deadline"] < "2026-06-01" for r in overdue["follow_ups"])
    deadlines = [r["deadline"] for r in overdue["follow_ups"]]
    assert deadlines == sorted(deadlines)
    assert "overdue_as_of" in bad and "owner" in huge
    assert nobody == {"total": 0, "follow_ups": []}


# -- validate_entry -----------------------------------------------------------------------------
async def test_validate_entry_reports_findings_and_the_checklist_and_writes_nothing(
        demo: Path) -> None:
    text = ("# Operational Learning Entry\n\n## Learning Entry\n\n### Issue Summary\n"
            "- **Date**: last tuesday\n- **Category**: outage\n- **Title**: Cache stampede\n"
            "\n### Commands Used\n```json\n{\"pool\": 16,}\n```\n"
            f"\n### Additional Notes\nThe token {TOKEN} was rotated.\n")
    before = tree(demo)
    async with serve(demo) as client:
        answer = await call(client, "validate_entry", {"markdown": text})
        huge = await call_error(client, "validate_entry", {"markdown": "x" * 1_100_000})
    messages = {f["message"]: f for f in answer["findings"]}
    date_finding = next(f for m, f in messages.items() if "last tuesday" in m)
    assert date_finding["level"] == "error" and date_finding["line"] == 6
    assert any("outage" in m and f["line"] == 7 for m, f in messages.items())
    secret = next(f for m, f in messages.items() if m.startswith("secret:"))
    assert secret["level"] == "error" and secret["line"] == 16 and TOKEN not in secret["message"]
    code = next(f for f in answer["findings"] if f["line"] == 11 and "json" in f["message"])
    assert code["level"] == "warning"
    assert answer["errors"] >= 3
    assert answer["checklist"]["passed"] is False and len(answer["checklist"]["items"]) == 8
    assert "markdown" in huge
    assert tree(demo) == before


# -- create_draft -------------------------------------------------------------------------------
FULL_DRAFT: dict[str, Any] = {
    "title": "Checkout 503s From Exhausted Redis Connections",
    "category": "issue",
    "severity": "high",
    "date": "2026-11-02T08:15:00+01:00",
    "duration": "40 minutes",
    "impact": "One in five checkout requests failed for 40 minutes",
    "system_state": "Black Friday traffic at three times the usual peak",
    "symptoms": "HTTP 503 from checkout-api, redis timeouts in the logs",
    "environment": "production",
    "related_services": ["checkout-api", "redis"],
    "trigger": "A traffic spike after a marketing email",
    "primary_cause": "The redis client pool was capped at 16 connections per pod",
    "secondary_causes": "No alert on pool wait time",
    "systemic_issues": "Pool sizes were never load tested",
    "human_factors": "The runbook pointed at an old dashboard",
    "resolution_steps": ["Raised the pool cap to 64 and redeployed",
                         "Watched p99 latency return under 200 ms"],
    "commands_used": [{"code": "kubectl rollout restart deploy/checkout-api"}],
    "configuration_changes": [{"before": '{"pool": 16}', "after": '{"pool": 64}'}],
    "prevention_measures": ["Load tests: Pool sizes are part of the weekly load test"],
    "learning_points": ["Connection pool caps need alerts on wait time, not only errors"],
    "related_issues": [
        "[Memory Service Connection Pool Exhaustion](../memory-service/ops-learning-2025-07-"
        "09-14-30-00-issue-memory-service-connection-pool-exhaustion.md)"],
    "time_to_detection": "6 minutes",
    "time_to_resolution": "40 minutes",
    "system_availability": "99.1%",
    "performance_impact": "p99 +900 ms",
    "follow_up_actions": [{"text": "Alert on redis pool wait time", "owner": "dana",
                           "due": "2026-12-15"}],
    "tags": ["Redis", "connection_pool"],
}


async def test_create_draft_writes_a_draft_that_validate_accepts(demo: Path) -> None:
    async with serve(demo) as client:
        answer = await call(client, "create_draft", FULL_DRAFT)
        found = await call(client, "search_entries", {"query": "redis connections checkout"})
        fetched = await call(client, "get_entry", {"id_or_path": answer["id"]})
    path = demo / answer["path"]
    assert answer["path"] == ("issues/checkout-api/ops-learning-2026-11-02-07-15-00-issue-"
                              "checkout-503s-from-exhausted-redis-connections.md")
    assert answer["status"] == "draft" and answer["checklist"]["passed"] is True
    validated = cli("validate", "--json", str(path))
    report = json.loads(validated.stdout)
    assert (validated.returncode, report["errors"], report["warnings"]) == (0, 0, 0), report
    shown = json.loads(cli("show", "--json", str(path)).stdout)
    assert shown["severity"] == "HIGH" and shown["date"] == "2026-11-02T07:15:00Z"
    assert shown["tags"] == ["redis", "connection-pool"]
    assert shown["follow_up_actions"] == [{"text": "Alert on redis pool wait time",
                                           "done": False, "owner": "@dana",
                                           "deadline": "2026-12-15"}]
    assert shown["status"] == "draft" and shown["id"] == answer["id"]
    assert found["entries"][0]["path"] == answer["path"]  # fresh: the next call sees it
    assert fetched["title"] == FULL_DRAFT["title"]


async def test_a_secret_given_to_create_draft_is_redacted_and_noted(demo: Path) -> None:
    async with serve(demo) as client:
        answer = await call(client, "create_draft", {
            "title": "Leaked deploy token", "category": "deployment", "severity": "HIGH",
            "commands_used": [{"code": f"export GITHUB_TOKEN={TOKEN}\n./deploy.sh"}],
            "primary_cause": f"The token {TOKEN} was pasted in a public channel"})
    written = (demo / answer["path"]).read_text(encoding="utf-8")
    assert TOKEN not in written
    assert "export GITHUB_TOKEN=<redacted:" in written and "./deploy.sh" in written
    assert any(n.startswith("commands_used[1]: a secret") for n in answer["notes"])
    assert any(n.startswith("primary_cause: a secret") for n in answer["notes"])
    report = json.loads(cli("validate", "--json", str(demo / answer["path"])).stdout)
    assert report["errors"] == 0, report


async def test_create_draft_never_overwrites(demo: Path) -> None:
    fields = {"title": "Same Title", "category": "recovery", "severity": "LOW",
              "date": "2026-01-01T00:00:00Z"}
    async with serve(demo) as client:
        first = await call(client, "create_draft", fields)
        original = (demo / first["path"]).read_bytes()
        second = await call(client, "create_draft", fields)
    assert first["path"] != second["path"] and second["path"].endswith("-same-title-2.md")
    assert (demo / first["path"]).read_bytes() == original
    assert first["id"] != second["id"]


REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"category": "outage"}, "category"),
    ({"severity": "sev1"}, "severity"),
    ({"date": "last tuesday"}, "date"),
    ({"duration": "a while"}, "duration"),
    ({"follow_up_actions": [{"text": "x", "due": "next week"}]}, "due"),
    ({"related_issues": ["[x](../../../../../etc/passwd.md)"]}, "outside the knowledge base"),
    ({"title": None}, "title"),
    ({"symptoms": "x" * 50_000}, "symptoms"),
    ({"resolution_steps": ["step"] * 1_000}, "resolution_steps"),
    ({"markdown": "---\ntitle: [x\n---\n# broken"}, "markdown"),
]


async def test_a_refused_draft_says_why_and_writes_nothing(demo: Path) -> None:
    before = tree(demo)
    async with serve(demo) as client:
        for fields, reason in REFUSED:
            arguments = {"title": "Refused", "category": "issue", "severity": "LOW", **fields}
            arguments = {k: v for k, v in arguments.items() if v is not None}
            error = await call_error(client, "create_draft", arguments)
            assert reason in error, (fields, error)
        two = await call_error(client, "create_draft", {"title": "t", "category": "outage",
                                                        "severity": "LOW", "date": "soon"})
        alive = await call(client, "list_entries", {"limit": 1})
    assert "category" in two and "date" not in two  # the schema refuses first, with its reason
    assert tree(demo) == before
    assert alive["total"] == 14


async def test_every_field_error_is_listed_at_once(demo: Path) -> None:
    before = tree(demo)
    async with serve(demo) as client:
        error = await call_error(client, "create_draft", {
            "title": "t", "category": "issue", "severity": "LOW", "date": "soon",
            "duration": "ages", "follow_up_actions": [{"text": "a", "due": "later"}]})
    assert "not written" in error
    assert "'soon'" in error and "'ages'" in error and "'later'" in error
    assert tree(demo) == before


async def test_a_title_cannot_lead_out_of_the_kb(demo: Path) -> None:
    titles = ["../../../etc/passwd", "/etc/cron.d/x", ".git/hooks/pre-commit", "..",
              "x/../../y" * 40, "C:\\Windows\\system32", "\x1b]0;t\x07con"]
    async with serve(demo) as client:
        answers = [await call(client, "create_draft", {"title": t, "category": "maintenance",
                                                       "severity": "LOW"}) for t in titles]
    for title, answer in zip(titles, answers, strict=True):
        written = (demo / answer["path"]).resolve()
        assert written.is_file(), title
        assert written.parent == (demo / "procedures" / "maintenance").resolve(), title
        assert ".." not in answer["path"] and "/etc" not in answer["path"], title
        assert len(written.name) < 120, title


async def test_create_draft_from_markdown_gets_a_new_id(demo: Path) -> None:
    existing = next(demo.glob("issues/payments-api/*.md"))
    text = existing.read_text(encoding="utf-8").replace("status: final", "status: final")
    old_id = json.loads(cli("show", "--json", str(existing)).stdout)["id"]
    async with serve(demo) as client:
        answer = await call(client, "create_draft", {"markdown": text, "severity": "medium"})
    written = json.loads(cli("show", "--json", str(demo / answer["path"])).stdout)
    assert written["id"] != old_id and written["status"] == "draft"
    assert written["title"] == PGBOUNCER and written["severity"] == "MEDIUM"
    assert answer["path"].endswith("-2.md")  # the same name was taken: never over it
    assert existing.read_text(encoding="utf-8") == text


# -- resource and prompt ------------------------------------------------------------------------
async def test_entries_are_resources_and_the_prompt_walks_every_section(demo: Path) -> None:
    async with serve(demo) as client:
        hit = (await call(client, "search_entries", {"query": "pgbouncer"}))["entries"][0]
        resource = await client.read_resource(f"opswizard://entry/{hit['id']}")
        prompt = await client.get_prompt("write_entry", {"incident": "redis timeouts"})
    assert resource.contents[0].text == (demo / hit["path"]).read_text(encoding="utf-8")
    text = prompt.messages[0].content.text
    for heading in ("Issue Summary", "Root Cause Analysis", "Resolution Steps",
                    "Follow-up Actions", "Metrics"):
        assert heading in text
    assert "similar_entries" in text and "redis timeouts" in text


# -- what comes out ------------------------------------------------------------------------------
async def test_text_from_files_comes_out_clean_and_bounded(demo: Path) -> None:
    target = next(demo.glob("issues/redis/*.md"))
    text = target.read_text(encoding="utf-8")
    text = text.replace("- **Title**: ", "- **Title**: \x1b]0;owned\x07\x1b[2J\u202e")
    symptoms_line = next(line for line in text.splitlines() if "**Symptoms**" in line)
    text = text.replace(symptoms_line, symptoms_line + " timeout" * 3_000)
    cause_line = next(line for line in text.splitlines() if "**Primary Cause**" in line)
    text = text.replace(cause_line, f"{cause_line}; the deploy used GITHUB_TOKEN={TOKEN}")
    target.write_text(text, encoding="utf-8")
    async with serve(demo) as client:
        found = await call(client, "search_entries", {"query": "redis evictions"})
        similar = await call(client, "similar_entries", {"description": "redis evictions"})
        entry = await call(client, "get_entry", {"id_or_path": found["entries"][0]["id"]})
        resource = await client.read_resource(f"opswizard://entry/{entry['id']}")
    dumped = json.dumps([found, similar, entry], ensure_ascii=False) + resource.contents[0].text
    for bad in ("\x1b", "\x07", "\u202e", TOKEN):
        assert bad not in dumped
    assert "GITHUB_TOKEN=<redacted:" in similar["entries"][0]["primary_cause"]
    assert "GITHUB_TOKEN=<redacted:" in entry["markdown"]
    assert found["entries"][0]["title"].startswith("Redis Evictions")
    assert "[truncated: " in entry["symptoms"] and len(entry["symptoms"]) < 8_200
    assert "opswizard://entry/" in entry["symptoms"]


# -- freshness, errors, logs -------------------------------------------------------------------
async def test_changes_on_disk_are_seen_on_the_next_call(demo: Path) -> None:
    target = next(demo.glob("issues/redis/*.md"))
    async with serve(demo) as client:
        before = await call(client, "search_entries", {"query": "zebra stampede"})
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace("- **Title**: ", "- **Title**: Zebra Stampede "),
                          encoding="utf-8")
        after = await call(client, "search_entries", {"query": "zebra stampede"})
        target.unlink()
        gone = await call(client, "list_entries", {"limit": 200})
    assert before["entries"] == []
    assert after["entries"][0]["path"] == target.relative_to(demo).as_posix()
    assert gone["total"] == 13
    assert all(e["path"] != after["entries"][0]["path"] for e in gone["entries"])


async def test_bad_calls_never_end_the_server_and_logs_go_to_stderr(
        demo: Path, tmp_path: Path) -> None:
    log = tmp_path / "stderr.txt"
    async with serve(demo, stderr=log) as client:
        for name, arguments in (("get_entry", {}), ("get_entry", {"id_or_path": 42}),
                                ("no_such_tool", {}), ("list_entries", {"status": "done"}),
                                ("create_draft", {"title": "x"})):
            await call_error(client, name, arguments)
        still = await call(client, "list_entries", {"limit": 1})
    assert still["total"] == 14
    logged = log.read_text(encoding="utf-8")
    assert "serving" in logged and str(demo) in logged
    assert "list_entries" in logged  # the refused arguments were logged, on stderr


def test_a_malformed_request_gets_an_error_and_the_server_goes_on(demo: Path) -> None:
    """Raw JSON-RPC lines, as a broken client would send them: a line that is not JSON, a
    tool call without its arguments, an unknown method; then a good call is still answered."""

    def message(payload: dict[str, Any]) -> str:
        return json.dumps({"jsonrpc": "2.0", **payload}) + "\n"

    lines = [
        message({"id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "raw", "version": "0"}}}),
        message({"method": "notifications/initialized"}),
        "this is not json\n",
        message({"id": 2, "method": "tools/call", "params": {"name": "get_entry"}}),
        message({"id": 3, "method": "no/such/method", "params": {}}),
        message({"id": 4, "method": "tools/call",
                 "params": {"name": "list_entries", "arguments": {"limit": 1}}}),
    ]
    proc = subprocess.Popen([sys.executable, "-m", "opswizard", "mcp", "--kb", str(demo)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("".join(lines))
    proc.stdin.flush()
    answers: dict[int, Any] = {}
    while 4 not in answers:  # stdin stays open until the last answer is in
        line = proc.stdout.readline()
        assert line, "the server ended before answering"
        answer = json.loads(line)  # stdout holds protocol messages only
        answers[answer.get("id")] = answer
    _, stderr = proc.communicate(timeout=300)  # closes stdin: the server ends
    assert answers[2]["result"]["isError"] is True
    assert "id_or_path" in answers[2]["result"]["content"][0]["text"]
    assert answers[3]["error"]["code"] == -32601
    assert answers[4]["result"]["structuredContent"]["total"] == 14
    assert proc.returncode == 0
    assert "serving" in stderr


async def test_tool_failed_helper_is_raised_on_error(demo: Path) -> None:
    async with serve(demo) as client:
        with pytest.raises(ToolFailed, match="no entry"):
            await call(client, "get_entry", {"id_or_path": "nope"})
