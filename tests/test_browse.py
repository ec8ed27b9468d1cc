"""The knowledge base browser, driven by the keyboard (Pilot)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import ClassVar

import pytest
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets import Input, Markdown, Static

from opswizard.core import store
from opswizard.core.kbdb import KbIndex
from opswizard.core.model import new_entry
from opswizard.core.render import render_bytes
from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens import browse
from opswizard.tui.screens.browse import BrowseScreen
from opswizard.tui.screens.entry_view import EntryViewScreen
from opswizard.tui.screens.facet_picker import FacetPicker
from opswizard.tui.screens.related import RelatedScreen
from opswizard.tui.widgets.entry_preview import EntryPreview
from opswizard.tui.widgets.entry_table import EntryTable

from .browse_helpers import browser_settled, settled_browser
from .keys_helpers import until

FIXTURE = Path(__file__).parent / "fixtures" / "browse_kb"
SIZE = (120, 40)
POOL = "Memory Service Connection Pool Exhaustion"
SEARCH = "Slow Search Queries on Context Index"
CANARY = "Failed Canary Rollout of Orchestrator v2"
HOSTILE = "[/] Evil [@click=app.quit]x[/] \x1b]0;pwned\x07 title"


@pytest.fixture(autouse=True)
def quick_timers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview and filter wait for the keyboard to rest; tests need not."""
    monkeypatch.setattr(browse, "PREVIEW_DELAY", 0.01)
    monkeypatch.setattr(browse, "FILTER_DELAY", 0.01)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root)
    return root


async def ready(pilot) -> BrowseScreen:  # type: ignore[no-untyped-def]
    """Wait for the load worker and for the preview to show the row under the cursor; the
    browser screen."""
    return await settled_browser(pilot)


async def previewed(pilot, screen: BrowseScreen) -> None:  # type: ignore[no-untyped-def]
    """Wait for the preview to show the row under the cursor (after its debounce)."""
    await until(pilot, lambda: browser_settled(screen), "the preview shows the cursor's row")


