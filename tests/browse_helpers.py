"""Waiting for the knowledge base browser by condition, never for a time: the load worker
done, the filter's and the preview's debounce timers fired, the preview on the cursor's row."""

from __future__ import annotations

from typing import Any

from textual.timer import Timer
from textual.widgets import Static

from opswizard.tui.screens.browse import BrowseScreen
from opswizard.tui.widgets.entry_preview import EntryPreview

from .keys_helpers import until


def _fired(timer: Timer | None) -> bool:
    """A one-shot timer that has run its callback (or was never started, or stopped)."""
    task = timer._task if timer is not None else None
    return task is None or task.done()


def browser_settled(screen: BrowseScreen) -> bool:
    """The browser has loaded, applied the filter as typed and previews the cursor's row."""
    head = screen.query_one("#preview-head", Static)
    return ("Loading the knowledge base" not in str(head.content)
            and _fired(screen._filter_timer) and _fired(screen._preview_timer)
            and screen.query_one(EntryPreview).row is screen.current)


def _browser(app: Any) -> BrowseScreen | None:
    """The browser in the app's screen stack (a dialog may be open over it)."""
    return next((s for s in app.screen_stack if isinstance(s, BrowseScreen)), None)


async def settled_browser(pilot: Any) -> BrowseScreen:
    """Wait for the browser (the screen, or under a dialog) to have `browser_settled`;
    return it."""
    await until(pilot, lambda: _browser(pilot.app) is not None, "the browser")
    await pilot.app.workers.wait_for_complete()
    screen = _browser(pilot.app)
    assert screen is not None
    await until(pilot, lambda: browser_settled(screen), "the browser settled")
    return screen
