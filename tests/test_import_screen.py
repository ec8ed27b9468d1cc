"""The import screen, reached from the browser with `i` (Pilot): look at a folder, review
each file's mapping, import some, see them in the browser."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import SelectionList, Static

from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.browse import BrowseScreen
from opswizard.tui.screens.import_screen import ImportScreen

from .keys_helpers import until as wait_for

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
SIZE = (140, 40)




def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "old"
    folder.mkdir()
    for name in ("sre-01-checkout-flag.md", "pagerduty-02-payment-timeouts.md",
                 "etsy-01-image-resizer.md"):
        shutil.copyfile(LAYOUTS / name, folder / name)
    return folder


async def _look(pilot, folder: Path) -> ImportScreen:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, BrowseScreen))
    await pilot.app.workers.wait_for_complete()
    await pilot.press("i")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ImportScreen))
    screen = pilot.app.screen
    await pilot.press(*str(folder), "enter")
    await wait_for(pilot, lambda: len(screen.planned) == 3)
    files = screen.query_one(SelectionList)
    await wait_for(pilot, lambda: files.option_count == 3 and pilot.app.focused is files)
    await pilot.pause()
    return screen


async def test_the_mapping_of_each_file_is_shown_before_anything_is_written(
        kb: Path, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await _look(pilot, folder)
        files = screen.query_one(SelectionList)
        prompts = [str(files.get_option_at_index(i).prompt) for i in range(3)]
        assert any("new" in p and "Payment provider timeouts" in p for p in prompts)
        details = str(screen.query_one("#import-details", Static).render())
        assert "etsy-01-image-resizer.md" in details  # the first file, under the cursor
        assert "Summary → Context / System State" in details
        assert "severity: HIGH  (line 4: Severity 'SEV-2')" in details
        assert "Kept as they are\n  line 11: Timeline" in details
        assert not any(kb.rglob("*.md"))


async def test_import_some_then_the_browser_lists_them(kb: Path, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await _look(pilot, folder)
        files = screen.query_one(SelectionList)
        assert len(files.selected) == 3  # every new file starts selected
        await pilot.press("space")  # unselect the first
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.written == 2)
        assert len(list(kb.rglob("*.md"))) == 2
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, BrowseScreen))
        browser = pilot.app.screen
        await wait_for(pilot, lambda: len(browser.all_rows) == 2)
