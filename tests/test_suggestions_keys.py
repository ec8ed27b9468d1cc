"""Suggestions never replace what was typed; the related-entry list answers its hint."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.wizard import WizardScreen
from opswizard.tui.widgets.related_editor import CandidateList
from opswizard.tui.widgets.suggest_input import SuggestInput

from .keys_helpers import typed, until
from .test_wizard_suggestions import PREFILL, SIZE, fixture_kb

RELATED = dict(PREFILL, symptoms="Connection pool exhausted, timeout acquiring connection",
               related_services="payments-api")


async def _tags(pilot) -> tuple[WizardScreen, Input, SuggestInput]:  # type: ignore[no-untyped-def]
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    await until(pilot, lambda: screen.context.suggester is not None, "the index")
    tags = screen.query_one("#field-tags", Input)
    tags.focus()
    dropdown = next(s for s in screen.query(SuggestInput) if s.target is tags)
    return screen, tags, dropdown


async def test_tab_keeps_a_new_tag_and_never_takes_the_fuzzy_suggestion(kb: Path) -> None:
    """The bug: typing a new tag and pressing Tab replaced it with a fuzzy suggestion."""
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        screen, tags, dropdown = await _tags(pilot)
        await pilot.press(*typed("conn pool"))
        await until(pilot, lambda: dropdown.display and dropdown.option_list.option_count > 0,
                    "suggestions shown")
        await pilot.press("tab")
        assert tags.value == "conn pool"
        assert screen.entry.tags == ["conn-pool"]
        assert app.focused is not tags and not dropdown.display


async def test_enter_without_moving_into_the_list_keeps_the_typed_tag(kb: Path) -> None:
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        _, tags, dropdown = await _tags(pilot)
        await pilot.press(*typed("conn pool"))
        await until(pilot, lambda: dropdown.display and dropdown.option_list.option_count > 0,
                    "suggestions shown")
        assert dropdown.option_list.highlighted is None  # nothing chosen yet
        await pilot.press("enter")
        assert tags.value == "conn pool"


async def test_accepting_a_suggestion_then_typing_the_next_tag_makes_no_empty_tag(
        kb: Path) -> None:
    """The bug: enter added `, ` itself, so `, pgbouncer` typed after it gave an empty tag."""
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        screen, tags, dropdown = await _tags(pilot)
        await pilot.press(*typed("conn pool"))
        await until(pilot, lambda: dropdown.display and dropdown.option_list.option_count > 0,
                    "suggestions shown")
        await pilot.press("down", "enter", *typed(", pgbouncer"))
        assert tags.value == "connection-pool, pgbouncer"
        assert [t.strip() for t in tags.value.split(",")] == ["connection-pool", "pgbouncer"]
        await pilot.press("escape")  # dismiss any list for pgbouncer
        assert screen.entry.tags == ["connection-pool", "pgbouncer"]


async def _related(pilot) -> tuple[WizardScreen, CandidateList]:  # type: ignore[no-untyped-def]
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    await until(pilot, lambda: screen.context.suggester is not None, "the index")
    await app.workers.wait_for_complete()
    await screen.show_step("related_issues")
    candidates = screen.query_one(CandidateList)
    await until(pilot, lambda: candidates.option_count > 1, "related candidates")
    await pilot.pause()
    return screen, candidates


async def test_enter_links_the_first_related_entry_as_soon_as_the_step_opens(kb: Path) -> None:
    """The bug: Enter did nothing when the step opened (nothing highlighted)."""
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=RELATED)
    async with app.run_test(size=SIZE) as pilot:
        screen, candidates = await _related(pilot)
        candidates.focus()
        assert candidates.highlighted == 0
        first = str(candidates.get_option_at_index(0).prompt).split("\n")[0]
        await pilot.press("enter")
        await until(pilot, lambda: any(first in i.text
                                       for i in screen.entry.related_issues.items), "linked")


async def test_up_from_the_top_of_the_related_list_does_not_wrap(kb: Path) -> None:
    """The bug: Up from the top wrapped to the bottom and linked an entry nobody meant."""
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=RELATED)
    async with app.run_test(size=SIZE) as pilot:
        _, candidates = await _related(pilot)
        candidates.focus()
        await pilot.press("up")
        assert candidates.highlighted == 0
        await pilot.press(*["down"] * (candidates.option_count + 2))
        assert candidates.highlighted == candidates.option_count - 1


async def test_the_related_box_collapses_once_every_suggestion_is_linked(kb: Path) -> None:
    """The bug: an empty box stayed after all were linked."""
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=RELATED)
    async with app.run_test(size=SIZE) as pilot:
        screen, candidates = await _related(pilot)
        candidates.focus()
        count = candidates.option_count
        for _ in range(count):
            await pilot.press("enter")
        await until(pilot, lambda: not candidates.display, "the box collapsed")
        assert len([i for i in screen.entry.related_issues.items if i.text]) == count
        assert app.focused is not None and app.focused is not candidates
