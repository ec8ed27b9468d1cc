"""Snapshots of the knowledge base browser on the fixture knowledge base (fixed dates and ids).

Only the folder's name ("browse_kb") and paths inside it are shown, so the pictures do
not depend on where the repository is checked out. Update with `--snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens import browse

from .browse_helpers import settled_browser

KB = Path(__file__).parent / "fixtures" / "browse_kb"
SMALL, LARGE = (80, 24), (160, 48)


@pytest.fixture(autouse=True)
def quick_timers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse, "PREVIEW_DELAY", 0.01)
    monkeypatch.setattr(browse, "FILTER_DELAY", 0.01)


def keys(*presses: str):  # type: ignore[no-untyped-def]
    """run_before: wait for the knowledge base, press keys, let the preview settle."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settled_browser(pilot)
        for key in presses:
            await pilot.press(key)
        await settled_browser(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture flaky
        await pilot.pause()

    return run_before


def test_browse_small(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """80x24, narrow layout: table above the preview of the newest entry (Memory Service
    Connection Pool Exhaustion); 8 / 8 and "1 unreadable" top right; footer keys."""
    assert snap_compare(OpsWizardApp(KB), terminal_size=SMALL, run_before=keys())


def test_browse_large(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """160x48, wide layout: table with a Tags column left, preview right; the broken file is
    the last row, red, with its YAML error; the hostile title shows `[/]`, `[@click=...]`
    and `\\x1b]0;pwned\\x07` as plain text."""
    assert snap_compare(OpsWizardApp(KB), terminal_size=LARGE, run_before=keys())


def test_browse_filtered_and_faceted(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """80x24: tag facet "database" and severity HIGH as chips; filter "pool" typed; one
    row left (1 / 8)."""
    presses = ("g", *"database", "enter", "s", *"high", "enter", "slash", *"pool")
    assert snap_compare(OpsWizardApp(KB), terminal_size=SMALL, run_before=keys(*presses))


def test_facet_picker(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """80x24: the tag picker over the browser, "any tag" first, then tags by count."""
    assert snap_compare(OpsWizardApp(KB), terminal_size=SMALL, run_before=keys("g"))


def test_related_dialog(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """160x48: related entries of the pool entry: links to Slow Search and Redis Timeout,
    linked from the Canary rollout."""
    assert snap_compare(OpsWizardApp(KB), terminal_size=LARGE, run_before=keys("r"))


def test_reading_full_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """80x24: enter on the second entry (Redis Timeout) shows it full screen; the footer
    keeps e, n, r, q and F1."""
    assert snap_compare(OpsWizardApp(KB), terminal_size=SMALL, run_before=keys("j", "enter"))


def test_hostile_title_selected(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """160x48: the entry titled `[/] Evil [@click=app.quit]x[/] \\x1b]0;pwned\\x07 title`
    selected; table cell and preview show it literally, with visible escapes."""
    presses = ("j",) * 6
    assert snap_compare(OpsWizardApp(KB), terminal_size=LARGE, run_before=keys(*presses))


def test_broken_file_selected(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """80x24: the broken file selected; the preview says it cannot be read, and why."""
    presses = ("j",) * 7
    assert snap_compare(OpsWizardApp(KB), terminal_size=SMALL, run_before=keys(*presses))
