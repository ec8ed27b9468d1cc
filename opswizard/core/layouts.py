"""Other teams' postmortem layouts, as data: which heading or label means which template part.

`import` reads a document written in any of the common layouts (Google SRE book, PagerDuty,
Atlassian, GitLab, Azure/AKS post-incident reviews, "5 whys", Etsy-style debriefs) through
this map. Three tables:

- HEADINGS: a section heading (any level, numbered or not, or a line in bold) -> a template
  field (its text becomes the field's value), a template section (its items are read as
  that section's items), or `keep` (kept under its own heading, in order, byte for byte).
- LABELS: a metadata label (`Date:`, `**Severity**:`, a table row `| Severity | SEV2 |`) ->
  one of the Issue Summary's facts. Labels are read where they stand and stay there.
- SEVERITY: a severity word or code -> the template's LOW/MEDIUM/HIGH/CRITICAL.

A team extends the map with `.opswizard/layouts.toml` in the knowledge base root::

    [headings]
    "Customer impact" = "impact"
    "Kudos" = { target = "learning_points", subheading = true }
    "War room notes" = "keep"

    [labels]
    "Incident level" = "severity"

    [severity]
    "SEV-A" = "CRITICAL"

Names are matched after `normal_name`: case, punctuation, numbering ("3.", "IV)"), a leading
"Incident"/"Postmortem" and plural endings do not matter.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .template import FIELD_BY_KEY, SECTION_BY_KEY, SECTIONS, SEVERITIES

KEEP = "keep"
LABEL_KINDS = ("title", "date", "start", "end", "severity", "duration", "services",
               "environment", "category")


@dataclass(frozen=True)
class Target:
    """Where a heading's content goes: a field key, a section key, or `keep`."""

    key: str
    subheading: bool = False  # keep the source heading as a sub-heading inside the section
    layout: str = ""  # the layout that taught us this name (for --show-map)

    @property
    def is_field(self) -> bool:
        return self.key in FIELD_BY_KEY

    @property
    def is_keep(self) -> bool:
        return self.key == KEEP

    def describe(self) -> str:
        """`Context / System State`, `Resolution Steps`, or `kept as is`."""
        if self.is_keep:
            return "kept as is"
        if self.is_field:
            section, spec = FIELD_BY_KEY[self.key]
            return f"{section.heading} / {spec.label}"
        return SECTION_BY_KEY[self.key].heading


_S = "sub"  # marker in the tables below: keep the heading as a sub-heading

