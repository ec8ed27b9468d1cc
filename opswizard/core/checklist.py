"""The template's "Template Completion Checklist", computed from an entry.

Pure: the wizard's panel, `validate` and the browser all call `evaluate`.
Each item passes or fails with a reason a person can act on, and names the
section that fixes it (`section`), so the wizard can jump there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import change as changes
from . import codecheck, kinds
from .template import SECTIONS, FieldKind, SectionKind

if TYPE_CHECKING:  # pragma: no cover - the summary reader scores without the model
    from .model import EntryBase

_PLACEHOLDER_CODE = re.compile(
    r"\b(command1|command2|diagnostic_command|old_code_snippet|new_code_snippet|old_setting"
    r"|new_setting)\b"
)
# Linear on hostile text: no `[`/`]` inside a link's text, no `]` in its target, and a
# `.md` name is looked for once per word (`\b\S+\.md\b` is quadratic on `a.a.a.a...`).
_LINK = re.compile(
    r"\[[^\[\]]+\]\([^)\]]+\)|https?://\S+|(?<!\S)(?>\S*?\w)\S*?\.md\b|#\d+"
    r"|\b[A-Z][A-Z0-9]+-\d+\b"
)
MIN_POINT_WORDS = 4


@dataclass(frozen=True)
class CheckItem:
    """One line of the checklist."""

    key: str
    label: str
    passed: bool
    reason: str
    section: str  # the section key that fixes it


@dataclass(frozen=True)
class Checklist:
    items: tuple[CheckItem, ...]

    @property
    def passed(self) -> bool:
        return all(item.passed for item in self.items)

    @property
    def score(self) -> int:
        return sum(item.passed for item in self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.score / len(self.items))

    def failing(self) -> list[CheckItem]:
        return [item for item in self.items if not item.passed]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _lack(count: int) -> str:
    """The verb agreeing with `_plural(count, ...)`: "1 follow-up lacks", "3 ... lack"."""
    return "lacks" if count == 1 else "lack"


# Looked up once: the sections that hold fields or must not be empty, with their fields
# (what the two functions below walk for every entry, thousands of times on a cold index).
_CHECKED = tuple((spec, tuple(f for f in spec.fields if f.required))
                 for spec in SECTIONS if spec.fields or spec.required)
_FIELDED = tuple((spec, spec.fields) for spec in SECTIONS if spec.fields)


def missing_required(entry: EntryBase) -> list[tuple[str, str, str]]:
    """(section key, field key or "", label) of each required field left empty."""
    out: list[tuple[str, str, str]] = []
    for spec, required in _CHECKED:
        section = entry.section(spec.key)
        for f in required:
            value = getattr(section, f.key)
            if not value.strip() or kinds.is_placeholder(value):
                out.append((spec.key, f.key, f.label))
        if spec.required and section.is_empty():
            out.append((spec.key, "", spec.heading))
    return out


def field_errors(entry: EntryBase) -> list[tuple[str, str, str, str]]:
    """(section key, field key, label, message) of each field whose value is an error
    (a date that does not exist, a severity not in the list, a duration nobody can read)."""
    out: list[tuple[str, str, str, str]] = []
    check = kinds.check
    for spec, fields in _FIELDED:
        section = entry.section(spec.key)
        for f in fields:
            problem = check(f.kind, getattr(section, f.key))
            if problem is not None and problem.level == "error":
                out.append((spec.key, f.key, f.label, problem.message))
    return out


def _required(entry: EntryBase) -> CheckItem:
    missing = missing_required(entry)
    invalid = field_errors(entry)
    label = "All required fields are completed"
    if not missing and not invalid:
        return CheckItem("required", label, True, "all required fields are filled", "")
    reasons = []
    if invalid:
        names = ", ".join(name for _, _, name, _ in invalid[:3])
        reasons.append(f"{_plural(len(invalid), 'field')} invalid: {names}"
                       + ("..." if len(invalid) > 3 else ""))
    if missing:
        names = ", ".join(name for _, _, name in missing[:3])
        reasons.append(f"{_plural(len(missing), 'required field')} empty: {names}"
                       + ("..." if len(missing) > 3 else ""))
    section = invalid[0][0] if invalid else missing[0][0]
    return CheckItem("required", label, False, "; ".join(reasons), section)


def half_empty_changes(entry: EntryBase) -> list[tuple[str, str]]:
    """(section key, message) for each Code or Configuration change written as Before/After
    with one half empty: a change needs both what was and what became."""
    out: list[tuple[str, str]] = []
    for spec in SECTIONS:
        if spec.kind is not SectionKind.CHANGE:
            continue
        for fence in entry.section(spec.key).items:
            if fence.raw or not fence.code.strip():
                continue
            parts = changes.split(fence.code)
            if parts is None:
                continue
            empty = [name for name, text in (("Before", parts.before), ("After", parts.after))
                     if not text.strip()]
            if empty:
                out.append((spec.key, f"{spec.heading}: the {' and '.join(empty)} block is empty"))
    return out


def _code(entry: EntryBase) -> CheckItem:
    label = "Commands and code are accurate and tested"
    problems: list[str] = []
    first = ""
    blocks = 0
    for spec in SECTIONS:
        if spec.kind not in (SectionKind.CODE, SectionKind.CHANGE):
            continue
        for fence in entry.section(spec.key).items:
            if fence.raw or not fence.code.strip():
                continue
            blocks += 1
            if _PLACEHOLDER_CODE.search(fence.code):
                problems.append(f"{spec.heading} still holds the template's placeholder")
            elif not fence.language:
                problems.append(f"{spec.heading} has a block with no language")
            elif (bad := codecheck.quick(fence.language, fence.code)) and not bad.skipped:
                problems.append(f"{spec.heading} has a block that does not parse "
                                f"({bad.describe()})")
            else:
                continue
            first = first or spec.key
    for key, message in half_empty_changes(entry):
        problems.append(message)
        first = first or key
    if problems:
        return CheckItem("code", label, False, problems[0], first)
    if not blocks:
        return CheckItem("code", label, True, "no commands or code recorded: nothing to check",
                         "commands_used")
    return CheckItem("code", label, True, f"{_plural(blocks, 'block')}, each with a language",
                     "commands_used")


def _labelled_section(entry: EntryBase, key: str) -> list[tuple[str, str]]:
    return [
        ((i.label or "").strip(), i.text.strip())
        for i in entry.section(key).items
        if not i.raw and (i.text.strip() or (i.label or "").strip())
    ]


def _prevention(entry: EntryBase) -> CheckItem:
    label = "Prevention measures are actionable"
    measures = _labelled_section(entry, "prevention_measures")
    if not measures:
        return CheckItem("prevention", label, False, "no prevention measures yet",
                         "prevention_measures")
    vague = [m for m in measures if not m[1] or kinds.is_placeholder(m[1]) or len(m[1].split()) < 2]
    if vague:
        reason = f"{_plural(len(vague), 'measure')} {_lack(len(vague))} a description of what to do"
        return CheckItem("prevention", label, False, reason, "prevention_measures")
    return CheckItem("prevention", label, True, f"{_plural(len(measures), 'measure')}",
                     "prevention_measures")


def _learning(entry: EntryBase) -> CheckItem:
    label = "Learning points are clear and specific"
    points = [i.text.strip() for i in entry.learning_points.items if not i.raw and i.text.strip()]
    if not points:
        return CheckItem("learning", label, False, "no learning points yet", "learning_points")
    short = [p for p in points if len(p.split()) < MIN_POINT_WORDS or kinds.is_placeholder(p)]
    if short:
        reason = f"{_plural(len(short), 'learning point')} under {MIN_POINT_WORDS} words"
        return CheckItem("learning", label, False, reason, "learning_points")
    return CheckItem("learning", label, True, _plural(len(points), "learning point"),
                     "learning_points")


def _followups(entry: EntryBase) -> CheckItem:
    label = "Follow-up actions have owners and deadlines"
    actions = [a for a in entry.follow_up_actions.items if not a.raw and a.text.strip()]
    if not actions:
        return CheckItem("followups", label, False, "no follow-up actions yet",
                         "follow_up_actions")
    no_owner = sum(1 for a in actions if not a.owner.strip())
    no_due = sum(1 for a in actions if not a.deadline.strip())
    bad_due = sum(1 for a in actions if a.deadline.strip() and not kinds.parse_day(a.deadline))
    reasons = []
    if no_owner:
        reasons.append(f"{_plural(no_owner, 'follow-up')} {_lack(no_owner)} an owner")
    if no_due:
        reasons.append(f"{_plural(no_due, 'follow-up')} {_lack(no_due)} a deadline")
    if bad_due:
        reasons.append(f"{_plural(bad_due, 'deadline')} not a YYYY-MM-DD date")
    if reasons:
        return CheckItem("followups", label, False, "; ".join(reasons), "follow_up_actions")
    return CheckItem("followups", label, True, f"{_plural(len(actions), 'follow-up')}, all owned",
                     "follow_up_actions")


def _tagged(entry: EntryBase) -> CheckItem:
    label = "Entry is properly categorized and tagged"
    if kinds.check(FieldKind.CATEGORY, entry.category) or not entry.category.strip():
        return CheckItem("tagged", label, False, "no valid category yet", "issue_summary")
    if not entry.tags:
        return CheckItem("tagged", label, False, "no tags yet", "issue_summary")
    return CheckItem("tagged", label, True, f"{entry.category}, {_plural(len(entry.tags), 'tag')}",
                     "issue_summary")


def _related(entry: EntryBase) -> CheckItem:
    label = "Related issues are linked"
    items = _labelled_section(entry, "related_issues")
    if not items:
        return CheckItem("related", label, False, "no related issues linked", "related_issues")
    linked = [i for i in items if _LINK.search(i[1]) or _LINK.search(i[0])]
    if not linked:
        return CheckItem("related", label, False, "related issues are named but not linked",
                         "related_issues")
    return CheckItem("related", label, True, _plural(len(linked), "link"), "related_issues")


def _metrics(entry: EntryBase) -> CheckItem:
    label = "Metrics are quantified where possible"
    spec = next(s for s in SECTIONS if s.key == "metrics")
    unquantified = [f.label for f in spec.fields if not kinds.has_quantity(entry.get(f.key))]
    if unquantified:
        if len(unquantified) == 1:
            reason = f"{unquantified[0]} is not quantified"
        else:
            reason = f"{len(unquantified)} metrics are not quantified: {', '.join(unquantified)}"
        return CheckItem("metrics", label, False, reason, "metrics")
    return CheckItem("metrics", label, True, "all four metrics hold a number", "metrics")


def evaluate(entry: EntryBase) -> Checklist:
    """The eight checklist items for an entry, in the template's order."""
    return Checklist(
        (
            _required(entry),
            _code(entry),
            _prevention(entry),
            _learning(entry),
            _followups(entry),
            _tagged(entry),
            _related(entry),
            _metrics(entry),
        )
    )
