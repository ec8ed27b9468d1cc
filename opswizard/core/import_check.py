"""Is every non-empty source line in the imported entry? The check `import` runs on each
file before writing it, and the one the tests hold it to.

A source line is kept when it is in the entry verbatim, or its text (list markers, heading
marks, emphasis and spacing aside) is part of the entry, or each cell of a table row is, or
it is a template field line whose value the entry holds normalised (`high` -> `HIGH`), or a
tags line whose tags are the entry's. Mapped headings and the header rows of tables read as
follow-ups are structure (`structure`), replaced by the template's own headings and lines.
"""

from __future__ import annotations

import re

from . import kinds
from .layouts import normal_name
from .model import EntryBase
from .tags import normalise_tag, tags_from_text
from .template import FIELD_BY_KEY, is_tag_heading

Line = tuple[int, str]

_MARKERS = re.compile(r"^\s*(?:#{1,6}\s+|>\s*)*(?:[-*+]\s+|\d{1,9}[.)]\s+)?(?:\[[ xX]\]\s*)?")
_LABEL = re.compile(r"^\**(?P<label>[^*:]{1,60}?)\**\s*:\s*\**\s*(?P<value>.*)$")
_SPACE = re.compile(r"\s+")
_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,})(?P<info>.*)$")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(?P<name>.*?)[\s#]*$")
_FIELD_LABELS = {normal_name(spec.label): key for key, (_, spec) in FIELD_BY_KEY.items()}


def flat(text: str) -> str:
    """Text compared loosely: case, emphasis marks and runs of spacing aside."""
    return _SPACE.sub(" ", text.replace("*", "").replace("_", "")).strip().lower()


def pieces(line: str) -> list[str]:
    """The parts of a line that must be found: its text, or each cell of a table row."""
    text = line.strip()
    if text.startswith("|") and text.endswith("|") and len(text) > 1:
        return [flat(c) for c in text[1:-1].split("|") if flat(c)]
    fence = _FENCE.match(line)
    if fence:  # a fence's marker may change (``` for ~~~); its info string may not
        return [flat(fence.group("info"))] if flat(fence.group("info")) else []
    return [flat(_MARKERS.sub("", line))]


def lost_lines(source: list[Line], out: bytes, entry: EntryBase, structure: dict[int, str],
               values: list[str] | None = None) -> list[Line]:
    """The non-empty source lines the imported bytes do not hold, in order."""
    text = out.decode("utf-8", "replace").replace("\r\n", "\n")
    whole = flat(text)
    verbatim = {line.strip() for line in text.split("\n")}
    lost = []
    for no, line in source:
        if not line.strip() or line.strip() in verbatim:
            continue
        if no in structure:  # a mapped heading: only its inline text (`Impact: ...`) stays
            if flat(structure[no]) in whole:
                continue
            lost.append((no, line))
            continue
        if all(piece in whole for piece in pieces(line)):
            continue
        heading = _HEADING.match(line)
        if heading and is_tag_heading(heading.group("name")):
            continue  # the tags moved to the frontmatter
        if _normalised_field(line, entry) or _tags(line, entry):
            continue
        lost.append((no, line))
    return lost


def _normalised_field(line: str, entry: EntryBase) -> bool:
    match = _LABEL.match(_MARKERS.sub("", line).strip())
    if not match:
        return False
    key = _FIELD_LABELS.get(normal_name(match.group("label")))
    if key is None:
        return False
    _, spec = FIELD_BY_KEY[key]
    value = match.group("value").strip().strip("*").strip()
    return kinds.normalise(spec.kind, value) == entry.get(key)


def _tags(line: str, entry: EntryBase) -> bool:
    found = [normalise_tag(t) for t in tags_from_text(_MARKERS.sub("", line))]
    return bool(found) and all(t in entry.tags for t in found if t)
