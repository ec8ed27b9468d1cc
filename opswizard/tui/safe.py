"""User text to the screen, safely: Content objects, control characters neutralised.

Never put file or user text into markup. `text("[/]")` shows `[/]`; an ESC byte
shows as `\\x1b`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.content import Content

from ..core.sanitize import clean, clean_line

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel
    from textual.widget import Widget


def text(value: str, style: str = "") -> Content:
    """Multi-line user text as Content (no markup parsed)."""
    content = Content(clean(value))
    return content.stylize(style) if style else content


def line(value: str, style: str = "") -> Content:
    """Single-line user text as Content: newlines shown as `\\n`."""
    content = Content(clean_line(value))
    return content.stylize(style) if style else content


def fmt(template: str, **values: str) -> Content:
    """Markup written by us, with user values substituted safely (`$name` in the template)."""
    return Content.from_markup(template, **{k: clean_line(v) for k, v in values.items()})


def plain(value: str) -> Text:
    """A rich Text (never markup) for widgets that search their prompts, like Select."""
    return Text(clean_line(value))


def say(where: Widget | App[Any], value: str, *, title: str = "",
        severity: SeverityLevel = "information", timeout: float | None = None) -> None:
    """A notification of user text: one line, control characters neutralised, no markup."""
    where.notify(clean_line(value), title=title, severity=severity, timeout=timeout,
                 markup=False)
