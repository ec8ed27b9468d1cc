"""Ending the process, whatever it is doing, when asked to or when its terminal goes.

A hang-up (SIGHUP, or the terminal read or written in vain: see `driver`), SIGTERM and
SIGINT all take one path (RELIABILITY.md 29, 30):

1. on the main thread, at once: every wizard's unsaved text is journalled and this
   process's edit locks are released; then the app is asked to exit;
2. a watchdog thread gives that clean exit `GRACE` seconds; if the app has not finished by
   then (a worker computing, a dialog awaited, the event loop stuck), it releases the
   locks again, puts the terminal back if it can, and ends the process with `os._exit`.

So every process ends within about `GRACE` seconds, its journal flushed and its locks
released, and no worker thread can keep the interpreter alive.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..core import journal
from . import driver

GRACE = 1.2
"""Seconds the clean exit gets before the watchdog ends the process."""
LAST_WORDS = 0.7
"""Then seconds the watchdog gives the last journal, the terminal's repair and the message
(`GRACE + LAST_WORDS` stays under the 2 s in which every process must end)."""
EXIT_GRACE = 3.0
"""After the app has returned normally: seconds the interpreter gets to wind down (worker
threads still running are not waited for longer)."""
SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
_RESTORE = "\x1b[<u\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1004l" \
    "\x1b[?1049l\x1b[?25h"


class NoWaitExecutor(ThreadPoolExecutor):
    """The event loop's default executor (where Textual runs thread workers): closing the
    loop cancels what has not started and does not wait for what is running."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)


def install_executor() -> None:
    """Make the running loop's default executor a `NoWaitExecutor` (call from the app)."""
    import asyncio

    asyncio.get_running_loop().set_default_executor(
        NoWaitExecutor(thread_name_prefix="opswizard-worker"))


class Shutdown:
    """Signal and hang-up handling for one app run (`install` before, `uninstall` after)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.reason: str | None = None
        """Why the process is stopping (None: it is not)."""
        self.code = 0
        self.journals: list[Path] = []
        self._lock = threading.Lock()
        self._flushed = False
        self._said = False
        self._finished = threading.Event()
        self._previous: dict[int, Any] = {}

    # -- set up -------------------------------------------------------------------------
    def install(self) -> None:
        for sig in SIGNALS:
            try:
                self._previous[sig] = signal.signal(sig, self._on_signal)
            except (ValueError, OSError):  # not the main thread
                pass
        driver.on_hangup(self._on_hangup)

    def uninstall(self) -> None:
        driver.on_hangup(None)
        for sig, handler in self._previous.items():
            try:
                signal.signal(sig, handler)
            except (ValueError, OSError, TypeError):
                pass
        self._previous.clear()

    # -- asked to stop ------------------------------------------------------------------
    def _on_signal(self, signum: int, frame: object) -> None:
        self.request(signal.Signals(signum).name, 128 + signum)
        self._flush_and_exit()  # signal handlers run on the main thread

    def _on_hangup(self, why: str) -> None:
        """The driver saw the terminal go (from its input or writer thread)."""
        self.request(why, 128 + signal.SIGHUP)
        try:  # the main thread does the flush, in its signal handler
            os.kill(os.getpid(), signal.SIGHUP)
        except OSError:
            pass

    def request(self, why: str, code: int) -> bool:
        """Start stopping (once; from any thread). Returns False if already stopping."""
        with self._lock:
            if self.reason is not None:
                return False
            self.reason, self.code = why, code
        threading.Thread(target=self._watchdog, name="opswizard-watchdog", daemon=True).start()
        return True

    def _flush_and_exit(self) -> None:
        """On the main thread: journal, release the locks, ask the app to exit."""
        if self._flushed:
            return
        self._flushed = True
        try:
            self.journals = list(self.app.flush_journals())
        except Exception:  # noqa: BLE001 - a broken screen must not stop the exit
            pass
        journal.release_all()
        try:
            self.app.exit(return_code=self.code)
        except Exception:  # noqa: BLE001
            pass

    # -- ending -------------------------------------------------------------------------
    def finish(self) -> None:
        """After the app returned: say where unsaved text went and end the process now
        (no thread still running is waited for)."""
        journal.release_all()
        self._say_where()
        self._finished.set()
        _exit(self.code)

    def _watchdog(self) -> None:
        if self._finished.wait(GRACE):
            return
        # The clean exit did not finish in time: end the process from here. A helper
        # thread journals (if the main thread never did), puts the terminal back and says
        # where the text went; it gets `LAST_WORDS` seconds, so a terminal that no longer
        # takes output (a dead ssh session) cannot keep the process alive.
        helper = threading.Thread(target=self._last_rites, daemon=True)
        helper.start()
        helper.join(LAST_WORDS)
        _exit(self.code)

    def _last_rites(self) -> None:
        if not self._flushed:  # the main thread never got to it
            try:
                self.journals = list(self.app.flush_journals())
            except Exception:  # noqa: BLE001
                pass
        journal.release_all()
        self._restore_terminal()
        self._say_where()

    def _restore_terminal(self) -> None:
        drv = getattr(self.app, "_driver", None)
        attrs = getattr(drv, "attrs_before", None)
        fileno = getattr(drv, "fileno", None)
        try:
            if attrs is not None and fileno is not None:
                import termios

                termios.tcsetattr(fileno, termios.TCSANOW, attrs)
            if sys.__stderr__ is not None and sys.__stderr__.isatty():
                os.write(sys.__stderr__.fileno(), _RESTORE.encode())
        except (OSError, ValueError, ImportError):
            pass
        except Exception:  # noqa: BLE001 - termios.error is not an OSError
            pass

    def _say_where(self) -> None:
        """Once per process (the main thread's `finish` and the watchdog may both get here)."""
        with self._lock:
            if self._said or not self.journals:
                return
            self._said = True
        where = ", ".join(str(p) for p in self.journals)
        say(f"opswizard: your unsaved text is kept in {where}; run opswizard again in this "
            "knowledge base to recover it.")


def say(text: str) -> None:
    """A line on stderr, if there is still somewhere to write it."""
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _exit(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)


def exit_watchdog(code: int) -> None:
    """After a normal return from the app: end the process in `EXIT_GRACE` seconds even if
    a worker thread is still running (the interpreter would wait for it)."""

    def watch() -> None:
        threading.Event().wait(EXIT_GRACE)
        _exit(code)

    threading.Thread(target=watch, name="opswizard-exit-watchdog", daemon=True).start()
