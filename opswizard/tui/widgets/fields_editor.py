"""The editor for FIELDS sections (Issue Summary, Context, Root Cause Analysis, Metrics).

Each field gets the widget its kind calls for: a Select for category, severity
and environment; an Input, checked as you type, for the rest. The Issue Summary
step also edits the entry's tags.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Input, Select, Static, TextArea

from ...core import kinds
from ...core.tags import normalise_tag
from ...core.template import (
    CATEGORIES,
    ENVIRONMENTS,
    SEVERITIES,
    TAGS_STEP,
    FieldKind,
    FieldSpec,
)
from ..safe import line, plain
from .section_editor import SectionEditor
from .suggest_input import SuggestInput
from .type_select import TypeSelect

if TYPE_CHECKING:
    from ...core.model import EntryBase

_CHOICES = {
    FieldKind.CATEGORY: CATEGORIES,
    FieldKind.SEVERITY: SEVERITIES,
    FieldKind.ENVIRONMENT: ENVIRONMENTS,
}


def tags_from_input(value: str) -> list[str]:
    out: list[str] = []
    for part in value.replace(";", ",").split(","):
        tag = normalise_tag(part)
        if tag and tag not in out:
            out.append(tag)
    return out


class FieldsEditor(SectionEditor):
    """One labelled widget per template field, with its validation message underneath."""

    _shown: dict[str, tuple[str, str] | None]
    """The message under each field as last shown (None: no message)."""

    def compose(self) -> ComposeResult:
        self._shown = {}
        yield Static(Content(self.spec.hint), classes="hint")
        for f in self.spec.fields:
            marker = " *" if f.required else ""
            yield Static(Content(f.label + marker), classes="field-label")
            widget = self._widget(f)
            yield widget
            if f.suggest and isinstance(widget, Input):
                yield self._suggest(widget, f.suggest, multi=f.kind is FieldKind.LIST)
            yield Static("", id=f"msg-{f.key}", classes="field-message")
            if self.spec.key == TAGS_STEP and f.kind is FieldKind.CATEGORY:
                yield from self._tags()  # "properly categorized and tagged": side by side

    def _tags(self) -> ComposeResult:
        yield Static(Content("Tags"), classes="field-label")
        tags = Input(placeholder="comma separated, e.g. postgres, connection-pool",
                     id="field-tags", compact=True)
        yield tags
        yield self._suggest(tags, "tags", multi=True)
        yield Static("", id="msg-tags", classes="field-message")

    def _suggest(self, target: Input, name: str, multi: bool) -> SuggestInput:
        return SuggestInput(target, lambda: self.context.source(name), multi=multi)

    def widget(self, key: str) -> Input | Select[str] | TextArea:
        """The widget editing a field (a TextArea once a value spans lines)."""
        # The fields are this editor's own children: looked up by id, not by a query over
        # every widget below (this runs for every field on every keystroke).
        for widget_id in (f"field-{key}-multi", f"field-{key}"):
            try:
                return self.get_child_by_id(widget_id)  # type: ignore[return-value]
            except NoMatches:
                continue
        raise KeyError(key)

    def _widget(self, f: FieldSpec) -> Input | Select[str]:
        if f.kind in _CHOICES:
            # rich Text, not Content: Select's type-to-search only reads str and Text prompts.
            options = [(plain(choice), choice) for choice in _CHOICES[f.kind]]
            return TypeSelect(options, prompt=f"Choose {f.label.lower()} (type to pick)",
                              id=f"field-{f.key}", allow_blank=True, compact=True)
        return Input(placeholder=f.hint, id=f"field-{f.key}", compact=True)

    async def load(self, entry: EntryBase) -> None:
        section = entry.section(self.spec.key)
        for f in self.spec.fields:
            value = getattr(section, f.key)
            widget = self.widget(f.key)
            if isinstance(widget, Select):
                choices = _CHOICES[f.kind]
                if value and value not in choices:
                    # A hand-written value outside the list: offer it as written.
                    widget.set_options(
                        [(plain(value), value)] + [(plain(c), c) for c in choices]
                    )
                widget.value = value if value else Select.NULL
            elif "\n" in value:
                # An Input cannot hold lines: edit a multi-line value in a TextArea.
                area = TextArea(value, id=f"field-{f.key}-multi", classes="multi-value")
                await self.mount(area, after=widget)
                await widget.remove()
            elif isinstance(widget, TextArea):
                widget.text = value
            else:
                widget.value = value
            self._check(f, value)
        if self.spec.key == TAGS_STEP:
            self.query_one("#field-tags", Input).value = ", ".join(entry.tags)

    def apply(self, entry: EntryBase) -> None:
        section = entry.section(self.spec.key)
        for f in self.spec.fields:
            widget = self.widget(f.key)
            if isinstance(widget, Select):
                value = "" if widget.value in (Select.NULL, None) else str(widget.value)
            elif isinstance(widget, TextArea):
                value = widget.text
            else:
                value = widget.value
            if kinds.normalise(f.kind, value) != getattr(section, f.key):
                setattr(section, f.key, value)
        if self.spec.key == TAGS_STEP:
            tags = tags_from_input(self.query_one("#field-tags", Input).value)
            if tags != entry.tags:
                entry.tags = tags

    def _check(self, f: FieldSpec, value: str) -> None:
        problem = kinds.check(f.kind, value)
        shown = (problem.level, problem.message) if problem else None
        if self._shown.get(f.key, ()) == shown:
            return  # the same message: updating it would lay the screen out again
        self._shown[f.key] = shown
        message = self.get_child_by_id(f"msg-{f.key}", Static)
        message.set_class(bool(problem and problem.level == "error"), "-error")
        message.set_class(bool(problem and problem.level == "warning"), "-warning")
        message.update(line(problem.message) if problem else "")

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("field-").removesuffix("-multi")
        if key == "tags":
            self._check_tags(event.value)
        else:
            self._check(self.spec.field(key), event.value)
        self.changed()

    def _check_tags(self, value: str) -> None:
        """Warn when a tag nearly duplicates one the team already uses."""
        suggester = self.context.suggester
        done = value.rsplit(",", 1)[0] if "," in value else ""
        warnings = []
        for tag in tags_from_input(done) if suggester else []:
            existing = suggester.near_duplicate_tag(tag)  # type: ignore[union-attr]
            if existing:
                warnings.append(f"'{tag}' looks like the existing tag '{existing}'")
        self.set_message("tags", "warning" if warnings else "", "; ".join(warnings))

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        self.changed()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        self.changed()

    def set_message(self, key: str, level: str, text: str) -> None:
        """Show a message under a field (the screen uses it for tag warnings)."""
        message = self.query_one(f"#msg-{key}", Static)
        message.set_class(level == "error", "-error")
        message.set_class(level == "warning", "-warning")
        message.update(line(text))
