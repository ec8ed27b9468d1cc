"""Pick a value for one facet (category, severity, status or tag), with counts.

| Key | Action |
|---|---|
| type | Narrow the values |
| `up` / `down` | Move |
| `enter` | Choose (the first line, "any", clears the facet) |
| `escape` | Cancel |
"""

from __future__ import annotations

from collections import Counter

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..safe import fmt, line

ANY = "\x00any"  # the option id of "any value"; cannot clash with a value from a file


class FacetPicker(ModalScreen[str | None]):
    """Dismisses with the chosen value, "" for any value, or None when cancelled."""

    HELP_TITLE = 'Pick a facet value'
    HELP = (
        'Narrow the table to entries with this value (with counts). Type to narrow the list, '
        'enter to pick, escape to close without changing anything. Facets combine; x in the '
        'browser clears them.'
    )

    DEFAULT_CSS = """
    FacetPicker { align: center middle; }
    FacetPicker > Vertical {
        width: 50; max-width: 95%; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FacetPicker #facet-title { text-style: bold; padding: 0 0 1 0; }
    FacetPicker OptionList, FacetPicker OptionList:focus {
        height: auto; max-height: 20; border: none; padding: 0;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="facet.cancel"),
        Binding("down", "move(1)", "Next value", id="facet.down", show=False),
        Binding("up", "move(-1)", "Previous value", id="facet.up", show=False),
    ]

    def __init__(self, name: str, counts: Counter[str], current: str | None,
                 order: tuple[str, ...] = ()) -> None:
        """`order`: the known values in their natural order (the rest by count)."""
        super().__init__()
        self.facet = name
        self.current = current
        known = [v for v in order if v in counts]
        others = sorted((v for v in counts if v not in order), key=lambda v: (-counts[v], v))
        self.values = [(value, counts[value]) for value in known + others]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(fmt("Show only one $facet", facet=self.facet), id="facet-title")
            yield Input(placeholder="type to narrow", compact=True, id="facet-filter")
            yield OptionList(id="facet-options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        needle = text.lower().strip()
        if not needle:
            options.add_option(Option(Content(f"any {self.facet}").stylize("italic"), id=ANY))
        highlight = 0
        for value, count in self.values:
            if needle and needle not in value.lower():
                continue
            if value == self.current:
                highlight = options.option_count
            prompt = Content.assemble(line(value), (f"  {count}", "dim"))
            options.add_option(Option(prompt, id=value))
        if options.option_count:
            options.highlighted = highlight

    @on(Input.Changed)
    def _narrow(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def _submit(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        self.dismiss("" if option_id in (None, ANY) else option_id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
