"""An entry's summary read straight from its bytes, without building the pydantic entry.

The cold index reads every file of the knowledge base only for its summary. `read` gives
the same `Summary` as parsing the file fully and summarising the entry
(`summary.summarize_full`), over plain values: the same frontmatter reader, the same
block split (`mdblocks.blocks`), the same list, label, action and fence readers
(`mdlines`) and the same field kinds (`kinds`); the checklist is evaluated for
its score only. Anything it is not sure of (not UTF-8, a NUL, a carriage return, over
the size limit, broken frontmatter, no template section, any error while reading) makes
it decline (None): the caller then takes the full path, so the answer is never
different. `tests/test_summary_fastpath.py` proves the two agree.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from . import change as changes
from . import codecheck, kinds
from . import frontmatter as fm
from .checklist import _LINK, _PLACEHOLDER_CODE, MIN_POINT_WORDS
from .findings import Finding
from .links import _MD_LINK, LINK_SECTION
from .mdblocks import MAX_FILE_BYTES, blocks, merge_tags, stable_id
from .mdlines import BULLET, STEP, action_parts, chunks, code_blocks, split_label, trim
from .summary import _SEARCH_SPECS, FollowUp, Summary
from .tags import tags_from_text
from .template import (
    SECTION_BY_KEY,
    SECTIONS,
    FieldKind,
    FieldSpec,
    SectionKind,
    norm_heading,
)

_BY_LABEL = {s.key: {norm_heading(f.label): f for f in s.fields}
             for s in SECTIONS if s.kind is SectionKind.FIELDS}
_ALL_FIELDS = tuple(f for s in SECTIONS for f in s.fields)
_REQUIRED_SECTIONS = tuple(s for s in SECTIONS if s.required)
_METRICS = tuple(f.key for f in SECTION_BY_KEY["metrics"].fields)
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
                 "prose")

    def __init__(self) -> None:
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
        return _summary(got, key, path if path is not None else Path(key),
                        hashlib.sha256(data).hexdigest())
    except Exception:  # never a different answer: the full path decides
        return None


def _read(text: str) -> _Read | None:
    try:
        fm_text, body, body_line = fm.split(text)
    except fm.FrontmatterError:
        return None
    got = _Read()
    if fm_text is not None:
        try:
            values = fm.load(fm_text, base_line=2).values
        except fm.FrontmatterError:
            return None
        got.id = str(values.get("id") or "")
        status = str(values.get("status", "draft")).strip().lower()
        if status in ("draft", "final"):
            got.status = status
        tags = values.get("tags", [])
        got.tags = merge_tags([], tags if isinstance(tags, list) else [tags])
    seen: set[str] = set()
    for block in blocks(_Sink(), body, body_line):
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
    if not seen:  # not an entry: the full path says why
        return None
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
        services=tuple(services), owners=tuple(owners), percent=_percent(got),
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


# -- the checklist's score (`checklist.evaluate(...).percent`) ------------------------------
def _is_empty(got: _Read, spec_key: str, kind: SectionKind) -> bool:
    if kind is SectionKind.FIELDS:
        spec = SECTION_BY_KEY[spec_key]
        return not any(got.fields.get(f.key, "").strip() for f in spec.fields) and not any(
            text.strip() or (label or "").strip() for label, text, _ in got.extra.get(spec_key, ()))
    if kind in _LIST_KINDS:
        return not any(text.strip() or (label or "").strip()
                       for label, text, _ in got.items.get(spec_key, ()))
    if kind in _CODE_KINDS:
        return not any(code.strip() for _, code, _ in got.code.get(spec_key, ()))
    if kind is SectionKind.ACTIONS:
        return not any(t.strip() or o.strip() or d.strip() for t, _, o, d, _ in got.actions)
    return not got.prose.get(spec_key, "").strip()


def _required_ok(got: _Read) -> bool:
    get, known = got.fields.get, _OK.get
    for f in _ALL_FIELDS:
        value = get(f.key, "")
        ok = known((f.key, value))  # `_value_ok`'s look-up, without a call per field
        if not (_value_ok(f, value) if ok is None else ok):
            return False
    return not any(_is_empty(got, s.key, s.kind) for s in _REQUIRED_SECTIONS)


_OK: dict[tuple[str, str], bool] = {}


def _value_ok(f: FieldSpec, value: str) -> bool:
    """Neither a required field left empty (or a placeholder) nor a value in error (as
    `checklist.missing_required` and `field_errors`), remembered by field and value."""
    try:
        return _OK[f.key, value]
    except KeyError:
        pass
    if f.required and (not value.strip() or kinds.is_placeholder(value)):
        ok = False
    else:
        problem = kinds.check(f.kind, value)
        ok = problem is None or problem.level != "error"
    if len(value) <= 256 and len(_OK) < 8192:  # a hostile file must not fill memory
        _OK[f.key, value] = ok
    return ok


def _code_ok(got: _Read) -> bool:
    for spec in SECTIONS:
        if spec.kind not in _CODE_KINDS:
            continue
        for language, code, raw in got.code.get(spec.key, ()):
            if raw or not code.strip():
                continue
            if _PLACEHOLDER_CODE.search(code) or not language:
                return False
            bad = codecheck.quick(language, code)
            if bad and not bad.skipped:
                return False
            if spec.kind is SectionKind.CHANGE:
                parts = changes.split(code)
                if parts is not None and (not parts.before.strip() or not parts.after.strip()):
                    return False
    return True


def _labelled(got: _Read, key: str) -> list[tuple[str, str]]:
    return [((label or "").strip(), text.strip()) for label, text, raw in got.items.get(key, ())
            if not raw and (text.strip() or (label or "").strip())]


def _prevention_ok(got: _Read) -> bool:
    measures = _labelled(got, "prevention_measures")
    return bool(measures) and not any(
        not m[1] or kinds.is_placeholder(m[1]) or len(m[1].split()) < 2 for m in measures)


def _learning_ok(got: _Read) -> bool:
    points = [text.strip() for _, text, raw in got.items.get("learning_points", ())
              if not raw and text.strip()]
    return bool(points) and not any(
        len(p.split()) < MIN_POINT_WORDS or kinds.is_placeholder(p) for p in points)


def _followups_ok(got: _Read) -> bool:
    actions = [a for a in got.actions if not a[4] and a[0].strip()]
    return bool(actions) and all(
        owner.strip() and deadline.strip() and kinds.parse_day(deadline)
        for _, _, owner, deadline, _ in actions)


def _tagged_ok(got: _Read) -> bool:
    category = got.fields.get("category", "")
    if kinds.check(FieldKind.CATEGORY, category) or not category.strip():
        return False
    return bool(got.tags)


def _related_ok(got: _Read) -> bool:
    return any(_LINK.search(text) or _LINK.search(label)
               for label, text in _labelled(got, "related_issues"))


def _metrics_ok(got: _Read) -> bool:
    return all(kinds.has_quantity(got.fields.get(key, "")) for key in _METRICS)


_CHECKS = (_required_ok, _code_ok, _prevention_ok, _learning_ok, _followups_ok, _tagged_ok,
           _related_ok, _metrics_ok)


def _percent(got: _Read) -> int:
    return round(100 * sum(bool(check(got)) for check in _CHECKS) / len(_CHECKS))
