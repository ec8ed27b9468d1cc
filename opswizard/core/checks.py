"""Problems with an entry's values, by field: used by `validate` and the wizard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import kinds
from .checklist import evaluate, missing_required
from .findings import Finding
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
                                     where=f"field:{f.key}"))
    found.extend(time_findings(entry))
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
                                 where=f"field:{key}"))
    ttr = kinds.parse_duration(entry.get("time_to_resolution"))
    duration = kinds.parse_duration(entry.get("duration"))
    if ttr is not None and duration is not None and ttr != duration:
        found.append(Finding(
            "warning", f"Time to Resolution ({entry.get('time_to_resolution').strip()}) "
            f"disagrees with Duration ({entry.get('duration').strip()}); the figures count "
            "Time to Resolution", where="field:time_to_resolution"))
    return found


def located_findings(result: ParseResult) -> list[Finding]:
    """Everything wrong with a parsed text (what reading it found, then its values), each
    finding carrying the line it is about (0: the whole file), as `validate` prints them."""
    findings = list(result.findings)
    if not (result.writable and result.entry.present_sections()):
        return findings
    for finding in check_entry(result.entry):
        line = result.locations.get(finding.where, 0)
        if not line and finding.where.startswith("field:"):
            spec, _ = FIELD_BY_KEY[finding.where.removeprefix("field:")]
            line = result.locations.get(f"section:{spec.key}", 0)
        elif not line and finding.where.startswith("action:"):
            line = result.locations.get("section:follow_up_actions", 0)
        findings.append(Finding(finding.level, finding.message, line, finding.where))
    return findings
