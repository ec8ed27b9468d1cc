"""The knowledge base browser: a filterable table of entries and a preview of the current one.

| Key | Action |
|---|---|
| `/` | Filter (fuzzy, over title, tags, services and symptoms) |
| `up` / `down`, `j` / `k` | Move |
| `enter` | Read the entry full screen (`escape` comes back; `j` / `k` scroll) |
| `e` / `n` | Edit it in the wizard / write a new entry |
| `r` | Related entries (links both ways) |
| `a` | The follow-up ledger: every follow-up, tick them done |
| `m` | Numbers over time: charts (and tables) of incidents, time to detect and resolve |
| `i` | Import postmortems written in other layouts (a file or a folder) |
| `c` `s` `t` `g` | Facets: category, severity, status, tag; `x` clears them |
| `escape` | Clear the filter and go back to the list, then clear the facets |
| `f5`, `ctrl+r` | Reload the knowledge base |
| `ctrl+p` | Command palette ("jump to entry" by title) |
| `?`, `f1` / `q` | Help / quit |
"""

from __future__ import annotations

import os
import threading
import time
from array import array
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual._context import NoActiveAppError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input
from textual.worker import get_current_worker

from ...core.facets import Facets
from ...core.sanitize import clean_line
from ..widgets.entry_preview import EntryPreview
from ..widgets.entry_table import EntryTable
from ..widgets.filter_bar import FilterBar
from ..widgets.key_footer import KeyFooter
from .browse_actions import BrowseActions
from .browse_commands import EntryCommands

if TYPE_CHECKING:  # pragma: no cover
    from textual.widgets import Markdown

    from ...core.catalog import Row
    from ...core.kbpages import RowPages
    from ...core.links import LinkGraph
    from ...core.search import Search

PREVIEW_DELAY = 0.12  # s: moving quickly through the list renders only where it stops
FILTER_DELAY = 0.08
PROGRESS_EVERY = 0.1  # s: how often a cold start's "Indexing n/N files" is updated
FIRST_FRAME_WAIT = 1.0  # s: at most, for the first frame before loading starts


