"""A report to share: the stats, the open and overdue follow-ups by owner, the repeat
incidents, with a link to each entry. One self-contained HTML file (inline CSS and SVG, no
script, nothing fetched: it works opened from disk), or Markdown for a wiki.

Every text from the knowledge base is escaped (`html.escape` in HTML; in Markdown, the
characters that make markup are backslash-escaped and HTML-like text is entity-escaped).
Links: `link_base` + the entry's path relative to the knowledge base (a git web view), else
the entry's path relative to the folder the report is written to (`relative_to`), else
relative to the knowledge base root.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from . import svg
from .ledger import Item, group
from .sanitize import clean
from .stats import human

CSS = """body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:24px auto;padding:0 16px;
color:#222}h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f4f4f4}.num{text-align:right}
.overdue{color:#b00020;font-weight:600}.muted{color:#666}details{margin:6px 0}
figure{margin:8px 0}"""


class Links:
    """How an entry's link is made (see the module docstring)."""

    def __init__(self, root: Path, link_base: str | None = None,
                 relative_to: Path | None = None) -> None:
        self.root, self.base, self.relative_to = root, link_base, relative_to

    def href(self, key: str) -> str:
        if self.base:
            return self.base.rstrip("/") + "/" + quote(key, safe="/")
        if self.relative_to is not None:
            rel = os.path.relpath(self.root / key, self.relative_to)
            return quote(PurePosixPath(*Path(rel).parts).as_posix(), safe="/")
        return quote(key, safe="/")


def _e(text: object) -> str:
    return escape(clean(str(text)), quote=True)


def _a(links: Links, key: str, title: str) -> str:
    return f'<a href="{_e(links.href(key))}">{_e(title or key)}</a>'


def _table(head: Sequence[str], rows: Sequence[Sequence[str]],
           numeric: AbstractSet[int] = frozenset()) -> str:
    """A table; cells are HTML already escaped by the caller."""
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                         for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _fig(fig: dict[str, Any]) -> list[str]:
    return [human(fig["median"]), human(fig["p90"]), str(fig["n"]), str(fig["missing"]),
            str(fig["left_out"])]


def html(figures: dict[str, Any], follow_ups: Sequence[Item], links: Links, today: date,
         title: str = "Operational learning report") -> str:
    """The whole report as one HTML document."""
    periods = figures["periods"]
    severities = list(dict.fromkeys(s for p in periods for s in figures["by_severity"][p]))
    series = {s or "(none)": [figures["by_severity"][p].get(s, 0) for p in periods]
              for s in severities}
    span = f"{figures['since'] or 'first entry'} to {figures['until'] or 'last entry'}"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">{figures["entries"]} entries, {_e(span)}, by {_e(figures["by"])}; '
        f"follow-ups as of {_e(figures['as_of'])}."
        + (f" {figures['undated']} undated entries left out." if figures["undated"] else "")
        + "</p>",
        "<h2>Incidents per period</h2>",
        f"<figure>{svg.stacked_bars('Entries per period by severity', periods, series)}"
        "</figure>",
        _table(["Period", *[s or "(none)" for s in severities], "Total"],
               [[_e(p), *[str(figures["by_severity"][p].get(s, 0)) for s in severities],
                 str(sum(figures["by_severity"][p].values()))] for p in periods],
               set(range(1, len(severities) + 2))),
        "<details><summary>By category</summary>"
        + _table(["Period", "Entries by category"],
                 [[_e(p), _e(", ".join(f"{k or '(none)'} {v}"
                                       for k, v in figures["by_category"][p].items()))]
                  for p in periods]) + "</details>",
        "<h2>Time to detection and to resolution</h2>",
    ]
    minutes = {label: [None if figures[w]["by_period"][p]["median"] is None
                       else figures[w]["by_period"][p]["median"] / 60 for p in periods]
               for w, label in (("ttd", "median time to detection"),
                                ("ttr", "median time to resolution"))}
    trend = svg.lines("Median time to detect and resolve per period", periods, minutes,
                      "minutes")
    parts.append(f"<figure>{trend}</figure>")
    head = ["", "median", "p90", "n", "missing", "not a duration (left out)"]
    for w, label in (("ttd", "Time to detection"), ("ttr", "Time to resolution")):
        rows = [[f"<b>{_e(label)}</b>", *_fig(figures[w]["all"])]]
        rows += [[_e(s or "(none)"), *_fig(f)] for s, f in figures[w]["by_severity"].items()]
        rows += [[_e(p), *_fig(f)] for p, f in figures[w]["by_period"].items()]
        parts.append(_table(head, rows, {1, 2, 3, 4, 5}))
    parts.append("<h2>What recurs</h2>")
    parts.append(f"<figure>{svg.hbars('Services named most often', figures['services'])}"
                 "</figure>")
    parts.append(_table(["Service", "Entries"], [[_e(n), str(c)] for n, c in figures["services"]],
                        {1}))
    parts.append(_table(["Tag", "Entries"], [[_e(n), str(c)] for n, c in figures["tags"]], {1}))
    f = figures["follow_ups"]
    rate = f"{f['completion_rate']:.0%}" if f["completion_rate"] is not None else "-"
    parts.append("<h2>Follow-ups</h2>")
    parts.append(f"<p>{f['done']} done, {f['open']} open, <span class=\"overdue\">"
                 f"{f['overdue']} overdue</span>; completion {rate}. "
                 f"{f['no_owner']} without an owner, {f['no_deadline']} without a deadline.</p>")
    for owner, items in group([i for i in follow_ups if not i.follow_up.done], "owner"):
        overdue = sum(i.overdue(today) for i in items)
        parts.append(f"<h3>{_e(owner)} ({len(items)} open"
                     + (f', <span class="overdue">{overdue} overdue</span>' if overdue else "")
                     + ")</h3>")
        rows = []
        for i in items:
            due = _e(i.follow_up.deadline or "(no deadline)")
            if i.overdue(today):
                due = f'<span class="overdue">{due} (overdue)</span>'
            rows.append([due, _e(i.follow_up.text), _a(links, i.entry.key, i.entry.title)])
        parts.append(_table(["Due", "Follow-up", "Entry"], rows))
    parts.append("<h2>Repeat incidents</h2>")
    if figures["repeats"]:
        parts.append(_table(["Date", "Entry", "Similar earlier entry", "Why"], [
            [_e(r["date"]), _a(links, r["entry"], r["title"]),
             _a(links, r["earlier"], r["earlier_title"]), _e(r["reason"])]
            for r in figures["repeats"]]))
    else:
        parts.append("<p>None in this period.</p>")
    parts.append('<p class="muted">Made by opswizard from the knowledge base\'s entries. '
                 "A repeat is an entry with a similar earlier entry at most 90 days older on "
                 "the same service or tag.</p></body></html>")
    return "\n".join(parts) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~-])")


