"""Editors for list sections: steps, bullets, labelled items, and follow-up actions.

| Key | Action |
|---|---|
| `enter` | Add an item below this one |
| `backspace` on an empty item | Delete it |
| `ctrl+up` / `ctrl+down` | Move the item up / down |
| `ctrl+o` | Add an item at the end |
| `ctrl+t` | In a follow-up: tick or untick it as done |

Text that spans lines (or text kept as written) is edited in a TextArea, so no
line of it is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Static, TextArea

from ...core import kinds
from ...core.model import Action, Item
from ...core.template import SectionKind
from ..safe import line
from .section_editor import SectionEditor
from .suggest_input import SuggestInput

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from ...core.model import EntryBase


class ItemInput(Input):
    """An Input that asks for its row to go when backspace is pressed on it empty."""

    HELP_KEYS = (("Enter", "Add an item below this one"),
                 ("Backspace", "On an empty item: delete it"))
    """Keys the list handles for an item (not bindings: F1 lists them from here)."""

    class EmptyBackspace(Message):
        """Backspace on an empty item."""

    def action_delete_left(self) -> None:
        if not self.value:
            self.post_message(self.EmptyBackspace())
            return
        super().action_delete_left()


def _text_widget(text: str, placeholder: str, classes: str) -> Widget:
    if "\n" in text:
        return TextArea(text, classes=f"{classes} multi-value")
    return ItemInput(text, placeholder=placeholder, classes=classes, compact=True)


def _value(widget: Widget) -> str:
    return widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]


class ItemRow(Vertical):
    """One item: an optional label, its text, and a delete button."""

    DEFAULT_CSS = """
    ItemRow { height: auto; }
    ItemRow > Horizontal { height: auto; }
    ItemRow .item-label { width: 30%; margin-right: 1; }
    ItemRow .item-text { width: 1fr; }
    ItemRow .item-owner { width: 14; margin-left: 1; }
    ItemRow .item-due { width: 13; margin-left: 1; }
    ItemRow Checkbox { width: auto; }
    ItemRow .delete { min-width: 3; width: 3; margin-left: 1; }
    ItemRow .raw-note { color: $text-muted; }
    ItemRow .field-message { height: auto; }
    """

    def __init__(self, kind: SectionKind, item: Item | Action | None = None) -> None:
        super().__init__(classes="item-row")
        self.kind = kind
        self.item = item if item is not None else (
            Action() if kind is SectionKind.ACTIONS else Item()
        )

    def compose(self) -> ComposeResult:
        item = self.item
        if item.raw:
            yield Static(Content("kept as written:"), classes="raw-note")
        with Horizontal():
            if isinstance(item, Action) and not item.raw:
                done = Checkbox("", item.done, compact=True, tooltip="Done (ctrl+t)")
                done.can_focus = False  # Tab goes to the Action text; ctrl+t ticks it
                yield done
                yield _text_widget(item.text, "Action", "item-text")
                owner = ItemInput(item.owner, placeholder="@owner", classes="item-owner",
                                  compact=True)
                yield owner
                yield SuggestInput(owner, self._owners)
                yield ItemInput(item.deadline, placeholder="YYYY-MM-DD", classes="item-due",
                                compact=True)
            elif item.raw:
                yield TextArea(item.text, classes="item-text multi-value")
            else:
                if self.kind is SectionKind.LABELLED and isinstance(item, Item):
                    yield ItemInput(item.label or "", placeholder="Label", classes="item-label",
                                    compact=True)
                placeholder = "Step" if self.kind is SectionKind.STEPS else "Text"
                yield _text_widget(item.text, placeholder, "item-text")
            yield Button("✕", classes="delete", compact=True, tooltip="Delete this item")
        if isinstance(item, Action):
            yield Static("", classes="field-message")

    def _owners(self) -> Callable[[str], list[Any]] | None:
        editor = next((a for a in self.ancestors if isinstance(a, SectionEditor)), None)
        return editor.context.source("owners") if editor else None

    def value(self) -> Item | Action:
        """The item as the author left it."""
        if not self.query(".item-text"):
            return self.item  # not mounted yet: nothing edited
        text = _value(self.query_one(".item-text"))
        if self.item.raw:
            if isinstance(self.item, Action):
                return Action(text=text, raw=True)
            return Item(text=text, raw=True)
        if isinstance(self.item, Action):
            return Action(
                text=text,
                done=self.query_one(Checkbox).value,
                owner=_value(self.query_one(".item-owner")).strip(),
                deadline=_value(self.query_one(".item-due")).strip(),
            )
        label = None
        if self.kind is SectionKind.LABELLED:
            label = _value(self.query_one(".item-label")).strip() or None
        return Item(text=text, label=label)

    def check(self) -> None:
        """Show a bad deadline under an action."""
        if not isinstance(self.item, Action) or self.item.raw:
            return
        due = _value(self.query_one(".item-due")).strip()
        message = self.query_one(".field-message", Static)
        bad = bool(due) and kinds.parse_day(due) is None
        message.set_class(bad, "-warning")
        message.update(line(f"due {due!r} is not a YYYY-MM-DD date") if bad else "")

    def first_input(self) -> Widget:
        return self.query(".item-label, .item-text").first()


class ListEditor(SectionEditor):
    """Rows of items, added, edited, deleted and reordered by keyboard or mouse."""

    BINDINGS = [
        Binding("ctrl+o", "add_item", "Add item", id="list.add"),
        Binding("ctrl+up", "move(-1)", "Move up", id="list.up"),
        Binding("ctrl+down", "move(1)", "Move down", id="list.down"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Content(self.spec.hint), classes="hint")
        yield Vertical(id="rows")
        yield Button("+ Add item (ctrl+o)", id="add", compact=True)

    @property
    def rows(self) -> list[ItemRow]:
        return list(self.query_one("#rows").query_children(ItemRow))

    async def load(self, entry: EntryBase) -> None:
        rows = self.query_one("#rows")
        await rows.remove_children()
        items = entry.section(self.spec.key).items
        new = [ItemRow(self.spec.kind, item.model_copy()) for item in items]
        if not new:
            new = [ItemRow(self.spec.kind)]
        await rows.mount_all(new)
        for row in new:
            row.check()

    def apply(self, entry: EntryBase) -> None:
        entry.section(self.spec.key).items = [row.value() for row in self.rows]

    def _current_row(self) -> ItemRow | None:
        focused = self.screen.focused
        while focused is not None and not isinstance(focused, ItemRow):
            focused = focused.parent  # type: ignore[assignment]
        return focused if isinstance(focused, ItemRow) and focused in self.rows else None

    async def add_after(self, row: ItemRow | None) -> None:
        new = ItemRow(self.spec.kind)
        rows = self.query_one("#rows")
        if row is None:
            await rows.mount(new)
        else:
            await rows.mount(new, after=row)
        new.first_input().focus()
        self.changed()

    async def action_add_item(self) -> None:
        rows = self.rows
        await self.add_after(rows[-1] if rows else None)

    def action_move(self, step: int) -> None:
        row = self._current_row()
        if row is None:
            return
        rows = self.rows
        index = rows.index(row)
        target = index + step
        if not 0 <= target < len(rows):
            return
        focused = self.screen.focused
        container = self.query_one("#rows")
        if step < 0:
            container.move_child(row, before=rows[target])
        else:
            container.move_child(row, after=rows[target])
        if focused is not None:
            self.call_after_refresh(focused.focus)
        self.changed()

    async def delete_row(self, row: ItemRow) -> None:
        rows = self.rows
        index = rows.index(row)
        await row.remove()
        remaining = [r for r in rows if r is not row]
        if remaining:
            remaining[max(0, index - 1)].first_input().focus()
        self.changed()

    @on(Input.Submitted)
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.add_after(self._current_row())

    @on(ItemInput.EmptyBackspace)
    async def _empty_backspace(self, event: ItemInput.EmptyBackspace) -> None:
        row = self._current_row()
        if row is not None and len(self.rows) > 1 and not any(
            _value(w).strip() for w in row.query("Input, TextArea")
        ):
            await self.delete_row(row)

    @on(Button.Pressed, ".delete")
    async def _delete_pressed(self, event: Button.Pressed) -> None:
        row = event.button.parent
        while row is not None and not isinstance(row, ItemRow):
            row = row.parent
        if isinstance(row, ItemRow):
            await self.delete_row(row)

    @on(Button.Pressed, "#add")
    async def _add_pressed(self) -> None:
        await self.action_add_item()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    def _edited(self, event: Message) -> None:
        row = self._current_row()
        if row is not None:
            row.check()
        self.changed()


class ActionsEditor(ListEditor):
    """Follow-up actions: done, text, owner and deadline on each row.

    Every row starts on its Action text; the done box has its own key, `ctrl+t`.
    """

    BINDINGS = [Binding("ctrl+t", "toggle_done", "Done", id="actions.done")]

    def action_toggle_done(self) -> None:
        """Tick or untick the follow-up the cursor is in."""
        row = self._current_row()
        if row is not None:
            for box in row.query(Checkbox):
                box.toggle()
