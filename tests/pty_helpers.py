"""The real program on a pseudo-terminal, for tests: start it, read what it writes, wait for
what it shows (a condition, never a time), type into it, hang up, wait for it to end."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable

TIMEOUT = 60.0
"""Generous: a condition that is never met fails after this long, on any machine."""

CONTROLLING_TTY = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'opswizard', *sys.argv[1:]])"
)
"""Runs `python -m opswizard ARGS` with the pty as its controlling terminal (as under tmux or
ssh): closing the terminal then also sends SIGHUP, besides failing reads and writes."""


class Terminal:
    """`python -m opswizard ARGS` on a pseudo-terminal; collects the bytes it writes.

    `env` is added to this process's environment (less any TEXTUAL* variables);
    `controlling=True` makes the pty the program's controlling terminal."""

    def __init__(self, *args: str, size: tuple[int, int] = (120, 40),
                 env: dict[str, str] | None = None, controlling: bool = False) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        full = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
        full.update(TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
        full.update(env or {})
        command = ["-c", CONTROLLING_TTY] if controlling else ["-m", "opswizard"]
        self.proc = subprocess.Popen(
            [sys.executable, *command, *args], stdin=slave, stdout=slave,
            stderr=slave, env=full, start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self.master: int | None = master
        self.out = bytearray()

    def pump(self, seconds: float) -> None:
        """Read what the program writes for up to `seconds` (less if the pty closes)."""
        deadline = time.monotonic() + seconds
        first = True  # what is already written is read even if this thread ran late
        while self.master is not None:
            left = deadline - time.monotonic()
            if left <= 0 and not first:
                return
            first = False
            ready, _, _ = select.select([self.master], [], [], max(0.0, min(left, 0.02)))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the program ended: the pty is gone
                    return
                if not chunk:
                    return
                self.out.extend(chunk)

    def drain(self) -> None:
        """After the program ended: read everything it wrote (all of it is already in the
        terminal's buffer, so this ends when nothing is left, however late this thread runs)."""
        assert self.proc.poll() is not None, "drain() is for a program that has ended"
        while self.master is not None:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                return
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the pty is gone: everything was read
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

    def send(self, data: bytes, settle: float = 0.0) -> None:
        """One write to the terminal (the program receives all of it at once), then read for
        `settle` seconds (a script's own pace, as a person types: not a wait for anything)."""
        if self.master is not None:
            os.write(self.master, data)
        self.pump(settle)

    def hang_up(self) -> None:
        """Close the terminal (the master side of the pty)."""
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def wait_exit(self, timeout: float) -> bool:
        """Keep reading (a live terminal must not fill up) until the program ends."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                return False
            if self.master is not None:
                self.pump(0.01)
            else:
                time.sleep(0.01)
        return True

    def close(self) -> None:
        """Kill the program if it still runs, read what is left, close the terminal."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        self.drain()
        self.hang_up()

    kill = close
