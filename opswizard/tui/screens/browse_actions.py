"""The browser's key actions (`BrowseActions`, a base of `BrowseScreen`): facets, reading
full screen, the wizard, the ledger, stats, import and related entries.

The screens these open are imported when their key is first pressed, not with the browser:
the browser's first frame does not pay for them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from ...core.facets import Facets
from ...core.vocab import CATEGORIES, SEVERITIES, STATUSES
from ..widgets.entry_preview import EntryPreview
from ..widgets.entry_table import EntryTable

if TYPE_CHECKING:  # pragma: no cover
    from ...core.catalog import Row
    from ...core.kbpages import RowPages
    from ...core.links import LinkGraph

WizardFactory = Callable[[Path, "Path | None"], Screen["Path | None"]]
FACET_ORDER = {"category": CATEGORIES, "severity": SEVERITIES, "status": STATUSES, "tag": ()}
LIST_ONLY = {"focus_filter", "read", "facet", "clear_facets", "import"}  # hidden while reading


def open_wizard(root: Path, path: Path | None) -> Screen[Path | None]:
    """The real wizard (imported when first needed)."""
    from .wizard import WizardScreen

    return WizardScreen(root, path=path)


class BrowseActions(Screen[None]):
    """What the browser's keys do; the screen (`BrowseScreen`) loads, filters and shows."""

    wizard_factory: ClassVar[WizardFactory] = open_wizard
    """Makes the wizard screen for `e` and `n` (tests put a stand-in here)."""

    facets: reactive[Facets] = reactive(Facets, init=False)
    """The facets in use; changing them filters the table."""

    root: Path
    pages: RowPages | None
    _preview_timer: Timer | None

    @property
    def current(self) -> Row | None:
        """The row under the cursor."""
        table = self.query_one(EntryTable)
        key = table.current_key
        return table.summaries.get(key) if key else None

    @property
    def graph(self) -> LinkGraph | None:  # pragma: no cover - BrowseScreen's
        raise NotImplementedError

    def reload(self, select: str | None = None) -> None:  # pragma: no cover - BrowseScreen's
        raise NotImplementedError

    def jump_to(self, key: str) -> None:  # pragma: no cover - BrowseScreen's
        raise NotImplementedError

    def key_of(self, path: Path) -> str:  # pragma: no cover - BrowseScreen's
        raise NotImplementedError

    def _preview_now(self) -> None:  # pragma: no cover - BrowseScreen's
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.maximized is not None and action in LIST_ONLY:
            return False
        if action in ("read", "related", "edit"):
            row = self.current
            if row is None or (row.broken and action != "read"):
                return None
        return True

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_escape(self) -> None:
        """The innermost first: the filter (cleared, and focus back to the table), then
        the facets."""
        field = self.query_one("#filter", Input)
        if field.value or field.has_focus:
            field.value = ""
            self.query_one(EntryTable).focus()
        elif self.facets.active():
            self.facets = Facets()
        else:
            self.query_one(EntryTable).focus()

    def action_facet(self, name: str) -> None:
        if self.pages is None:
            return
        from .facet_picker import FacetPicker

        counts = self.pages.facet_counts(self.facets, name)
        current = getattr(self.facets, name)

        def chosen(value: str | None) -> None:
            if value is not None:
                self.facets = self.facets.set(name, value)

        self.app.push_screen(FacetPicker(name, counts, current, FACET_ORDER[name]), chosen)

    def action_clear_facets(self) -> None:
        self.facets = Facets()

    def action_reload(self) -> None:
        self.reload(select=self.query_one(EntryTable).current_key)

    def action_read(self) -> None:
        """The preview, full screen: already rendered, so nothing new is built."""
        if self.current is None:
            return
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_now()
        preview = self.query_one(EntryPreview)
        self.maximize(preview, container=False)
        preview.focus()

    def watch_maximized(self) -> None:
        """Reading full screen hides the keys that act on the list; escape comes back."""
        self.refresh_bindings()
        if self.maximized is None and self.is_mounted:
            self.query_one(EntryTable).focus()

    def action_edit(self) -> None:
        row = self.current
        if row is not None and not row.broken:
            self._open_wizard(row.path)

    def action_new(self) -> None:
        self._open_wizard(None)

    def _open_wizard(self, path: Path | None) -> None:
        factory = type(self).wizard_factory
        self.app.push_screen(factory(self.root, path), self._after_wizard)

    def _after_wizard(self, saved: Path | None) -> None:
        if saved is not None:
            self.reload(select=self.key_of(saved))

    def action_ledger(self) -> None:
        from .ledger import LedgerScreen

        self.app.push_screen(LedgerScreen(self.root), lambda _: self.action_reload())

    def action_stats(self) -> None:
        from .stats import StatsScreen

        self.app.push_screen(StatsScreen(self.root))

    def action_import(self) -> None:
        """The import screen; the list is read again when something was imported."""
        from .import_screen import ImportScreen

        def done(written: int | None) -> None:
            if written:
                self.reload()

        self.app.push_screen(ImportScreen(self.root), done)

    def action_related(self) -> None:
        row = self.current
        graph = self.graph
        if row is None or row.broken or graph is None or self.pages is None:
            return
        from .related import RelatedScreen

        outgoing, incoming = graph.outgoing(row.path), graph.incoming(row.path)
        paths = [link.path for link in outgoing if link.path is not None] + incoming
        found = self.pages.titles([self.key_of(path) for path in paths])
        titles = {self.root / key: title for key, title in found.items()}
        screen = RelatedScreen(row.title, outgoing, incoming, titles)
        self.app.push_screen(screen, self._jump_path)

    def _jump_path(self, path: Path | None) -> None:
        if path is not None:
            self.jump_to(self.key_of(path))
