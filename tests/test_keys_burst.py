"""Every key lands in the field that had focus when it was pressed, whatever the timing:
text, Tab and the next field's text delivered together (one Pilot burst, no pauses)."""

from __future__ import annotations

from pathlib import Path

from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.wizard import WizardScreen

from .keys_helpers import burst, typed, until

SIZE = (120, 40)


def wizard(app: OpsWizardApp) -> WizardScreen:
    screen = app.screen
    assert isinstance(screen, WizardScreen), screen
    return screen


async def open_step(pilot, key: str) -> WizardScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, WizardScreen), "the wizard")
    screen = wizard(app)
    await app.workers.wait_for_complete()
    await screen.show_step(key)
    await pilot.pause()
    return screen


async def test_context_values_typed_in_one_burst_land_in_their_own_fields(kb: Path) -> None:
    """The bug: all five Context values ended up in System State."""
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "context")
        await burst(pilot, *typed("steady", ["tab"], "errors", ["tab"], "prod", ["tab"],
                                  "api", ["tab"], "deploy"))
        assert screen.entry.get("system_state") == "steady"
        assert screen.entry.get("symptoms") == "errors"
        assert screen.entry.get("environment") == "Production"
        assert screen.entry.get("related_services") == "api"
        assert screen.entry.get("trigger") == "deploy"


async def test_summary_burst_through_date_select_tags_and_inputs(kb: Path) -> None:
    """Input, Select (type-ahead), the tags field and more inputs, in one burst."""
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "issue_summary")
        assert app.focused is not None and app.focused.id == "field-date"
        await burst(pilot, "ctrl+a", "ctrl+k",
                    *typed("2026-03-04T10:20:30Z", ["tab"], "deploy", ["tab"],
                           "payments, deploy", ["tab"], "Bad deploy", ["tab"], "high",
                           ["tab"], "1h 30m", ["tab"], "Checkout failing"))
        entry = screen.entry
        assert entry.date == "2026-03-04T10:20:30Z"
        assert entry.category == "deployment"
        assert entry.tags == ["payments", "deploy"]
        assert entry.title == "Bad deploy"
        assert entry.severity == "HIGH"
        assert entry.get("duration") == "1h 30m"
        assert entry.get("impact") == "Checkout failing"


async def test_list_items_added_with_enter_in_one_burst(kb: Path) -> None:
    """Enter adds a row and moves into it: the next text lands there, not in the old row."""
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "resolution_steps")
        await burst(pilot, *typed("Rolled back", ["enter"], "Drained queue", ["enter"],
                                  "Restarted"))
        steps = [i.text for i in screen.entry.resolution_steps.items]
        assert steps == ["Rolled back", "Drained queue", "Restarted"]


async def test_labelled_items_in_one_burst(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "prevention_measures")
        await burst(pilot, *typed("Canary", ["tab"], "Deploy to 5% first", ["enter"],
                                  "Alert", ["tab"], "Page on p99"))
        items = [(i.label, i.text) for i in screen.entry.prevention_measures.items]
        assert items == [("Canary", "Deploy to 5% first"), ("Alert", "Page on p99")]


async def test_metrics_then_next_step_in_one_burst(kb: Path) -> None:
    """Text, ctrl+n and the next step's text: each in its own step."""
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "metrics")
        await burst(pilot, *typed("5 minutes", ["tab"], "90 minutes", ["ctrl+n"],
                                  "Checked dashboards", ["tab"], "all green"))
        assert screen.entry.get("time_to_detection") == "5 minutes"
        assert screen.entry.get("time_to_resolution") == "90 minutes"
        items = [(i.label, i.text) for i in screen.entry.section("validation").items]
        assert items == [("Checked dashboards", "all green")]


async def test_prose_after_a_code_block_in_one_burst(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "commands_used")
        await burst(pilot, *typed(["tab"], "kubectl get pods", ["enter"], "kubectl logs x",
                                  ["tab"]))
        fence = screen.entry.section("commands_used").first_fence()
        assert fence is not None and fence.code == "kubectl get pods\nkubectl logs x"
        assert app.focused is not None and app.focused.id != "code"  # Tab left the code