# (layout, {heading: target or (target, "sub")}). The first layout naming a heading wins.
HEADING_TABLE: tuple[tuple[str, dict[str, str | tuple[str, str]]], ...] = (
    ("Google SRE", {
        "Summary": "system_state", "Impact": "impact", "Root Causes": "primary_cause",
        "Trigger": "trigger", "Resolution": "resolution_steps", "Detection": "symptoms",
        "Action Items": "follow_up_actions", "Lessons Learned": "learning_points",
        "What went well": ("learning_points", _S), "What went wrong": ("learning_points", _S),
        "Where we got lucky": ("learning_points", _S), "Timeline": KEEP,
        "Supporting information": KEEP, "Authors": KEEP, "Status": KEEP,
    }),
    ("PagerDuty", {
        "Overview": "system_state", "What happened": "symptoms", "Root Cause": "primary_cause",
        "Contributing factors": "secondary_causes", "Responders": KEEP,
        "How'd we do": "learning_points",
        "What didn't go so well": ("learning_points", _S),
        "What could have gone better": ("learning_points", _S), "Messaging": KEEP,
        "Internal messaging": KEEP, "External messaging": KEEP,
        "Resolution steps": "resolution_steps",
    }),
    ("Atlassian", {
        "Incident summary": "system_state", "Leadup": "secondary_causes",
        "Lead-up": "secondary_causes", "Fault": "trigger", "Response": ("resolution_steps", _S),
        "Recovery": ("resolution_steps", _S), "Five whys": ("secondary_causes", _S),
        "Backlog check": KEEP, "Recurrence": "related_issues",
        "Corrective actions": "follow_up_actions",
    }),
    ("GitLab", {
        "Impact & Metrics": "impact", "Impact and metrics": "impact",
        "Detection & Response": "symptoms", "Detection and response": "symptoms",
        "What can be improved": ("learning_points", _S), "Guidelines": KEEP,
        "Incident review": KEEP,
    }),
    ("Azure/AKS", {
        "Summary of impact": "impact", "Customer impact": "impact",
        "Mitigation": "resolution_steps",
        "Next steps": "follow_up_actions", "What went wrong and why": "primary_cause",
        "How did we respond": "resolution_steps",
        "How are we making incidents like this less likely or less impactful": "follow_up_actions",
        "How can customers make incidents like this less impactful": KEEP,
        "How can we make our incident communications more useful": KEEP,
        "Provide feedback": KEEP, "Symptoms": "symptoms", "Cause": "primary_cause",
        "Workaround": ("resolution_steps", _S), "Affected regions": "related_services",
    }),
    ("5 whys", {
        "Problem statement": "system_state", "Problem": "system_state",
        "5 whys": ("secondary_causes", _S), "Why": ("secondary_causes", _S),
        "Countermeasures": "prevention_measures", "Root cause": "primary_cause",
    }),
    ("Etsy-style", {
        "Surprises": ("learning_points", _S), "Things that went well": ("learning_points", _S),
        "Remediations": "follow_up_actions", "Remediation": "follow_up_actions",
        "Discussion": KEEP, "Open questions": KEEP, "Follow-up": "follow_up_actions",
    }),
    ("common", {
        "Description": "system_state", "Background": "system_state",
        "User impact": "impact", "Business impact": "impact",
        "Fix": "resolution_steps", "How it was fixed": "resolution_steps",
        "Remediation steps": "resolution_steps",
        "Mitigation steps": "resolution_steps", "Follow-ups": "follow_up_actions",
        "Follow-up items": "follow_up_actions", "Action plan": "follow_up_actions",
        "Preventive actions": "follow_up_actions", "Todo": "follow_up_actions",
        "Prevention": "prevention_measures", "Preventive measures": "prevention_measures",
        "Lessons": "learning_points", "Learnings": "learning_points",
        "Key learnings": "learning_points", "Takeaways": "learning_points",
        "Key takeaways": "learning_points", "References": "related_issues",
        "Related incidents": "related_issues", "Links": "related_issues",
        "Verification": "validation", "Commands": "commands_used", "Notes": "additional_notes",
        "Appendix": KEEP, "Attendees": KEEP, "Participants": KEEP, "Glossary": KEEP,
        "Environment": "environment", "Services affected": "related_services",
        "Affected services": "related_services", "Human factors": "human_factors",
        "Systemic issues": "systemic_issues", "Time to detection": "time_to_detection",
        "Time to resolution": "time_to_resolution", "Actions": "follow_up_actions",
        "What we are doing next": "follow_up_actions", "What we're doing next": "follow_up_actions",
        "What we are doing about it": "follow_up_actions",
        "Executive summary": "system_state", "Impact assessment": "impact",
        "Immediate trigger": "trigger", "What went poorly": ("learning_points", _S),
        "What worked": ("learning_points", _S), "What didn't work": ("learning_points", _S),
        "Corrective and preventive actions": "follow_up_actions",
        "Remediation actions": "follow_up_actions", "Resolution and recovery": "resolution_steps",
    }),
)

# Metadata labels: read where they stand (the line stays), never moved.
LABEL_TABLE: dict[str, tuple[str, ...]] = {
    "title": ("Title", "Incident title", "Incident name", "Postmortem title"),
    "date": ("Date", "Incident date", "Date of incident", "Occurred", "Occurred on",
             "Incident day", "Reported", "Reported on"),
    "start": ("Start", "Start time", "Started", "Started at", "Began", "Impact start",
              "Start of impact", "Incident start", "Outage start"),
    "end": ("End", "End time", "Ended", "Ended at", "Resolved at", "Recovered at",
            "Impact end", "End of impact", "Mitigated at", "Incident end", "Outage end"),
    "severity": ("Severity", "Sev", "Severity level", "Priority", "Impact level", "Level"),
    "duration": ("Duration", "Total duration", "Outage duration", "Downtime",
                 "Minutes downtime", "Minutes downtime or degradation", "Impact duration"),
    "services": ("Services", "Service", "Service(s) affected", "Services affected",
                 "Affected services", "Services impacted",
                 "Impacted services", "Components", "Affected components", "Systems affected",
                 "Affected systems", "Affected products", "Product"),
    "environment": ("Environment", "Env"),
    "category": ("Category",),
}

SEVERITY_TABLE: dict[str, str] = {
    "sev0": "CRITICAL", "sev1": "CRITICAL", "sev2": "HIGH", "sev3": "MEDIUM", "sev4": "LOW",
    "sev5": "LOW", "p0": "CRITICAL", "p1": "CRITICAL", "p2": "HIGH", "p3": "MEDIUM",
    "p4": "LOW", "p5": "LOW", "s0": "CRITICAL", "s1": "CRITICAL", "s2": "HIGH", "s3": "MEDIUM",
    "s4": "LOW", "critical": "CRITICAL", "blocker": "CRITICAL", "emergency": "CRITICAL",
    "major": "HIGH", "high": "HIGH", "severe": "HIGH", "medium": "MEDIUM", "moderate": "MEDIUM",
    "normal": "MEDIUM", "minor": "LOW", "low": "LOW", "trivial": "LOW",
}

_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?|[ivxlc]+[.)]|[a-z][.)]|step \d+[:.)-]?)\s+")
_NOISE = ("incident", "postmortem", "post mortem", "the", "our")


