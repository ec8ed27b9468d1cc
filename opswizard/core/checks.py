"""Problems with an entry's values, by field: used by `validate` and the wizard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import kinds
from .checklist import evaluate, half_empty_changes, missing_required
from .findings import Finding, Where
from .model import EntryBase
from .template import FIELD_BY_KEY, SECTIONS

if TYPE_CHECKING:  # pragma: no cover
    from .parse import ParseResult


def check_entry(entry: EntryBase) -> list[Finding]:
    """Every problem with the entry's values; `where` says which field or item."""
    found: list[Finding] = []
    for spec in SECTIONS:
        section = entry.section(spec.key)
        for f in spec.fields:
            problem = kinds.check(f.kind, getattr(section, f.key))
            if problem:
                found.append(Finding(problem.level, f"{f.label}: {problem.message}",
                                     where=Where.field(f.key)))
    found.extend(time_findings(entry))
    for index, action in enumerate(entry.follow_up_actions.items):
        if action.deadline.strip() and kinds.parse_day(action.deadline) is None:
            found.append(Finding("warning",
                                 f"follow-up due {action.deadline!r} is not a YYYY-MM-DD date",
                                 where=Where.action(index)))
    for section_key, message in half_empty_changes(entry):
        found.append(Finding("warning", f"{message} (a change needs what was and what became)",
                             where=Where.in_section(section_key)))
    level = "error" if entry.status == "final" else "warning"
    for section_key, field_key, label in missing_required(entry):
        where = Where.field(field_key) if field_key else Where.in_section(section_key)
        found.append(Finding(level, f"{label} is empty", where=where))
    if entry.status == "final" and not entry.checklist_override:
        for item in evaluate(entry).failing():
            found.append(Finding("warning", f"checklist: {item.reason}",
                                 where=Where.in_section(item.section)))
    return found


TIME_FIELDS = ("time_to_detection", "time_to_resolution")


def time_findings(entry: EntryBase) -> list[Finding]:
    """Warnings for the figures of `opswizard stats`: a Time to Detection or Time to
    Resolution that is not a duration (left out of the figures), and a Time to Resolution
    that disagrees with the Duration field (the Metrics value is the one counted)."""
    found: list[Finding] = []
    for key in TIME_FIELDS:
        _, spec = FIELD_BY_KEY[key]
        value = entry.get(key).strip()
        if value and not kinds.is_placeholder(value) and kinds.parse_duration(value) is None:
            found.append(Finding("warning", f"{spec.label}: {value!r} is not a duration, so "
                                 "it is left out of the figures (try '45 minutes' or '1h 30m')",
                                 where=Where.field(key)))
    ttr = kinds.parse_duration(entry.get("time_to_resolution"))
    duration = kinds.parse_duration(entry.get("duration"))
    if ttr is not None and duration is not None and ttr != duration:
        found.append(Finding(
            "warning", f"Time to Resolution ({entry.get('time_to_resolution').strip()}) "
            f"disagrees with Duration ({entry.get('duration').strip()}); the figures count "
            "Time to Resolution", where=Where.field("time_to_resolution")))
    return found


def located_findings(result: ParseResult) -> list[Finding]:
    """Everything wrong with a parsed text (what reading it found, then its values), each
    finding carrying the line it is about (never 0: the whole file is line 1), as
    `validate` prints them."""
    findings = [f if f.line > 0 else Finding(f.level, f.message, 1, f.where)
                for f in result.findings]
    if not (result.writable and result.entry.present_sections()):
        return findings
    for finding in check_entry(result.entry):
        where = finding.where
        line = result.locations.get(where, 0)
        if not line and where.kind in ("field", "action", "section") and where.section:
            line = section_line(result, where.section)
        findings.append(Finding(finding.level, finding.message, line or 1, finding.where))
    return findings


def section_line(result: ParseResult, section_key: str) -> int:
    """The section's heading line; for a missing section, the line where it belongs (the
    next present section's heading, else the last one's), never 0."""
    keys = [s.key for s in SECTIONS]
    line = result.locations.get(Where.in_section(section_key), 0)
    if line or section_key not in keys:
        return int(line) or 1
    for later in keys[keys.index(section_key) + 1:]:
        if result.locations.get(Where.in_section(later)):
            return int(result.locations[Where.in_section(later)])
    present = [v for k, v in result.locations.items() if k.startswith("section:")]
    return int(max(present, default=1))


def control_findings(data: bytes, limit: int = 20) -> list[Finding]:
    """An error for each terminal control character in a file's bytes (ESC, C0 but tab and
    newline, a bare CR, DEL, C1, bidi overrides), at its line and column."""
    from .sanitize import control_positions, visible

    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    found = control_positions(text, limit + 1)
    findings = [
        Finding("error", f"terminal control character {visible(char)} at column {column}: "
                "remove it (opswizard edit offers to)", line)
        for line, column, char in found[:limit]
    ]
    if len(found) > limit:
        findings.append(Finding("error", "more terminal control characters follow",
                                found[limit][0]))
    return findings


def section_statuses(entry: EntryBase) -> dict[str, str]:
    """Each section's mark for the wizard's step list: "error" (a value is wrong),
    "incomplete" (empty, a required field missing, or its checklist item failing) or
    "complete"."""
    errors = {f.where.section for f in check_entry(entry) if f.level == "error"}
    missing: set[str] = set()
    for spec in SECTIONS:
        section = entry.section(spec.key)
        if any(f.required and not getattr(section, f.key).strip() for f in spec.fields):
            missing.add(spec.key)
    # A step whose checklist item fails is not complete (Follow-up Actions without owners).
    missing |= {i.section for i in evaluate(entry).failing() if i.key != "required"}
    statuses = {}
    for spec in SECTIONS:
        if spec.key in errors:
            statuses[spec.key] = "error"
        elif spec.key in missing or entry.section(spec.key).is_empty():
            statuses[spec.key] = "incomplete"
        else:
            statuses[spec.key] = "complete"
    return statuses
