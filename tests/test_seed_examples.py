"""The seed's three examples parse field-for-field and survive a round trip."""

from __future__ import annotations

import pytest

from opswizard.core.parse import parse_bytes
from opswizard.core.render import render, render_body

from .conftest import SEED

EXPECTED = {
    "example1-service-issue.md": {
        "date": "2025-07-09T14:30:00Z",
        "category": "issue",
        "title": "Memory Service Connection Pool Exhaustion",
        "severity": "HIGH",
        "duration": "45 minutes",
        "impact": "Memory operations failing, context preparation degraded",
        "system_state": "High load period with multiple agent executions",
        "symptoms": 'Connection timeouts, "Pool exhausted" errors',
        "environment": "Production",
        "related_services": "Memory Service, Multi-Agent Orchestrator",
        "trigger": "Concurrent agent executions exceeded pool capacity",
        "primary_cause": "Connection pool size (10) insufficient for concurrent load",
        "secondary_causes": "No connection pooling monitoring, no backpressure",
        "systemic_issues": "No load testing of connection pool",
        "human_factors": "Default configuration not reviewed for production load",
    },
    "example2-performance.md": {
        "date": "2025-07-09T16:15:00Z",
        "category": "performance",
        "title": "Memory Context Preparation Performance Optimization",
        "severity": "MEDIUM",
        "duration": "2 hours",
        "environment": "Production",
        "primary_cause": "N+1 query pattern in memory retrieval",
    },
    "example3-configuration.md": {
        "date": "2025-07-09T10:45:00Z",
        "category": "configuration",
        "title": "Health Monitoring Configuration Validation",
        "severity": "LOW",
        "duration": "30 minutes",
        "environment": "Development",
        "related_services": "Health Monitor",
        "human_factors": "No configuration review process",
    },
}


def load(name: str):  # type: ignore[no-untyped-def]
    return parse_bytes((SEED / name).read_bytes())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fields(name: str) -> None:
    result = load(name)
    assert result.findings == []
    for key, value in EXPECTED[name].items():
        assert result.entry.get(key) == value, key


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_body_round_trips_byte_for_byte(name: str) -> None:
    source = (SEED / name).read_text()
    assert render_body(load(name).entry) == source


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_render_parse_render_is_stable(name: str) -> None:
    once = render(load(name).entry)
    assert render(parse_bytes(once.encode()).entry) == once


def test_example1_lists() -> None:
    entry = load("example1-service-issue.md").entry
    steps = [i.text for i in entry.resolution_steps.items]
    assert steps[0] == 'Identified pool exhaustion in logs: `grep "Pool exhausted" logs/memory_service.log`'
    assert len(steps) == 5
    assert [i.label for i in entry.prevention_measures.items] == [
        "Load Testing", "Monitoring", "Alerting", "Documentation"
    ]
    assert entry.learning_points.items[1].text == (
        "Connection pool monitoring is essential for high-load systems"
    )
    assert [a.text for a in entry.follow_up_actions.items] == [
        "Implement automatic pool scaling based on load",
        "Add connection pool health checks",
        "Update deployment documentation with pool sizing guide",
    ]
    assert all(not a.done and not a.owner for a in entry.follow_up_actions.items)
    fence = entry.commands_used.first_fence()
    assert fence.language == "bash" and "test_connection_pool_load.py --concurrent=20" in fence.code
    change = entry.configuration_changes.first_fence()
    assert change.language == "python"
    assert change.code == "# Before:\nconnection_pool_size = 10\n\n# After:\nconnection_pool_size = 50"


def test_example2_keeps_performance_results_in_place() -> None:
    entry = load("example2-performance.md").entry
    order = [p.section or p.text.split("\n")[0] for p in entry.layout if p.keep_empty or not p.section]
    assert order.index("### Performance Results") == order.index("resolution_steps") + 1
    assert "- **Improvement**: 88% reduction in context preparation time" in entry.unknown_parts()[1]
    assert entry.code_changes.first_fence().code.startswith("# Before: N+1 query pattern")


def test_example3_json_change() -> None:
    entry = load("example3-configuration.md").entry
    change = entry.configuration_changes.first_fence()
    assert change.language == "json"
    assert '"critical_issues": -1' in change.code and '"critical_issues": 1,' in change.code
    assert [i.label for i in entry.automation_opportunities.items][0] == "Configuration Validation"


def test_the_template_file_itself_reads_without_loss() -> None:
    """The whole template (placeholders, examples in fences, extra sections) reads safely."""
    source = (SEED.parent / "template.md").read_text()
    result = parse_bytes(source.encode())
    assert result.entry.title == "[Brief descriptive title]"
    # Its examples nest ``` inside ```markdown, which CommonMark closes early: the parser
    # follows CommonMark, says so, and keeps every line.
    assert any("never closed" in f.message for f in result.findings)
    assert all(f.level == "warning" for f in result.findings)
    assert "### Example 1: Service Issue" in "\n".join(result.entry.unknown_parts())
    again = render(result.entry)
    assert render(parse_bytes(again.encode()).entry) == again