def _word(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normal_name(text: str) -> str:
    """A heading or label reduced for matching: `3. Root Causes:` and `Root cause` agree."""
    low = text.lower().replace("post-mortem", "postmortem").replace("&", " and ")
    low = re.sub(r"[*_`\[\]]", "", low)
    low = re.sub(r"\([^)]*\)", " ", low).strip()  # `Timeline (all times UTC)`
    low = _NUMBERING.sub("", low)
    words = [_word(w) for w in re.findall(r"[a-z0-9]+", low.replace("'", ""))]
    text = " ".join(words)
    for noise in _NOISE:
        if text.startswith(noise + " ") and len(text) > len(noise) + 1:
            text = text[len(noise) + 1:]
    return text


@dataclass
class LayoutMap:
    """The map in force: built-in tables plus a knowledge base's own additions."""

    headings: dict[str, Target] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # normal name -> label kind
    severity: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # normal name -> name as written
    sources: list[str] = field(default_factory=list)  # files that extended the map
    problems: list[str] = field(default_factory=list)  # lines of those files we could not use

    def heading(self, text: str) -> Target | None:
        """The target a heading names, if the map knows it."""
        return self.headings.get(normal_name(text))

    def label(self, text: str) -> str | None:
        """The metadata kind a label names (`date`, `severity`, ...), if any."""
        return self.labels.get(normal_name(text))

    def add_heading(self, name: str, target: Target, replace: bool = False) -> None:
        key = normal_name(name)
        if key and (replace or key not in self.headings):
            self.headings[key] = target
            self.names.setdefault(key, name)

    def add_label(self, name: str, kind: str, replace: bool = False) -> None:
        key = normal_name(name)
        if key and (replace or key not in self.labels):
            self.labels[key] = kind
            self.names.setdefault(key, name)


def builtin() -> LayoutMap:
    """The built-in map: the template's own headings, then every layout's."""
    result = LayoutMap()
    for spec in SECTIONS:
        for name in (spec.heading, *spec.aliases):
            result.add_heading(name, Target(spec.key, layout="template"))
        for f in spec.fields:
            if spec.key not in ("issue_summary",):
                result.add_heading(f.label, Target(f.key, layout="template"))
    for layout, table in HEADING_TABLE:
        for name, value in table.items():
            key, sub = (value[0], True) if isinstance(value, tuple) else (value, False)
            result.add_heading(name, Target(key, sub, layout))
    for kind, names in LABEL_TABLE.items():
        for name in names:
            result.add_label(name, kind)
    result.severity.update(SEVERITY_TABLE)
    return result


def _valid_target(key: str) -> bool:
    return key == KEEP or key in FIELD_BY_KEY or key in SECTION_BY_KEY


def extend(result: LayoutMap, text: str, source: str) -> None:
    """Add a layouts.toml's tables to the map; what cannot be used is listed in `problems`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        result.problems.append(f"{source}: not valid TOML ({exc})")
        return
    result.sources.append(source)
    for name, value in dict(data.get("headings", {})).items():
        sub = False
        if isinstance(value, dict):
            sub = bool(value.get("subheading", False))
            value = value.get("target", "")
        key = str(value).strip()
        if not _valid_target(key):
            result.problems.append(f"{source}: heading {name!r}: unknown target {key!r}")
            continue
        result.add_heading(str(name), Target(key, sub, source), replace=True)
    for name, value in dict(data.get("labels", {})).items():
        if value not in LABEL_KINDS:
            result.problems.append(f"{source}: label {name!r}: unknown kind {value!r}")
            continue
        result.add_label(str(name), str(value), replace=True)
    for name, value in dict(data.get("severity", {})).items():
        if str(value).upper() not in SEVERITIES:
            result.problems.append(f"{source}: severity {name!r}: {value!r} is not one of "
                                   f"{', '.join(SEVERITIES)}")
            continue
        result.severity[normal_name(str(name)).replace(" ", "")] = str(value).upper()


def load(root: Path | None) -> LayoutMap:
    """The map in force for a knowledge base: built-in, extended by `.opswizard/layouts.toml`."""
    result = builtin()
    if root is None:
        return result
    path = root / ".opswizard" / "layouts.toml"
    try:
        if path.is_file() and not path.is_symlink():
            extend(result, path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        result.problems.append(f"{path}: cannot be read ({exc})")
    return result


def describe(result: LayoutMap) -> list[tuple[str, str, str]]:
    """(kind, name as written, meaning) rows for `import --show-map`, headings first."""
    rows: list[tuple[str, str, str]] = []
    for key, target in result.headings.items():
        origin = f" [{target.layout}]" if target.layout else ""
        sub = " (heading kept inside)" if target.subheading else ""
        rows.append(("heading", result.names.get(key, key), target.describe() + sub + origin))
    for key, kind in result.labels.items():
        rows.append(("label", result.names.get(key, key), kind))
    for code, level in result.severity.items():
        rows.append(("severity", code, level))
    return rows
