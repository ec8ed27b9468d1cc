"""Pilot tests: knowledge-base suggestions inside the wizard (issue 4)."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Input, OptionList, Select, Static

from opswizard.core.parse import parse_bytes
from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.peek import PeekScreen
from opswizard.tui.screens.wizard import WizardScreen
from opswizard.tui.widgets.related_editor import CandidateList
from opswizard.tui.widgets.similar_notice import SimilarNotice
from opswizard.tui.widgets.suggest_input import SuggestInput

from .conftest import FIXTURES
from .keys_helpers import until as wait_for
from .test_wizard import type_text

SIZE = (120, 40)
PREFILL = {"title": "Connection pool exhausted on payments", "category": "issue",
           "date": "2026-02-01T09:00:00Z"}


def fixture_kb(kb: Path) -> Path:
    shutil.copytree(FIXTURES / "kb", kb, dirs_exist_ok=True)
    return kb




async def ready(pilot, app: OpsWizardApp) -> WizardScreen:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    await wait_for(pilot, lambda: screen.context.suggester is not None)
    return screen


async def test_partial_tag_accepted_by_keyboard_is_saved(kb: Path) -> None:
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        tags = screen.query_one("#field-tags", Input)
        tags.focus()
        await type_text(pilot, "conn pool")
        dropdown = next(s for s in screen.query(SuggestInput) if s.target is tags)
        await wait_for(pilot, lambda: dropdown.option_list.option_count > 0 and dropdown.display)
        first = dropdown.option_list.get_option_at_index(0)
        assert first.value == "connection-pool"  # type: ignore[attr-defined]
        await pilot.press("down", "enter")  # an explicit choice: into the list, then enter
        assert tags.value == "connection-pool"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.saved_path is not None)
        saved = screen.saved_path
    assert saved is not None
    assert parse_bytes(saved.read_bytes()).entry.tags == ["connection-pool"]


async def test_escape_dismisses_the_dropdown_and_keeps_the_text(kb: Path) -> None:
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        tags = screen.query_one("#field-tags", Input)
        tags.focus()
        await type_text(pilot, "kaf")
        dropdown = next(s for s in screen.query(SuggestInput) if s.target is tags)
        await wait_for(pilot, lambda: dropdown.display and dropdown.option_list.option_count > 0)
        await pilot.press("escape")
        assert not dropdown.display
        assert isinstance(app.screen, WizardScreen)  # escape closed the dropdown, not the wizard
        assert tags.value == "kaf"


async def test_near_duplicate_tag_warns(kb: Path) -> None:
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        screen.query_one("#field-tags", Input).value = "conn-pool, "
        await pilot.pause()
        message = screen.query_one("#msg-tags", Static)
        assert "looks like the existing tag 'connection-pool'" in str(message.render())
        assert message.has_class("-warning")


async def test_accepting_a_related_entry_saves_a_link(kb: Path) -> None:
    prefill = dict(PREFILL, symptoms="Connection pool exhausted, timeout acquiring connection",
                   related_services="payments-api")
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=prefill)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await screen.show_step("related_issues")
        candidates = screen.query_one(CandidateList)
        await wait_for(pilot, lambda: candidates.option_count > 0)
        top = str(candidates.get_option_at_index(0).prompt)
        assert top.startswith("Payments API Database Connection Leak")
        assert "same service: payments-api" in top
        candidates.focus()
        candidates.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.saved_path is not None)
        saved = screen.saved_path
    assert saved is not None
    text = saved.read_text()
    # The new entry lands in issues/payments-api/ too: the link is relative to that folder.
    assert saved.parent.name == "payments-api"
    link = ("- [Payments API Database Connection Leak]("
            "ops-learning-2025-03-09-11-00-00-issue-payments-api-database-connection-leak.md)")
    assert link in text
    target = link.split("](", 1)[1].rstrip(")")
    assert (saved.parent / target).resolve().exists()


async def test_skipping_a_candidate_removes_it(kb: Path) -> None:
    prefill = dict(PREFILL, related_services="payments-api")
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=prefill)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await screen.show_step("related_issues")
        candidates = screen.query_one(CandidateList)
        await wait_for(pilot, lambda: candidates.option_count > 0)
        count = candidates.option_count
        candidates.focus()
        candidates.highlighted = 0
        await pilot.press("x")
        assert candidates.option_count == count - 1
        assert screen.entry.related_issues.is_empty()


async def test_similar_past_entry_is_named_and_opens_read_only(kb: Path) -> None:
    prefill = {"title": "Kafka broker disk full", "category": "issue"}
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=prefill)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        notice = screen.query_one(SimilarNotice)
        await wait_for(pilot, lambda: notice.has_class("-shown"))
        options = notice.query_one(OptionList)
        assert str(options.get_option_at_index(0).prompt).startswith(
            "Kafka Broker Disk Full Caused Under-Replicated Partitions")
        await pilot.press("f2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PeekScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#field-title", Input).value == "Kafka broker disk full"


async def test_a_link_follows_the_entry_when_its_folder_changes(kb: Path) -> None:
    prefill = dict(PREFILL, symptoms="Connection pool exhausted, timeout acquiring connection",
                   related_services="payments-api")
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=prefill)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await screen.show_step("related_issues")
        candidates = screen.query_one(CandidateList)
        await wait_for(pilot, lambda: candidates.option_count > 0)
        candidates.focus()
        candidates.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        # the category changes after linking: the entry now goes to performance/optimizations/
        screen.query_one("#field-category", Select).value = "performance"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.saved_path is not None)
        saved = screen.saved_path
    assert saved is not None and saved.parent.name == "optimizations"
    line = next(x for x in saved.read_text().splitlines()
                if x.startswith("- [Payments API Database Connection Leak]("))
    target = line.split("](", 1)[1].rstrip(")")
    assert target.startswith("../../issues/payments-api/")
    assert (saved.parent / target).resolve().exists()


async def test_candidates_reflect_what_was_typed_before_opening_the_step(kb: Path) -> None:
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill={"category": "issue"})
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await app.workers.wait_for_complete()  # every step mounted while the entry was empty
        screen.query_one("#field-title", Input).value = "Kafka broker disk full"
        await pilot.pause()
        await screen.show_step("related_issues")
        candidates = screen.query_one(CandidateList)
        await wait_for(pilot, lambda: candidates.option_count > 0)
        assert str(candidates.get_option_at_index(0).prompt).startswith("Kafka Broker Disk Full")


async def test_tab_moves_on_when_the_owner_typed_is_already_known(kb: Path) -> None:
    path = kb / "e.md"
    app = OpsWizardApp(fixture_kb(kb), mode="new", prefill=PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await screen.show_step("follow_up_actions")
        owner = screen.query_one("#editor-follow_up_actions .item-owner", Input)
        owner.focus()
        await type_text(pilot, "@dana")
        dropdown = next(s for s in screen.query(SuggestInput) if s.target is owner)
        # The owners known for "@dana" have arrived (from a worker thread): the dropdown has
        # decided whether to show before Tab is pressed.
        await wait_for(pilot, lambda: dropdown._results[0] == "@dana")
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, "2026-12-15")
        assert owner.value == "@dana"
        assert screen.query_one("#editor-follow_up_actions .item-due", Input).value == "2026-12-15"
    del path
