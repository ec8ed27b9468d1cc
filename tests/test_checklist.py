"""The template's completion checklist, item by item: each passes, and fails with a reason a
person can act on, naming the section that fixes it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from opswizard.core.checklist import Checklist, evaluate
from opswizard.core.model import Action, EntryBase, Fence, Item, new_entry
from opswizard.core.parse import parse_bytes

from .conftest import SEED

KEYS = ["required", "code", "prevention", "learning", "followups", "tagged", "related",
        "metrics"]


def complete() -> EntryBase:
    """An entry that passes all eight items."""
    entry = new_entry(
        date="2025-07-09T14:30:00Z", category="issue", title="Memory pool exhausted",
        severity="HIGH", duration="45 minutes", impact="Memory operations failing",
        system_state="High load", symptoms="Pool exhausted errors", environment="Production",
        related_services="Memory Service", trigger="Concurrent agent executions",
        primary_cause="Pool size 10 too small", secondary_causes="No backpressure",
        systemic_issues="No load testing", human_factors="Defaults not reviewed",
        time_to_detection="5 minutes", time_to_resolution="45 minutes",
        system_availability="99.2%", performance_impact="p99 +300 ms",
    )
    entry.tags = ["connection-pool"]
    entry.resolution_steps.items = [Item(text="Raised the pool size from 10 to 50")]
    entry.commands_used.items = [Fence(language="bash", code="grep 'Pool exhausted' app.log")]
    entry.prevention_measures.items = [
        Item(label="Load testing", text="Load-test the pool before each release")
    ]
    entry.learning_points.items = [Item(text="Default pool sizes need production validation")]
    entry.follow_up_actions.items = [
        Action(text="Automatic pool scaling", owner="@dana", deadline="2026-03-01")
    ]
    entry.related_issues.items = [
        Item(label="OPS-97", text="[Pool sizing](https://jira.example.com/browse/OPS-97)")
    ]
    return entry


def item(entry: EntryBase, key: str):  # type: ignore[no-untyped-def]
    return next(i for i in evaluate(entry).items if i.key == key)


def test_a_complete_entry_passes_every_item() -> None:
    checklist = evaluate(complete())
    assert [i.key for i in checklist.items] == KEYS
    assert checklist.passed and checklist.score == 8 and checklist.percent == 100
    assert checklist.failing() == []
    for entry_item in checklist.items:
        assert entry_item.passed and entry_item.reason and entry_item.label


def test_labels_follow_the_template_checklist() -> None:
    labels = [i.label for i in evaluate(complete()).items]
    assert labels == [
        "All required fields are completed",
        "Commands and code are accurate and tested",
        "Prevention measures are actionable",
        "Learning points are clear and specific",
        "Follow-up actions have owners and deadlines",
        "Entry is properly categorized and tagged",
        "Related issues are linked",
        "Metrics are quantified where possible",
    ]


def _only_failing(entry: EntryBase, key: str) -> str:
    """The reason `key` fails; every other item still passes (the tests are independent)."""
    checklist = evaluate(entry)
    assert [i.key for i in checklist.failing()] == [key]
    assert checklist.score == 7 and checklist.percent == 88 and not checklist.passed
    return item(entry, key).reason


Mutation = Callable[[EntryBase], None]


def _set(**fields: str) -> Mutation:
    def apply(entry: EntryBase) -> None:
        for key, value in fields.items():
            entry.set(key, value)

    return apply


def _items(section: str, items: list) -> Mutation:  # type: ignore[type-arg]
    def apply(entry: EntryBase) -> None:
        entry.section(section).items = items

    return apply


def _tags(tags: list[str]) -> Mutation:
    def apply(entry: EntryBase) -> None:
        entry.tags = tags

    return apply


FAILURES: list[tuple[str, Mutation, str, str]] = [
    # (item, change, reason, section that fixes it)
    ("required", _set(title=""), "1 required field empty: Title", "issue_summary"),
    ("required", _set(impact="[Description of system impact]", trigger=""),
     "2 required fields empty: Impact, Trigger", "issue_summary"),
    ("required", _set(symptoms="", human_factors="", environment="", primary_cause=""),
     "4 required fields empty: Symptoms, Environment, Primary Cause...", "context"),
    ("required", _items("resolution_steps", []), "1 required field empty: Resolution Steps",
     "resolution_steps"),
    ("code", _items("commands_used", [Fence(language="bash", code="command1 --option value")]),
     "Commands Used still holds the template's placeholder", "commands_used"),
    ("code", _items("code_changes", [Fence(code="pool_size = 50")]),
     "Code Changes has a block with no language", "code_changes"),
    ("prevention", _items("prevention_measures", []), "no prevention measures yet",
     "prevention_measures"),
    ("prevention", _items("prevention_measures", [Item(label="Monitoring", text="")]),
     "1 measure lacks a description of what to do", "prevention_measures"),
    ("prevention", _items("prevention_measures", [
        Item(label="Monitoring", text="Alerts"),
        Item(label="Testing", text="[Description and implementation]"),
        Item(label="Docs", text="Updated the capacity guide"),
    ]), "2 measures lack a description of what to do", "prevention_measures"),
    ("learning", _items("learning_points", []), "no learning points yet", "learning_points"),
    ("learning", _items("learning_points", [Item(text="Pools matter"),
                                            Item(text="Monitoring connection pools is essential"),
                                            Item(text="[Key insight 1]")]),
     "2 learning points under 4 words", "learning_points"),
    ("followups", _items("follow_up_actions", []), "no follow-up actions yet",
     "follow_up_actions"),
    ("followups", _items("follow_up_actions", [
        Action(text="Scale pools", deadline="2026-03-01"),
        Action(text="Add health checks", deadline="2026-03-01"),
        Action(text="Update the guide", deadline="2026-03-01"),
    ]), "3 follow-ups lack an owner", "follow_up_actions"),
    ("followups", _items("follow_up_actions", [Action(text="Scale pools", owner="@dana")]),
     "1 follow-up lacks a deadline", "follow_up_actions"),
    ("followups", _items("follow_up_actions", [
        Action(text="Scale pools"),
        Action(text="Add checks", owner="@li", deadline="next sprint"),
    ]), "1 follow-up lacks an owner; 1 follow-up lacks a deadline; 1 deadline not a YYYY-MM-DD "
        "date", "follow_up_actions"),
    ("tagged", _tags([]), "no tags yet", "issue_summary"),
    ("related", _items("related_issues", []), "no related issues linked", "related_issues"),
    ("related", _items("related_issues", [Item(label="Pool sizing", text="Similar last year")]),
     "related issues are named but not linked", "related_issues"),
    ("metrics", _set(time_to_resolution=""), "Time to Resolution is not quantified", "metrics"),
    ("metrics", _set(time_to_resolution="[How long to resolve]"),
     "Time to Resolution is not quantified", "metrics"),
    ("metrics", _set(time_to_detection="quickly", system_availability="mostly up"),
     "2 metrics are not quantified: Time to Detection, System Availability", "metrics"),
]


@pytest.mark.parametrize(("key", "change", "reason", "section"), FAILURES,
                         ids=[f"{f[0]}-{f[2][:30]}" for f in FAILURES])
def test_each_item_fails_with_its_reason(key: str, change: Mutation, reason: str,
                                         section: str) -> None:
    entry = complete()
    change(entry)
    assert _only_failing(entry, key) == reason
    assert item(entry, key).section == section


def test_an_invalid_category_fails_required_naming_it_and_tagged() -> None:
    """A field error is never "completed": the required item names the field."""
    entry = complete()
    _set(category="outage")(entry)
    failing = {i.key: i.reason for i in evaluate(entry).failing()}
    assert failing == {"required": "1 field invalid: Category",
                       "tagged": "no valid category yet"}


def test_every_item_has_a_failing_case() -> None:
    assert {f[0] for f in FAILURES} == set(KEYS)


PASSES: list[tuple[str, Mutation]] = [
    # Variants that still pass: the checks are not fooled into failing.
    ("code", _items("commands_used", [])),  # no code at all: nothing to check
    ("code", _items("commands_used", [Fence(code="Run these on the bastion:", raw=True),
                                      Fence(language="bash", code="uptime")])),
    ("code", _items("commands_used", [Fence(language="bash", code="")])),  # an empty block
    ("prevention", _items("prevention_measures", [Item(text="Load-test the pool weekly")])),
    ("followups", _items("follow_up_actions", [
        Action(text="Done already", done=True, owner="@li", deadline="2025-08-01"),
        Action(text="", owner="", deadline=""),  # an empty row is not a follow-up
    ])),
    ("related", _items("related_issues", [Item(label="Pattern", text="see pool-sizing.md")])),
    ("related", _items("related_issues", [Item(label="Ticket", text="OPS-123")])),
    ("related", _items("related_issues", [Item(text="https://status.example.com/incidents/9")])),
    ("related", _items("related_issues", [Item(text="GitHub issue #42")])),
]


@pytest.mark.parametrize(("key", "change"), PASSES, ids=[f"{p[0]}-{i}" for i, p in
                                                         enumerate(PASSES)])
def test_variants_that_still_pass(key: str, change: Mutation) -> None:
    entry = complete()
    change(entry)
    result = item(entry, key)
    assert result.passed, result.reason
    assert evaluate(entry).passed


def test_a_new_entry_fails_every_item_but_code() -> None:
    checklist = evaluate(new_entry())
    failing = {i.key: i.reason for i in checklist.failing()}
    assert set(failing) == set(KEYS) - {"code"}
    assert failing["required"].startswith("15 required fields empty: Category, Title, Severity")
    assert failing["tagged"] == "no valid category yet"
    assert failing["metrics"] == (
        "4 metrics are not quantified: Time to Detection, Time to Resolution, "
        "System Availability, Performance Impact"
    )
    assert checklist.score == 1 and checklist.percent == 12


def test_the_seed_example_is_scored_as_a_person_would() -> None:
    entry = parse_bytes((SEED / "example1-service-issue.md").read_bytes()).entry
    checklist = evaluate(entry)
    assert isinstance(checklist, Checklist)
    failing = {i.key: i.reason for i in checklist.failing()}
    assert failing == {
        "followups": "3 follow-ups lack an owner; 3 follow-ups lack a deadline",
        "tagged": "no tags yet",
        "related": "no related issues linked",
        "metrics": (
            "4 metrics are not quantified: Time to Detection, Time to Resolution, "
            "System Availability, Performance Impact"
        ),
    }
    assert checklist.percent == 50


def test_the_template_placeholders_do_not_count_as_filled() -> None:
    template = parse_bytes((SEED.parent / "template.md").read_bytes()).entry
    checklist = evaluate(template)
    failing = {i.key: i.reason for i in checklist.failing()}
    assert failing["required"].startswith("15 required fields empty")
    assert failing["code"] == "Commands Used still holds the template's placeholder"
    assert failing["prevention"] == "3 measures lack a description of what to do"
    assert failing["learning"] == "5 learning points under 4 words"
    assert failing["metrics"].startswith("4 metrics are not quantified")
