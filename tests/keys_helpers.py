"""Shared helpers for key-burst tests: keys sent with no pause between them, a Pilot
burst and a program on a pseudo-terminal, and waiting for a condition (never for a time)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

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


# -- a program on a pseudo-terminal -------------------------------------------------------------
class Terminal:
    """`python -m opswizard ARGS` on a pseudo-terminal; collects the bytes it writes."""

    def __init__(self, *args: str, size: tuple[int, int] = (120, 40),
                 env: dict[str, str] | None = None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        full = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
        full.update(TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
        full.update(env or {})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "opswizard", *args], stdin=slave, stdout=slave,
            stderr=slave, env=full, start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.out = bytearray()

    def pump(self, seconds: float) -> None:
        """Read what the program writes for up to `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.master], [], [], min(left, 0.02))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.out.extend(chunk)

    def wait_for(self, needle: bytes, timeout: float = TIMEOUT) -> None:
        """Read until `needle` has been written (fails after a generous timeout)."""
        deadline = time.monotonic() + timeout
        while needle not in self.out:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"{needle!r} never shown; got {bytes(self.out[-2000:])!r}")
            self.pump(0.05)

    def wait_until(self, condition: Callable[[], object], what: str,
                   timeout: float = TIMEOUT) -> None:
        """Keep reading until `condition()` holds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"never happened: {what}; "
                                     f"screen tail {bytes(self.out[-1500:])!r}")
            self.pump(0.05)

    def send(self, data: bytes) -> None:
        """One write to the terminal: the program receives all of it at once."""
        os.write(self.master, data)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        self.pump(0.05)
        os.close(self.master)


def new_files(root: Path) -> list[Path]:
    """Entry files under a knowledge base."""
    return sorted(p for p in root.rglob("*.md") if p.is_file())
