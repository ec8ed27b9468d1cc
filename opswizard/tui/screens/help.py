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


def own_bindings(node: object) -> list[Binding]:
    """The bindings opswizard's own classes declare for a node (not those it inherits from
    Textual's widgets: an Input's cursor keys would bury ours)."""
    out: list[Binding] = []
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("opswizard"):
            continue
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.description and binding not in out:
                out.append(binding)
    return out


def focused_keys(screen: Screen[object]) -> list[tuple[str, str]]:
    """The keys of the widget that has the cursor: its own bindings and those of the
    opswizard widgets around it, keys a widget explains in `HELP_KEYS` (list items), and
    the keys of a suggestion list attached to it."""
    focused = screen.focused
    if focused is None:
        return []
    out: list[tuple[str, str]] = []
    for node in focused.ancestors_with_self:
        if node is screen:
            break
        out.extend(getattr(node, "HELP_KEYS", ()))
        for binding in own_bindings(node):
            out.append((_key_name(binding.key_display or binding.key), binding.description))
    for helper in screen.query("AutoComplete"):
        if getattr(helper, "target", None) is focused:
            out.extend(getattr(helper, "HELP_KEYS", ()))
    return out


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
        """Build the help for a screen: the keys of the widget with the cursor first, then
        moving between fields, then the screen's own keys (never the help's own)."""
        purpose = getattr(screen, "HELP", "") or (screen.__doc__ or "").strip()
        title = getattr(screen, "HELP_TITLE", type(screen).__name__)
        keys: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()

        def add(name: str, description: str) -> None:
            if (name, description) not in seen:
                seen.add((name, description))
                keys.append((name, description))

        for name, description in focused_keys(screen):
            add(name, description)
        if screen.query("Input, TextArea, Select"):
            add("Tab / Shift+Tab", "Next / previous field")
        from ..app import own_nodes

        for node in own_nodes(screen):
            for binding in own_bindings(node):
                if binding.action == "app.help":
                    continue
                add(_key_name(binding.key_display or binding.key), binding.description)
        add("F1, ?", "This help (Escape closes it)")
        add("Ctrl+P", "Command palette: every action by name")
        return cls(title, purpose, keys)

    def compose(self) -> ComposeResult:
        rows = "\n".join(f"| `{k}` | {d} |" for k, d in self._keys)
        with VerticalScroll():
            yield Static(Content.assemble((self._title, "bold"),
                                          ("   Escape closes this help", "dim")),
                         id="help-title")
            yield Static(Content(self._purpose))
            yield Markdown(f"| Key | Action |\n|---|---|\n{rows}")

    def action_close(self) -> None:
        self.dismiss(None)
