"""`opswizard stats`: entries, time to detect and resolve, recurring services and tags,
follow-up completion and repeat incidents, by period."""

from __future__ import annotations

from typing import Any

import click

from ._shared import kb_option, kb_root

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command(name="stats")
@click.option("--since", type=DAY, help="Only entries dated on or after this day (YYYY-MM-DD).")
@click.option("--until", type=DAY, help="Only entries dated on or before this day.")
@click.option("--by", type=click.Choice(["month", "quarter"]), default="month",
              show_default=True, help="Period to count by.")
@click.option("--as-of", "as_of", type=DAY, help="Take this day as today (for overdue counts).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@kb_option
@click.pass_context
def command(ctx: click.Context, since: Any, until: Any, by: str, as_of: Any, as_json: bool,
            kb: str | None) -> None:
    """Numbers over time: entries by period and category or severity, median and p90 time
    to detection and to resolution (missing values counted apart, never as zero), the
    services and tags that recur most, follow-ups done and overdue, and repeat incidents.
    """
    from datetime import date

    from ..cli import Progress
    from ..core import factcache, stats
    from ..core.sanitize import clean_line, dumps

    root = kb_root(ctx, kb)
    facts = factcache.load(root, Progress("Indexing"))
    figures = stats.compute(facts.entries, since.date() if since else None,
                            until.date() if until else None, by,
                            as_of.date() if as_of else date.today())
    figures["unreadable"] = [{"path": str(p), "error": e} for p, e in facts.bad]
    if as_json:
        click.echo(dumps(figures, indent=2))
    else:
        for line in text(figures):
            click.echo(clean_line(line))
    for path, error in facts.bad:
        click.echo(clean_line(f"{path}:0: error: {error}"), err=True)


def _figure(fig: dict[str, Any]) -> str:
    from ..core.stats import human

    return (f"median {human(fig['median']):>7}  p90 {human(fig['p90']):>7}  "
            f"(n={fig['n']}, missing {fig['missing']}, not a duration {fig['left_out']})")


def text(figures: dict[str, Any]) -> list[str]:
    """The figures as lines for a terminal."""
    out = [f"{figures['entries']} entries"
           + (f" ({figures['undated']} undated, left out)" if figures["undated"] else "")]
    out.append("")
    out.append(f"Entries by {figures['by']} and severity:")
    for name in figures["periods"]:
        counts = figures["by_severity"][name]
        parts = ", ".join(f"{k or '(none)'} {v}" for k, v in counts.items())
        out.append(f"  {name:8} {sum(counts.values()):5}  {parts}")
    out.append("")
    out.append(f"Entries by {figures['by']} and category:")
    for name in figures["periods"]:
        counts = figures["by_category"][name]
        out.append(f"  {name:8} " + ", ".join(f"{k or '(none)'} {v}" for k, v in counts.items()))
    for which, label in (("ttd", "Time to detection"), ("ttr", "Time to resolution")):
        out.append("")
        out.append(f"{label}: {_figure(figures[which]['all'])}")
        for sev, fig in figures[which]["by_severity"].items():
            out.append(f"  {sev or '(none)':9} {_figure(fig)}")
        for name, fig in figures[which]["by_period"].items():
            out.append(f"  {name:9} {_figure(fig)}")
    out.append("")
    out.append("Recurring services: " + (", ".join(f"{n} ({c})" for n, c in figures["services"])
                                         or "none"))
    out.append("Recurring tags: " + (", ".join(f"{n} ({c})" for n, c in figures["tags"])
                                     or "none"))
    f = figures["follow_ups"]
    rate = f"{f['completion_rate']:.0%}" if f["completion_rate"] is not None else "-"
    out.append(f"Follow-ups: {f['done']} done, {f['open']} open ({f['overdue']} overdue as of "
               f"{figures['as_of']}); completion {rate}")
    out.append("")
    out.append(f"Repeat incidents: {len(figures['repeats'])}")
    for r in figures["repeats"]:
        out.append(f"  {r['date']}  {r['title']}  repeats  {r['earlier_title']}  "
                   f"({r['score']:.0f}: {r['reason']})")
    return out
