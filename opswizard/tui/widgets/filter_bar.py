"""The browser's top bar: the filter box, "shown / total" counts, and the active facets.

The screen owns the filtering; this widget only shows its state (attributes down):
`show_counts(...)` and `show_facets(...)`. The Input (`#filter`) posts the usual
`Input.Changed` / `Input.Submitted`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Static

from ...core.facets import Facets
from ..safe import fmt

NO_FACETS = Content("facets: c category · s severity · t status · g tag").stylize("dim")


class FilterBar(Vertical):
    """Two lines: the filter box with the counts on its right, then the facets."""

    DEFAULT_CSS = """
    FilterBar { height: auto; padding: 0 1; }
    FilterBar > Horizontal { height: 1; }
    FilterBar #filter { width: 1fr; }
    FilterBar #counts { width: auto; padding: 0 0 0 2; }
    FilterBar #facets { height: 1; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Input(placeholder="/ filter: title, tags, services, symptoms",
                        id="filter", compact=True)
            yield Static(id="counts")
        yield Static(NO_FACETS, id="facets")

    def show_counts(self, shown: int, total: int, broken: int) -> None:
        """`shown / total`, and how many files could not be read."""
        text = fmt("[b]$shown[/b] / $total", shown=str(shown), total=str(total))
        if broken:
            text += fmt("  [red]$n unreadable[/red]", n=str(broken))
        self.query_one("#counts", Static).update(text)

    def show_facets(self, facets: Facets) -> None:
        """The facets in use as chips (values come from files: substituted, not markup)."""
        active = facets.active()
        text = NO_FACETS
        if active:
            chips = [fmt("[reverse] $name: $value [/reverse]", name=name, value=value)
                     for name, value in active]
            text = Content(" ").join(chips) + Content("  x clears").stylize("dim")
        self.query_one("#facets", Static).update(text)
