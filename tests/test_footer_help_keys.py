"""At 80x24 the footer keeps F1, Escape and the step keys; F1 lists the keys of the widget
with the cursor and of the screen, never the help screen's own."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Markdown

from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.help import HelpScreen
from opswizard.tui.screens.wizard import WizardScreen

from .keys_helpers import typed, until

SMALL = (80, 24)


def footer_line(app: OpsWizardApp) -> str:
    return app.screen._compositor.render_strips()[-1].text


async def _wizard_at(pilot, step: str) -> WizardScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, WizardScreen), "the wizard")
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    await app.workers.wait_for_complete()
    await screen.show_step(step)
    await pilot.pause()
    return screen


async def test_footer_at_80_columns_keeps_help_escape_and_step_keys(kb: Path) -> None:
    """The bug: at 80x24 the footer dropped F1, Escape and F2."""
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SMALL) as pilot:
        for step in ("issue_summary", "code_changes", "follow_up_actions"):
            await _wizard_at(pilot, step)
            if step == "code_changes":
                await pilot.press("tab")
            await pilot.pause()
            shown = footer_line(app)
            for key in ("f1", "esc", "^n", "^b"):
                assert key in shown, (step, shown)


async def test_footer_in_a_code_editor_says_how_to_leave_it(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=(120, 30)) as pilot:
        await _wizard_at(pilot, "code_changes")
        await pilot.press("tab")
        await pilot.pause()
        assert "tab Next field" in footer_line(app)
        assert "Indent" in footer_line(app)


async def test_footer_follows_the_keys_and_keeps_them_when_they_stay_the_same(kb: Path) -> None:
    """Tab between two text fields keeps the footer's keys as they are (Textual rebuilds
    them on every focus change); moving into a code editor shows its keys, and back out
    drops them."""
    from textual.widgets._footer import FooterKey

    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _wizard_at(pilot, "context")
        await until(pilot, lambda: app.focused is not None and app.focused.id == \
                    "field-system_state", "the first Context field focused")
        await pilot.pause()
        before = list(screen.query(FooterKey))
        await pilot.press("tab")
        await until(pilot, lambda: app.focused is not None and app.focused.id == \
                    "field-symptoms", "the next field focused")
        await pilot.pause()
        assert list(screen.query(FooterKey)) == before  # the same widgets: not rebuilt
        await screen.show_step("code_changes")
        await pilot.press("tab")
        await until(pilot, lambda: "Indent" in footer_line(app), "the code editor's keys")
        await pilot.press("ctrl+b")
        await until(pilot, lambda: "Indent" not in footer_line(app), "its keys gone")


async def _help(pilot) -> HelpScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f1")
    await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help")
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen)
    return screen


async def test_f1_in_a_code_editor_lists_how_to_leave_and_indent(kb: Path) -> None:
    """The bug: F1 listed the help screen's own keys and omitted Tab/Shift+Tab and how to
    leave a code editor."""
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=(120, 36)) as pilot:
        await _wizard_at(pilot, "code_changes")
        await pilot.press("tab")
        help_screen = await _help(pilot)
        keys = dict(help_screen._keys)
        assert keys["Tab"] == "Next field"
        assert keys["Ctrl+]"] == "Indent"
        assert keys["Ctrl+\\"] == "Dedent"
        assert keys["Tab / Shift+Tab"] == "Next / previous field"
        assert "Close help" not in help_screen.query_one(Markdown).source


async def test_f1_in_a_list_item_lists_the_item_keys(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=(120, 36)) as pilot:
        await _wizard_at(pilot, "follow_up_actions")
        help_screen = await _help(pilot)
        keys = help_screen._keys
        assert ("Enter", "Add an item below this one") in keys
        assert ("Ctrl+T", "Done") in keys
        assert ("Ctrl+O", "Add item") in keys
        # the widget with the cursor first
        assert keys.index(("Enter", "Add an item below this one")) < keys.index(
            ("Ctrl+R", "Review"))


async def test_f1_in_a_field_with_suggestions_lists_their_keys(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _wizard_at(pilot, "issue_summary")
        screen.query_one("#field-tags").focus()
        await pilot.press(*typed("x"))
        help_screen = await _help(pilot)
        assert ("Tab", "Move on, keeping what you typed") in help_screen._keys
