"""Keys in order: each key reaches the widget that has focus once the previous key is done.

Textual forwards a key to the focused widget by posting it to that widget's queue, and
checks most bindings (Tab: next field) only when the key has bubbled back up to the app.
Keys that arrive together (a fast typist, a slow machine, keys written to the terminal in
one go) are all forwarded before the first Tab has moved focus, so the next field's text
lands in the previous field. `KeyGate` holds every key that arrives while an earlier one is
still being handled, and releases it once every message that key caused has been
processed (its bubbling, the focus change, an item added below, a dialog opened).

A printable character going to a text field needs no wait: the field consumes it and
nothing moves, and the next key is queued behind it at the same widget.

"Done" is decided by barriers, not by time: a round posts a callback behind everything
queued at the app, the screen, the focused widget and its ancestors; the key has settled
when two rounds in a row end with all those queues empty and the screen has no layout
pending (Tab orders focus by where widgets are, so a row just added must have its place
before the Tab typed into it is handled).
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from textual.app import App
    from textual.message_pump import MessagePump

MAX_ROUNDS = 64
"""A key whose effects keep the queues busy longer than this many rounds (a handler that
keeps posting to itself) releases the next key anyway: keys are never held for ever."""


LAYOUT_POLL = 0.004
"""How often a settling key looks whether the screen has laid out its new widgets (the
screen does so on its update timer, about every 1/60 s)."""

MAX_LAYOUT_WAITS = 250
"""At most about a second of waiting for a layout that never comes (the screen stopped
updating): the next key goes anyway."""


def _busy(pump: MessagePump) -> bool:
    """Whether a pump has work queued (keys from the terminal waiting at the app excepted:
    they are the ones being held, and a long burst must not count as work)."""
    queue = getattr(pump._message_queue, "_queue", None)  # asyncio.Queue's deque
    if queue is None:
        return pump.message_queue_size > 0
    return any(not (isinstance(m, events.Key) and not m.is_forwarded) for m in queue)


def is_text_field(widget: object) -> bool:
    """Whether the widget is an `Input` or a `TextArea`, without importing `TextArea` (its
    import, with the syntax highlighter's, costs the browser's first frame ~50 ms; no
    widget can be one before it is imported)."""
    import sys

    from textual.widgets import Input

    if isinstance(widget, Input):
        return True
    area = sys.modules.get("textual.widgets._text_area")
    return area is not None and isinstance(widget, area.TextArea)


def _typing_into_text(app: App[Any], event: events.Key) -> bool:
    """A printable key about to go to a text field (which consumes it and moves nothing)."""
    if not event.is_printable or event.character in (None, "?"):
        return False  # `?` may open the help (a priority binding checks where focus is)
    focused = app.focused
    return is_text_field(focused) and not getattr(focused, "read_only", False)


class KeyGate:
    """Holds keys while an earlier key is still being handled; releases them in order.

    The app calls `offer(event, dispatch)` for every key from the terminal; `dispatch` is
    Textual's own handling (priority bindings, then forward to the focused widget).
    """

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.pending: deque[events.Key] = deque()
        """Keys that arrived while an earlier key was settling, oldest first."""
        self.busy = False
        """True from a key's dispatch until its effects have settled."""
        self.dispatched = 0
        """How many keys have been dispatched: "was this the very next key?" needs no clock."""
        self._dispatch: Callable[[events.Key], Awaitable[None]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._finished: events.Key | None = None

    async def offer(self, event: events.Key,
                    dispatch: Callable[[events.Key], Awaitable[None]]) -> None:
        """Handle a key now, or hold it until the keys before it have settled."""
        self._dispatch = dispatch
        if self.busy:
            self.pending.append(event)
            return
        await self._run(event)

    async def _run(self, event: events.Key) -> None:
        self.busy = True
        self.dispatched += 1
        typing = _typing_into_text(self.app, event)
        try:
            assert self._dispatch is not None
            await self._dispatch(event)
            if not event.is_forwarded:
                self._finished = event  # handled at the app itself (a priority binding)
        finally:
            if typing:
                # A character typed into a text field is consumed there and moves nothing:
                # the next key, forwarded to the same widget's queue, comes after it anyway.
                self.app.call_later(self._release)
            else:
                self._task = asyncio.create_task(self._settle(event))

    def finished(self, event: events.Key) -> None:
        """The app has handled `event` after it bubbled all the way up (bindings run)."""
        self._finished = event

    async def _settle(self, event: events.Key) -> None:
        """Wait until the key's effects are processed, then release the next held key.

        First the key itself: it is done once it was stopped on its way up, or once the
        app has handled it at the top (where Tab's binding moves focus). Then what it
        caused (focus events, an item added): two barrier rounds in a row find nothing
        queued.
        """
        try:
            clean = 0
            layout_waits = 0
            for _ in range(MAX_ROUNDS):
                tracked = self._finished is event or event._stop_propagation
                if await self._round() and tracked:
                    if self._layout_pending() and layout_waits < MAX_LAYOUT_WAITS:
                        # Widgets just mounted have no place yet, and Tab orders focus by
                        # place: the next key waits for the screen's next layout.
                        layout_waits += 1
                        clean = 0
                        await asyncio.sleep(LAYOUT_POLL)
                        continue
                    clean += 1
                    if clean == 2:
                        break
                else:
                    clean = 0
        except Exception:  # noqa: BLE001 - the app closing: nothing left to order
            pass
        finally:
            self.app.call_later(self._release)

    def _layout_pending(self) -> bool:
        """The current screen will lay its widgets out again on its next update."""
        app = self.app
        try:
            screen = app.screen
        except Exception:  # noqa: BLE001 - no screen (starting or closing)
            return False
        return bool(getattr(screen, "_layout_required", False)) and screen.is_current \
            and not getattr(app, "_batch_count", 0)

    def _pumps(self) -> list[MessagePump]:
        app = self.app
        pumps: list[MessagePump] = [app]
        try:
            screen = app.screen
        except Exception:  # noqa: BLE001 - no screen (starting or closing)
            return pumps
        pumps.append(screen)
        focused = screen.focused
        if focused is not None:
            pumps.extend(n for n in focused.ancestors_with_self if n is not screen
                         and n is not app)
        return pumps

    async def _round(self) -> bool:
        """One barrier round: True if every queue was empty when the last barrier ran."""
        pumps = self._pumps()
        left = 0
        done = asyncio.Event()
        empty = [True]

        def barrier() -> None:
            nonlocal left
            left -= 1
            if left == 0:
                empty[0] = not any(_busy(p) for p in self._pumps())
                done.set()

        for pump in pumps:
            if pump.call_later(barrier):
                left += 1
        if left == 0:
            return True
        await done.wait()
        return empty[0]

    async def _release(self) -> None:
        """Dispatch the next held key (on the app's own queue), or open the gate."""
        if self.pending:
            await self._run(self.pending.popleft())
        else:
            self.busy = False

    def clear(self) -> None:
        """Forget held keys (the app is closing)."""
        self.pending.clear()
        if self._task is not None:
            self._task.cancel()
