"""Keys in the wizard land where the author meant them: follow-up rows, Escape, the footer."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox

from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.wizard import WizardScreen
from opswizard.tui.widgets.list_editor import ItemRow

from .keys_helpers import burst, typed, until

SIZE = (120, 40)


async def open_step(pilot, key: str) -> WizardScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, WizardScreen), "the wizard")
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    await app.workers.wait_for_complete()
    await screen.show_step(key)
    await pilot.pause()
    return screen


async def test_first_follow_up_row_starts_on_the_action_text(kb: Path) -> None:
    """The bug: the first row started on its checkbox, rows added with Enter on Action."""
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "follow_up_actions")
        await burst(pilot, *typed("Add alerts", ["tab"], "@dana", ["tab"], "2026-04-01",
                                  ["enter"], "Write runbook", ["tab"], "@lee", ["tab"],
                                  "2026-05-01"))
        want = [("Add alerts", "@dana", "2026-04-01"), ("Write runbook", "@lee", "2026-05-01")]

        def saved() -> list[tuple[str, str, str]]:
            return [(a.text, a.owner, a.deadline) for a in screen.entry.follow_up_actions.items]

        # the keys are all handled; the rows' changes reach the entry a message later
        await until(pilot, lambda: saved() == want, "both rows in the entry")
        assert saved() == want


async def test_ctrl_t_ticks_the_follow_up_the_cursor_is_in(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "follow_up_actions")
        await pilot.press(*typed("Add alerts"), "ctrl+t")
        row = screen.query_one("#editor-follow_up_actions").query(ItemRow).first()
        assert row.query_one(Checkbox).value is True
        assert screen.entry.follow_up_actions.items[0].done is True
        assert app.focused is not None and "item-text" in app.focused.classes


async def test_escape_for_a_dropdown_not_showing_does_not_open_the_unsaved_dialog(
        kb: Path) -> None:
    """The bug: Escape meant for a dropdown that was not showing opened "Unsaved changes",
    and the next ctrl+s did nothing."""
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "issue_summary")
        screen.query_one("#field-tags").focus()
        await pilot.press(*typed("payments"), "escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.saved_path is not None, "saved")


async def test_a_key_between_two_escapes_means_they_are_not_a_pair(kb: Path) -> None:
    from opswizard.tui.screens.dialogs import ChoiceDialog

    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "context")
        await pilot.press(*typed("busy"), "escape", "x", "escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ChoiceDialog), "the unsaved dialog")


async def test_escape_in_the_browser_filter_returns_focus_to_the_table(kb: Path) -> None:
    """The bug: the first Escape cleared the filter but kept focus in it, so the next `r`
    typed an "r"."""
    import shutil

    from textual.widgets import Input

    from opswizard.tui.widgets.entry_table import EntryTable

    from .conftest import FIXTURES

    shutil.copytree(FIXTURES / "kb", kb, dirs_exist_ok=True)
    app = OpsWizardApp(kb)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.query(EntryTable), "the browser")
        await app.workers.wait_for_complete()
        await pilot.press("slash", *typed("kafka"), "escape")
        field = app.screen.query_one("#filter", Input)
        assert field.value == ""
        assert isinstance(app.focused, EntryTable)
        await pilot.press("r")
        assert field.value == ""
