"""Write an entry in the template's layout: frontmatter for machine fields, then the body.

`render(parse(render(e))) == render(e)`, byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from . import frontmatter as fm
from .model import Action, EntryBase, Fence, Item
from .template import SCHEMA_VERSION, SECTION_BY_KEY, SectionKind, SectionSpec


def render(entry: EntryBase) -> str:
    """The entry's text, with the entry's own line endings."""
    text = render_frontmatter(entry) + "\n" + render_body(entry)
    if entry.newline == "\r\n":
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if entry.bom else "") + text


def render_bytes(entry: EntryBase) -> bytes:
    return render(entry).encode("utf-8")


def render_frontmatter(entry: EntryBase) -> str:
    values: list[tuple[str, int | str | list[str]]] = [
        ("opswizard", SCHEMA_VERSION),
        ("id", entry.id),
        ("status", entry.status),
        ("tags", list(entry.tags)),
    ]
    if entry.checklist_override:
        values.append(("checklist_override", entry.checklist_override))
    extra = list(entry.extra_frontmatter)
    if entry.status == "draft" and any(key == "status" for key, _ in extra):
        # A status the parser could not read (`status: wip`) was read as draft and kept
        # verbatim: it stands in for "draft" until someone sets a status.
        values = [(key, value) for key, value in values if key != "status"]
        extra.sort(key=lambda pair: pair[0] != "status")  # first, wherever the parser put it
    written = {key for key, _ in values}
    extra = [(key, raw) for key, raw in extra if key not in written]  # never a duplicate key
    return "---\n" + fm.dump(values, extra) + "---\n"


def render_body(entry: EntryBase) -> str:
    parts: list[str] = []
    for part in entry.layout:
        if part.section is None:
            text = _trim_blank_lines(part.text)
            if text:
                parts.append(text)
            continue
        spec = SECTION_BY_KEY[part.section]
        section = entry.section(spec.key)
        if section.is_empty() and not part.keep_empty:
            continue
        content = render_section(spec, section)
        parts.append(f"### {spec.heading}" + (f"\n{content}" if content else ""))
    return "\n\n".join(parts) + "\n"


def render_section(spec: SectionSpec, section: Any) -> str:
    """The lines under a section's heading (no trailing newline)."""
    kind = spec.kind
    if kind is SectionKind.FIELDS:
        if section.is_empty():
            return ""
        lines = [_field_line(f.label, getattr(section, f.key)) for f in spec.fields]
        return _join_items(lines, section.extra, _item_line(labelled=True))
    if kind is SectionKind.PROSE:
        return _trim_blank_lines(str(section.text))
    items = section.items
    if kind is SectionKind.STEPS:
        return _join_items([], items, _step_lines(items))
    if kind in (SectionKind.BULLETS, SectionKind.LABELLED):
        return _join_items([], items, _item_line(labelled=kind is SectionKind.LABELLED))
    if kind is SectionKind.ACTIONS:
        return _join_items([], items, action_line)
    return _join_items([], items, fence_text)


def _trim_blank_lines(text: str) -> str:
    """Text without the blank (or whitespace-only) lines at its ends, as the parser reads it."""
    return re.sub(r"\A(?:[ \t]*\n)+", "", text).rstrip()


def _field_line(label: str, value: str) -> str:
    return close_open_fence(f"- **{label}**: {value.strip()}".rstrip(), item=True)


def _item_line(labelled: bool) -> Callable[[Item], str]:
    def line(item: Item) -> str:
        label = (item.label or "").strip()
        if labelled and label:
            return f"- **{label}**: {item.text.strip()}".rstrip()
        return f"- {item.text.strip()}".rstrip()

    return line


def _step_lines(items: list[Item]) -> Callable[[Item], str]:
    numbers: dict[int, int] = {}
    for item in items:
        if not item.raw and not is_blank(item):  # blank steps are not written: no gaps
            numbers[id(item)] = len(numbers) + 1

    def line(item: Item) -> str:
        return f"{numbers[id(item)]}. {item.text.strip()}".rstrip()

    return line


def action_line(action: Action) -> str:
    """`- [ ] text (owner: @dana, due: 2026-03-01)`."""
    meta = [f"owner: {action.owner.strip()}" for _ in [0] if action.owner.strip()]
    meta += [f"due: {action.deadline.strip()}" for _ in [0] if action.deadline.strip()]
    suffix = f" ({', '.join(meta)})" if meta else ""
    return f"- [{'x' if action.done else ' '}] {action.text.strip()}{suffix}".rstrip()


def fence_marker(code: str, char: str = "`") -> str:
    """Backticks (or tildes) longer than any run of them that starts a line of the code."""
    runs = re.findall(rf"^[ \t]*({re.escape(char)}{{3,}})", code, re.M)
    return char * max(3, max((len(m) for m in runs), default=0) + 1)


def fence_text(fence: Fence) -> str:
    if fence.raw:
        return fence.code
    # A backtick fence's info string cannot hold a backtick: such a one needs tildes.
    marker = fence_marker(fence.code, "~" if "`" in fence.language else "`")
    body = f"{fence.code}\n" if fence.code else ""
    return f"{marker}{fence.language}\n{body}{marker}"


def is_blank(item: Item | Action | Fence) -> bool:
    """An item with nothing in it (an empty bullet the author added and never filled)."""
    if isinstance(item, Fence):
        return item.raw and not item.code.strip()
    if isinstance(item, Action):
        return not (item.text.strip() or item.owner.strip() or item.deadline.strip())
    return not (item.text.strip() or (item.label or "").strip())


def close_open_fence(text: str, item: bool = False) -> str:
    """The text with a fence it opens and never closes closed (the parser warned about it).

    Left open, it would swallow every line after it when read back, and a section's field
    lines would be written again after the swallowed ones: the file would grow each save.
    `item`: the first line is a list item, read after its marker as the parser does.
    """
    from .fences import FenceTracker

    tracker = FenceTracker()
    for number, line in enumerate(text.split("\n")):
        tracker.feed(number, line.lstrip(" -*+0123456789.)\t") if item and not number else line)
    return f"{text}\n{tracker.char * tracker.length}" if tracker.open else text


def _join_items(head: list[str], items: Sequence[Item | Action | Fence],
                line: Callable[[Any], str]) -> str:
    """Items one per line; raw text and fences set apart by blank lines."""
    out = "\n".join(head)
    previous_apart = False
    for item in items:
        if is_blank(item):
            continue
        apart = bool(item.raw) or isinstance(item, Fence)
        text = item.text if item.raw and not isinstance(item, Fence) else line(item)
        if not isinstance(item, Fence):
            text = close_open_fence(text, item=not item.raw)
        if out:
            out += "\n\n" if (apart or previous_apart) else "\n"
        out += text
        previous_apart = apart
    return out
