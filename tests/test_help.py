"""In-app help: on every screen, F1 opens a HelpScreen listing that screen's keys (issue 8).

Each test opens one screen, presses f1 and checks the help names every key the screen
binds, with its description, and says what the screen is for; dialogs and pickers have a
title and a purpose written for people, and the help says how to close it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Markdown

from opswizard import demo
from opswizard.core import journal
from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.browse import BrowseScreen
from opswizard.tui.screens.dialogs import ChoiceDialog, ReasonDialog
from opswizard.tui.screens.entry_view import EntryViewScreen
from opswizard.tui.screens.facet_picker import FacetPicker
from opswizard.tui.screens.help import HelpScreen, _key_name
from opswizard.tui.screens.peek import PeekScreen
from opswizard.tui.screens.recovery import DiffScreen, RecoveryScreen
from opswizard.tui.screens.related import RelatedScreen
from opswizard.tui.screens.wizard import WizardScreen

from .keys_helpers import until as wait_for

SIZE = (120, 36)
PAYMENTS = ("issues/payments-api/ops-learning-2026-03-10-19-05-00-issue-payments-api-outage-"
            "from-pgbouncer-pool-saturation.md")


@pytest.fixture
def demo_kb(tmp_path: Path, state_dirs: Path) -> Path:
    return demo.copy_to(tmp_path / "kb")




async def browser(pilot) -> BrowseScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen)
                   and app.screen.query_one(DataTable).row_count > 0)
    return app.screen  # type: ignore[no-any-return]


def own_keys(screen: Screen[object]) -> set[tuple[str, str]]:
    """(key, description) of every binding the screen's class declares."""
    return {
        (_key_name(b.key_display or b.key), b.description)
        for b in type(screen).BINDINGS
        if isinstance(b, Binding) and b.description and b.action != "app.help"
    }


async def open_help(pilot, key: str = "f1") -> HelpScreen:  # type: ignore[no-untyped-def]
    under = pilot.app.screen
    await pilot.press(key)
    await pilot.pause()
    help_screen = pilot.app.screen
    assert isinstance(help_screen, HelpScreen), f"{key} on {type(under).__name__}"
    shown = help_screen.query_one(Markdown).source
    for name, description in own_keys(under):
        assert (name, description) in help_screen._keys, (name, description)
        assert f"`{name}` | {description}" in shown, (name, description)
    assert help_screen._purpose.strip()
    return help_screen


async def close_help(pilot, key: str = "escape") -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await pilot.pause()
    assert not isinstance(pilot.app.screen, HelpScreen)


# -- full screens ---------------------------------------------------------------------------
async def test_browser_f1_and_question_mark(demo_kb: Path) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await browser(pilot)
        help_screen = await open_help(pilot)
        assert help_screen._title == BrowseScreen.HELP_TITLE
        await close_help(pilot)
        await open_help(pilot, "question_mark")
        await close_help(pilot)
        assert isinstance(app.screen, BrowseScreen)


async def test_reader_f1_and_question_mark(demo_kb: Path) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        screen = await browser(pilot)
        row = next(r for r in screen.all_rows if r.key == PAYMENTS)
        await app.push_screen(EntryViewScreen(row))
        await pilot.pause()
        assert (await open_help(pilot))._title == EntryViewScreen.HELP_TITLE
        await close_help(pilot)
        await open_help(pilot, "question_mark")


