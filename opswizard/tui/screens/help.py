"""F1 / `?`: what the current screen is for, and every key it answers to."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static

_NAMES = {"escape": "Escape", "enter": "Enter", "tab": "Tab", "space": "Space",
          "question_mark": "?", "slash": "/", "delete": "Delete", "backspace": "Backspace",
          "up": "Up", "down": "Down", "left": "Left", "right": "Right"}


def _key_name(key: str) -> str:
    """`ctrl+n,f2` -> `Ctrl+N, F2`: one spelling for every key in the help."""
    names = []
    for part in key.split(","):
        words = []
        for word in part.strip().split("+"):
            if word in _NAMES:
                words.append(_NAMES[word])
            elif len(word) == 1:
                words.append(word.upper() if words else word)
            else:
                words.append(word[:1].upper() + word[1:])
        names.append("+".join(words))
    return ", ".join(names)


class HelpScreen(ModalScreen[None]):
    """A modal listing the keys of the screen underneath and what that screen is for."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80%; max-width: 100; height: 80%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    HelpScreen #help-title { text-style: bold; margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("escape,f1,question_mark,q", "close", "Close help", id="help.close"),
    ]

    def __init__(self, title: str, purpose: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self._purpose = purpose
        self._keys = keys

    @classmethod
    def for_screen(cls, screen: Screen[object]) -> HelpScreen:
        """Build the help for a screen from its `HELP` text and its bindings."""
        purpose = getattr(screen, "HELP", "") or (screen.__doc__ or "").strip()
        title = getattr(screen, "HELP_TITLE", type(screen).__name__)
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        from ..app import own_nodes

        for node in own_nodes(screen):
            for binding in getattr(node, "BINDINGS", []):
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                name = _key_name(binding.key_display or binding.key)
                if (name, binding.description) in seen or binding.action == "app.help":
                    continue
                seen.add((name, binding.description))  # type: ignore[arg-type]
                keys.append((name, binding.description))
        keys.append(("F1, ?", "This help"))
        keys.append(("Escape, F1, ?, q", "Close help"))
        keys.append(("Ctrl+P", "Command palette: every action by name"))
        return cls(title, purpose, keys)

    def compose(self) -> ComposeResult:
        rows = "\n".join(f"| `{k}` | {d} |" for k, d in self._keys)
        with VerticalScroll():
            yield Static(Content(self._title), id="help-title")
            yield Static(Content(self._purpose))
            yield Markdown(f"| Key | Action |\n|---|---|\n{rows}")

    def action_close(self) -> None:
        self.dismiss(None)
