"""Writing an imported document in the template's layout: the parts the map knows under
the template's headings (as `import_items` reads them), the Issue Summary filled with the
facts found, the preamble first and the sections the template has no place for last, each
kept byte for byte (`importer.py` checks the result)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import import_items
from .fences import FenceTracker
from .import_meta import Fact
from .import_segment import BOLD_LEVEL, Block, Document
from .parse import parse_text
from .template import FIELD_BY_KEY, SECTION_BY_KEY, SECTIONS, SectionKind

# A FIELDS section whose heading is there but whose body is prose: the field the prose fills.
PROSE_FIELD = {"issue_summary": "system_state", "context": "system_state",
               "root_cause_analysis": "primary_cause"}
# Issue Summary / Context facts, by field key.
FACT_FIELDS = {"date": "date", "category": "category", "title": "title", "severity": "severity",
               "duration": "duration", "services": "related_services",
               "environment": "environment"}


@dataclass
class BuildInfo:
    """What the build did: headings mapped, sections kept, heading lines' inline text,
    field values taken from labels."""

    mappings: list[tuple[int, str, str]] = field(default_factory=list)
    kept: list[tuple[int, str]] = field(default_factory=list)
    structure: dict[int, str] = field(default_factory=dict)
    values: list[str] = field(default_factory=list)  # field values taken from labels


def _raw(block: Block) -> list[str]:
    return [t for _, t in block.heading] + [t for _, t in block.lines]


def _usable(block: Block, level: str) -> bool:
    if not block.mapped or block.target is None or level == "nothing mapped":
        return False
    body = ([(0, block.inline)] if block.inline else []) + block.lines
    if import_items.is_placeholder_body(body):
        return False
    if block.target.is_field:
        if level != "full":
            return False
        first = next((t for _, t in body if t.strip()), "")
        return not re.match(r"^\s*(`{3,}|~{3,})", first)
    return True


def build(doc: Document, facts: dict[str, Fact], level: str) -> tuple[str, BuildInfo]:
    """The entry's text from a segmented document at a mapping `level` ("full", or
    narrower: "nothing mapped" keeps every section as it is), and what was done."""
    info = BuildInfo()
    usable = [b for b in doc.blocks if _usable(b, level)]
    first_used = doc.blocks.index(usable[0]) if usable else len(doc.blocks)
    head = [t for _, t in doc.preamble]
    for block in doc.blocks[:first_used]:
        head.extend(_raw(block))
        info.kept.append((block.line, block.name + " (in place)"))
    tail_blocks = [b for b in doc.blocks[first_used:] if b not in usable]
    fields: dict[str, list[Block]] = {}
    sections: dict[str, list[Block]] = {}
    for block in usable:
        assert block.target is not None
        key = block.target.key
        spec = SECTION_BY_KEY.get(key)
        if spec is not None and spec.kind is SectionKind.FIELDS and key in PROSE_FIELD:
            probe = parse_text("### " + spec.heading + "\n" + "\n".join(t for _, t in block.lines))
            if probe.entry.section(key).model_dump(exclude={"extra"}) == \
                    type(probe.entry.section(key))().model_dump(exclude={"extra"}):
                if level != "full":
                    tail_blocks.append(block)
                    continue
                key = PROSE_FIELD[key]
        (fields if key in FIELD_BY_KEY else sections).setdefault(key, []).append(block)
        info.structure.update({no: block.inline if no == block.line else ""
                               for no, _ in block.heading})
        info.mappings.append((block.line, block.name, _describe(key)))
    tail_blocks.sort(key=lambda b: b.line)
    out = ["\n".join(_closed(head)).strip("\n")] if "".join(head).strip() else []
    for spec in SECTIONS:
        text = _section_text(spec.key, fields, sections, facts, info)
        if text is not None:
            out.append(text)
    if tail_blocks:
        first = tail_blocks[0]
        if "additional_notes" not in sections and (first.level > 3 or len(first.heading) > 1):
            out.append("### Additional Notes")
        for block in tail_blocks:
            out.append("\n".join(_closed(_raw(block))).strip("\n"))
            info.kept.append((block.line, block.name))
    return "\n\n".join(out) + "\n", info


def _closed(lines: list[str]) -> list[str]:
    """The lines with a fence they leave open closed: a source's last section may end in
    a fence that runs to the end of the file, and here other parts follow it."""
    tracker = FenceTracker()
    for number, line in enumerate(lines):
        tracker.feed(number, line)
    return [*lines, tracker.char * tracker.length] if tracker.open else lines


def _describe(key: str) -> str:
    if key in FIELD_BY_KEY:
        section, spec = FIELD_BY_KEY[key]
        return f"{section.heading} / {spec.label}"
    return SECTION_BY_KEY[key].heading


def _section_text(key: str, fields: dict[str, list[Block]], sections: dict[str, list[Block]],
                  facts: dict[str, Fact], info: BuildInfo) -> str | None:
    spec = SECTION_BY_KEY[key]
    if spec.kind is SectionKind.FIELDS:
        native = [t for b in sections.get(key, []) for t in _body_lines(b)]
        present = set()
        if native:
            probe = parse_text(f"### {spec.heading}\n" + "\n".join(native)).entry.section(key)
            present = {f.key for f in spec.fields if getattr(probe, f.key).strip()}
        lines = _closed(list(native))
        for f in spec.fields:
            if f.key in present:
                continue
            value = _field_from(f.key, fields, facts, info)
            if value:
                lines.append(f"- **{f.label}**: {value}")
        return f"### {spec.heading}\n" + "\n".join(lines) if lines else None
    blocks = sections.get(key, [])
    if not blocks:
        return None
    body: list[str] = []
    for index, block in enumerate(blocks):
        if block.target is not None and (block.target.subheading or index > 0) \
                and block.target.layout != "template":
            body.append(block.heading[0][1] if block.level == BOLD_LEVEL and not block.inline
                        else f"#### {block.name}")
        source = ([(block.line, block.inline)] if block.inline else []) + block.lines
        if spec.kind is SectionKind.ACTIONS:
            converted, structure = import_items.action_body(source)
            info.structure.update(dict.fromkeys(structure, ""))
        elif spec.kind in (SectionKind.STEPS, SectionKind.BULLETS, SectionKind.LABELLED):
            converted = import_items.list_body(spec.kind, source)
        else:
            converted = [import_items.demote(t) for _, t in source]
        while converted and not converted[-1].strip():
            converted.pop()
        body.extend(converted)
        body.append("")
    text = "\n".join(_closed(body)).strip("\n")
    return f"### {spec.heading}" + (f"\n{text}" if text else "")


def _body_lines(block: Block) -> list[str]:
    return ([block.inline] if block.inline else []) + [import_items.demote(t)
                                                       for _, t in block.lines]


def _field_from(key: str, fields: dict[str, list[Block]], facts: dict[str, Fact],
                info: BuildInfo) -> str:
    for fact_key, field_key in FACT_FIELDS.items():
        if field_key == key and fact_key in facts:
            info.values.append(facts[fact_key].value)
            return facts[fact_key].value
    blocks = fields.get(key, [])
    if not blocks:
        return ""
    value = import_items.field_value(blocks[0].inline, blocks[0].lines)
    for block in blocks[1:]:
        more = import_items.field_value(block.inline, block.lines)
        label = "" if block.level == BOLD_LEVEL and not block.inline else block.name
        value += "\n\n    **" + (label or block.name) + "**\n\n" + "\n".join(
            "    " + t if t.strip() else "" for t in more.split("\n"))
    return value