async def test_peek_f1(demo_kb: Path) -> None:
    app = OpsWizardApp(demo_kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(PeekScreen.for_path(demo_kb / PAYMENTS, demo_kb))
        await pilot.pause()
        assert (await open_help(pilot))._title == PeekScreen.HELP_TITLE
        await close_help(pilot)
        assert isinstance(app.screen, PeekScreen)


async def test_wizard_f1_while_typing_in_a_field(demo_kb: Path) -> None:
    app = OpsWizardApp(demo_kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "field-date"
        help_screen = await open_help(pilot)
        assert help_screen._title == WizardScreen.HELP_TITLE
        assert ("Ctrl+R", "Review") in help_screen._keys
        await close_help(pilot)
        assert isinstance(app.screen, WizardScreen)
        assert app.focused is not None and app.focused.id == "field-date"


# -- dialogs --------------------------------------------------------------------------------
def choice() -> ChoiceDialog:
    return ChoiceDialog("Unsaved changes", "Save them?", [("save", "Save", "primary"),
                                                          ("cancel", "Cancel", "default")])


def reason() -> ReasonDialog:
    from textual.content import Content

    return ReasonDialog("Save as final?", Content("Two items fail."), "Why?")


def recovery(root: Path) -> RecoveryScreen:
    pending = journal.Journal(root / "j.json", str(root), None, "id", "Lost entry",
                              "2026-03-04T10:20:30Z", "text", None)
    return RecoveryScreen([pending])


def diff() -> DiffScreen:
    from textual.content import Content

    return DiffScreen("Unsaved text compared with the file on disk", Content("-a\n+b"))


DIALOGS = {
    "choice": lambda root: choice(),
    "reason": lambda root: reason(),
    "recovery": recovery,
    "diff": lambda root: diff(),
}


@pytest.mark.parametrize("name", sorted(DIALOGS))
async def test_dialog_f1(demo_kb: Path, name: str) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await browser(pilot)
        dialog = DIALOGS[name](demo_kb)
        await app.push_screen(dialog)
        await pilot.pause()
        await open_help(pilot)
        await close_help(pilot)
        assert app.screen is dialog


async def test_facet_picker_f1_while_typing(demo_kb: Path) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await browser(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, FacetPicker))
        await open_help(pilot)
        await close_help(pilot)
        assert isinstance(app.screen, FacetPicker)


async def test_related_f1(demo_kb: Path) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await browser(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RelatedScreen))
        await open_help(pilot)
        await close_help(pilot)
        assert isinstance(app.screen, RelatedScreen)


# -- the help itself --------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["escape", "f1", "question_mark", "q"])
async def test_help_closes_with_its_keys(demo_kb: Path, key: str) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await browser(pilot)
        await open_help(pilot)
        await close_help(pilot, key)
        assert isinstance(app.screen, BrowseScreen)


@pytest.mark.parametrize("name", ["choice", "recovery", "diff"])
async def test_question_mark_opens_help_on_dialogs_without_text_input(demo_kb: Path,
                                                                      name: str) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await browser(pilot)
        await app.push_screen(DIALOGS[name](demo_kb))
        await pilot.pause()
        await open_help(pilot, "question_mark")


async def test_question_mark_is_typed_in_a_text_field(demo_kb: Path) -> None:
    app = OpsWizardApp(demo_kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end", "question_mark")
        assert isinstance(app.screen, WizardScreen)
        assert app.focused is not None and app.focused.value.endswith("?")  # type: ignore[attr-defined]


async def test_question_mark_is_typed_in_the_browser_filter(demo_kb: Path) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await browser(pilot)
        await pilot.press("slash", "question_mark")
        assert isinstance(app.screen, BrowseScreen)
        assert app.screen.query_one("#filter").value == "?"  # type: ignore[attr-defined]


# -- titles, purposes and closing, for people -------------------------------------------------
async def test_help_says_how_to_close_it(demo_kb: Path) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await browser(pilot)
        help_screen = await open_help(pilot)
        text = help_screen._purpose + help_screen.query_one(Markdown).source
        assert "Close help" in text or "Escape" in text


GAP_SCREENS = {
    "choice": lambda root: choice(),
    "reason": lambda root: reason(),
    "diff": lambda root: diff(),
}


@pytest.mark.parametrize("name", sorted(GAP_SCREENS))
async def test_dialog_help_has_a_title_and_purpose_for_people(demo_kb: Path, name: str) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await browser(pilot)
        dialog = GAP_SCREENS[name](demo_kb)
        await app.push_screen(dialog)
        await pilot.pause()
        help_screen = await open_help(pilot)
        assert help_screen._title != type(dialog).__name__


@pytest.mark.parametrize("key,screen_type", [("c", FacetPicker), ("r", RelatedScreen)])
async def test_browser_dialog_help_has_a_title(demo_kb: Path, key: str,
                                               screen_type: type) -> None:
    app = OpsWizardApp(demo_kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await browser(pilot)
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, screen_type))
        help_screen = await open_help(pilot)
        assert help_screen._title != screen_type.__name__


