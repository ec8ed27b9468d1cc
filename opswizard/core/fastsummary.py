"""An entry's summary read straight from its bytes, without building the pydantic entry.

The cold index reads every file of the knowledge base only for its summary. `read` gives
the same `Summary` as parsing the file fully and summarising the entry
(`summary.summarize_full`), over plain values: the same frontmatter reader, the same
block split (`mdblocks.blocks`), the same list, label, action and fence readers
(`mdlines`) and the same field kinds (`kinds`); the checklist is evaluated for
its score only (`fastscore.py`). Frontmatter that cannot be read is, as for the full
parser, an error and no frontmatter; a file with no template section is not an entry
(`summary.broken`), its error the full parser's first. Anything it is not sure of (not
UTF-8, a NUL, a carriage return, over the size limit, an unclosed frontmatter, any error
while reading) makes it decline (None): the caller then takes the full path (and imports
the pydantic model), so the answer is never different. `tests/test_summary_fastpath.py`
proves the two agree.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from . import frontmatter as fm
from . import kinds
from .fastscore import percent
from .findings import Finding
from .links import _MD_LINK, LINK_SECTION
from .mdblocks import MAX_FILE_BYTES, NO_SECTIONS, blocks, merge_tags, stable_id
from .mdlines import BULLET, STEP, action_parts, chunks, code_blocks, split_label, trim
from .summary import _SEARCH_SPECS, FollowUp, Summary, broken
from .tags import tags_from_text
from .template import SECTIONS, FieldSpec, SectionKind, norm_heading

_BY_LABEL = {s.key: {norm_heading(f.label): f for f in s.fields}
             for s in SECTIONS if s.kind is SectionKind.FIELDS}
_CODE_KINDS = (SectionKind.CODE, SectionKind.CHANGE)
_LIST_KINDS = (SectionKind.STEPS, SectionKind.BULLETS, SectionKind.LABELLED)

Item = tuple[str | None, str, bool]  # label, text, raw
Act = tuple[str, bool, str, str, bool]  # text, done, owner, deadline, raw
Code = tuple[str, str, bool]  # info string, code, raw


class _Sink:
    __slots__ = ("findings", "writable")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.writable = True


class _Read:
    """What the summary needs of one file, as plain values."""

    __slots__ = ("id", "status", "tags", "fields", "extra", "items", "actions", "code",
                 "prose", "error")

    def __init__(self) -> None:
        self.error = ""  # not an entry (no template section): why, as the full parser says
        self.id = ""
        self.status = "draft"
        self.tags: list[str] = []
        self.fields: dict[str, str] = {}  # field key -> value as the model stores it
        self.extra: dict[str, list[Item]] = {}  # FIELDS section -> its other lines
        self.items: dict[str, list[Item]] = {}
        self.actions: list[Act] = []
        self.code: dict[str, list[Code]] = {}
        self.prose: dict[str, str] = {}


def read(key: str, data: bytes, path: Path | None = None) -> Summary | None:
    """The file's summary, equal to `summary.summarize_full`'s; None when not sure."""
    if len(data) > MAX_FILE_BYTES or b"\x00" in data or b"\r" in data:
        return None
    try:
        # As `parse.parse_bytes` then `parse._parse`: a byte order mark, then a second one.
        text = data[3 if data.startswith(b"\xef\xbb\xbf") else 0:].decode("utf-8")
        got = _read(text[1:] if text.startswith("\ufeff") else text)
        if got is None:
            return None
        where, sha256 = path if path is not None else Path(key), hashlib.sha256(data).hexdigest()
        if got.error:
            return broken(where, key, got.error, sha256)
        return _summary(got, key, where, sha256)
    except Exception:  # never a different answer: the full path decides
        return None


def _read(text: str) -> _Read | None:
    try:
        fm_text, body, body_line = fm.split(text)
    except fm.FrontmatterError:
        return None
    got = _Read()
    sink = _Sink()
    values = None
    if fm_text is not None:
        try:
            values = fm.load(fm_text, base_line=2).values
        except fm.FrontmatterError as exc:  # as the full parser: an error, then the body
            sink.findings.append(Finding("error", str(exc), exc.line))  # as if no frontmatter
    if values is not None:
        got.id = str(values.get("id") or "")
        status = str(values.get("status", "draft")).strip().lower()
        if status in ("draft", "final"):
            got.status = status
        tags = values.get("tags", [])
        got.tags = merge_tags([], tags if isinstance(tags, list) else [tags])
    seen: set[str] = set()
    for block in blocks(sink, body, body_line):
        if block.tags:
            tag_lines = [line for _, line in block.lines[1:]]
            bullets = [line for line in tag_lines if BULLET.match(line)]
            got.tags = merge_tags(got.tags, tags_from_text("\n".join(bullets or tag_lines)))
            continue
        spec = block.spec
        if spec is None or spec.key in seen:
            continue
        seen.add(spec.key)
        lines = trim(block.lines)
        kind = spec.kind
        if kind is SectionKind.FIELDS:
            _read_fields(got, spec.key, lines)
        elif kind in _LIST_KINDS:
            marker = STEP if kind is SectionKind.STEPS else BULLET
            items: list[Item] = []
            texts = items_only(lines, marker)
            for line, item in ([(t, True) for t in texts] if texts is not None else
                               [(chunk.text, chunk.item) for chunk in chunks(lines, marker)]):
                if not item:
                    items.append((None, line, True))
                elif kind is SectionKind.LABELLED:
                    items.append((*split_label(line), False))
                else:
                    items.append((None, line, False))
            got.items[spec.key] = items
        elif kind is SectionKind.ACTIONS:
            got.actions = [(*action_parts(chunk.text), False) if chunk.item
                           else (chunk.text, False, "", "", True)
                           for chunk in chunks(lines, BULLET)]
        elif kind in _CODE_KINDS:
            got.code[spec.key] = code_blocks(lines)
        else:
            got.prose[spec.key] = "\n".join(line for _, line in lines)
    if not seen:  # not an entry: why is the full parser's first error
        got.error = next((f.message for f in sink.findings if f.level == "error"), NO_SECTIONS)
    if not got.id:
        got.id = stable_id(text)
    return got


# A field's line as opswizard writes it (`- **Label**: text`): what BULLET then `_LABEL`'s
# first form read from it, in one match.
_FIELD_LINE = re.compile(r"^ {0,3}[-*+][ \t]+\*\*([^*]+?)\*\*[ \t]*:[ \t]*(.*)$", re.S)


def fields_only(lines: list[tuple[int, str]]) -> list[tuple[str, str]] | None:
    """(label, text) of each line when every line is blank or a field's line of the usual
    shape (`_FIELD_LINE`) holding no fence marker: what `items_only` then `split_label`
    give. Else None."""
    out: list[tuple[str, str]] = []
    match = _FIELD_LINE.match
    for _, line in lines:
        got = match(line)
        if got is None:
            if line.strip():
                return None
        elif "```" in line or "~~~" in line:
            return None
        else:
            out.append((got[1], got[2]))
    return out


def _field_lines(lines: list[tuple[int, str]]) -> list[tuple[str | None, str, bool]]:
    """(label, text, True) of each item of a FIELDS section, (None, text, False) of each
    other chunk: `fields_only` where every line has the usual shape, else the items
    (`items_only`, or `chunks`) split at their labels."""
    pairs = fields_only(lines)
    if pairs is not None:
        return [(label.strip(), text, True) for label, text in pairs]
    texts = items_only(lines, BULLET)
    found = ([(text, True) for text in texts] if texts is not None
             else [(chunk.text, chunk.item) for chunk in chunks(lines, BULLET)])
    return [(*split_label(line), True) if item else (None, line, False)
            for line, item in found]


def _read_fields(got: _Read, key: str, lines: list[tuple[int, str]]) -> None:
    extra = got.extra.setdefault(key, [])
    filled: set[str] = set()
    fields, stripped = got.fields, kinds.STRIPPED
    for label, text, item in _field_lines(lines):
        if not item:
            extra.append((None, text, True))
            continue
        spec = _field_spec(key, label) if label else None
        if spec is None or spec.key in filled:
            extra.append((label, text, False))
            continue
        filled.add(spec.key)
        fields[spec.key] = (text.strip() if spec.kind in stripped
                            else kinds.normalise(spec.kind, text))


_SPEC_OF: dict[tuple[str, str], FieldSpec | None] = {}


def _field_spec(section: str, label: str) -> FieldSpec | None:
    """The field a label names in a FIELDS section (`norm_heading`, remembered)."""
    try:
        return _SPEC_OF[section, label]
    except KeyError:
        spec = _BY_LABEL[section].get(norm_heading(label))
        if len(_SPEC_OF) < 4096:  # a hostile file must not fill memory
            _SPEC_OF[section, label] = spec
        return spec


def items_only(lines: list[tuple[int, str]], marker: re.Pattern[str]) -> list[str] | None:
    """The items' texts when every line is a list item or blank and none holds a fence
    marker: what `mdlines.chunks` then gives, one item per marker line. Else None."""
    out = []
    for _, line in lines:
        match = marker.match(line)
        if match is None:
            if line.strip():
                return None
            continue
        if "```" in line or "~~~" in line:
            return None
        out.append(next(filter(None, match.groups()), ""))
    return out


# -- the summary --------------------------------------------------------------------------
def _summary(got: _Read, key: str, path: Path, sha256: str) -> Summary:
    fields = got.fields
    get = fields.get
    owners: list[str] = []
    followups = []
    for n, (text, done, owner, deadline, raw) in enumerate(got.actions):
        if raw:
            continue
        owner = owner.strip()
        if owner and owner not in owners:
            owners.append(owner)
        followups.append(FollowUp(n, text, owner, deadline.strip(), done))
    date = get("date", "")
    services = kinds.split_list(get("related_services", ""))
    return Summary(
        key=key, path=path, sha256=sha256, id=got.id, title=get("title", ""), date=date,
        when=kinds.parse_date(date)[0], category=get("category", ""),
        severity=get("severity", ""), status=got.status, tags=tuple(got.tags),
        services=tuple(services), owners=tuple(owners), percent=percent(got),
        texts=tuple(_field_text(got, services, spec) for spec in _SEARCH_SPECS),
        links=tuple(_hrefs(got)), followups=tuple(followups),
    )


def _field_text(got: _Read, services: list[str], spec: FieldSpec) -> str:
    if spec.key == "tags":
        return " ".join(got.tags)
    if spec.key == "related_services":
        return " ".join(services)
    return " ".join(got.fields.get(spec.key, "").split())


def _hrefs(got: _Read) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for label, text, _ in got.items.get(LINK_SECTION, ()):
        for part in (label or "", text):
            found.extend((m.group(1).strip(), m.group(2)) for m in _MD_LINK.finditer(part))
    return found
