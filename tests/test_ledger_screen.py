"""The ledger and stats screens, from the browser: filter, tick, conflict, open, tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import DataTable, Input

from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.browse import BrowseScreen
from opswizard.tui.screens.entry_view import EntryViewScreen
from opswizard.tui.screens.help import HelpScreen
from opswizard.tui.screens.ledger import LedgerScreen
from opswizard.tui.screens.stats import StatsScreen

from .keys_helpers import until as wait_for
from .test_ledger_tick import HAND_WRITTEN

SIZE = (140, 40)




def _kb(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "kb"
    root.mkdir()
    path = root / "queue.md"
    path.write_bytes(HAND_WRITTEN.encode())
    return root, path


async def _ledger(pilot) -> LedgerScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen)
                   and app.screen.query_one(DataTable).row_count > 0)
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(app.screen, LedgerScreen)
                   and app.screen.facts is not None)
    screen = app.screen
    screen.today = date(2025, 5, 15)
    screen.refilter()
    return screen


def _texts(screen: LedgerScreen) -> list[str]:
    return [item.follow_up.text for item in screen.shown.values()]


async def test_filter_as_you_type_and_overdue_marked(tmp_path) -> None:
    root, _ = _kb(tmp_path)
    async with OpsWizardApp(root).run_test(size=SIZE) as pilot:
        screen = await _ledger(pilot)
        assert _texts(screen) == ["Review dashboards", "Raise the consumer count",
                                  "Write the runbook"]  # open ones, grouped by owner
        table = screen.query_one("#ledger", DataTable)
        row = table.get_row(f"queue.md#{3}")
        assert "OVERDUE 44d" in str(row[1])
        await pilot.press("slash", *"@ana")
        await wait_for(pilot, lambda: _texts(screen) == ["Raise the consumer count"])
        screen.query_one("#ledger-filter", Input).value = "all"
        await wait_for(pilot, lambda: len(_texts(screen)) == 4)


async def test_space_ticks_exactly_that_line(tmp_path) -> None:
    root, path = _kb(tmp_path)
    before = path.read_bytes()
    async with OpsWizardApp(root).run_test(size=SIZE) as pilot:
        screen = await _ledger(pilot)
        table = screen.query_one("#ledger", DataTable)
        table.move_cursor(row=table.get_row_index("queue.md#0"))
        await pilot.press("space")
        await wait_for(pilot, lambda: path.read_bytes() != before)
        await wait_for(pilot, lambda: "Raise the consumer count" not in _texts(screen))
    after = path.read_bytes()
    old = b"*   [ ]   Raise the consumer count   (owner: @ana, due: 2025-05-20)"
    assert after == before.replace(old, old.replace(b"[ ]", b"[x]"))


async def test_an_outside_edit_is_a_conflict_in_the_screen(tmp_path) -> None:
    root, path = _kb(tmp_path)
    async with OpsWizardApp(root).run_test(size=SIZE) as pilot:
        screen = await _ledger(pilot)
        outside = path.read_bytes().replace(b"Write the runbook", b"Write the run book")
        path.write_bytes(outside)
        table = screen.query_one("#ledger", DataTable)
        table.move_cursor(row=table.get_row_index("queue.md#0"))
        await pilot.press("space")
        await wait_for(pilot, lambda: any("changed on disk" in str(n.message)
                                          for n in pilot.app._notifications))
        assert path.read_bytes() == outside


async def test_enter_opens_the_entry(tmp_path) -> None:
    root, _ = _kb(tmp_path)
    async with OpsWizardApp(root).run_test(size=SIZE) as pilot:
        screen = await _ledger(pilot)
        table = screen.query_one("#ledger", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("queue.md#0"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, EntryViewScreen))
        assert pilot.app.screen.row.key == "queue.md"


async def test_stats_screen_charts_read_as_tables(tmp_path) -> None:
    root, _ = _kb(tmp_path)
    async with OpsWizardApp(root).run_test(size=SIZE) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen)
                       and app.screen.query_one(DataTable).row_count > 0)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen)
                       and app.screen.figures is not None)
        screen = app.screen
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Press t to read every chart as a table" in app.screen._purpose
        await pilot.press("escape")
        await pilot.press("t")
        assert screen.has_class("-tables")
        table = screen.query_one("#table-per-period", DataTable)
        assert table.display and [str(c) for c in table.get_row_at(0)] == [
            "2025-05", "1", "1"]
        trend = screen.query_one("#table-trend", DataTable)
        assert [str(c) for c in trend.get_row_at(0)][4:] == ["40m", "40m", "1/0/0"]
