"""A Textual Linux driver that notices the terminal going away.

When the terminal closes (a tmux session killed, an ssh link dropped, a window shut), reads
from it fail with EIO or return nothing, and writes to it fail. Textual's own driver then
spins on empty reads (100 % CPU), or its writer thread dies and the next write blocks for
ever on the writer's full queue: the orphans seen in the fault pass (issue 12). Here:

- the input thread treats an empty read or an OSError on the terminal as a hang-up;
- the writer thread treats a failed write as a hang-up and keeps draining its queue, so no
  writer ever blocks;

and both report the hang-up to `shutdown.request`, which ends the process in bounded time.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Callable

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver

HangUp = Callable[[str], None]
_on_hangup: HangUp | None = None


def on_hangup(callback: HangUp | None) -> None:
    """Who to tell when the terminal is gone (the shutdown module)."""
    global _on_hangup
    _on_hangup = callback


def _report(why: str) -> None:
    if _on_hangup is not None:
        _on_hangup(why)


class SafeWriterThread(WriterThread):
    """Textual's writer, but a failed write (the terminal is gone) never stops it: it
    reports the hang-up once and then discards what is queued, so writers never block."""

    def run(self) -> None:
        gone = False
        while True:
            text = self._queue.get()
            if text is None:
                break
            if gone:
                continue
            try:
                self._file.write(text)
                if self._queue.qsize() == 0:
                    self._file.flush()
            except (OSError, ValueError):
                gone = True
                _report("the terminal is gone (write failed)")
        if not gone:
            try:
                self._file.flush()
            except (OSError, ValueError):
                pass


# The Linux driver makes its writer by this module-level name: ours is a drop-in subclass.
linux_driver.WriterThread = SafeWriterThread  # type: ignore[misc]


class HangupDriver(LinuxDriver):
    """LinuxDriver whose input thread ends, and reports, when the terminal closes."""

    def run_input_thread(self) -> None:
        """Textual's input loop, plus: EIO or end of file on the terminal is a hang-up."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def read_once(timeout: float) -> bool:
            """Read what is ready; False when the terminal is gone."""
            for _key, mask in selector.select(timeout):
                if mask & selectors.EVENT_READ:
                    try:
                        data = os.read(self.fileno, 1024 * 4)
                    except OSError:
                        return False
                    if not data:
                        return False
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)
            return True

        try:
            while not self.exit_event.is_set():
                if not read_once(0.1):
                    _report("the terminal is gone (read failed)")
                    return  # nothing more will come: the app is told to stop
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
