"""The opswizard Textual app: a thin shell that opens the browser or the wizard."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

CLEAN_AFTER = 1.0  # s: the temp file sweep starts this long after the app is mounted


def own_nodes(screen: Screen[object]) -> list[object]:
    """The screen and its shown widgets that are opswizard's own (not Textual's inputs,
    whose cursor keys would crowd the palette and the help)."""
    nodes: list[object] = [screen]
    for node in screen.query("*"):
        if not type(node).__module__.startswith("opswizard"):
            continue
        if all(a.display for a in node.ancestors_with_self if a is not screen):
            nodes.append(node)
    return nodes


class OpsWizardApp(App[None]):
    """Hosts the screens. `mode` is "browse", "new" or "edit" (with `path`)."""

    CSS_PATH = "app.tcss"
    TITLE = "opswizard"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        # Priority: a modal dialog stops the binding chain, so F1 (and `?` outside text
        # fields) must be looked at before the focused widget to work on every screen.
        Binding("f1", "help", "Help", id="help", show=True, priority=True),
        Binding("question_mark", "help_unless_typing", "Help", id="help.question",
                show=False, priority=True),
    ]

    def __init__(
        self,
        root: Path,
        mode: str = "browse",
        path: Path | None = None,
        prefill: dict[str, str] | None = None,
        offer_recovery: bool = True,
    ) -> None:
        super().__init__()
        self.root = root
        """The knowledge base folder."""
        self.mode = mode
        self.path = path
        self.prefill = prefill or {}
        self.offer_recovery = offer_recovery
        from .keyorder import KeyGate

        self.key_gate = KeyGate(self)
        """Keys reach the widget focused once the keys before them are handled."""
        self.journals_flushed: list[Path] = []
        """Journals written because the app is stopping with unsaved work (printed on exit)."""

    async def on_event(self, event: events.Event) -> None:
        """Keys from the terminal go through the key gate, one settled key at a time.

        Pasted text is cleaned before any field sees it: escape sequences (OSC 52, CSI),
        other control characters and bidi overrides never enter an entry (RELIABILITY 32)."""
        if isinstance(event, events.Paste) and not event.is_forwarded:
            from ..core.sanitize import strip_controls

            cleaned = strip_controls(event.text)
            if cleaned != event.text:
                event = events.Paste(cleaned)
        if isinstance(event, events.Key):
            if not event.is_forwarded:
                await self.key_gate.offer(event, super().on_event)
                return
            try:  # a key back at the top after bubbling: its bindings run here
                await super().on_event(event)
            finally:
                self.key_gate.finished(event)
            return
        await super().on_event(event)

    def on_mount(self) -> None:
        from ..core import journal
        from .shutdown import install_executor

        install_executor()  # closing the app never waits for a worker thread
        # After the first frame: a walk of the whole tree competes with it for the interpreter.
        self.set_timer(CLEAN_AFTER, lambda: self.run_worker(
            self._clean_temp_files, thread=True, group="clean-temp", exit_on_error=False))
        pending = journal.pending(self.root) if self.offer_recovery else []
        if pending:
            from .screens.recovery import RecoveryScreen

            self.push_screen(RecoveryScreen(pending), callback=self._after_recovery)
        else:
            self._start()

    def _clean_temp_files(self) -> None:
        """Remove temp files a killed save left in the knowledge base (RELIABILITY.md 20):
        one `find` (a process: it leaves the interpreter to the screen), else a walk."""
        from ..core import kbscan, store

        if kbscan.sweep(self.root) is None:
            store.clean_temp_files(self.root)

    def _start(self) -> None:
        if self.mode == "browse":
            from .screens.browse import BrowseScreen

            self.push_screen(BrowseScreen(self.root))
            return
        from .screens.wizard import WizardScreen

        self.push_screen(
            WizardScreen(self.root, path=self.path, prefill=self.prefill),
            callback=lambda _saved: self.exit(),
        )

    def _after_recovery(self, chosen: object) -> None:
        from ..core.journal import Journal
        from .screens.wizard import WizardScreen

        if not isinstance(chosen, Journal):
            self._start()
            return
        if self.mode == "browse":
            self._start()
            self.push_screen(WizardScreen(self.root, recovered=chosen))
        else:
            self.push_screen(WizardScreen(self.root, recovered=chosen),
                             callback=lambda _saved: self.exit())

    def flush_journals(self) -> list[Path]:
        """Journal every wizard's unsaved text now (a crash, a signal, an exit)."""
        from .screens.base import HoldsUnsavedWork

        written = []
        for screen in self.screen_stack:
            if isinstance(screen, HoldsUnsavedWork):
                path = screen.flush_journal()
                if path is not None:
                    written.append(path)
        self.journals_flushed = written
        return written

    def _handle_exception(self, error: Exception) -> None:
        """An unhandled exception: keep the author's text before Textual stops the app."""
        try:
            self.flush_journals()
        finally:
            super()._handle_exception(error)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of the current screen is in the palette, named as in its footer,
        plus whatever the screen adds (`palette_commands`, e.g. "Go to step: Metrics")."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for node in own_nodes(screen):
            for binding in getattr(node, "BINDINGS", []):
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.action in seen:
                    continue
                seen.add(binding.action)
                action = binding.action
                target = node

                async def run(action: str = action, target: object = target) -> None:
                    await self.run_action(action, target)  # type: ignore[arg-type]

                key = binding.key_display or binding.key.split(",")[0]
                yield SystemCommand(binding.description, f"Key: {key}", run)
        from .screens.base import AddsPaletteCommands

        if isinstance(screen, AddsPaletteCommands):
            yield from screen.palette_commands()

    async def action_quit(self) -> None:
        """ctrl+q: a screen holding unsaved work is asked to close first (it asks the author)."""
        from .screens.base import HoldsUnsavedWork

        for screen in reversed(self.screen_stack):
            if isinstance(screen, HoldsUnsavedWork):
                if screen is self.screen:
                    screen.request_close()
                return
        self.exit()

    def action_help(self) -> None:
        """Explain the current screen (each screen provides `HELP`); on the help, close it."""
        from .screens.help import HelpScreen

        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
        elif type(screen).__module__.startswith("opswizard"):  # not Textual's palette
            self.push_screen(HelpScreen.for_screen(screen))

    def action_help_unless_typing(self) -> None:
        """`?`: help, unless a text field has focus (then `?` is typed: see check_action)."""
        self.action_help()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "help_unless_typing":
            from .keyorder import is_text_field

            return not is_text_field(self.focused)
        return True
