"""The checklist's score of an entry the summary reader read (`fastsummary._Read`): what
`checklist.evaluate(entry).percent` gives for the parsed entry, over plain values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import change as changes
from . import codecheck, kinds
from .checklist import _LINK, _PLACEHOLDER_CODE, MIN_POINT_WORDS
from .template import SECTION_BY_KEY, SECTIONS, FieldKind, FieldSpec, SectionKind

if TYPE_CHECKING:  # pragma: no cover
    from .fastsummary import _Read

_ALL_FIELDS = tuple(f for s in SECTIONS for f in s.fields)
_REQUIRED_SECTIONS = tuple(s for s in SECTIONS if s.required)
_METRICS = tuple(f.key for f in SECTION_BY_KEY["metrics"].fields)
_CODE_KINDS = (SectionKind.CODE, SectionKind.CHANGE)
_LIST_KINDS = (SectionKind.STEPS, SectionKind.BULLETS, SectionKind.LABELLED)


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


def percent(got: _Read) -> int:
    """`checklist.evaluate(entry).percent` of the entry the reader read."""
    return round(100 * sum(bool(check(got)) for check in _CHECKS) / len(_CHECKS))
