"""The Operational Learning Template, as data.

Everything else is derived from the description below: the pydantic model
(`model.py`), the parser (`parse.py`), the renderer (`render.py`), the
checklist (`checklist.py`), the JSON view and, in the TUI, the wizard's steps.
Adding a section to the template is one change, here. Its placeholder texts are in
`placeholders.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# The vocabularies and the preamble live in `vocab.py` (the command line and the browser
# need them at start, not this module's classes); re-exported here.
from .vocab import CATEGORIES as CATEGORIES
from .vocab import ENVIRONMENTS as ENVIRONMENTS
from .vocab import PREAMBLE as PREAMBLE
from .vocab import SEVERITIES as SEVERITIES
from .vocab import STATUSES as STATUSES


class SectionKind(StrEnum):
    """How a section's body is laid out in markdown."""

    FIELDS = "fields"  # fixed `- **Label**: value` lines (Issue Summary, Context, ...)
    STEPS = "steps"  # `1. ...` numbered list
    BULLETS = "bullets"  # `- ...` plain bullets
    LABELLED = "labelled"  # `- **Label**: text`, free labels
    CODE = "code"  # one or more fenced blocks
    CHANGE = "change"  # fenced block holding `Before:` / `After:` halves
    ACTIONS = "actions"  # `- [ ] text (owner: @x, due: YYYY-MM-DD)`
    PROSE = "prose"  # free text


class FieldKind(StrEnum):
    """What a single labelled field holds; drives validation and the wizard's widget."""

    TEXT = "text"
    DATE = "date"
    CATEGORY = "category"
    SEVERITY = "severity"
    DURATION = "duration"
    ENVIRONMENT = "environment"
    LIST = "list"  # comma separated (Related Services)
    QUANTITY = "quantity"  # a metric: should hold a number


@dataclass(frozen=True)
class FieldSpec:
    """One `- **Label**: value` line of a FIELDS section."""

    key: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    hint: str = ""
    suggest: str = ""  # the knowledge-base suggestions offered while typing ("services")
    # How the field takes part in the knowledge base's summary (`summary.py`): shown in
    # `list` and the browser's rows (`listed`), searched with this BM25 weight (`search`,
    # 0: not searched), offered as a facet named `facet` ("" : none); `name` is its name
    # there (default: the key).
    listed: bool = False
    search: float = 0.0
    facet: str = ""
    name: str = ""

    @property
    def summary_name(self) -> str:
        """The field's name in the summary, the index and the search documents."""
        return self.name or self.key


@dataclass(frozen=True)
class SectionSpec:
    """One `### Heading` section of the template."""

    key: str
    heading: str
    kind: SectionKind
    hint: str
    fields: tuple[FieldSpec, ...] = ()
    required: bool = False  # for list sections: at least one item
    language: str = ""  # default fence language for CODE / CHANGE
    aliases: tuple[str, ...] = ()

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)


def _f(key: str, label: str, kind: FieldKind = FieldKind.TEXT, hint: str = "",
       suggest: str = "", **summary: Any) -> FieldSpec:
    return FieldSpec(key, label, kind, required=True, hint=hint, suggest=suggest, **summary)


