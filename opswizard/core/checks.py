"""Problems with an entry's values, by field: used by `validate` and the wizard."""

from __future__ import annotations

from . import kinds
from .checklist import evaluate, missing_required
from .findings import Finding
from .model import EntryBase
from .template import SECTIONS


def check_entry(entry: EntryBase) -> list[Finding]:
    """Every problem with the entry's values; `where` says which field or item."""
    found: list[Finding] = []
    for spec in SECTIONS:
        section = entry.section(spec.key)
        for f in spec.fields:
            problem = kinds.check(f.kind, getattr(section, f.key))
            if problem:
                found.append(Finding(problem.level, f"{f.label}: {problem.message}",
                                     where=f"field:{f.key}"))
    for index, action in enumerate(entry.follow_up_actions.items):
        if action.deadline.strip() and kinds.parse_day(action.deadline) is None:
            found.append(Finding("warning",
                                 f"follow-up due {action.deadline!r} is not a YYYY-MM-DD date",
                                 where=f"action:{index}"))
    level = "error" if entry.status == "final" else "warning"
    for section_key, field_key, label in missing_required(entry):
        where = f"field:{field_key}" if field_key else f"section:{section_key}"
        found.append(Finding(level, f"{label} is empty", where=where))
    if entry.status == "final" and not entry.checklist_override:
        for item in evaluate(entry).failing():
            found.append(Finding("warning", f"checklist: {item.reason}",
                                 where=f"section:{item.section}"))
    return found
