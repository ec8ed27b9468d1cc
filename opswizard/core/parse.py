"""Read an entry from bytes or text: hand-written ones included, nothing lost.

`parse_bytes` never raises for any input: a file it cannot use is a finding
(`ParseResult.findings`), and `ParseResult.writable` is False when writing the
entry back could lose or mangle what the file holds (not UTF-8, binary, broken
frontmatter, merge conflict markers, too large).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import frontmatter as fm
from .findings import Finding, Where
from .mdblocks import MAX_FILE_BYTES, NO_SECTIONS, blocks, merge_tags, stable_id
from .mdlines import BULLET, trim
from .model import Entry as EntryModel
from .model import EntryBase, Part, new_id
from .read_sections import READERS, parse_action
from .tags import tags_from_text
from .template import SECTION_BY_KEY, SECTIONS


@dataclass
class ParseResult:
    """An entry read from a file, what was wrong with it, and whether it may be rewritten."""

    entry: EntryBase
    findings: list[Finding] = field(default_factory=list)
    writable: bool = True
    locations: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]


# -- entry points ------------------------------------------------------------------------
def parse_bytes(data: bytes) -> ParseResult:
    """Parse a file's bytes. Never raises."""
    if len(data) > MAX_FILE_BYTES:
        return _unusable(
            f"file is {len(data):,} bytes, over the {MAX_FILE_BYTES // 1024} KiB limit for an entry"
        )
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        return _unusable("binary file (NUL byte): not a markdown entry", line)
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        result = parse_text(data.decode("utf-8", errors="replace"))
        result.findings.insert(
            0,
            Finding(
                "error",
                f"not UTF-8 (byte 0x{data[exc.start]:02x}): opened read-only, never rewritten",
                line,
            ),
        )
        result.writable = False
        return result
    result = parse_text(text)
    result.entry.bom = bom
    return result


def _unusable(message: str, line: int = 1) -> ParseResult:
    return ParseResult(EntryModel(layout=[]), [Finding("error", message, line)], writable=False)


def parse_text(text: str) -> ParseResult:
    """Parse an entry's text. Never raises."""
    try:
        return _parse(text)
    except RecursionError:  # pragma: no cover - defensive: nothing here recurses on input
        return _unusable("entry is nested too deeply to read")


def _parse(text: str) -> ParseResult:
    if text.startswith("\ufeff"):
        text = text[1:]
    first_break = text.find("\n")
    crlf = first_break > 0 and text[first_break - 1] == "\r"
    text = text.replace("\r\n", "\n")
    if text.endswith("\r"):  # a last line ended the old Mac way: saved, it would gain a \n
        text = text[:-1] + "\n"
    result = ParseResult(EntryModel(layout=[], id=""))  # the id is read or derived below
    result.entry.newline = "\r\n" if crlf else "\n"
    try:
        fm_text, body, body_line = fm.split(text)
    except fm.FrontmatterError as exc:
        result.findings.append(Finding("error", str(exc), exc.line))
        result.writable = False
        fm_text, body, body_line = None, text, 1
    if fm_text is not None:
        _read_frontmatter(result, fm_text)
    else:
        result.entry.id = ""
    _read_body(result, body, body_line)
    if not result.entry.id:
        result.entry.id = stable_id(text)
    return result


def _read_frontmatter(result: ParseResult, source: str) -> None:
    entry = result.entry
    try:
        data = fm.load(source, base_line=2)
    except fm.FrontmatterError as exc:
        result.findings.append(Finding("error", str(exc), exc.line))
        result.writable = False
        entry.id = ""
        return
    for line, message in data.warnings:
        result.findings.append(Finding("warning", message, line))
    values = data.values
    entry.id = str(values.get("id") or "")
    status = str(values.get("status", "draft")).strip().lower()
    if status in ("draft", "final"):
        entry.status = status  # type: ignore[assignment]
    else:
        result.findings.append(
            Finding("warning", f"status {values.get('status')!r} is not draft or final", 1)
        )
        data.extra.append(("status", f"status: {fm.scalar(str(values.get('status')))}\n"))
    tags = values.get("tags", [])
    entry.tags = merge_tags([], tags if isinstance(tags, list) else [tags])
    entry.checklist_override = str(values.get("checklist_override", ""))
    version = str(values.get("opswizard", ""))
    if version and version != "1":
        result.findings.append(
            Finding("warning", f"written by opswizard schema {version!r}; this reads schema 1", 1)
        )
    entry.extra_frontmatter = data.extra


# -- body ----------------------------------------------------------------------------------
def _read_body(result: ParseResult, body: str, first_line: int) -> None:
    entry = result.entry
    seen: set[str] = set()
    for block in blocks(result, body, first_line):
        if block.tags:
            tag_lines = [line for _, line in block.lines[1:]]
            bullets = [line for line in tag_lines if BULLET.match(line)]
            entry.tags = merge_tags(entry.tags, tags_from_text("\n".join(bullets or tag_lines)))
            continue
        if block.spec is None:
            lines = trim(block.lines)
            if lines:
                text = "\n".join(line for _, line in lines)
                if entry.layout and entry.layout[-1].section is None:
                    entry.layout[-1].text += "\n\n" + text
                else:
                    entry.layout.append(Part(text=text))
            continue
        spec = block.spec
        if spec.key in seen:
            result.findings.append(
                Finding(
                    "warning",
                    f"section {spec.heading!r} appears twice: the second is kept as text",
                    block.heading_line,
                )
            )
            raw = [(block.heading_line, "### " + spec.heading), *trim(block.lines)]
            entry.layout.append(Part(text="\n".join(line for _, line in raw)))
            continue
        seen.add(spec.key)
        result.locations[Where.in_section(spec.key)] = block.heading_line
        lines = trim(block.lines)
        READERS[spec.kind](result, spec, lines)
        entry.layout.append(Part(section=spec.key, keep_empty=True))
    _insert_missing_sections(entry, seen)
    if not seen:
        result.findings.append(
            Finding("error", NO_SECTIONS, 1)
        )


def _insert_missing_sections(entry: EntryBase, seen: set[str]) -> None:
    """Give each template section the file lacks its place: after the last section before
    it in the template's order (or at the top, after any text leading the file)."""
    if len(seen) == len(SECTIONS):
        return
    layout = entry.layout
    top = 0 if not layout or layout[0].section else 1
    orders = [_ORDER[p.section] if p.section else -1 for p in layout]  # -1: raw text
    for index, spec in enumerate(SECTIONS):
        if spec.key in seen:
            continue
        position = top
        for at in range(len(orders) - 1, -1, -1):
            if 0 <= orders[at] < index:
                position = at + 1
                break
        layout.insert(position, Part(section=spec.key))
        orders.insert(position, index)


_ORDER = {s.key: i for i, s in enumerate(SECTIONS)}


__all__ = ["ParseResult", "parse_bytes", "parse_text", "parse_action", "new_id", "SECTION_BY_KEY",
           "MAX_FILE_BYTES", "stable_id"]
