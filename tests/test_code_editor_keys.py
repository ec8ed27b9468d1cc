"""Code editors: Tab leaves them, ctrl+] / ctrl+\\ indent and dedent, and a change with an
empty half fails the checklist and warns in `validate`."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from opswizard.core import change as changes
from opswizard.core.checklist import evaluate
from opswizard.core.checks import check_entry
from opswizard.core.model import Fence, new_entry
from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.wizard import WizardScreen

from .keys_helpers import burst, typed, until

SIZE = (120, 40)


async def _code_changes(pilot) -> WizardScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, WizardScreen), "the wizard")
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    await app.workers.wait_for_complete()
    await screen.show_step("code_changes")
    await pilot.pause()
    return screen


def _change(screen: WizardScreen) -> changes.Change:
    fence = screen.entry.section("code_changes").first_fence()
    assert fence is not None
    parts = changes.split(fence.code)
    assert parts is not None, fence.code
    return parts


async def test_tab_in_code_changes_moves_from_before_to_after(kb: Path) -> None:
    """The bug: Tab inserted four spaces; both blocks were saved in Before, After empty."""
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _code_changes(pilot)
        await pilot.press("tab")  # language -> Before
        assert app.focused is not None and app.focused.id == "before"
        await pilot.press(*typed("pool = 10", ["tab"], "pool = 50"))
        await pilot.pause()
        parts = _change(screen)
        assert parts.before == "pool = 10"
        assert parts.after == "pool = 50"


async def test_tab_in_code_changes_typed_in_one_burst(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _code_changes(pilot)
        await burst(pilot, *typed(["tab"], "x = 1", ["tab"], "x = 2"))
        parts = _change(screen)
        assert (parts.before, parts.after) == ("x = 1", "x = 2")


async def test_indent_and_dedent_keys_in_a_code_editor(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _code_changes(pilot)
        await pilot.press("tab", *typed("if x:"), "enter", *typed("y"))
        area = screen.query_one("#before", TextArea)
        await pilot.press("ctrl+right_square_bracket")
        assert area.text == "if x:\n    y"
        await pilot.press("ctrl+right_square_bracket", "ctrl+backslash")
        assert area.text == "if x:\n    y"
        await pilot.press("ctrl+backslash")
        assert area.text == "if x:\ny"


async def test_footer_says_how_to_leave_and_indent_a_code_editor(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        await _code_changes(pilot)
        await pilot.press("tab")
        shown = {b.binding.description for b in app.screen.active_bindings.values()
                 if b.binding.show}
        assert {"Next field", "Indent", "Dedent"} <= shown


def _half(before: str, after: str):  # type: ignore[no-untyped-def]
    entry = new_entry(title="x")
    code = changes.compose(changes.Change(before=before, after=after))
    entry.section("configuration_changes").items = [Fence(language="yaml", code=code)]
    return entry


def test_a_change_with_an_empty_after_fails_the_checklist_and_warns() -> None:
    entry = _half("max_connections: 10", "")
    item = next(i for i in evaluate(entry).items if i.key == "code")
    assert not item.passed
    assert "Configuration Changes" in item.reason and "After" in item.reason
    warnings = [f for f in check_entry(entry) if "After block is empty" in f.message]
    assert warnings and warnings[0].level == "warning"


def test_a_change_with_both_halves_passes() -> None:
    entry = _half("max_connections: 10", "max_connections: 50")
    item = next(i for i in evaluate(entry).items if i.key == "code")
    assert item.passed, item.reason
    assert not [f for f in check_entry(entry) if "block is empty" in f.message]
