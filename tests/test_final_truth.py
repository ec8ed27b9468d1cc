"""One truth for "can this be final?": a field error fails the checklist (the field named),
ctrl+f asks for a reason exactly as for any failing item, and the checklist panel, the
review, ctrl+f and `validate` agree on every entry."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import OptionList

from opswizard.core.checklist import evaluate, field_errors
from opswizard.core.checks import check_entry
from opswizard.core.model import EntryBase
from opswizard.core.template import FIELD_BY_KEY
from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.dialogs import ReasonDialog
from opswizard.tui.screens.wizard import WizardScreen
from opswizard.tui.widgets.checklist_panel import ChecklistPanel

from .conftest import FIXTURES
from .keys_helpers import until
from .test_roundtrip_properties import entries

PASSING = (FIXTURES / "kb/issues/kafka/ops-learning-2025-09-03-22-47-00-issue-kafka-broker-"
           "disk-full-caused-under-replicated-partitions.md")

BAD_VALUES = {
    "date": ["2026-02-30", "yesterday", "2026-13-01T10:00:00Z"],
    "category": ["outage", "SEVERE"],
    "severity": ["SEVERE", "sev1"],
    "duration": ["a while", "forever-ish"],
}


def _with_bad_values(kb: Path) -> Path:
    path = kb / PASSING.name
    shutil.copyfile(PASSING, path)
    text = path.read_text()
    text = text.replace("- **Severity**: ", "- **Severity**: SEVERE\n- **Was**: ", 1)
    lines = [("- **Date**: 2026-02-30T10:00:00Z" if ln.startswith("- **Date**:") else ln)
             for ln in text.split("\n")]
    path.write_text("\n".join(lines))
    return path


def test_the_fixture_passes_until_its_fields_are_broken(kb: Path) -> None:
    from opswizard.core.parse import parse_bytes

    assert evaluate(parse_bytes(PASSING.read_bytes()).entry).passed
    entry = parse_bytes(_with_bad_values(kb).read_bytes()).entry
    assert {key for _, key, _, _ in field_errors(entry)} == {"date", "severity"}


async def test_invalid_date_and_severity_fail_the_checklist_and_ctrl_f_asks(kb: Path) -> None:
    """The bug: both errors shown in red, yet the checklist said 8/8 and ctrl+f saved it as
    final without asking; `validate` then reported 2 errors."""
    path = _with_bad_values(kb)
    before = path.read_bytes()
    app = OpsWizardApp(kb, mode="edit", path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, WizardScreen), "the wizard")
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        options = screen.query_one(ChecklistPanel).query_one(OptionList)
        shown = " ".join(options.get_option_at_index(i).prompt.plain  # type: ignore[union-attr]
                         for i in range(options.option_count))
        assert "✗ All required fields" in shown
        assert "Date" in shown and "Severity" in shown
        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog), "the reason dialog")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, WizardScreen), "back in the wizard")
    assert path.read_bytes() == before  # cancelled: nothing saved


def _inject(entry: EntryBase, data: st.DataObject) -> None:
    for key in data.draw(st.lists(st.sampled_from(sorted(BAD_VALUES)), unique=True,
                                  max_size=3)):
        section = entry.section(FIELD_BY_KEY[key][0].key)
        setattr(section, key, data.draw(st.sampled_from(BAD_VALUES[key])))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(entries(), st.data())
def test_checklist_and_validate_agree_on_every_entry(entry: EntryBase,
                                                     data: st.DataObject) -> None:
    _inject(entry, data)
    checklist = evaluate(entry)
    invalid = field_errors(entry)
    errors = {f.where.removeprefix("field:") for f in check_entry(entry)
              if f.level == "error" and f.where.startswith("field:")
              and "is empty" not in f.message}
    # validate's field errors are exactly the checklist's invalid fields
    assert errors == {key for _, key, _, _ in invalid}
    if invalid:
        assert not checklist.passed
        required = next(i for i in checklist.items if i.key == "required")
        assert not required.passed
        for _, _, label, _ in invalid[:3]:
            assert label in required.reason
    # As final with no override: validate finds something exactly when the checklist fails.
    entry.status, entry.checklist_override = "final", ""
    findings = check_entry(entry)
    complaints = [f for f in findings if f.level == "error" or f.message.startswith("checklist:")]
    assert bool(complaints) == (not checklist.passed)
