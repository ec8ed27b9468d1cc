"""The `write_entry` prompt: how an agent writes a complete entry, section by section.

Derived from the template description, so it names every section and field, in order, with
the hint the wizard shows, and what the checklist will ask of it.
"""

from __future__ import annotations

from ..core.template import CATEGORIES, ENVIRONMENTS, SECTIONS, SEVERITIES, SectionKind

_SHAPE = {
    SectionKind.STEPS: "a list of steps, in order",
    SectionKind.BULLETS: "a list of points",
    SectionKind.LABELLED: "a list of 'Label: text' items",
    SectionKind.CODE: "code blocks ({code, language})",
    SectionKind.CHANGE: "before/after blocks ({before, after, language})",
    SectionKind.ACTIONS: "follow-ups ({text, owner: '@name', due: 'YYYY-MM-DD'})",
    SectionKind.PROSE: "free text",
}


def write_entry_text(incident: str = "") -> str:
    """The prompt's text: the steps, then every section with what goes in it."""
    lines = [
        "You are writing a blameless operational learning entry (a postmortem) for the team's "
        "knowledge base with the opswizard tools. Describe systems and decisions, never blame "
        "people. Work section by section; ask the engineer for what you do not know rather "
        "than inventing it.",
        "",
        "1. Call similar_entries with the symptoms, services and error messages: link the past "
        "entries that match under related_issues, and reuse what fixed them.",
        "2. Fill each section below, in order.",
        "3. Call validate_entry on the markdown, or create_draft directly: its answer holds "
        "the completion checklist; fix what fails and say what is still missing.",
        "4. create_draft writes a draft (never a final entry, never over another file); a "
        "person reviews it and marks it final with opswizard.",
        "",
        f"Category is one of {', '.join(CATEGORIES)}; severity one of {', '.join(SEVERITIES)}; "
        f"environment one of {', '.join(ENVIRONMENTS)}. Dates are ISO 8601 in UTC "
        "(2025-07-09T14:30:00Z); durations like '45 minutes' or '1h 30m'.",
        "",
    ]
    for spec in SECTIONS:
        if spec.kind is SectionKind.FIELDS:
            lines.append(f"## {spec.heading}: {spec.hint}")
            for f in spec.fields:
                need = "required" if f.required else "optional"
                hint = f" ({f.hint})" if f.hint else ""
                lines.append(f"- {f.key}: {f.label}{hint}, {need}")
        else:
            need = ", at least one" if spec.required else ""
            lines.append(f"## {spec.heading} ({spec.key}): {spec.hint} "
                         f"As {_SHAPE[spec.kind]}{need}.")
    lines += [
        "",
        "The checklist passes when every required field is filled, code blocks have a "
        "language, prevention measures and learning points are specific, each follow-up has "
        "an owner and a deadline, the entry has a category and tags, a related issue is "
        "linked, and the four metrics hold numbers.",
    ]
    if incident.strip():
        lines += ["", "The incident, as the engineer described it:", incident.strip()]
    return "\n".join(lines)
