"""Under a code block: why it does not parse, once typing stops.

`CodeCheckNote.check(language, code)` (re)starts a short timer; when it fires the block is
checked in a thread worker (`bash -n` is a process, a big YAML block takes a while), so
typing is never held up, and only the newest text's result is shown.
"""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from ...core import codecheck
from ..safe import line

DEBOUNCE = 0.4  # s after the last keystroke


class CodeCheckNote(Static):
    """Empty while the block parses (or its language is not checked)."""

    DEFAULT_CSS = """
    CodeCheckNote { height: auto; display: none; color: $error; }
    CodeCheckNote.-problem { display: block; }
    CodeCheckNote.-note { display: block; color: $text-muted; }
    """

    class Checked(Message):
        """A check finished and its answer is on show (the checklist may want it)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self._timer: Timer | None = None
        self._pending: tuple[str, str] | None = None
        self.shown: codecheck.CodeProblem | None = None
        """The problem on show (None: nothing to say)."""

    def check(self, language: str, code: str) -> None:
        """Check this text once typing has stopped for a moment."""
        self._pending = (language, code)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._fire)

    def _fire(self) -> None:
        self._timer = None
        if self._pending is not None:
            self._run(*self._pending)

    @work(thread=True, group="codecheck")
    def _run(self, language: str, code: str) -> None:
        problem = codecheck.check(language, code)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, (language, code), problem)

    def _show(self, basis: tuple[str, str], problem: codecheck.CodeProblem | None) -> None:
        if basis != self._pending:
            return  # typed on since: a newer check is on its way
        changed = problem != self.shown
        self.shown = problem
        self.set_class(bool(problem and not problem.skipped), "-problem")
        self.set_class(bool(problem and problem.skipped), "-note")
        if problem is None:
            self.update("")
        elif problem.skipped:
            self.update(line(f"Not checked: {problem.message}"))
        else:
            self.update(line(f"✗ Does not parse ({problem.describe_in_half()})"))
        if changed:
            self.post_message(self.Checked())
