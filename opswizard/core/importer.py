"""Turn a postmortem in another layout into an entry: mapped, never refused, nothing lost.

`convert(data, name, layout)` returns a `Conversion`: the entry's bytes and what the dry run
shows (which heading went where, the facts found and where, the sections kept as they are,
control characters removed and secrets redacted). It never raises.

How: the document is cut into parts (`import_segment`); the parts the map knows are written
under the template's headings, as the template reads them (`import_items`); the Issue
Summary is filled with the facts found (`import_meta`); the rest is kept byte for byte, the
preamble (title, metadata lines) first and the sections the template has no place for last,
in order. That text is read back by the one parser `show` and `validate` use, and written by
the one renderer: what import shows is what the file holds. Before anything is returned the
result is checked (`import_check`): read back it must write the same bytes, and every
non-empty source line must be in it; if not, the mapping is made more conservative, down to
keeping every section as it is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from . import import_check, import_meta
from .checklist import evaluate
from .import_build import FACT_FIELDS, BuildInfo, build
from .import_meta import Fact
from .import_segment import Document, segment
from .layouts import LayoutMap
from .model import EntryBase
from .parse import parse_bytes
from .redaction import redact
from .render import render_bytes
from .sanitize import strip_controls
from .template import is_tag_heading

SOURCE_KEY = "imported_from"
HASH_KEY = "import_sha256"
_HASH_LINE = re.compile(rf"^{HASH_KEY}\s*:", re.M)
Line = tuple[int, str]

@dataclass
class Conversion:
    """One source file, converted (or skipped, with why)."""

    name: str
    sha256: str
    data: bytes | None = None
    entry: EntryBase | None = None
    skipped: str = ""
    native: bool = False  # already in the template's layout: read as `show` reads it
    mappings: list[tuple[int, str, str]] = field(default_factory=list)  # line, heading, target
    facts: dict[str, Fact] = field(default_factory=dict)
    kept: list[tuple[int, str]] = field(default_factory=list)  # extra sections, in order
    changes: list[str] = field(default_factory=list)  # controls removed, secrets redacted
    structure: dict[int, str] = field(default_factory=dict)  # mapped headings -> inline text
    lost: list[Line] = field(default_factory=list)
    fallback: str = ""  # how far the mapping was narrowed to keep every line
    source_lines: list[Line] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.entry.status if self.entry is not None else ""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def convert(data: bytes, name: str, layout: LayoutMap, keep_secrets: bool = False,
            allowlist: frozenset[str] = frozenset()) -> Conversion:
    """Convert one file's bytes. Never raises: a file it cannot use comes back skipped.

    Secrets are redacted (each listed in `changes`) unless `keep_secrets`; `allowlist`:
    fingerprints of values that are not secrets (`secrets.load_allowlist`)."""
    result = Conversion(name, sha256(data))
    try:
        _convert(result, data, layout, keep_secrets, allowlist)
    except RecursionError:  # pragma: no cover - defensive
        result.skipped = "nested too deeply to read"
    return result


def _convert(result: Conversion, data: bytes, layout: LayoutMap, keep_secrets: bool,
             allowlist: frozenset[str]) -> None:
    first = parse_bytes(data)
    if not first.writable:
        errors = [f.message for f in first.findings if f.level == "error"]
        result.skipped = errors[0] if errors else "cannot be read safely"
        return
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8").removeprefix("\ufeff")
    crlf = "\r\n" in text.split("\n", 1)[0] + "\n" if "\n" in text else False
    text = text.replace("\r\n", "\n")
    fm_text, body, body_line = _split(text)
    lines = []
    for offset, line in enumerate(body.split("\n")):
        clean = strip_controls(line)
        if clean != line:
            result.changes.append(f"line {body_line + offset}: control characters removed")
        lines.append((body_line + offset, clean))
    if not keep_secrets:
        lines = _redacted(lines, result, allowlist)
        if result.skipped:
            return
    result.source_lines = [(n, t) for n, t in lines if t.strip()]
    if not any(t.strip() for _, t in lines) and not (fm_text or "").strip():
        result.skipped = "empty file"
        return
    doc = segment(lines, layout)
    imported_before = bool(_HASH_LINE.search(fm_text or ""))
    fm_text = _with_source_keys(fm_text or "", result)
    facts = _facts(doc, fm_text, lines, result.name, layout)
    result.facts = facts
    native = bool(first.entry.present_sections()) and all(
        b.target is None or b.target.is_keep or b.target.layout == "template" for b in doc.blocks)
    attempts = ["native"] if native else []
    attempts += ["full", "sections only", "nothing mapped"]
    if imported_before and first.entry.present_sections():
        attempts = ["as imported"]  # an entry import wrote: read it as `show` does, as is
    for level in attempts:
        if _attempt(result, doc, lines, facts, fm_text, level, crlf, bom):
            return
    if any(_tag_heading(t) for _, t in lines):
        # A `## Tags` heading over lines that are not tags: the parser would take the lines
        # as tags and drop them. Written in bold, the heading is text and the lines stay.
        lines = [(n, f"**{_tag_heading(t)}**" if _tag_heading(t) else t) for n, t in lines]
        if _attempt(result, segment(lines, layout), lines, facts, fm_text, "nothing mapped",
                    crlf, bom):
            result.changes.append("a Tags heading over lines that are not tags: kept as text")
            return
    result.skipped = (f"{len(result.lost)} line(s) would be lost "
                      f"(first: line {result.lost[0][0]})" if result.lost
                      else "the entry would not read back the same")


_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<name>.*?)[ \t#]*$")


def _tag_heading(line: str) -> str:
    """The name of a heading the parser reads as the entry's tags (`## Tags`), or ""."""
    match = _ATX.match(line)
    return match.group("name") if match and is_tag_heading(match.group("name")) else ""


