"""Splitting an entry's body into its sections' blocks of lines, without building a model:
the parser (`parse.py`) and the summary reader (`fastsummary.py`) both split with
`blocks`. Also what both need of the frontmatter's tags and of an entry with no id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from .fences import FenceTracker
from .findings import Finding
from .mdlines import BULLET, STEP, Line
from .tags import normalise_tag
from .template import SectionKind, SectionSpec, is_tag_heading, section_for_heading

MAX_FILE_BYTES = 1024 * 1024

# The closing `#` sequence is stripped by `_heading_name`: done in the regex
# (`(.*?)(?:[ \t]+#+)?[ \t]*$`) it is quadratic on a long line of spaces and tabs.
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$")
_CONFLICT = re.compile(r"^(<{7}|>{7})( |$)")
_CONFLICT_START = ("<", ">")


def stable_id(text: str) -> str:
    """An id for an entry that has none: derived from its text, so re-reading agrees."""
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, "opswizard:" + text))


_TAGS: dict[str, str] = {}


def merge_tags(current: list[str], more: list[str]) -> list[str]:
    """The tags with `more` added, each normalised, none twice."""
    out = list(current)
    for tag in more:
        norm = _TAGS.get(tag) if type(tag) is str else None
        if norm is None:
            norm = normalise_tag(tag)
            if type(tag) is str and len(tag) <= 64 and len(_TAGS) < 4096:
                _TAGS[tag] = norm  # a knowledge base repeats its tags; pure, so remembered
        if norm and norm not in out:
            out.append(norm)
    return out


@dataclass
class Block:
    """A section's lines (`spec`: its template section; None: raw text, or tags)."""

    spec: SectionSpec | None  # None: raw text
    level: int
    heading_line: int
    lines: list[Line]
    tags: bool = False


NO_SECTIONS = "no template sections found: not an operational learning entry"
"""Why a file is not an entry, when nothing else said why first (`parse._read_body`)."""


class Sink(Protocol):
    """Where `blocks` puts what it finds (a `ParseResult`, or the summary reader's own)."""

    findings: list[Finding]
    writable: bool


def blocks(result: Sink, body: str, first_line: int) -> list[Block]:
    """The body's lines grouped by section (a block of raw text: `spec` None)."""
    if "```" in body or "~~~" in body or "<<<<<<<" in body or ">>>>>>>" in body:
        return marked_blocks(result, body, first_line)
    # No fence can open and no line is a conflict marker: only the headings matter.
    out: list[Block] = [Block(None, 0, first_line, [])]
    lines = out[0].lines
    for no, line in enumerate(body.split("\n"), first_line):
        if "#" in line[:4]:
            heading = _heading(line)
            if heading:
                _place(out, heading, no, line)
                lines = out[-1].lines
                continue
        lines.append((no, line))
    return out


def marked_blocks(result: Sink, body: str, first_line: int) -> list[Block]:
    """`blocks` of a body that may hold fences or conflict markers."""
    out: list[Block] = [Block(None, 0, first_line, [])]
    fences = FenceTracker()
    # A fence opens only on a line holding ``` or ~~~, a conflict marker starts with < or >,
    # a heading has a # in its first 4 characters: other lines skip those regexes.
    fenced = "```" in body or "~~~" in body
    for offset, line in enumerate(body.split("\n")):
        no = first_line + offset
        if fenced and fences.feed(
                no, line if fences.open else _item_content(out[-1].spec, line)):
            out[-1].lines.append((no, line))
            continue
        if line[:1] in _CONFLICT_START and _CONFLICT.match(line):
            result.findings.append(
                Finding("error", "merge conflict marker: resolve the conflict first", no)
            )
            result.writable = False
        heading = _heading(line) if "#" in line[:4] else None
        if heading:
            _place(out, heading, no, line)
            continue
        out[-1].lines.append((no, line))
    if fences.open:
        result.findings.append(
            Finding("warning", "code fence is never closed: it runs to the end", fences.opened_at)
        )
    return out


def _place(out: list[Block], heading: tuple[int, SectionSpec | None, bool], no: int,
           line: str) -> None:
    """Put a heading line where it belongs: a new block, or a line of the current one."""
    level, spec, tags = heading
    current = out[-1]
    if tags:
        out.append(Block(None, level, no, [(no, line)], tags=True))
    elif spec is not None:
        out.append(Block(spec, level, no, []))
    elif current.spec is not None and level > current.level:
        current.lines.append((no, line))  # a sub-heading inside a section
    elif current.spec is not None or current.tags:
        out.append(Block(None, level, no, [(no, line)]))
    else:
        current.lines.append((no, line))


_HEADING_OF: dict[str, tuple[int, SectionSpec | None, bool] | None] = {}


def _heading(line: str) -> tuple[int, SectionSpec | None, bool] | None:
    """A heading line's level, the template section it names and whether it is a tags
    heading (None: not a heading); remembered (a knowledge base repeats its headings)."""
    try:
        return _HEADING_OF[line]
    except KeyError:
        pass
    heading = _HEADING.match(line)
    info = None
    if heading:
        level, name = len(heading.group(1)), _heading_name(heading.group(2))
        spec = section_for_heading(name)
        info = (level, spec, spec is None and is_tag_heading(name))
    if len(line) <= 200 and len(_HEADING_OF) < 4096:  # a hostile file must not fill memory
        _HEADING_OF[line] = info
    return info


def _heading_name(raw: str) -> str:
    """A heading's text without its closing `#` sequence, in linear time."""
    text = raw.rstrip(" \t")
    bare = text.rstrip("#")
    if bare != text and bare[-1:] in (" ", "\t"):
        text = bare.rstrip(" \t")
    return text


_LIST_KINDS = (SectionKind.FIELDS, SectionKind.STEPS, SectionKind.BULLETS, SectionKind.LABELLED,
               SectionKind.ACTIONS)


def _item_content(spec: SectionSpec | None, line: str) -> str:
    """A list item's line after its marker, as `_chunks` reads it: `- ```bash` opens a fence
    here too, so a heading inside it stays code instead of starting a section."""
    if spec is None or spec.kind not in _LIST_KINDS:
        return line
    marker = STEP if spec.kind is SectionKind.STEPS else BULLET
    return line.lstrip(" -*+0123456789.)\t") if marker.match(line) else line
