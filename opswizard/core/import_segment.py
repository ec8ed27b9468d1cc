"""Cut a document in another layout into its title, preamble and sections (headings at any
level, setext headings, lines in bold and `Label:` lines the map knows), fences respected."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .fences import FenceTracker
from .layouts import LayoutMap, Target

Line = tuple[int, str]

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BOLD = re.compile(
    r"^ {0,3}(?P<q>\*\*|__)(?P<name>[^*_\n]{1,80}?)(?P<c1>:?)(?P=q)"
    r"(?P<c2>[ \t]*:?)[ \t]*(?P<rest>.*)$")
_PLAIN_LABEL = re.compile(r"^(?P<name>[A-Z0-9][\w '’&/?()-]{1,80}?):[ \t]*(?P<rest>.*)$")
_LIST_OR_QUOTE = re.compile(r"^\s*(?:[-*+>]|\d{1,9}[.)])(?:\s|$)|^\s*\|")
BOLD_LEVEL = 7


@dataclass
class Block:
    """A section of the source document: its heading, where it goes, and its lines."""

    name: str  # the heading's text, markup and inline value removed
    level: int  # 1-6, or BOLD_LEVEL for a line in bold / a `Label:` line
    target: Target | None  # None: the map does not know it
    heading: list[Line]  # the heading's own lines (two for a setext heading)
    inline: str = ""  # text after `Name:` on the heading's line
    lines: list[Line] = field(default_factory=list)

    @property
    def mapped(self) -> bool:
        return self.target is not None and not self.target.is_keep

    @property
    def line(self) -> int:
        return self.heading[0][0]


@dataclass
class Document:
    """A source document cut into parts, every line in exactly one of them."""

    preamble: list[Line]
    blocks: list[Block]
    title: Line | None = None  # the top heading's line number and text


def _heading_name(raw: str) -> str:
    text = raw.rstrip(" \t")
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1:] in (" ", "\t")):
        text = bare.rstrip(" \t")
    return text.strip()


def _split_inline(name: str, layout: LayoutMap) -> tuple[str, Target | None, str, bool]:
    """(name, target, inline text, is a known label) for a heading or bold line's text."""
    target = layout.heading(name)
    if target is not None:
        return name, target, "", False
    if ":" in name:
        head, value = name.split(":", 1)
        if value.strip():
            target = layout.heading(head)
            return head.strip(), target, value.strip(), layout.label(head) is not None
    return name, None, "", layout.label(name.rstrip(":")) is not None


def segment(lines: list[Line], layout: LayoutMap) -> Document:
    """Cut the body's lines into a Document."""
    doc = Document([], [])
    fences = FenceTracker()
    current: Block | None = None
    index = 0
    previous_blank = True

    def add(line: Line) -> None:
        (current.lines if current is not None else doc.preamble).append(line)

    while index < len(lines):
        no, text = lines[index]
        if fences.feed(no, text):  # inside a fence (its markers included): never a heading
            add((no, text))
            index += 1
            previous_blank = False
            continue
        found = _heading_at(lines, index, previous_blank, layout)
        if found is None:
            add((no, text))
            previous_blank = not text.strip()
            index += 1
            continue
        name, level, target, inline, label, used = found
        index += used
        previous_blank = True
        heading_lines = lines[index - used:index]
        is_first = doc.title is None and not doc.blocks and current is None
        full = f"{name}: {inline}" if inline else name
        if (is_first and level <= 2 and layout.heading(full) is None
                and layout.label(full) is None and (level == 1 or target is None) and not
                (label and inline and level > 1)
                and not any(t.strip() for _, t in doc.preamble if not t.startswith("<!--"))):
            doc.title = (heading_lines[0][0], full)
            doc.preamble.extend(heading_lines)
            continue
        if (current is not None and current.mapped and target is not None
                and current.target is not None and target.key == current.target.key
                and level > current.level):
            current.lines.extend(heading_lines)  # `### What went well` under Lessons Learned
            continue
        if target is not None and not target.is_keep:
            current = Block(name, level, target, heading_lines, inline)
            doc.blocks.append(current)
            continue
        if inline or label or (level == BOLD_LEVEL and target is None):
            for line in heading_lines:
                add(line)  # `Authors: x`, `Date: y`: a line of text where it stands
            continue
        if current is not None and current.mapped and target is None and level > current.level:
            current.lines.extend(heading_lines)  # a sub-heading of a mapped section
            continue
        current = Block(name, level, target, heading_lines, inline)
        doc.blocks.append(current)
    return doc


def _heading_at(lines: list[Line], index: int, previous_blank: bool, layout: LayoutMap
                ) -> tuple[str, int, Target | None, str, bool, int] | None:
    """(name, level, target, inline, is label, lines used) if a heading starts here."""
    text = lines[index][1]
    atx = _ATX.match(text)
    if atx:
        name = _heading_name(atx.group(2) or "")
        if not name:
            return None
        name, target, inline, label = _split_inline(name, layout)
        return name, len(atx.group(1)), target, inline, label, 1
    if (previous_blank and text.strip() and not _LIST_OR_QUOTE.match(text)
            and index + 1 < len(lines) and _SETEXT.match(lines[index + 1][1])
            and not text.startswith((" ", "\t"))):
        underline = lines[index + 1][1].strip()
        if underline.startswith("=") or len(underline) >= 2:
            name, target, inline, label = _split_inline(text.strip(), layout)
            return name, 1 if underline[0] == "=" else 2, target, inline, label, 2
    bold = _BOLD.match(text)
    if bold:
        name = bold.group("name").strip()
        colon = bool(bold.group("c1") or bold.group("c2").strip())
        rest = bold.group("rest").strip()
        if rest and not colon:
            return None  # **bold** words starting a sentence
        target = layout.heading(name)
        label = layout.label(name) is not None
        if target is None and not label:
            return None
        return name, BOLD_LEVEL, target, rest, label, 1
    plain = _PLAIN_LABEL.match(text)
    alone = index + 1 >= len(lines) or not lines[index + 1][1].strip()
    if plain and previous_blank and (alone or not plain.group("rest").strip()):
        # `Root cause:` on its own line, or `Root cause: text` as a paragraph of one line
        target = layout.heading(plain.group("name"))
        if target is not None and not target.is_keep:
            return plain.group("name"), BOLD_LEVEL, target, plain.group("rest").strip(), \
                False, 1
    return None
