"""The pydantic model of an operational learning entry, derived from `template.py`.

Each FIELDS section becomes a model with one string field per template field
(normalised by its kind, never rejected: a value that cannot be read is kept as
typed and reported by `check`). Every other section kind has one shared model.
`Entry` gets one attribute per section, named by the section's key.

Content the template has no place for is kept: unknown labelled lines in a
FIELDS section (`extra`), lines that are not list items (`Item.raw`), unknown
sections and prose between sections (`Entry.layout` raw parts), and frontmatter
keys opswizard does not use (`Entry.extra_frontmatter`, verbatim YAML).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from . import kinds
from .template import (
    FIELD_BY_KEY,
    PREAMBLE,
    SCHEMA_VERSION,
    SECTIONS,
    FieldKind,
    SectionKind,
    SectionSpec,
)


class Item(BaseModel):
    """One entry of a list section: a step, a bullet, or a `**Label**: text` line.

    `raw` items are lines kept verbatim (a paragraph among the bullets).
    """

    model_config = ConfigDict(validate_assignment=True)

    text: str = ""
    label: str | None = None
    raw: bool = False


class Action(BaseModel):
    """A follow-up action: `- [ ] text (owner: @dana, due: 2026-03-01)`."""

    model_config = ConfigDict(validate_assignment=True)

    text: str = ""
    done: bool = False
    owner: str = ""
    deadline: str = ""
    raw: bool = False


class Fence(BaseModel):
    """A fenced block, or (`raw`) text between fences kept verbatim."""

    model_config = ConfigDict(validate_assignment=True)

    language: str = ""
    code: str = ""
    raw: bool = False


class ListSection(BaseModel):
    """STEPS, BULLETS and LABELLED sections."""

    items: list[Item] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not any(i.text.strip() or (i.label or "").strip() for i in self.items)


class CodeSection(BaseModel):
    """CODE and CHANGE sections: fenced blocks in order."""

    items: list[Fence] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not any(f.code.strip() for f in self.items)

    def first_fence(self) -> Fence | None:
        return next((f for f in self.items if not f.raw), None)


class ActionsSection(BaseModel):
    """The Follow-up Actions checklist."""

    items: list[Action] = Field(default_factory=list)

    def is_empty(self) -> bool:
        # As `render.is_blank`: a row with only an owner or a deadline is not nothing.
        return not any(a.text.strip() or a.owner.strip() or a.deadline.strip() for a in self.items)


class ProseSection(BaseModel):
    """Additional Notes: free text."""

    text: str = ""

    def is_empty(self) -> bool:
        return not self.text.strip()


class FieldsBase(BaseModel):
    """Base of the generated FIELDS section models."""

    model_config = ConfigDict(validate_assignment=True)

    extra: list[Item] = Field(default_factory=list)

    def is_empty(self) -> bool:
        values = self.model_dump(exclude={"extra"})
        return not any(str(v).strip() for v in values.values()) and not any(
            i.text.strip() or (i.label or "").strip() for i in self.extra  # a blank `- ` is nothing
        )


def _normaliser(kind: FieldKind) -> Any:
    return AfterValidator(lambda value: kinds.normalise(kind, value))


def _fields_model(spec: SectionSpec) -> type[FieldsBase]:
    definitions: dict[str, Any] = {
        f.key: (Annotated[str, _normaliser(f.kind)], "") for f in spec.fields
    }
    name = "".join(part.title() for part in spec.key.split("_"))
    model: type[FieldsBase] = create_model(
        name, __base__=FieldsBase, __doc__=f"The {spec.heading} section.", **definitions
    )
    return model


_KIND_MODEL: dict[SectionKind, type[BaseModel]] = {
    SectionKind.STEPS: ListSection,
    SectionKind.BULLETS: ListSection,
    SectionKind.LABELLED: ListSection,
    SectionKind.CODE: CodeSection,
    SectionKind.CHANGE: CodeSection,
    SectionKind.ACTIONS: ActionsSection,
    SectionKind.PROSE: ProseSection,
}

SECTION_MODELS: dict[str, type[BaseModel]] = {
    s.key: _fields_model(s) if s.kind is SectionKind.FIELDS else _KIND_MODEL[s.kind]
    for s in SECTIONS
}


class Part(BaseModel):
    """One part of the body, in order: a template section, or text kept verbatim."""

    section: str | None = None  # a section key
    text: str = ""  # raw text when section is None
    keep_empty: bool = False  # the source had this heading even with nothing under it


def default_layout() -> list[Part]:
    return [Part(text=PREAMBLE)] + [Part(section=s.key) for s in SECTIONS]


def new_id() -> str:
    return str(uuid.uuid4())


class EntryBase(BaseModel):
    """Machine fields and layout; the sections are added by `create_model` below."""

    model_config = ConfigDict(validate_assignment=True)

    id: str = Field(default_factory=new_id)
    status: Literal["draft", "final"] = "draft"
    tags: list[str] = Field(default_factory=list)
    checklist_override: str = ""
    schema_version: int = SCHEMA_VERSION
    extra_frontmatter: list[tuple[str, str]] = Field(default_factory=list)
    layout: list[Part] = Field(default_factory=default_layout)
    newline: Literal["\n", "\r\n"] = "\n"
    bom: bool = False

    if TYPE_CHECKING:  # the template's sections are added at run time by `create_model`

        def __getattr__(self, name: str) -> Any: ...

    # -- field access by key, for code that walks the template -----------------
    def section(self, key: str) -> Any:
        return getattr(self, key)

    def get(self, field_key: str) -> str:
        spec, _ = FIELD_BY_KEY[field_key]
        return str(getattr(getattr(self, spec.key), field_key))

    def set(self, field_key: str, value: str) -> None:
        spec, _ = FIELD_BY_KEY[field_key]
        setattr(getattr(self, spec.key), field_key, value)

    @property
    def title(self) -> str:
        return self.get("title")

    @property
    def category(self) -> str:
        return self.get("category")

    @property
    def severity(self) -> str:
        return self.get("severity")

    @property
    def date(self) -> str:
        return self.get("date")

    def when(self) -> datetime | None:
        """The entry's date as an aware UTC datetime, if it can be read."""
        return kinds.parse_date(self.date)[0]

    def services(self) -> list[str]:
        return kinds.split_list(self.get("related_services"))

    def present_sections(self) -> list[str]:
        """Sections whose heading is in the file (an entry read from disk), in file order."""
        return [p.section for p in self.layout if p.section and p.keep_empty]

    def unknown_parts(self) -> list[str]:
        return [p.text for p in self.layout if p.section is None]


Entry: type[EntryBase] = create_model(  # type: ignore[call-overload]
    "Entry",
    __base__=EntryBase,
    __doc__="An operational learning entry: one markdown file in the knowledge base.",
    **{key: (model, Field(default_factory=model)) for key, model in SECTION_MODELS.items()},
)


def new_entry(**fields: str) -> EntryBase:
    """A fresh entry dated now (UTC), with any field values given by key."""
    entry = Entry()
    entry.set("date", kinds.format_date(datetime.now(UTC)))
    for key, value in fields.items():
        entry.set(key, value)
    return entry

