"""The base of every section editor in the wizard, and the factory that picks one.

Editors own their conversion (STYLE.md, 8): `load(entry)` fills the widgets from
the model, `apply(entry)` writes them back. Any edit posts `SectionEditor.Changed`;
the screen then applies the editor and recomputes the checklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.containers import Vertical
from textual.message import Message

from ...core.template import RELATED_STEP, SectionKind, SectionSpec

if TYPE_CHECKING:
    from collections.abc import Callable

    from ...core.model import EntryBase
    from ...core.suggestions import Suggestions


@dataclass
class EditorContext:
    """What editors may ask of the wizard (filled in by the screen).

    `suggester` is None until the knowledge base index has been built in a worker.
    """

    suggester: Suggestions | None = None
    target_path: Callable[[], Path] | None = None
    link_for: Callable[[Any], str] | None = None
    """The Related Issues link text for a past entry's record, from this entry's file."""

    def source(self, name: str) -> Callable[[str], list[Any]] | None:
        """A suggestion source by name ("tags", "services", "owners"), once ready."""
        return getattr(self.suggester, name, None) if self.suggester else None


class SectionEditor(Vertical):
    """A form for one template section."""

    DEFAULT_CSS = """
    SectionEditor { height: auto; }
    SectionEditor .field-label { margin-top: 1; color: $text-muted; }
    SectionEditor Input, SectionEditor Select { margin: 0; }
    SectionEditor .field-message { height: auto; color: $text-muted; display: none; }
    SectionEditor .field-message.-error, SectionEditor .field-message.-warning { display: block; }
    SectionEditor .field-message.-error { color: $error; }
    SectionEditor .field-message.-warning { color: $warning; }
    SectionEditor .multi-value { height: auto; max-height: 8; }
    SectionEditor .hint { color: $text-muted; margin-bottom: 1; }
    """

    class Changed(Message):
        """The author changed something in this editor."""

        def __init__(self, editor: SectionEditor) -> None:
            super().__init__()
            self.editor = editor

        @property
        def control(self) -> SectionEditor:
            return self.editor

    def __init__(self, spec: SectionSpec, context: EditorContext | None = None) -> None:
        super().__init__(id=f"editor-{spec.key}", classes="section-editor")
        self.spec = spec
        self.context = context or EditorContext()
        self.ready = False
        """True once `load` has finished: only a ready editor is applied to the entry."""

    async def load_entry(self, entry: EntryBase) -> None:
        """Fill the widgets from the entry; the editor is `ready` afterwards."""
        self.ready = False
        await self.load(entry)
        self.ready = True

    async def load(self, entry: EntryBase) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def apply(self, entry: EntryBase) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def changed(self) -> None:
        """Tell the screen; it applies this editor and sees whether the entry changed."""
        self.post_message(self.Changed(self))

    def show_problems(self, problems: dict[str, tuple[str, str]]) -> None:
        """Show validation messages: {where: (level, message)}. Editors override."""


def editor_for(spec: SectionSpec, context: EditorContext) -> SectionEditor:
    """The editor widget for a section, chosen by its kind."""
    from .code_editor import CodeEditor, ProseEditor
    from .fields_editor import FieldsEditor
    from .list_editor import ActionsEditor, ListEditor
    from .related_editor import RelatedEditor

    if spec.kind is SectionKind.FIELDS:
        return FieldsEditor(spec, context)
    if spec.kind in (SectionKind.CODE, SectionKind.CHANGE):
        return CodeEditor(spec, context)
    if spec.kind is SectionKind.ACTIONS:
        return ActionsEditor(spec, context)
    if spec.kind is SectionKind.PROSE:
        return ProseEditor(spec, context)
    if spec.key == RELATED_STEP:
        return RelatedEditor(spec, context)
    return ListEditor(spec, context)
