"""Reading one template section's lines into the model: fields, lists, follow-up actions,
code blocks and prose (the parser, `parse.py`, finds the sections). Nothing is lost: lines
that are not list items are kept as raw items, in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import kinds
from .findings import Finding, Where
from .mdlines import BULLET, STEP, Line, action_parts, chunks, code_blocks, split_label
from .model import Action, Fence, Item
from .template import FieldSpec, SectionKind, SectionSpec, norm_heading

if TYPE_CHECKING:  # pragma: no cover
    from .parse import ParseResult

_BY_LABEL: dict[str, dict[str, FieldSpec]] = {}  # a FIELDS section's fields by label


def _read_fields(result: ParseResult, spec: SectionSpec, lines: list[Line]) -> None:
    section = result.entry.section(spec.key)
    by_label = _BY_LABEL.get(spec.key)
    if by_label is None:
        by_label = _BY_LABEL[spec.key] = {norm_heading(f.label): f for f in spec.fields}
    filled: set[str] = set()
    for chunk in chunks(lines, BULLET):
        if not chunk.item:
            section.extra.append(Item(text=chunk.text, raw=True))
            continue
        label, text = split_label(chunk.text)
        field_spec = by_label.get(norm_heading(label)) if label else None
        if field_spec is None or field_spec.key in filled:
            if field_spec is not None:
                result.findings.append(
                    Finding(
                        "warning",
                        f"{field_spec.label} is given twice: the first is used",
                        chunk.first[0],
                    )
                )
            section.extra.append(Item(label=label, text=text))
            continue
        filled.add(field_spec.key)
        # What `setattr` with the model's validator stores, without a validation per field.
        value = kinds.normalise(field_spec.kind, text)
        section.__dict__[field_spec.key] = value
        section.__pydantic_fields_set__.add(field_spec.key)
        # Normalising can hide what was wrong (`10:15:00` with no zone becomes `10:15:00Z`):
        # say so here, where the text as written is still known.
        problem = kinds.check(field_spec.kind, text)
        if problem and not kinds.check(field_spec.kind, value):
            result.findings.append(
                Finding(problem.level, f"{field_spec.label}: {problem.message}", chunk.first[0],
                        Where.field(field_spec.key))
            )
        result.locations[Where.field(field_spec.key)] = chunk.first[0]


def _read_list(result: ParseResult, spec: SectionSpec, lines: list[Line]) -> None:
    section = result.entry.section(spec.key)
    marker = STEP if spec.kind is SectionKind.STEPS else BULLET
    for chunk in chunks(lines, marker):
        if not chunk.item:
            section.items.append(Item(text=chunk.text, raw=True))
            continue
        if spec.kind is SectionKind.LABELLED:
            label, text = split_label(chunk.text)
            section.items.append(Item(label=label, text=text))
        else:
            section.items.append(Item(text=chunk.text))
        result.locations.setdefault(f"item:{spec.key}:{len(section.items) - 1}", chunk.first[0])


def _read_actions(result: ParseResult, spec: SectionSpec, lines: list[Line]) -> None:
    section = result.entry.section(spec.key)
    for chunk in chunks(lines, BULLET):
        if not chunk.item:
            section.items.append(Action(text=chunk.text, raw=True))
            continue
        result.locations[Where.action(len(section.items))] = chunk.first[0]
        section.items.append(parse_action(chunk.text))


def parse_action(text: str) -> Action:
    """Read `[ ] text (owner: @dana, due: 2026-03-01)` (the bullet already removed)."""
    text, done, owner, deadline = action_parts(text)
    return Action(text=text, done=done, owner=owner, deadline=deadline)


def _read_code(result: ParseResult, spec: SectionSpec, lines: list[Line]) -> None:
    items = result.entry.section(spec.key).items
    for language, code, raw in code_blocks(lines):
        items.append(Fence(code=code, raw=True) if raw else Fence(language=language, code=code))


def _read_prose(result: ParseResult, spec: SectionSpec, lines: list[Line]) -> None:
    result.entry.section(spec.key).text = "\n".join(line for _, line in lines)


READERS: dict[SectionKind, Callable[[ParseResult, SectionSpec, list[Line]], None]] = {
    SectionKind.FIELDS: _read_fields,
    SectionKind.STEPS: _read_list,
    SectionKind.BULLETS: _read_list,
    SectionKind.LABELLED: _read_list,
    SectionKind.CODE: _read_code,
    SectionKind.CHANGE: _read_code,
    SectionKind.ACTIONS: _read_actions,
    SectionKind.PROSE: _read_prose,
}
