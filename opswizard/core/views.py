"""Plain data views of an entry, for `show --json`, `list --json` and agents."""

from __future__ import annotations

from typing import Any

from . import kinds
from .checklist import evaluate
from .model import EntryBase
from .template import SECTIONS, SectionKind


def entry_to_dict(entry: EntryBase) -> dict[str, Any]:
    """Each field exactly once: labelled fields at the top level, sections by key."""
    out: dict[str, Any] = {"id": entry.id, "status": entry.status}
    for spec in SECTIONS:
        section = entry.section(spec.key)
        if spec.kind is SectionKind.FIELDS:
            for f in spec.fields:
                out[f.key] = getattr(section, f.key)
            extra = [{"label": i.label, "text": i.text} for i in section.extra]
            if extra:
                out[f"{spec.key}_other"] = extra
        elif spec.kind is SectionKind.STEPS or spec.kind is SectionKind.BULLETS:
            out[spec.key] = [i.text for i in section.items if not i.raw]
        elif spec.kind is SectionKind.LABELLED:
            out[spec.key] = [
                {"label": i.label or "", "text": i.text} for i in section.items if not i.raw
            ]
        elif spec.kind in (SectionKind.CODE, SectionKind.CHANGE):
            out[spec.key] = [
                {"language": f.language, "code": f.code} for f in section.items if not f.raw
            ]
        elif spec.kind is SectionKind.ACTIONS:
            out[spec.key] = [
                {"text": a.text, "done": a.done, "owner": a.owner, "deadline": a.deadline}
                for a in section.items
                if not a.raw
            ]
        else:
            out[spec.key] = section.text
    out["tags"] = list(entry.tags)
    out["related_services"] = entry.services() or out.get("related_services", "")
    out["duration_seconds"] = kinds.parse_duration(entry.get("duration"))
    out["unknown_sections"] = entry.unknown_parts()
    checklist = evaluate(entry)
    out["checklist"] = {
        "percent": checklist.percent,
        "passed": checklist.passed,
        "items": [
            {"item": i.label, "passed": i.passed, "reason": i.reason} for i in checklist.items
        ],
    }
    return out


def summary(entry: EntryBase) -> dict[str, Any]:
    """The row `list --json` prints for an entry."""
    return {
        "id": entry.id,
        "date": entry.date,
        "category": entry.category,
        "severity": entry.severity,
        "title": entry.title,
        "status": entry.status,
        "tags": list(entry.tags),
        "completeness": evaluate(entry).percent,
    }
