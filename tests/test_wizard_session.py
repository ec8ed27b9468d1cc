"""Pilot tests of the wizard over the core session: the bugs of issue 11 it fixes
(recovery after undo, a draft's path following its content, a final entry's move confirmed
in the review)."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Button, Input, Static, TextArea

from opswizard.core import journal
from opswizard.core.parse import parse_bytes
from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.dialogs import ChoiceDialog
from opswizard.tui.screens.wizard import WizardScreen

from .conftest import FIXTURES
from .test_wizard_suggestions import wait_for

SIZE = (120, 40)
FINAL = (FIXTURES / "kb/issues/kafka/ops-learning-2025-09-03-22-47-00-issue-kafka-broker-"
         "disk-full-caused-under-replicated-partitions.md")


def put_final(kb: Path) -> Path:
    target = kb / "issues/kafka" / FINAL.name
    target.parent.mkdir(parents=True)
    shutil.copyfile(FINAL, target)
    return target


async def test_bug_undo_every_change_then_close_offers_no_recovery_next_time(kb: Path) -> None:
    path = put_final(kb)
    app = OpsWizardApp(kb, mode="edit", path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await screen.show_step("additional_notes")
        area = screen.query_one("#editor-additional_notes #prose", TextArea)
        area.focus()
        await pilot.press("a", "b", "c")
        await wait_for(pilot, lambda: journal.pending(kb) != [])  # journalled
        for _ in range(10):  # undo until the text is the file's again
            if not screen.dirty:
                break
            await pilot.press("ctrl+z")
            await pilot.pause()
        assert not screen.dirty and area.text == ""
        assert journal.pending(kb) == []  # the journal follows the text
        await pilot.press("ctrl+q")  # nothing unsaved: closes without asking
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceDialog)
    assert journal.pending(kb) == []  # so the next start offers nothing
    assert path.read_bytes() == FINAL.read_bytes()


async def test_bug_draft_saved_before_related_services_moves_when_they_are_added(
        kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new", prefill={
        "category": "issue", "title": "Queue stalled after failover",
        "date": "2026-03-01T10:00:00Z"})
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.saved_path is not None)
        first = screen.saved_path
        assert first is not None and first.parent == kb / "issues/general"
        await screen.show_step("context")
        screen.query_one("#field-related_services", Input).value = "checkout-api"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.saved_path != first)
    moved = screen.saved_path
    assert moved is not None and moved.parent == kb / "issues/checkout-api"
    assert moved.name == first.name
    assert not first.exists() and not (kb / "issues/general").exists()
    assert parse_bytes(moved.read_bytes()).entry.services() == ["checkout-api"]


async def test_bug_final_entry_moves_only_after_save_and_move_in_the_review(kb: Path) -> None:
    path = put_final(kb)
    app = OpsWizardApp(kb, mode="edit", path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        screen.query_one("#field-title", Input).value = "Kafka broker disk full"
        await pilot.pause()
        await pilot.press("ctrl+s")  # keeps it final, in place: no question, no move
        await wait_for(pilot, lambda: screen.saved_path is not None)
        assert not isinstance(app.screen, ChoiceDialog)
        assert screen.saved_path == path and path.exists()
        assert "Kafka broker disk full" in path.read_text()
        await pilot.press("ctrl+r")
        await pilot.pause()
        shown = str(screen.query_one("#review-target", Static).render())
        assert "Belongs at" in shown and "issue-kafka-broker-disk-full.md" in shown
        button = screen.query_one("#save-move", Button)
        assert button.display
        button.press()
        await wait_for(pilot, lambda: not path.exists())
    moved = screen.saved_path
    assert moved is not None and moved.name.endswith("-issue-kafka-broker-disk-full.md")
    assert moved.parent == path.parent
    assert parse_bytes(moved.read_bytes()).entry.status == "final"
