"""Snapshots of the wizard's layouts (pytest-textual-snapshot; plain `def` tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from opswizard.tui.app import OpsWizardApp

from .conftest import SEED
from .keys_helpers import until


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let background work finish (the index, pre-mounted steps) so the picture is stable."""
    for _ in range(3):  # workers can start more work (the index refreshes the steps)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await until(pilot, lambda: all(w.is_finished for w in pilot.app.workers), "workers done")
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # a blinking cursor makes the picture depend on timing
    await pilot.pause()


FIXED = {"title": "Payments API returns 502 after deploy", "date": "2026-03-04T10:20:30Z"}


@pytest.fixture
def wizard_app(kb: Path) -> OpsWizardApp:
    return OpsWizardApp(kb, mode="new", prefill=dict(FIXED))


def test_first_step(wizard_app: OpsWizardApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The Issue Summary step at 120x40: steps left, form centre, checklist right."""
    assert snap_compare(wizard_app, terminal_size=(120, 40), run_before=settle)


def test_first_step_small_terminal(wizard_app: OpsWizardApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """At 80x24 the checklist collapses (ctrl+l shows it) and step names are cut, not wrapped."""
    assert snap_compare(wizard_app, terminal_size=(80, 24), run_before=settle)


def test_validation_error(wizard_app: OpsWizardApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """A bad date and a bad duration: each says why under the field; the step is marked ✗."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"yesterday")
        pilot.app.screen.query_one("#field-duration").focus()
        await pilot.press(*"a", "space", *"while")
        await settle(pilot)

    assert snap_compare(wizard_app, terminal_size=(120, 40), run_before=run_before)


def test_review_step(kb: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The review of a hand-written entry: target path, checklist, preview of the exact file."""
    path = kb / "example1.md"
    path.write_bytes((SEED / "example1-service-issue.md").read_bytes())
    app = OpsWizardApp(Path("kb"), mode="edit", path=Path("kb/example1.md"))

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)

    import os

    cwd = os.getcwd()
    os.chdir(kb.parent)
    try:
        assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
    finally:
        os.chdir(cwd)
