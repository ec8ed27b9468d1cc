"""A notice of secrets in the entry being written, and the offer to redact them.

The entry's text is scanned (core.secrets) in a thread worker a moment after each change;
the notice lists each finding by kind and section, and every input holding one is marked
(class `-secret`). "Redact" (or F3) asks the screen to swap them for `<redacted:KIND>`.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Input, Static, TextArea
from textual.worker import get_current_worker

from ...core import secrets
from ..safe import line

DEBOUNCE = 0.3  # s


def section_at(text: str, number: int) -> str:
    """The heading of the section a 1-based line of an entry's text is in."""
    lines = text.split("\n")
    for candidate in reversed(lines[:number]):
        if candidate.startswith("#"):
            return candidate.lstrip("#").strip()
    return "the entry"


class SecretsNotice(Vertical):
    """Hidden until the entry holds a secret."""

    SCOPED_CSS = False
    DEFAULT_CSS = """
    SecretsNotice { height: auto; display: none; border: round $error; padding: 0 1; }
    SecretsNotice.-shown { display: block; }
    SecretsNotice #secrets-title { color: $error; }
    SecretsNotice #secrets-list { height: auto; max-height: 4; color: $text-muted; }
    SecretsNotice Horizontal { height: auto; }
    SecretsNotice Button { margin-right: 1; }
    Input.-secret, TextArea.-secret { background: $error 25%; }
    """

    class Redact(Message):
        """The author chose to redact the secrets shown."""

    def __init__(self, root: Path | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.root = root
        self.findings: list[secrets.SecretFinding] = []
        self._timer: Timer | None = None
        self._pending = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="secrets-title")
        yield Static("", id="secrets-list")
        with Horizontal():
            yield Button("Redact (F3)", id="redact-secrets", variant="error", compact=True)
            yield Static(Content("or, for a false positive, add opswizard:allow-secret on "
                                 "its line"), classes="hint")

    def scan_text(self, text: str) -> None:
        """Scan this text a moment after the last change, off the UI thread."""
        self._pending = text
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._fire)

    def _fire(self) -> None:
        self._timer = None
        self._scan(self._pending)

    @work(thread=True, group="secrets")
    def _scan(self, text: str) -> None:
        found = secrets.scan(text, secrets.load_allowlist(self.root))
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, text, found)

    def show(self, text: str, found: list[secrets.SecretFinding]) -> None:
        """Show these findings of `text` (ignored if the text moved on since)."""
        if text != self._pending or not self.is_attached or self.app._exit:
            return
        title = self.query("#secrets-title").results(Static)
        listing = self.query("#secrets-list").results(Static)
        head, body = next(iter(title), None), next(iter(listing), None)
        if head is None or body is None:
            return  # the screen is closing (its widgets go first): nothing left to show
        self.findings = found
        self.set_class(bool(found), "-shown")
        count = len(found)
        head.update(Content.assemble(
            ("✗ ", "bold"), (f"{count} possible secret{'s' if count != 1 else ''} in this "
                             "entry: they would reach git with it", "bold")))
        body.update(Content("\n").join(
            [line(f"{f.label} in {section_at(text, f.line)}, line {f.line} column {f.column}")
             for f in found]))
        self.mark(found)

    def mark(self, found: list[secrets.SecretFinding]) -> None:
        """Mark every input or text area on the screen that holds one of the secrets."""
        values = [f.secret.split("\n", 1)[0] for f in found]
        for widget in self.screen.query("Input, TextArea"):
            value = widget.value if isinstance(widget, Input) else \
                widget.text if isinstance(widget, TextArea) else ""
            widget.set_class(any(v and v in value for v in values), "-secret")

    @on(Button.Pressed, "#redact-secrets")
    def _redact(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Redact())
