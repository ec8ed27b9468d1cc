"""Reading a section's lines as plain values: list items and their continuation lines,
`**Label**: text`, follow-up actions and fenced blocks. Builds no model: the parser
(`read_sections.py`) and the summary reader (`fastsummary.py`) both read with these."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .fences import FENCE_OPEN, FenceTracker

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
class Chunk:
    """A list item (a marker line and what continues it) or raw text."""

    item: bool
    first: Line
    more: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join([self.first[1], *self.more])


def chunks(lines: list[Line], marker: re.Pattern[str]) -> list[Chunk]:
    """Group lines into list items (a marker line and its continuation) and raw text."""
    out: list[Chunk] = []
    fences = FenceTracker()
    blanks: list[str] = []
    for no, line in lines:
        current = out[-1] if out else None
        if fences.char:  # a fence is open
            assert current is not None
            current.more.extend(blanks + [line])
            blanks = []
            fences.feed(no, line)
            continue
        match = marker.match(line)
        if match:
            out.append(Chunk(True, (no, next(filter(None, match.groups()), ""))))
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
            out.append(Chunk(False, (no, line)))
        blanks = []
        if "```" in line or "~~~" in line:
            fences.feed(no, line)
    return out


def split_label(text: str) -> tuple[str | None, str]:
    """(label, text) of `**Label**: text` or `**Label:** text`; (None, text) otherwise."""
    match = _LABEL.match(text)
    if not match:
        return None, text
    if match.group("a") is not None:
        return match.group("a").strip(), match.group("at")
    return match.group("b").strip(), match.group("bt")


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
