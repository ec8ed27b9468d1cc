"""A footer that keeps the keys people need most on screen at 80 columns.

Textual's footer lists the focused widget's keys first and the app's last, so on a narrow
terminal F1 and Escape fall off the right-hand end. This one orders them by need: help,
Escape, the step keys, then the keys of the widget being edited (how to leave a code editor,
the list-item keys), then the rest; below 100 columns it is compact, with shorter labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

NARROW = 100
"""Below this many columns the footer is compact and uses the short labels."""

SHORT = {"Save final": "Final", "Previous field": "Prev field", "Checklist": "List",
         "Clear filter / back": "Back"}
"""Shorter labels for a narrow footer (the help and the palette keep the full ones)."""

_FIRST = ("help", "app.help")
_STEPS = ("next_step", "previous_step")


def _preset(key: Any, compact: bool) -> Any:
    """`key` with its `compact` (and the `-compact` class, given by the caller) already
    what it will be: a `FooterKey` is made compact by default and then, bound to the
    footer, made wide again, and each change restyles it (2 x 12 restyles a screen)."""
    key.set_reactive(type(key).compact, compact)
    return key


class KeyFooter(Footer):
    """The footer, ordered by need: F1, Escape, step keys, the focused widget's keys."""

    _shown: tuple[object, ...] | None = None

    def _rank(self, node: Any, binding: Binding) -> int:
        if binding.action in _FIRST:
            return 0
        if binding.key == "escape":
            return 1
        if binding.action in _STEPS:
            return 2
        if node is not self.screen and node is not self.app:
            return 3
        return 4

    def _ordered(self) -> Iterator[tuple[Any, Binding, bool, str]]:
        entries = [v for v in self.screen.active_bindings.values() if v[1].show]
        order = sorted(range(len(entries)),
                       key=lambda i: (self._rank(entries[i][0], entries[i][1]), i))
        for i in order:
            yield entries[i]

    def _shows(self, ordered: list[tuple[Any, Binding, bool, str]]) -> tuple[object, ...]:
        """What the footer shows with `ordered` keys: their labels and state, its width."""
        palette: object = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            palette = found and (found[1].key, found[1].description, found[2])
        keys = tuple((binding.key, binding.action, binding.description, enabled, tooltip)
                     for _node, binding, enabled, tooltip in ordered)
        return self._bindings_ready, self.app.size.width < NARROW, self.compact, palette, keys

    async def recompose(self) -> None:
        """Rebuild the keys only when what they show changed. Textual's footer rebuilds them
        on every focus change (Tab from one text field to the next): a dozen widgets made
        and styled again for the same keys."""
        if self.is_attached and self.children and \
                self._shown == self._shows(list(self._ordered())):
            return
        await super().recompose()

    def compose(self) -> ComposeResult:
        """Textual's footer, with the bindings reordered and, when narrow, shortened."""
        if not self._bindings_ready:
            return
        ordered = list(self._ordered())
        self._shown = self._shows(ordered)
        from textual.widgets._footer import FooterKey

        narrow = self.app.size.width < NARROW
        seen: set[str] = set()
        count = 0
        keys = []
        for _node, binding, enabled, tooltip in ordered:
            if binding.action in seen:
                continue
            seen.add(binding.action)
            label = SHORT.get(binding.description, binding.description) if narrow \
                else binding.description
            display = self.app.get_key_display(binding)
            if display.startswith("ctrl+"):
                display = "^" + display.removeprefix("ctrl+")
            keys.append(_preset(FooterKey(binding.key, display, label, binding.action,
                                          disabled=not enabled, tooltip=tooltip,
                                          classes="-compact" if self.compact else ""),
                                self.compact).data_bind(compact=Footer.compact))
            count += 1
        self.styles.grid_size_columns = max(count, 1)
        yield from keys
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            try:
                _node, binding, enabled, tooltip = self.screen.active_bindings[
                    self.app.COMMAND_PALETTE_BINDING]
            except KeyError:
                return
            yield _preset(FooterKey(binding.key, self.app.get_key_display(binding),
                                    binding.description, binding.action,
                                    classes="-command-palette -compact",
                                    disabled=not enabled,
                                    tooltip=binding.tooltip or binding.description), True)

    def on_mount(self) -> None:
        self.compact = self.app.size.width < NARROW

    def on_resize(self, event: events.Resize) -> None:
        self.compact = self.app.size.width < NARROW
