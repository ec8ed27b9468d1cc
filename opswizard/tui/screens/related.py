"""Related entries: the ones an entry links to, and the ones that link to it.

| Key | Action |
|---|---|
| `up` / `down`, `j` / `k` | Move |
| `enter` | Jump to the entry |
| `escape` | Close |
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.links import Link
from ..safe import fmt, line


class RelatedScreen(ModalScreen[Path | None]):
    """Dismisses with the path of the chosen entry, or None."""

    HELP_TITLE = 'Related entries'
    HELP = (
        'The entries this one links to, and the entries that link to it. Enter jumps to one '
        'in the browser; escape goes back.'
    )

    DEFAULT_CSS = """
    RelatedScreen { align: center middle; }
    RelatedScreen > Vertical {
        width: 90; max-width: 95%; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    RelatedScreen #related-title { text-style: bold; padding: 0 0 1 0; }
    RelatedScreen OptionList, RelatedScreen OptionList:focus {
        height: auto; max-height: 24; border: none; padding: 0;
    }
    """
    BINDINGS = [
        Binding("escape,r", "cancel", "Close", id="related.close"),
        Binding("j", "move(1)", "Next", id="related.next", show=False),
        Binding("k", "move(-1)", "Previous", id="related.previous", show=False),
    ]

    def __init__(self, title: str, outgoing: list[Link], incoming: list[Path],
                 titles: dict[Path, str]) -> None:
        """`titles`: the title of each known entry, to name the targets."""
        super().__init__()
        self.entry_title = title
        self.outgoing = outgoing
        self.incoming = incoming
        self.titles = titles
        self.targets: list[Path] = []
        """Option id `n` jumps to `targets[n]`."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(fmt("Related to $title", title=self.entry_title), id="related-title")
            yield OptionList(*self._options(), id="related-options")

    def _target(self, path: Path, prompt: Content) -> Option:
        self.targets.append(path)
        return Option(prompt, id=str(len(self.targets) - 1))

    @staticmethod
    def _heading(text: str, count: int) -> list[Option]:
        heading = Option(Content(f"{text} ({count})").stylize("bold"), disabled=True)
        return [heading] if count else [heading, Option(Content("  none").stylize("dim"),
                                                        disabled=True)]

    def _options(self) -> list[Option]:
        options = self._heading("Links to", len(self.outgoing))
        for link in self.outgoing:
            if link.path is not None and link.exists:
                name = self.titles.get(link.path) or link.text or link.href
                options.append(self._target(link.path, Content.assemble("→ ", line(name))))
            else:
                why = "not in the knowledge base" if link.path else "not an entry"
                prompt = Content.assemble("  ", line(link.text or link.href),
                                          (f"  {why}: ", "dim"), line(link.href, "dim"))
                options.append(Option(prompt, disabled=True))
        options.extend(self._heading("Linked from", len(self.incoming)))
        for path in self.incoming:
            name = self.titles.get(path) or path.name
            options.append(self._target(path, Content.assemble("← ", line(name))))
        return options

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if self.targets:
            options.highlighted = options.get_option_index("0")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.targets[int(event.option.id)])

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