def _m(text: object) -> str:
    """Text for a Markdown table cell: markup characters escaped, no line breaks."""
    plain = " ".join(clean(str(text)).split())
    return escape(_MD_SPECIAL.sub(r"\\\1", plain), quote=False)


def _ml(links: Links, key: str, title: str) -> str:
    return f"[{_m(title or key)}](<{links.href(key)}>)"


def markdown(figures: dict[str, Any], follow_ups: Sequence[Item], links: Links, today: date,
             title: str = "Operational learning report") -> str:
    """The report as Markdown (tables), for pasting into a wiki."""
    out = [f"# {_m(title)}", "",
           f"{figures['entries']} entries, by {figures['by']}; follow-ups as of "
           f"{figures['as_of']}.", "", "## Incidents per period", ""]
    periods = figures["periods"]
    severities = list(dict.fromkeys(s for p in periods for s in figures["by_severity"][p]))
    out.append("| Period | " + " | ".join(_m(s or "(none)") for s in severities) + " | Total |")
    out.append("|---|" + "---:|" * (len(severities) + 1))
    for p in periods:
        counts = figures["by_severity"][p]
        out.append(f"| {p} | " + " | ".join(str(counts.get(s, 0)) for s in severities)
                   + f" | {sum(counts.values())} |")
    out += ["", "## Time to detection and to resolution", "",
            "| | median | p90 | n | missing | not a duration |", "|---|---:|---:|---:|---:|---:|"]
    for w, label in (("ttd", "Time to detection"), ("ttr", "Time to resolution")):
        out.append(f"| **{label}** | " + " | ".join(_fig(figures[w]["all"])) + " |")
        for s, fig in figures[w]["by_severity"].items():
            out.append(f"| {_m(s or '(none)')} | " + " | ".join(_fig(fig)) + " |")
    out += ["", "## What recurs", "", "Services: " + (", ".join(
        f"{_m(n)} ({c})" for n, c in figures["services"]) or "none"), "",
        "Tags: " + (", ".join(f"{_m(n)} ({c})" for n, c in figures["tags"]) or "none"), ""]
    f = figures["follow_ups"]
    rate = f"{f['completion_rate']:.0%}" if f["completion_rate"] is not None else "-"
    out += ["## Follow-ups", "", f"{f['done']} done, {f['open']} open, {f['overdue']} overdue; "
            f"completion {rate}.", ""]
    for owner, items in group([i for i in follow_ups if not i.follow_up.done], "owner"):
        out += [f"### {_m(owner)}", "", "| Due | Follow-up | Entry |", "|---|---|---|"]
        for i in items:
            due = (i.follow_up.deadline or "(no deadline)") + (
                " **overdue**" if i.overdue(today) else "")
            out.append(f"| {_m(due) if not i.overdue(today) else due} | {_m(i.follow_up.text)} "
                       f"| {_ml(links, i.entry.key, i.entry.title)} |")
        out.append("")
    out += ["## Repeat incidents", ""]
    if figures["repeats"]:
        out += ["| Date | Entry | Similar earlier entry | Why |", "|---|---|---|---|"]
        out += [f"| {r['date']} | {_ml(links, r['entry'], r['title'])} | "
                f"{_ml(links, r['earlier'], r['earlier_title'])} | {_m(r['reason'])} |"
                for r in figures["repeats"]]
    else:
        out.append("None in this period.")
    return "\n".join(out) + "\n"