def _o(key: str, label: str, kind: FieldKind = FieldKind.TEXT, hint: str = "") -> FieldSpec:
    return FieldSpec(key, label, kind, required=False, hint=hint)


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "issue_summary",
        "Issue Summary",
        SectionKind.FIELDS,
        "What happened, when, and how bad it was.",
        fields=(
            _f("date", "Date", FieldKind.DATE, "ISO 8601, e.g. 2025-07-09T14:30:00Z", listed=True),
            _f("category", "Category", FieldKind.CATEGORY, "/".join(CATEGORIES), listed=True,
               facet="category"),
            _f("title", "Title", FieldKind.TEXT, "Brief descriptive title", listed=True,
               search=10.0),
            _f("severity", "Severity", FieldKind.SEVERITY, "/".join(SEVERITIES), listed=True,
               facet="severity"),
            _f("duration", "Duration", FieldKind.DURATION, "Time to resolve, e.g. 45 minutes"),
            _f("impact", "Impact", FieldKind.TEXT, "Description of system impact", search=3.0),
        ),
    ),
    SectionSpec(
        "context",
        "Context",
        SectionKind.FIELDS,
        "The state of the system and what people saw.",
        fields=(
            _f("system_state", "System State", hint="System state when the issue occurred"),
            _f("symptoms", "Symptoms", hint="What was observed or reported", search=8.0),
            _f("environment", "Environment", FieldKind.ENVIRONMENT, "/".join(ENVIRONMENTS)),
            _f("related_services", "Related Services", FieldKind.LIST, "Comma separated",
               suggest="services", search=6.0, name="services"),
            _f("trigger", "Trigger", hint="What caused the issue"),
        ),
    ),
    SectionSpec(
        "root_cause_analysis",
        "Root Cause Analysis",
        SectionKind.FIELDS,
        "Why it happened, blamelessly.",
        fields=(
            _f("primary_cause", "Primary Cause", hint="Main cause of the issue", search=5.0),
            _f("secondary_causes", "Secondary Causes", hint="Contributing factors"),
            _f("systemic_issues", "Systemic Issues", hint="Underlying system problems"),
            _f("human_factors", "Human Factors", hint="Process or procedural issues"),
        ),
    ),
    SectionSpec(
        "resolution_steps",
        "Resolution Steps",
        SectionKind.STEPS,
        "Each step with its command or action, in order.",
        required=True,
    ),
    SectionSpec(
        "commands_used",
        "Commands Used",
        SectionKind.CODE,
        "Every command used during resolution, diagnostics included.",
        language="bash",
    ),
    SectionSpec(
        "code_changes",
        "Code Changes",
        SectionKind.CHANGE,
        "Code changed, before and after.",
        language="python",
    ),
    SectionSpec(
        "configuration_changes",
        "Configuration Changes",
        SectionKind.CHANGE,
        "Configuration changed, before and after.",
        language="json",
    ),
    SectionSpec(
        "prevention_measures",
        "Prevention Measures",
        SectionKind.LABELLED,
        "Measure: description and implementation.",
    ),
    SectionSpec(
        "learning_points",
        "Learning Points",
        SectionKind.BULLETS,
        "Key insights, process improvements, tool enhancements.",
    ),
    SectionSpec(
        "documentation_updates",
        "Documentation Updates",
        SectionKind.LABELLED,
        "Document: what was updated or created.",
    ),
    SectionSpec(
        "monitoring_improvements",
        "Monitoring Improvements",
        SectionKind.LABELLED,
        "Metric, alert or dashboard: what was added or modified.",
    ),
    SectionSpec(
        "automation_opportunities",
        "Automation Opportunities",
        SectionKind.LABELLED,
        "Opportunity: description and potential implementation.",
    ),
    SectionSpec(
        "testing_improvements",
        "Testing Improvements",
        SectionKind.LABELLED,
        "Test or validation: what was added or modified.",
    ),
    SectionSpec(
        "knowledge_base_updates",
        "Knowledge Base Updates",
        SectionKind.LABELLED,
        "Update or pattern: what was added to the knowledge base.",
    ),
    SectionSpec(
        "future_considerations",
        "Future Considerations",
        SectionKind.LABELLED,
        "Consideration: long-term implications, upgrade paths.",
    ),
    SectionSpec(
        "related_issues",
        "Related Issues",
        SectionKind.LABELLED,
        "Issue or pattern: link to the related entry.",
    ),
    SectionSpec(
        "metrics",
        "Metrics",
        SectionKind.FIELDS,
        "Quantified where possible.",
        fields=(
            _o("time_to_detection", "Time to Detection", FieldKind.QUANTITY, "e.g. 5 minutes"),
            _o("time_to_resolution", "Time to Resolution", FieldKind.QUANTITY, "e.g. 45 minutes"),
            _o("system_availability", "System Availability", FieldKind.QUANTITY, "e.g. 99.2%"),
            _o("performance_impact", "Performance Impact", FieldKind.QUANTITY, "e.g. p99 +300 ms"),
        ),
    ),
    SectionSpec(
        "validation",
        "Validation",
        SectionKind.LABELLED,
        "How the resolution was validated, and the results.",
    ),
    SectionSpec(
        "follow_up_actions",
        "Follow-up Actions",
        SectionKind.ACTIONS,
        "Each action with an owner and a deadline.",
    ),
    SectionSpec(
        "additional_notes",
        "Additional Notes",
        SectionKind.PROSE,
        "Anything that does not fit above.",
    ),
)

# The entry's machine fields, kept in the frontmatter (the template has no place for them),
# described like the template's own fields so the summary can derive from one list.
MACHINE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "Id", listed=True),
    FieldSpec("status", "Status", listed=True, facet="status"),
    FieldSpec("tags", "Tags", FieldKind.LIST, listed=True, search=6.0, facet="tag"),
)

SECTION_BY_KEY: dict[str, SectionSpec] = {s.key: s for s in SECTIONS}
FIELD_BY_KEY: dict[str, tuple[SectionSpec, FieldSpec]] = {
    f.key: (s, f) for s in SECTIONS for f in s.fields
}

# Headings that are read as the entry's tags (the seed's "Searchable Tags" list),
# never written back into the body: tags live in the frontmatter.
TAG_HEADINGS: tuple[str, ...] = ("searchable tags", "tags")

SCHEMA_VERSION = 1

# The wizard step where the entry's tags are edited ("properly categorized and tagged").
TAGS_STEP = "issue_summary"
# The step that offers past entries from the knowledge base as links.
RELATED_STEP = "related_issues"


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NORMAL: dict[str, str] = {}  # headings and labels recur in every file: normalised once


def norm_heading(text: str) -> str:
    """Normalise a heading or label for matching: case, punctuation and spacing."""
    normal = _NORMAL.get(text)
    if normal is None:
        normal = _NOT_ALNUM.sub("", text.lower())
        if len(text) <= 200 and len(_NORMAL) < 20_000:
            _NORMAL[text] = normal
    return normal


_HEADING_INDEX: dict[str, SectionSpec] = {}
for _s in SECTIONS:
    for _name in (_s.heading, *_s.aliases):
        _HEADING_INDEX[norm_heading(_name)] = _s


def section_for_heading(text: str) -> SectionSpec | None:
    """The template section a heading names, if any (`Follow Up Actions` finds Follow-up)."""
    return _HEADING_INDEX.get(norm_heading(text))


def is_tag_heading(text: str) -> bool:
    return norm_heading(text) in _TAG_HEADINGS


_TAG_HEADINGS = frozenset(norm_heading(h) for h in TAG_HEADINGS)

