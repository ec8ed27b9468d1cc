"""A whole entry typed into `opswizard new` on a pseudo-terminal, one write per step with no
pause between keys: the saved file holds every value in its own field."""

from __future__ import annotations

from pathlib import Path

from opswizard.core import change as changes
from opswizard.core.parse import parse_bytes

from .keys_helpers import Terminal, new_files

TAB, ENTER, NEXT, SAVE = b"\t", b"\r", b"\x0e", b"\x13"
HOME_KILL = b"\x01\x0b"  # ctrl+a, ctrl+k: empty the field

STEPS: list[bytes] = [
    # Issue Summary: date, category (type-ahead), tags, title, severity, duration, impact
    HOME_KILL + b"2026-03-04T10:20:30Z\tdeploy\tpayments, deploy\tBad deploy of payments\t"
    b"high\t1h 30m\tCheckout failing for 12% of users",
    # Context
    b"Normal load\tHTTP 502 from checkout\tprod\tpayments-api\tRelease 4.2 rolled out",
    # Root Cause Analysis
    b"Missing migration\tNo canary\tManual release gate\tLate night",
    # Resolution Steps: enter adds the next step
    b"Rolled back to 4.1\rApplied the migration",
    # Commands Used: language, then the code
    b"\tkubectl rollout undo deploy/payments",
    # Code Changes: language, Before, After
    b"\tpool = 10\tpool = 50",
    # Configuration Changes
    b'\t{"max": 10}\t{"max": 50}',
    b"Canary\tDeploy to 5% first for ten minutes",
    b"Migrations must ship before the code",
    b"Runbook\tAdded the rollback steps",
    b"Alert\tPage on p99 latency",
    b"Rollback\tOne command rollback",
    b"Migration test\tCI runs every migration",
    b"Pattern\tShip the migration first",
    b"Upgrade\tMove to blue green",
    b"Earlier outage\t[ops-learning-x](../x.md)",
    b"5 minutes\t90 minutes\t99.1%\tp99 +800 ms",
    b"Smoke test\tAll green",
    b"Add a canary stage\t@dana\t2026-04-01",
    b"Written in one go.",
]


def test_a_whole_entry_typed_one_write_per_step_lands_field_by_field(kb: Path) -> None:
    term = Terminal("new", "--kb", str(kb))
    try:
        term.wait_for(b"Title")
        for step in STEPS[:-1]:
            term.send(step + NEXT)
        term.send(STEPS[-1] + SAVE)
        term.wait_until(lambda: new_files(kb), "the entry saved", timeout=600)
    finally:
        term.close()
    [saved] = new_files(kb)
    entry = parse_bytes(saved.read_bytes()).entry
    assert entry.date == "2026-03-04T10:20:30Z"
    assert entry.category == "deployment"
    assert entry.tags == ["payments", "deploy"]
    assert entry.title == "Bad deploy of payments"
    assert entry.severity == "HIGH"
    assert entry.get("duration") == "1h 30m"
    assert entry.get("impact") == "Checkout failing for 12% of users"
    assert [entry.get(k) for k in ("system_state", "symptoms", "environment",
                                   "related_services", "trigger")] == [
        "Normal load", "HTTP 502 from checkout", "Production", "payments-api",
        "Release 4.2 rolled out"]
    assert [entry.get(k) for k in ("primary_cause", "secondary_causes", "systemic_issues",
                                   "human_factors")] == [
        "Missing migration", "No canary", "Manual release gate", "Late night"]
    assert [i.text for i in entry.resolution_steps.items] == [
        "Rolled back to 4.1", "Applied the migration"]
    commands = entry.section("commands_used").first_fence()
    assert commands is not None and commands.code == "kubectl rollout undo deploy/payments"
    for key, before, after in (("code_changes", "pool = 10", "pool = 50"),
                               ("configuration_changes", '{"max": 10}', '{"max": 50}')):
        fence = entry.section(key).first_fence()
        assert fence is not None, key
        parts = changes.split(fence.code)
        assert parts is not None and (parts.before, parts.after) == (before, after), fence.code
    labelled = {
        "prevention_measures": ("Canary", "Deploy to 5% first for ten minutes"),
        "documentation_updates": ("Runbook", "Added the rollback steps"),
        "monitoring_improvements": ("Alert", "Page on p99 latency"),
        "automation_opportunities": ("Rollback", "One command rollback"),
        "testing_improvements": ("Migration test", "CI runs every migration"),
        "knowledge_base_updates": ("Pattern", "Ship the migration first"),
        "future_considerations": ("Upgrade", "Move to blue green"),
        "related_issues": ("Earlier outage", "[ops-learning-x](../x.md)"),
        "validation": ("Smoke test", "All green"),
    }
    for key, (label, text) in labelled.items():
        assert [(i.label, i.text) for i in entry.section(key).items] == [(label, text)], key
    assert [i.text for i in entry.learning_points.items] == [
        "Migrations must ship before the code"]
    assert [entry.get(k) for k in ("time_to_detection", "time_to_resolution",
                                   "system_availability", "performance_impact")] == [
        "5 minutes", "90 minutes", "99.1%", "p99 +800 ms"]
    [action] = entry.follow_up_actions.items
    assert (action.text, action.owner, action.deadline, action.done) == (
        "Add a canary stage", "@dana", "2026-04-01", False)
    assert entry.section("additional_notes").text.strip() == "Written in one go."
