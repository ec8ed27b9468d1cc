"""The Issue Summary's facts, read from a document in another layout (see README, "Import").

Each fact comes with where it was found (`Fact.where`), so the dry run can say so. Rules:

- title: frontmatter `title`, a `Title:` label, the document's top heading (minus a
  "Postmortem:" style prefix or suffix), else the file name;
- date: frontmatter `date`, a Date label, the first timeline entry, the title, the file name
  (a date without a time takes the first timeline entry's time when that is the same day);
- severity: a Severity/Priority label or a `SEV2`/`P1` in the title, through the map's table;
- duration: a Duration label, else the difference of Start and End labels, else a
  "between 09:10 and 10:20" / "09:10-10:20" range in the text;
- services, environment: their labels; category: a Category label, else `CATEGORY_RULES`.

Placeholder text (the template's `[bracketed phrases]`) is never taken as a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from . import kinds
from .import_when import (
    RANGE,
    at_clock,
    clock_of,
    duration_from_range,
    duration_of,
    minutes_text,
    parse_when,
    plain,
)
from .layouts import LayoutMap, normal_name
from .template import CATEGORIES, ENVIRONMENTS

Line = tuple[int, str]

# (category, words): the first rule with a word in the title wins, then the same over the
# summary, trigger and causes; else `issue`.
CATEGORY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("deployment", ("deploy", "deployment", "release", "rollout", "roll-out", "rollback",
                    "canary", "rolled back")),
    ("configuration", ("config", "configuration", "misconfiguration", "feature flag", "setting",
                       "dns record", "firewall rule")),
    ("recovery", ("restore", "restored", "backup", "failover", "data loss", "corruption",
                  "disaster recovery")),
    ("monitoring", ("alert", "alerting", "monitoring", "paging", "dashboard", "observability",
                    "unnoticed")),
    ("maintenance", ("maintenance", "upgrade", "migration", "patching", "certificate renewal")),
    ("performance", ("latency", "slow", "slowness", "performance", "throughput", "timeouts",
                     "lag", "degraded")),
)

_SEV_CODE = re.compile(r"\b(sev|p|s)\s*-?\s*([0-5])\b", re.I)
_TITLE_PREFIX = re.compile(
    r"^\s*\[?(?:post[- ]?mortem|incident(?: report| review| postmortem| post[- ]?mortem)?|rca|"
    r"pir|post[- ]incident review(?: \(pir\))?|root cause analysis|retrospective|debrief|"
    r"5 whys|five whys)\]?"
    r"\s*(?:[:\-–—|]\s*|"
    r"(?:for|of|on)\s+(?:the\s+)?)", re.I)
_TITLE_SUFFIX = re.compile(
    r"\s*[:\-–—|]?\s*\b(?:post[- ]?mortem|incident report|rca|retrospective)\b\s*(?=\(|$)", re.I)
_LABEL_LINE = re.compile(
    r"^\s{0,3}(?:[-*+]\s+|\d+[.)]\s+)?(?:#{1,6}\s+)?(?:\*\*|__)?"
    r"(?P<label>[A-Za-z][\w ()/'&-]{0,40}?)"
    r"(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(?P<value>\S.*)$")
_TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")


@dataclass(frozen=True)
class Fact:
    """One value found in the document, and where (`line 3: Date label`)."""

    value: str
    where: str


def labelled_values(lines: list[Line], layout: LayoutMap) -> list[tuple[str, int, str, str]]:
    """(kind, line, label, value) for each metadata label in the lines, in order."""
    found: list[tuple[str, int, str, str]] = []
    for no, line in lines:
        row = _TABLE_ROW.match(line)
        if row:
            cells = [c.strip() for c in row.group(1).split("|")]
            if len(cells) >= 2:
                kind = layout.label(plain(cells[0]))
                value = next((c for c in cells[1:] if c.strip()), "")
                if kind and value:
                    found.append((kind, no, plain(cells[0]), value))
            continue
        match = _LABEL_LINE.match(line)
        if match:
            kind = layout.label(plain(match.group("label")))
            if kind:
                found.append((kind, no, match.group("label").strip(), match.group("value")))
    return found


def severity_of(text: str, layout: LayoutMap) -> str | None:
    """LOW/MEDIUM/HIGH/CRITICAL for `SEV-2`, `P1`, `Major`, `2`; None if not understood."""
    value = plain(text).strip().lower()
    code = _SEV_CODE.search(value)
    if code:
        key = f"{code.group(1).lower()}{code.group(2)}"
        if key in layout.severity:
            return layout.severity[key]
    compact = normal_name(value).replace(" ", "")
    if compact in layout.severity:
        return layout.severity[compact]
    if compact.isdigit() and f"sev{compact}" in layout.severity:
        return layout.severity[f"sev{compact}"]
    for word in re.findall(r"[a-z]+", value):
        if word in layout.severity:
            return layout.severity[word]
    return None


_TITLE_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*[:\-–—|]\s*|\s*[:\-–—|]\s*\d{4}-\d{2}-\d{2}\s*$")


def clean_title(text: str) -> str:
    """A heading as a title: markup, a "Postmortem:" style prefix or suffix and a leading or
    trailing date removed (the date is read on its own)."""
    title = plain(text)
    stripped = _TITLE_PREFIX.sub("", title, count=1)
    stripped = _TITLE_SUFFIX.sub(lambda m: " " if m.end() < len(m.string) else "", stripped)
    stripped = _TITLE_DATE.sub("", stripped).strip(" -–—:|")
    return stripped or title


def category_of(texts: list[tuple[str, str]]) -> Fact:
    """The category by `CATEGORY_RULES` over (where, text) pairs, in order."""
    for where, text in texts:
        low = f" {text.lower()} "
        for category, words in CATEGORY_RULES:
            for word in words:
                if re.search(rf"(?<![a-z]){re.escape(word)}", low):
                    return Fact(category, f"inferred: '{word}' in the {where}")
    return Fact("issue", "inferred: no rule matched (the default)")


def environment_of(text: str) -> str | None:
    low = plain(text).lower()
    for env in ENVIRONMENTS:
        if low.startswith(env.lower()[:4]):
            return env
    return None


_LOOSE_SEVERITY = re.compile(r"\b(?:severity|priority)\s*(?:level)?\s*[:=]\s*\**\s*(?P<v>[\w-]+)",
                             re.I)


def extract(lines: list[Line], *, title_heading: Line | None, timeline: list[Line],
            frontmatter: dict[str, str], file_stem: str, texts: list[tuple[str, str]],
            layout: LayoutMap, first_line: Line | None = None) -> dict[str, Fact]:
    """Every fact found: keys title, date, severity, duration, services, environment,
    category. `texts`: (where, text) pairs the category rule reads after the title."""
    facts: dict[str, Fact] = {}
    labels = labelled_values(lines, layout)

    def first(kind: str) -> tuple[int, str, str] | None:
        for k, no, label, value in labels:
            if k == kind and not kinds.is_placeholder(value) and plain(value):
                return no, label, value
        return None

    # -- title
    if frontmatter.get("title") and not kinds.is_placeholder(frontmatter["title"]):
        facts["title"] = Fact(clean_title(frontmatter["title"]), "frontmatter: title")
    elif (hit := first("title")) is not None:
        facts["title"] = Fact(clean_title(hit[2]), f"line {hit[0]}: {hit[1]} label")
    elif title_heading is not None and not kinds.is_placeholder(title_heading[1]):
        facts["title"] = Fact(clean_title(title_heading[1]),
                              f"line {title_heading[0]}: top heading")
    elif first_line is not None and not kinds.is_placeholder(first_line[1]):
        facts["title"] = Fact(clean_title(first_line[1]), f"line {first_line[0]}: first line")
    else:
        stem = re.sub(r"^\d{4}-\d{2}-\d{2}[-_ ]*", "", file_stem)
        words = re.sub(r"[-_]+", " ", stem).strip()
        if words:
            facts["title"] = Fact(words[:1].upper() + words[1:], "file name")
    # -- date
    facts.update(_date_fact(frontmatter, first("date"), first("start"), timeline,
                            facts.get("title"), file_stem))
    if "date" not in facts:
        facts.update(_date_in_text(texts, lines, timeline))
    # -- severity
    if (hit := first("severity")) is not None and severity_of(hit[2], layout):
        facts["severity"] = Fact(str(severity_of(hit[2], layout)),
                                 f"line {hit[0]}: {hit[1]} {plain(hit[2])!r}")
    elif "title" in facts and _SEV_CODE.search(facts["title"].value):
        code = _SEV_CODE.search(facts["title"].value)
        level = severity_of(code.group(0), layout) if code else None
        if level:
            facts["severity"] = Fact(level, "the title")
    if "severity" not in facts:
        for no, line in lines:
            for match in _LOOSE_SEVERITY.finditer(line):
                level = severity_of(match.group("v"), layout)
                if level:
                    facts["severity"] = Fact(level, f"line {no}: {match.group(0).strip()!r}")
                    break
            if "severity" in facts:
                break
    # -- duration
    hit = first("duration")
    if hit is not None and duration_of(hit[2]):
        facts["duration"] = Fact(str(duration_of(hit[2])), f"line {hit[0]}: {hit[1]} label")
    else:
        start, end = first("start"), first("end")
        if start and end:
            span = duration_from_range(f"{start[2]} - {end[2]}")
            a, b = parse_when(start[2])[0], parse_when(end[2])[0]
            if a and b and parse_when(start[2])[1] and b > a:
                span = minutes_text(int((b - a).total_seconds() // 60))
            if span:
                facts["duration"] = Fact(span, f"lines {start[0]} and {end[0]}: start and end")
        if "duration" not in facts:
            for where, text in texts:
                span = duration_from_range(text)
                if span:
                    facts["duration"] = Fact(span, f"a time range in the {where}")
                    break
    # -- services, environment, category
    if (hit := first("services")) is not None:
        facts["services"] = Fact(", ".join(kinds.split_list(plain(hit[2]))),
                                 f"line {hit[0]}: {hit[1]} label")
    if (hit := first("environment")) is not None and environment_of(hit[2]):
        facts["environment"] = Fact(str(environment_of(hit[2])), f"line {hit[0]}: {hit[1]} label")
    hit = first("category")
    if hit is not None and plain(hit[2]).lower() in CATEGORIES:
        facts["category"] = Fact(plain(hit[2]).lower(), f"line {hit[0]}: {hit[1]} label")
    else:
        title = facts["title"].value if "title" in facts else ""
        facts["category"] = category_of([("title", title), *texts])
    return facts


def _date_in_text(texts: list[tuple[str, str]], lines: list[Line], timeline: list[Line]
                  ) -> dict[str, Fact]:
    """A date written in the summary (or else anywhere outside the timeline), with the start
    of a time range beside it (`on 2024-09-12 between 02:10 and 04:45 UTC`)."""
    skip = {no for no, _ in timeline}
    candidates = [(f"the {where}", text) for where, text in texts]
    candidates += [(f"line {no}", text) for no, text in lines if no not in skip]
    for where, text in candidates:
        when, timed = parse_when(text)
        if when is None:
            continue
        span = RANGE.search(plain(text))
        clock = clock_of(span.group("a") + text[span.end():span.end() + 12]) if span else None
        if not timed and clock is not None:
            when = at_clock(when.replace(tzinfo=None), clock)
            return {"date": Fact(kinds.format_date(when), f"{where}, start of the time range")}
        return {"date": Fact(kinds.format_date(when), where)}
    return {}


def _date_fact(frontmatter: dict[str, str], label: tuple[int, str, str] | None,
               start: tuple[int, str, str] | None, timeline: list[Line],
               title: Fact | None, file_stem: str) -> dict[str, Fact]:
    first_entry: tuple[int, datetime | None, tuple[int, int, int, float] | None] | None = None
    day: datetime | None = None
    for no, line in timeline:
        if not line.strip() or line.lstrip().startswith(("#", "|--", "| --", "|:-")):
            continue
        when, timed = parse_when(line)
        clock = clock_of(line)
        if when is not None and clock is None:
            day = when  # a date line heading the entries that follow
            continue
        if when or clock:
            if when is None and day is not None and clock is not None:
                when = at_clock(day.replace(tzinfo=None), clock)
            first_entry = (no, when, clock)
            break
    candidates: list[tuple[str, str]] = []
    if frontmatter.get("date"):
        candidates.append((frontmatter["date"], "frontmatter: date"))
    for hit, name in ((label, "label"), (start, "start label")):
        if hit is not None:
            candidates.append((hit[2], f"line {hit[0]}: {hit[1]} {name}"))
    for text, where in candidates:
        when, timed = parse_when(text)
        if when is None:
            continue
        if not timed and first_entry and first_entry[2] is not None:
            entry_day = first_entry[1]
            if entry_day is None or entry_day.date() == when.date():
                combined = at_clock(when.replace(tzinfo=None), first_entry[2])
                return {"date": Fact(kinds.format_date(combined),
                                     f"{where}, time of the first timeline entry "
                                     f"(line {first_entry[0]})")}
        return {"date": Fact(kinds.format_date(when), where)}
    if first_entry and first_entry[1] is not None:
        return {"date": Fact(kinds.format_date(first_entry[1]),
                             f"line {first_entry[0]}: first timeline entry")}
    for text, where in ((title.value if title else "", "the title"), (file_stem, "file name")):
        when, _ = parse_when(text.replace("_", "-"))
        if when:
            return {"date": Fact(kinds.format_date(when), where)}
    return {}
