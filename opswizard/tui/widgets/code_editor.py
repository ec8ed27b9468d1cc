"""Editors for code sections (a language and the code; before/after for changes) and prose.

The editor works on the section's first fenced block; any further blocks and
text between them are kept as they are (and said so).

In a code area, Tab leaves it as it leaves any field; indentation has its own keys:

| Key | Action |
|---|---|
| `tab` / `shift+tab` | Next / previous field (leave the code) |
| `ctrl+]` | Indent the line (or the selected lines) by four spaces |
| `ctrl+\\` | Dedent the line (or the selected lines) |
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static, TextArea

from ...core import change as changes
from ...core.model import Fence
from ...core.template import SectionKind
from .code_check_note import CodeCheckNote
from .section_editor import SectionEditor

if TYPE_CHECKING:
    from ...core.model import EntryBase


INDENT = "    "


class CodeArea(TextArea):
    """A TextArea for code: Tab moves on (as in every other field), ctrl+] and ctrl+\\
    indent and dedent the line or the selected lines."""

    BINDINGS = [
        Binding("tab", "app.focus_next", "Next field", id="code.next", show=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", id="code.previous",
                show=False),
        Binding("ctrl+right_square_bracket", "indent", "Indent", key_display="ctrl+]",
                id="code.indent", show=True),
        Binding("ctrl+backslash", "dedent", "Dedent", key_display="ctrl+\\",
                id="code.dedent", show=True),
    ]

    def __init__(self, text: str, id: str) -> None:
        super().__init__(text, id=id, classes="code", soft_wrap=False, show_line_numbers=True,
                         tab_behavior="focus")

    def _rows(self) -> range:
        start, end = self.selection
        first, last = sorted((start[0], end[0]))
        if last > first and max(start, end)[1] == 0:
            last -= 1  # a selection ending at a line's start does not take that line
        return range(first, last + 1)

    def action_indent(self) -> None:
        """Four spaces at the start of each line in the selection (or the cursor's line)."""
        if self.read_only:
            return
        rows = self._rows()
        (row, column) = self.cursor_location
        for index in rows:
            self.insert(INDENT, (index, 0), maintain_selection_offset=False)
        self.move_cursor((row, column + len(INDENT)))

    def action_dedent(self) -> None:
        """Up to four leading spaces (or a tab) off each line in the selection."""
        if self.read_only:
            return
        (row, column) = self.cursor_location
        removed_here = 0
        for index in self._rows():
            text = self.document.get_line(index)
            width = 1 if text.startswith("\t") else len(text) - len(text.lstrip(" "))
            width = min(width, len(INDENT))
            if width:
                self.delete((index, 0), (index, width), maintain_selection_offset=False)
                if index == row:
                    removed_here = width
        self.move_cursor((row, max(0, column - removed_here)))


def _code_area(text: str, id: str) -> TextArea:
    return CodeArea(text, id)


class CodeEditor(SectionEditor):
    """A language and a code area; for changes, a `Before` and an `After` area."""

    DEFAULT_CSS = """
    CodeEditor TextArea.code { height: auto; min-height: 5; max-height: 16; }
    CodeEditor #language { width: 24; }
    CodeEditor .kept { color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Content(self.spec.hint), classes="hint")
        yield Static(Content("Language"), classes="field-label")
        yield Input(self.spec.language, id="language", placeholder=self.spec.language,
                    compact=True)
        yield CodeCheckNote(id="code-check")
        yield Static("", id="kept", classes="kept")

    async def load(self, entry: EntryBase) -> None:
        section = entry.section(self.spec.key)
        fence = section.first_fence()
        self.query_one("#language", Input).value = fence.language if fence else self.spec.language
        code = fence.code if fence else ""
        await self.query("TextArea, .area-label").remove()
        split = changes.split(code) if self.spec.kind is SectionKind.CHANGE else None
        self._split = split if split is not None or code.strip() else (
            changes.Change(prefix=changes.comment_prefix(self.spec.language))
            if self.spec.kind is SectionKind.CHANGE else None
        )
        kept = self.query_one("#code-check", CodeCheckNote)
        if self._split is not None:
            await self.mount_all([
                Static(Content("Before"), classes="field-label area-label"),
                _code_area(self._split.before, "before"),
                Static(Content("After"), classes="field-label area-label"),
                _code_area(self._split.after, "after"),
            ], before=kept)
        else:
            label = "Code" if self.spec.kind is SectionKind.CODE else "Change (edited whole)"
            await self.mount_all([
                Static(Content(label), classes="field-label area-label"),
                _code_area(code, "code"),
            ], before=kept)
        self._check_code(fence.language if fence else self.spec.language, code)
        others = len(section.items) - (1 if fence else 0)
        self.query_one("#kept", Static).update(
            Content(f"{others} more block(s) in this section are kept as written.")
            if others else ""
        )

    def apply(self, entry: EntryBase) -> None:
        section = entry.section(self.spec.key)
        language = self.query_one("#language", Input).value.strip()
        if self._split is not None:
            before = self.query_one("#before", TextArea).text
            after = self.query_one("#after", TextArea).text
            if before.strip() or after.strip():
                self._split.before, self._split.after = before, after
                if language and not self._split.preamble:
                    self._split.prefix = changes.comment_prefix(language)
                code = changes.compose(self._split)
            else:
                code = ""
        else:
            code = self.query_one("#code", TextArea).text
        fence = section.first_fence()
        if fence is None:
            if code.strip():
                section.items = [*section.items, Fence(language=language, code=code)]
            return
        if fence.code != code or fence.language != language:
            index = section.items.index(fence)
            items = list(section.items)
            if code.strip():
                items[index] = Fence(language=language, code=code)
            else:
                del items[index]
            section.items = items

    def _code(self) -> str:
        """The block as it would be saved (halves joined with their markers)."""
        if self._split is not None:
            before = self.query_one("#before", TextArea).text
            after = self.query_one("#after", TextArea).text
            if not (before.strip() or after.strip()):
                return ""
            self._split.before, self._split.after = before, after
            return changes.compose(self._split)
        return self.query_one("#code", TextArea).text

    def _check_code(self, language: str, code: str) -> None:
        self.query_one("#code-check", CodeCheckNote).check(language, code)

    @on(CodeCheckNote.Checked)
    def _checked(self) -> None:
        self.changed()  # the checklist reads the answer (bash: known only now)

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _edited(self) -> None:
        if self.ready:
            self._check_code(self.query_one("#language", Input).value.strip(), self._code())
        self.changed()


class ProseEditor(SectionEditor):
    """Free text."""

    DEFAULT_CSS = """
    ProseEditor TextArea { height: auto; min-height: 8; max-height: 24; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Content(self.spec.hint), classes="hint")
        yield TextArea(id="prose", soft_wrap=True)

    async def load(self, entry: EntryBase) -> None:
        self.query_one("#prose", TextArea).text = entry.section(self.spec.key).text

    def apply(self, entry: EntryBase) -> None:
        text = self.query_one("#prose", TextArea).text
        section = entry.section(self.spec.key)
        if text != section.text:
            section.text = text

    @on(TextArea.Changed)
    def _edited(self) -> None:
        self.changed()
