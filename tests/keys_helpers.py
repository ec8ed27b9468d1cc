"""Shared helpers for key tests: keys sent with no pause between them (a Pilot burst), keys
pressed one at a time as a typist does, and waiting for a condition (never for a time). The
program on a pseudo-terminal is `pty_helpers.Terminal` (re-exported here)."""

from __future__ import annotations

import asyncio
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

from .pty_helpers import Terminal

__all__ = ["Terminal", "burst", "keys_for", "new_files", "press", "settled", "steps_built", "typed",
           "until"]

TIMEOUT = 60.0
"""Generous: a condition that is never met fails after this long, on any machine."""


def keys_for(text: str) -> list[str]:
    """Pilot key names for typing `text` (printable characters only)."""
    return [_character_to_key(c) if len(c) == 1 and not c.isalnum() else c for c in text]


def key_event(key: str) -> events.Key:
    """The Key event a terminal would deliver for a Pilot key name."""
    try:
        original = REPLACED_KEYS.get(key, key)
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def steps_built(screen: Any) -> bool:
    """The wizard has no step being built in the background (the one after the step shown
    is mounted ahead: closing mid-mount is tested on its own, in the pty loops)."""
    return not any(w.group == "premount" and not w.is_finished for w in screen.app.workers)


async def until(pilot: Any, condition: Callable[[], object], what: str = "",
                timeout: float = TIMEOUT) -> None:
    """Pause until `condition()` is true (fails after a generous timeout)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what or condition}")
        await pilot.pause(0.02)


async def burst(pilot: Any, *keys: str) -> None:
    """Deliver `keys` to the app all at once, as a terminal does with one write: every event
    is queued before the first is handled. Returns once all of them have been handled."""
    app: App[object] = pilot.app
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        driver.send_message(event)
    gate = getattr(app, "key_gate", None)
    await pilot.pause()
    if gate is not None:
        await until(pilot, lambda: not gate.busy and not gate.pending, "keys all handled")
    await pilot.pause()


async def _gate_open(pilot: Any, deadline: float) -> None:
    """Wait until the app's key gate holds no key and is handling none."""
    gate = getattr(pilot.app, "key_gate", None)
    while gate is not None and (gate.busy or gate.pending):
        if time.monotonic() > deadline:
            raise AssertionError("keys never all handled")
        await asyncio.sleep(0.002)


async def settled(pilot: Any, timeout: float = TIMEOUT) -> None:
    """Return once every key sent so far has been handled and every widget on the screen has
    processed what was queued for it: barriers through the message queues, no clock."""
    deadline = time.monotonic() + timeout
    await pilot._wait_for_screen()
    await _gate_open(pilot, deadline)
    await pilot._wait_for_screen()


async def press(pilot: Any, *keys: str) -> None:
    """Press keys one at a time as a typist does, each sent once the app's key gate has
    handled the one before (a text field's own queue keeps typed characters in order), then
    wait until everything has `settled`. What `pilot.press` does, without its wait for the
    process's CPU to go idle after every key (at least 40 ms a key; up to a second on a busy
    machine)."""
    app: App[object] = pilot.app
    driver = app._driver
    assert driver is not None
    deadline = time.monotonic() + TIMEOUT
    gate = getattr(app, "key_gate", None)
    for key in keys:
        event = key_event(_character_to_key(key) if len(key) == 1 and not key.isalnum()
                          else key)
        event.set_sender(app)
        before = gate.dispatched if gate is not None else 0
        driver.send_message(event)
        while gate is not None and gate.dispatched == before:  # not yet taken by the app
            if time.monotonic() > deadline:
                raise AssertionError(f"key {key!r} never handled")
            await asyncio.sleep(0.002)
        await _gate_open(pilot, deadline)
    await settled(pilot)


def typed(*parts: str | list[str]) -> list[str]:
    """Key names for a mix of text (str) and named keys (a list: ["tab"])."""
    out: list[str] = []
    for part in parts:
        out.extend(keys_for(part) if isinstance(part, str) else part)
    return out


def new_files(root: Path) -> list[Path]:
    """Entry files under a knowledge base."""
    return sorted(p for p in root.rglob("*.md") if p.is_file())