class BrowseScreen(BrowseActions):
    """Browse the knowledge base: filter, facet, preview, read, edit, follow links."""

    HELP_TITLE = "The knowledge base browser"
    HELP = ("Every entry in the knowledge base, newest first; files that cannot be read are "
            "listed in red with the reason. Type / to filter (fuzzy, over title, tags, "
            "services and symptoms), pick facets with c, s, t and g (they combine), and read "
            "the entry under the cursor in the preview, or full screen with enter (escape "
            "comes back). Links to other entries in the preview can be clicked; r lists the "
            "entries this one links to and the ones linking to it. a opens the follow-up ledger "
            "(every follow-up, tick them done) and m the numbers over time.")
    COMMANDS: ClassVar = Screen.COMMANDS | {EntryCommands}
    AUTO_FOCUS = "#entries"
    ALLOW_IN_MAXIMIZED_VIEW = "Header, Footer"
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [(0, "-narrow"), (140, "-wide")]
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="browse.filter", key_display="/"),
        Binding("enter", "read", "Read", id="browse.read"),
        Binding("e", "edit", "Edit", id="browse.edit"),
        Binding("n", "new", "New", id="browse.new"),
        Binding("r", "related", "Related", id="browse.related"),
        Binding("a", "ledger", "Follow-ups", id="browse.ledger"),
        Binding("m", "stats", "Stats", id="browse.stats"),
        Binding("i", "import", "Import", id="browse.import"),
        Binding("c", "facet('category')", "Category facet", id="browse.category", show=False),
        Binding("s", "facet('severity')", "Severity facet", id="browse.severity", show=False),
        Binding("t", "facet('status')", "Status facet", id="browse.status", show=False),
        Binding("g", "facet('tag')", "Tag facet", id="browse.tag", show=False),
        Binding("x", "clear_facets", "Clear facets", id="browse.clear_facets", show=False),
        Binding("escape", "escape", "Clear filter / back", id="browse.escape", show=False),
        Binding("f5,ctrl+r", "reload", "Reload", id="browse.reload", show=False,
                key_display="F5, Ctrl+R"),
        Binding("question_mark", "app.help", "This help", id="browse.help", show=False,
                key_display="F1, ?"),
        Binding("q", "app.quit", "Quit", id="browse.quit"),
    ]

    def __init__(self, root: Path) -> None:
        super().__init__()
        with suppress(NoActiveAppError):  # its width class now: set at the first resize,
            # it would restyle every widget of the screen once more before the first frame
            self.add_class(*self._get_breakpoint_classes(
                self.app.size.width, self.HORIZONTAL_BREAKPOINTS or []), update=False)
        self.root = Path(os.path.abspath(root))
        """The knowledge base folder, absolute and normalised like the paths it holds."""
        self.pages: RowPages | None = None
        """The rows of the index, read a page at a time (None until loaded)."""
        self.ids: array[int] = array("q")
        """The row ids the filter and facets leave, in table order."""
        self.total, self.broken = 0, 0
        """How many files the knowledge base holds, and how many are not entries."""
        self._graph: LinkGraph | None = None
        self.search: Search | None = None
        """The one search (`core.search`), over the index the rows came from."""
        self._preview_timer: Timer | None = None
        self._filter_timer: Timer | None = None
        self._painted = threading.Event()
        """Set once the screen is first painted and its keys made: loading waits for it
        (not to slow them)."""
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar()
        with Container(id="panes"):
            yield EntryTable(id="entries")
            yield EntryPreview(id="preview", empty="Loading the knowledge base…")
        yield KeyFooter()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown for the first time: no restyle of the whole screen. Textual restyles every
        widget of a screen when it is shown (for a screen coming back after a theme change);
        the first time, each widget was styled as it was mounted a moment before, and doing
        it again cost ~15% of the work before the first frame. Later resumes restyle (this
        runs before `Screen`'s own handler, which reads `refresh_styles`)."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        self.sub_title = clean_line(self.root.name)
        # Loading starts once the first frame is painted and the callbacks queued for it have
        # run (the footer makes its keys there): a worker started with the frame would take
        # the interpreter from them.
        self.call_after_refresh(self.call_after_refresh, self._painted.set)
        self.reload()

    # -- loading -----------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        """Read the knowledge base again in a worker; the screen stays usable meanwhile."""
        self.query_one(EntryTable).loading = True
        self._load(select)

    @work(thread=True, exclusive=True, group="browse-load")
    def _load(self, select: str | None) -> None:
        # The first frame comes first: loading competes with it for the interpreter.
        self._painted.wait(FIRST_FRAME_WAIT)
        worker = get_current_worker()
        shown = 0.0

        def progress(done: int, total: int) -> None:  # "Indexing 1,234/10,000 files…"
            nonlocal shown
            now = time.monotonic()
            if (done and done < total and now - shown < PROGRESS_EVERY) or worker.is_cancelled:
                return
            shown = now
            self.app.call_from_thread(self._progress, done, total)

        try:  # through the index: a warm start parses only the files that changed
            from ...core.kbdb import KbIndex  # after the first frame, as the rest of loading
            from ...core.kbpages import RowPages
            from ...core.search import Search

            kb = KbIndex.open(self.root, progress)
            pages = RowPages(kb)
            pages.base()  # the order, read once here: it reads every row (a damaged index
            # fails here, in the worker)
            totals = pages.counts()
            search = Search(kb)
        except Exception as exc:  # a bug, not a bad file: report it and keep the app alive
            self.app.call_from_thread(self._load_failed, f"{type(exc).__name__}: {exc}")
            return
        if not get_current_worker().is_cancelled:  # a newer reload supersedes this one
            self.app.call_from_thread(self._loaded, pages, totals, search, select)
        else:
            kb.close()

    def _loaded(self, pages: RowPages, totals: tuple[int, int], search: Search,
                select: str | None) -> None:
        if self.search is not None:
            self.search.kb.close()
        self.pages, self.search, self._graph = pages, search, None
        self.total, self.broken = totals
        self.query_one(EntryTable).loading = False
        self._apply(select, reread=True)

    @property
    def graph(self) -> LinkGraph | None:
        """Who links to whom (built from the index the first time a link is followed)."""
        if self._graph is None and self.pages is not None:
            from ...core.links import LinkGraph

            self._graph = LinkGraph(self.root, ((self.root / key, links)
                                                for key, links in self.pages.link_sources()))
        return self._graph

    @property
    def shown(self) -> list[Row]:
        """Every row the filter and facets leave, read from the index (for small uses:
        the table reads only what it shows)."""
        return self.pages.page(self.ids) if self.pages is not None else []

    @property
    def all_rows(self) -> list[Row]:
        """Every file of the knowledge base, read from the index (for small uses)."""
        return self.pages.page(self.pages.order()) if self.pages is not None else []

    def jump_targets(self) -> list[tuple[str, str, str, str]]:
        """(key, title, day, severity) of every entry, newest first (the palette's list)."""
        return list(self.pages.jump_targets()) if self.pages is not None else []

    def _progress(self, done: int, total: int) -> None:
        if self.pages is None:
            self.query_one(EntryPreview).show(None, empty=f"Indexing {done:,}/{total:,} files…")

    def _load_failed(self, message: str) -> None:
        self.query_one(EntryTable).loading = False
        self.notify(clean_line(f"Could not read the knowledge base: {message}"),
                    severity="error", markup=False)

    def key_of(self, path: Path) -> str:
        from ...core.catalog import key_for

        return key_for(path, self.root)

    # -- filtering ---------------------------------------------------------------------------
    def _apply(self, select: str | None = None, reread: bool = False) -> None:
        pages = self.pages
        if pages is None:
            return
        query = self.query_one("#filter", Input).value
        ranked = self.search.filter_keys(query) if self.search is not None else None
        self.ids = pages.order(self.facets, ranked)
        table = self.query_one(EntryTable)
        table.show(self.ids, pages.page, pages.id_of, select=select, reread=reread)
        self.query_one(FilterBar).show_counts(len(self.ids), self.total, self.broken)
        self._highlighted()

    def watch_facets(self, facets: Facets) -> None:
        self.query_one(FilterBar).show_facets(facets)
        self._apply()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self._apply)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(EntryTable).focus()

    # -- preview -----------------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#entries")
    def _highlighted(self) -> None:
        """Render the preview once the cursor rests (a preview costs ~0.25 s to build)."""
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY, self._preview_now)

    def _preview_now(self) -> None:
        empty = "No entry matches." if self.total else (
            "This knowledge base has no entries yet: press n to write the first.")
        self.query_one(EntryPreview).show(self.current, empty=empty)
        self.refresh_bindings()

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """A link clicked in the preview (by name: `Markdown` is imported when first shown)."""
        if self.query_one(EntryPreview) not in event.markdown.ancestors:
            return
        row = self.current
        if row is not None and self.graph is not None:
            link = self.graph.resolve(event.href, row.path)
            self._jump_path(link.path if link.exists else None)

    def jump_to(self, key: str) -> None:
        """Select the entry with this key, clearing the filter and facets if they hide it."""
        table = self.query_one(EntryTable)
        if table.select(key):
            return
        self.query_one("#filter", Input).value = ""
        self.set_reactive(BrowseScreen.facets, Facets())
        self.query_one(FilterBar).show_facets(self.facets)
        self._apply(select=key)