async def shows(pilot, screen: BrowseScreen, titles: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Wait for the table to list exactly these titles (the filter applies after a
    debounce)."""
    await until(pilot, lambda: [row.title for row in screen.shown] == titles,
                f"the table lists {titles}")


def current_title(screen: BrowseScreen) -> str:
    row = screen.current
    assert row is not None
    return row.title


def select(screen: BrowseScreen, title: str) -> None:
    key = next(row.key for row in screen.all_rows if row.title == title)
    assert screen.query_one(EntryTable).select(key)


async def test_lists_every_entry_newest_first(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.query_one(EntryTable).row_count == 8
        assert current_title(screen) == POOL
        assert "8 / 8" in str(screen.query_one("#counts", Static).content)


async def test_j_and_k_move(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "j", "k")
        assert screen.query_one(EntryTable).cursor_row == 1


async def test_filter_narrows_the_table(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"canary")
        await shows(pilot, screen, [CANARY])
        assert screen.query_one(EntryTable).row_count == 1
        assert "1 / 8" in str(screen.query_one("#counts", Static).content)


async def test_filter_searches_symptoms_and_services(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"log shipper")
        await shows(pilot, screen, ["Missing Alerts for Disk Pressure"])


async def test_escape_clears_filter_then_facets(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("s", *"crit", "enter", "slash", *"zzzz")
        await shows(pilot, screen, [])
        await pilot.press("escape")
        await shows(pilot, screen, [CANARY])
        assert screen.query_one("#filter", Input).value == ""
        await pilot.press("escape")
        assert len(screen.shown) == 8


async def test_facets_combine(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("g")
        assert isinstance(pilot.app.screen, FacetPicker)
        await pilot.press(*"database", "enter")
        assert len(screen.shown) == 3
        await pilot.press("s", *"high", "enter")
        assert {row.title for row in screen.shown} == {POOL, "Restoring Agent State From Backups"}
        await pilot.press("t", *"final", "enter")
        assert [row.title for row in screen.shown] == [POOL]
        facets = str(screen.query_one("#facets", Static).content)
        assert "tag: database" in facets and "severity: HIGH" in facets
        await pilot.press("x")
        assert len(screen.shown) == 8


async def test_facet_picker_any_clears_one_facet(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("c", *"issue", "enter")
        assert [row.title for row in screen.shown] == [POOL]
        await pilot.press("c", "up", "enter")  # from "issue" up to "any category"
        assert screen.facets.category is None


async def test_enter_reads_the_entry_full_screen(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "j", "enter")  # at once: the preview catches up
        preview = screen.query_one(EntryPreview)
        assert screen.maximized is preview and pilot.app.focused is preview
        assert SEARCH in str(preview.query_one("#preview-head", Static).content)
        await pilot.press("j", "j", "slash")  # j scrolls; list keys are off while reading
        assert preview.scroll_y > 0 and pilot.app.focused is preview
        await pilot.press("escape")
        assert screen.maximized is None and current_title(screen) == SEARCH
        assert isinstance(pilot.app.focused, EntryTable)


async def test_entry_view_screen_reads_one_entry(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        row = screen.current
        assert row is not None
        await pilot.app.push_screen(EntryViewScreen(row))
        await pilot.pause()
        head = pilot.app.screen.query_one("#preview-head", Static)
        assert POOL in str(head.content)
        await pilot.press("escape")
        assert pilot.app.screen is screen


async def test_preview_follows_the_cursor(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j")
        await previewed(pilot, screen)
        preview = screen.query_one(EntryPreview)
        assert preview.row is not None and preview.row.title.startswith("Redis Timeout")


class FakeWizard(Screen[Path | None]):
    """Stands in for the wizard: records how it was opened."""

    opened: ClassVar[list[tuple[Path, Path | None]]] = []

    def __init__(self, root: Path, path: Path | None) -> None:
        super().__init__()
        self.root, self.path = root, path
        FakeWizard.opened.append((root, path))


@pytest.fixture
def fake_wizard(monkeypatch: pytest.MonkeyPatch) -> type[FakeWizard]:
    FakeWizard.opened = []
    monkeypatch.setattr(BrowseScreen, "wizard_factory", FakeWizard)
    return FakeWizard


async def test_e_edits_and_a_save_reloads_with_the_entry_selected(
    kb: Path, fake_wizard: type[FakeWizard]
) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "j", "j")
        path = screen.current.path  # type: ignore[union-attr]
        await pilot.press("e")
        wizard = pilot.app.screen
        assert isinstance(wizard, FakeWizard) and fake_wizard.opened == [(screen.root, path)]
        loaded = store.load(path)
        loaded.entry.set("title", "Canary Rollout, Renamed")
        store.save_over(path, render_bytes(loaded.entry), expected=loaded.digest, root=path.parent)
        wizard.dismiss(path)
        # the browser reloads the knowledge base and selects the entry saved
        await until(pilot, lambda: screen.current is not None
                    and screen.current.title == "Canary Rollout, Renamed",
                    "the saved entry selected")
        screen = await ready(pilot)
        assert current_title(screen) == "Canary Rollout, Renamed"


async def test_n_writes_a_new_entry_which_is_then_selected(
    kb: Path, fake_wizard: type[FakeWizard]
) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("n")
        assert fake_wizard.opened == [(screen.root, None)]
        entry = new_entry(title="Brand New Entry", category="issue", date="2024-01-01T00:00:00Z")
        saved = store.save_new(kb, entry)
        pilot.app.screen.dismiss(saved)
        # the browser reloads the knowledge base and selects the entry saved
        await until(pilot, lambda: screen.current is not None
                    and screen.current.title == "Brand New Entry", "the saved entry selected")
        screen = await ready(pilot)
        assert current_title(screen) == "Brand New Entry"
        assert len(screen.all_rows) == 9


async def test_e_opens_the_real_wizard_on_the_entry(kb: Path) -> None:
    from opswizard.tui.screens.wizard import WizardScreen

    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, WizardScreen)
        assert screen.current is not None and screen.current.title == POOL


async def test_related_entries_navigate_both_directions(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("r")
        related = pilot.app.screen
        assert isinstance(related, RelatedScreen)
        assert [p.name for p in related.targets][:2] == [
            screen.graph.outgoing(screen.current.path)[0].path.name,  # type: ignore[union-attr]
            screen.graph.outgoing(screen.current.path)[1].path.name,  # type: ignore[union-attr]
        ]
        await pilot.press("enter")  # links to: Slow Search
        assert current_title(screen) == SEARCH
        await pilot.press("r", "enter")  # linked from: the pool entry
        assert current_title(screen) == POOL
        await pilot.press("r", "down", "down", "enter")  # linked from: the canary rollout
        assert current_title(screen) == CANARY


async def test_clicking_a_link_in_the_preview_selects_its_entry(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        markdown = screen.query_one("#preview Markdown", Markdown)
        href = screen.graph.outgoing(screen.current.path)[0].href  # type: ignore[union-attr]
        markdown.post_message(Markdown.LinkClicked(markdown, href))
        await until(pilot, lambda: current_title(screen) == SEARCH, "the linked entry selected")


async def test_related_jump_clears_a_filter_that_hides_the_target(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"pool", "enter")
        await shows(pilot, screen, [POOL])
        await pilot.press("r", "enter")
        assert current_title(screen) == SEARCH
        assert screen.query_one("#filter", Input).value == ""


async def test_broken_file_is_listed_with_its_error(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        broken = screen.all_rows[-1]
        assert broken.broken and broken.key == "issues/general/broken-frontmatter.md"
        table = screen.query_one(EntryTable)
        # the error shows in the tags column, or at the row's end when the table is narrow
        # (which of the two is decided once the table knows its width: wait for its cells)
        await until(pilot, lambda: any(str(cell).startswith("frontmatter is not")
                                       for cell in table.get_row(broken.key)),
                    "the error in the broken file's row")
        cells = table.get_row(broken.key)
        assert str(cells[1]) == "ERROR"
        assert "1 unreadable" in str(screen.query_one("#counts", Static).content)
        select(screen, broken.title)
        await previewed(pilot, screen)
        head = str(screen.query_one("#preview-head", Static).content)
        assert "cannot be read" in head and "YAML" in head
        await pilot.press("e", "r")  # unavailable on a broken file: nothing happens
        assert pilot.app.screen is screen
        await pilot.press("enter")
        assert screen.maximized is screen.query_one(EntryPreview)


async def test_markup_and_escapes_in_a_title_show_literally(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        select(screen, HOSTILE)
        await previewed(pilot, screen)
        shown = "[/] Evil [@click=app.quit]x[/] \\x1b]0;pwned\\x07 title"
        key = screen.current.key  # type: ignore[union-attr]
        cell = screen.query_one(EntryTable).get_row(key)[3]
        assert str(cell).startswith(shown[:20]) and "\x1b" not in str(cell)
        assert shown in str(screen.query_one("#preview-head", Static).content)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.maximized is not None and pilot.app.is_running


async def test_command_palette_jumps_to_an_entry(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+p", *"canary")

        def canary_highlighted() -> bool:
            palette = pilot.app.screen
            if not isinstance(palette, CommandPalette):
                return False
            found = palette.query_one(CommandList)
            return found.highlighted is not None and "Canary" in str(
                found.get_option_at_index(found.highlighted).prompt)

        await until(pilot, canary_highlighted, "the palette offers the canary entry")
        await pilot.press("enter")
        await pilot.pause()
        assert current_title(screen) == CANARY


async def test_reload_picks_up_new_files(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        store.save_new(kb, new_entry(title="Arrived Later", category="recovery"))
        await pilot.press("f5")
        screen = await ready(pilot)
        assert len(screen.all_rows) == 9


async def test_interactive_while_loading(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    real = KbIndex.open

    def slow_load(root: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        gate.wait(5)
        return real(root, *args, **kwargs)

    monkeypatch.setattr(KbIndex, "open", slow_load)
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, BrowseScreen)
        assert screen.query_one(EntryTable).loading
        await pilot.press("slash", *"pool")
        assert screen.query_one("#filter", Input).value == "pool"
        gate.set()
        await ready(pilot)
        assert not screen.query_one(EntryTable).loading
        assert [row.title for row in screen.shown] == [POOL]


async def test_empty_knowledge_base(tmp_path: Path) -> None:
    async with OpsWizardApp(tmp_path).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        head = screen.query_one("#preview-head", Static)
        await until(pilot, lambda: "no entries yet" in str(head.content), "the empty note")
        assert screen.all_rows == []


async def test_help_lists_the_keys(kb: Path) -> None:
    from opswizard.tui.screens.help import HelpScreen

    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = dict(help_screen._keys)
        for key in ("/", "e", "n", "r", "c", "s", "t", "g", "x", "q", "j", "k", "Enter",
                    "Escape", "F5, Ctrl+R"):
            assert key in keys, key


async def test_q_quits(kb: Path) -> None:
    async with OpsWizardApp(kb).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("q")
        assert not pilot.app.is_running