def _attempt(result: Conversion, doc: Document, lines: list[Line], facts: dict[str, Fact],
             fm_text: str, level: str, crlf: bool, bom: bool) -> bool:
    """Build, read back and check one way of importing; keep it if nothing is lost."""
    body_text, info = (_native_body(lines), BuildInfo()) if level in ("native", "as imported") \
        else build(doc, facts, level)
    text_out = f"---\n{fm_text}---\n{body_text}"
    if crlf:
        text_out = text_out.replace("\n", "\r\n")
    entry = parse_bytes(("\ufeff" if bom else "").encode() + text_out.encode()).entry
    if level == "native":
        _fill(entry, facts)
    _settle_status(entry, fm_text)
    out = render_bytes(entry)
    lost = import_check.lost_lines(result.source_lines, out, entry, info.structure,
                                   info.values)
    stable = render_bytes(parse_bytes(out).entry) == out
    if not stable or lost:
        result.lost = lost
        return False
    result.data, result.entry, result.lost = out, entry, []
    result.native = level in ("native", "as imported")
    result.mappings, result.kept, result.structure = info.mappings, info.kept, info.structure
    if result.native:
        result.mappings = [(b.line, b.name, b.target.describe()) for b in doc.blocks
                           if b.mapped and b.target is not None]
    result.fallback = "" if level in ("native", "as imported", "full") else level
    return True


def _split(text: str) -> tuple[str | None, str, int]:
    from . import frontmatter as fm

    try:
        return fm.split(text)
    except fm.FrontmatterError:
        return None, text, 1


def _redacted(lines: list[Line], result: Conversion, allowlist: frozenset[str]) -> list[Line]:
    text, found = redact("\n".join(t for _, t in lines), allowlist)
    if not found:
        return lines
    new = text.split("\n")
    if len(new) != len(lines):  # a secret over several lines (a private key)
        result.skipped = (f"a secret spans lines {found[0].line}-: remove it, or import "
                          "with --keep-secrets")
        return lines
    first = lines[0][0] if lines else 1
    for item in found:
        result.changes.append(f"line {first + item.line - 1}: {item.what} redacted")
    return [(no, t) for (no, _), t in zip(lines, new, strict=True)]


def _with_source_keys(fm_text: str, result: Conversion) -> str:
    from .frontmatter import scalar

    if _HASH_LINE.search(fm_text):
        return fm_text  # imported before: the first import's source stays on record
    if fm_text and not fm_text.endswith("\n"):
        fm_text += "\n"
    return (fm_text + f"{SOURCE_KEY}: {scalar(result.name)}\n"
            f"{HASH_KEY}: {result.sha256}\n")


def _frontmatter_values(fm_text: str) -> dict[str, str]:
    values = {}
    for key in ("title", "date", "severity"):
        match = re.search(rf"^{key}\s*:\s*(.+?)\s*$", fm_text, re.M)
        if match:
            values[key] = match.group(1).strip("'\"")
    return values


def _facts(doc: Document, fm_text: str, lines: list[Line], name: str, layout: LayoutMap
           ) -> dict[str, Fact]:
    timeline = next((b.lines for b in doc.blocks if "timeline" in b.name.lower()), [])
    texts: list[tuple[str, str]] = []
    for key, where in (("system_state", "summary"), ("impact", "impact"), ("symptoms", "symptoms"),
                       ("trigger", "trigger"), ("primary_cause", "root cause")):
        for block in doc.blocks:
            if block.target is not None and block.target.key == key:
                texts.append((where, "\n".join([block.inline, *(t for _, t in block.lines)])))
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", name.replace("\\", "/").rsplit("/", 1)[-1])
    return import_meta.extract(
        list(lines), title_heading=doc.title,
        timeline=timeline, frontmatter=_frontmatter_values(fm_text), file_stem=stem,
        texts=texts, layout=layout,
        first_line=None if doc.title else _first_line(doc, layout))


def _first_line(doc: Document, layout: LayoutMap) -> Line | None:
    """The document's first line as its title, when it has no heading for one: short, and
    not a label, a list item, a table or a fence."""
    for no, text in doc.preamble:
        if not text.strip():
            continue
        head = text.split(":", 1)[0] if ":" in text else ""
        if len(text) <= 120 and not re.match(r"^\s*([-*+>|#`~]|\d+[.)]|---)", text) \
                and not text.strip().startswith(("**", "__", "<")) \
                and not (head and (layout.label(head) or layout.heading(head))):
            return no, text.strip()
        return None
    return None


def _native_body(lines: list[Line]) -> str:
    return "\n".join(t for _, t in lines)


def _fill(entry: EntryBase, facts: dict[str, Fact]) -> None:
    """An entry in the template's layout: facts fill only the fields it leaves empty."""
    for fact_key, field_key in FACT_FIELDS.items():
        if fact_key in facts and not entry.get(field_key).strip():
            entry.set(field_key, facts[fact_key].value)


def _settle_status(entry: EntryBase, fm_text: str) -> None:
    if re.search(r"^status\s*:", fm_text, re.M):
        return  # the source said
    entry.status = "final" if evaluate(entry).passed else "draft"
