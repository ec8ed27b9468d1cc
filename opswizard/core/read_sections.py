"""Reading one template section's lines into the model: fields, lists, follow-up actions,
code blocks and prose (the parser, `parse.py`, finds the sections). Nothing is lost: lines
that are not list items are kept as raw items, in place."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import kinds
from .fences import FENCE_OPEN, FenceTracker
from .findings import Finding, Where
from .model import Action, Fence, Item
from .template import FieldSpec, SectionKind, SectionSpec, norm_heading

if TYPE_CHECKING:  # pragma: no cover
    from .parse import ParseResult

Line = tuple[int, str]  # (1-based line number, text without newline)

BULLET = re.compile(r"^ {0,3}[-*+][ \t]+(.*)$|^ {0,3}[-*+]$")
_NUMBER = re.compile(r"^ {0,3}\d{1,9}[.)][ \t]+(.*)$|^ {0,3}\d{1,9}[.)]$")
STEP = re.compile(f"{_NUMBER.pattern}|{BULLET.pattern}")  # bulleted steps are steps too
_LABEL = re.compile(
    r"^\*\*(?P<a>[^*]+?)\*\*[ \t]*:[ \t]*(?P<at>.*)$|^\*\*(?P<b>[^*]+?):\*\*[ \t]*(?P<bt>.*)$", re.S
)
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\][ \t]*(?P<text>.*)$", re.S)
_META = re.compile(r"(?<![ \t])[ \t]*\((?P<meta>[^()]*)\)[ \t]*$")  # lookbehind: linear
_META_PAIR = re.compile(r"(owner|due|deadline|by)\s*:\s*([^,;]+)", re.I)


def trim(lines: list[Line]) -> list[Line]:
    """The lines without the blank ones at either end."""
    start, end = 0, len(lines)
    while start < end and not lines[start][1].strip():
        start += 1
    while end > start and not lines[end - 1][1].strip():
        end -= 1
    return lines[start:end]


@dataclass
class _Chunk:
    item: bool
    first: Line
    more: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join([self.first[1], *self.more])


def _chunks(lines: list[Line], marker: re.Pattern[str]) -> list[_Chunk]:
    """Group lines into list items (a marker line and its continuation) and raw text."""
    chunks: list[_Chunk] = []
    fences = FenceTracker()
    blanks: list[str] = []
    for no, line in lines:
        current = chunks[-1] if chunks else None
        if fences.char:  # a fence is open
            assert current is not None
            current.more.extend(blanks + [line])
            blanks = []
            fences.feed(no, line)
            continue
        match = marker.match(line)
        if match:
            chunks.append(_Chunk(True, (no, next(filter(None, match.groups()), ""))))
            blanks = []
            if "```" in line or "~~~" in line:  # else no fence can open here
                fences.feed(no, match.group(0).lstrip(" -*+0123456789.)\t"))
            continue
        if not line.strip():
            blanks.append(line)
            continue
        continues = current is not None and (
            line[:1] in (" ", "\t") or (current.item and not blanks)
        )
        if continues and current is not None:
            current.more.extend(blanks + [line])
        elif current is not None and not current.item:
            current.more.extend(blanks + [line])
        else:
            chunks.append(_Chunk(False, (no, line)))
        blanks = []
        if "```" in line or "~~~" in line:
            fences.feed(no, line)
    return chunks


def _label(text: str) -> tuple[str | None, str]:
    match = _LABEL.match(text)
    if not match:
        return None, text
    if match.group("a") is not None:
        return match.group("a").strip(), match.group("at")
    return match.group("b").strip(), match.group("bt")


_BY_LABEL: dict[str, dict[str, FieldSpec]] = {}  # a FIELDS section's fields by label


def _read_fields(result: ParseResult, spec: SectionSpec, lines: list[Line]) -> None:
    section = result.entry.section(spec.key)
    by_label = _BY_LABEL.get(spec.key)
    if by_label is None:
        by_label = _BY_LABEL[spec.key] = {norm_heading(f.label): f for f in spec.fields}
    filled: set[str] = set()
    for chunk in _chunks(lines, BULLET):
        if not chunk.item:
            section.extra.append(Item(text=chunk.text, raw=True))
            continue
        label, text = _label(chunk.text)
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
    for chunk in _chunks(lines, marker):
        if not chunk.item:
            section.items.append(Item(text=chunk.text, raw=True))
            continue
        if spec.kind is SectionKind.LABELLED:
            label, text = _label(chunk.text)
            section.items.append(Item(label=label, text=text))
        else:
            section.items.append(Item(text=chunk.text))
        result.locations.setdefault(f"item:{spec.key}:{len(section.items) - 1}", chunk.first[0])


def _read_actions(result: ParseResult, spec: SectionSpec, lines: list[Line]) -> None:
    section = result.entry.section(spec.key)
    for chunk in _chunks(lines, BULLET):
        if not chunk.item:
            section.items.append(Action(text=chunk.text, raw=True))
            continue
        result.locations[Where.action(len(section.items))] = chunk.first[0]
        section.items.append(parse_action(chunk.text))


def parse_action(text: str) -> Action:
    """Read `[ ] text (owner: @dana, due: 2026-03-01)` (the bullet already removed)."""
    text, done, owner, deadline = action_parts(text)
    return Action(text=text, done=done, owner=owner, deadline=deadline)


def action_parts(text: str) -> tuple[str, bool, str, str]:
    """(text, done, owner, deadline) of a follow-up action's line (`parse_action`'s parts)."""
    done = False
    box = _CHECKBOX.match(text)
    if box:
        done = box.group("mark") != " "
        text = box.group("text")
    owner = deadline = ""
    meta = _META.search(text)
    if meta:
        pairs = _META_PAIR.findall(meta.group("meta"))
        if pairs:
            for key, value in pairs:
                if key.lower() == "owner":
                    owner = value.strip()
                else:
                    deadline = value.strip()
            text = text[: meta.start()]
    return text, done, owner, deadline


def _read_code(result: ParseResult, spec: SectionSpec, lines: list[Line]) -> None:
    items = result.entry.section(spec.key).items
    for language, code, raw in code_blocks(lines):
        items.append(Fence(code=code, raw=True) if raw else Fence(language=language, code=code))


def code_blocks(lines: list[Line]) -> list[tuple[str, str, bool]]:
    """A CODE or CHANGE section's fenced blocks, in order, as (info string, code, raw):
    `raw` is text between fences kept verbatim (its language "")."""
    out: list[tuple[str, str, bool]] = []
    tracker = FenceTracker()
    raw: list[Line] = []
    language: str | None = None  # None: no fence open

    def flush_raw() -> None:
        trimmed = trim(raw)
        if trimmed:
            out.append(("", "\n".join(t for _, t in trimmed), True))
        raw.clear()

    code: list[str] = []
    for no, line in lines:
        was_open = tracker.open
        in_fence = tracker.feed(no, line)
        if not in_fence:
            raw.append((no, line))
            continue
        if not was_open:  # an opening marker
            flush_raw()
            # The whole info string: `py title="x.py"` survives.
            language = FENCE_OPEN.match(line).group(3).strip()  # type: ignore[union-attr]
            code = []
            continue
        if not tracker.open:  # the closing marker
            assert language is not None
            out.append((language, "\n".join(code), False))
            language = None
            continue
        code.append(line)
    if language is not None:
        out.append((language, "\n".join(code), False))
    flush_raw()
    return out


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
