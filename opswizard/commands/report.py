"""`opswizard report`: the stats, the open follow-ups by owner and the repeat incidents in
one self-contained HTML file (or Markdown), with a link to each entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._shared import kb_option, kb_root

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command(name="report")
@click.option("--since", type=DAY, help="Only entries dated on or after this day (YYYY-MM-DD).")
@click.option("--until", type=DAY, help="Only entries dated on or before this day.")
@click.option("--by", type=click.Choice(["month", "quarter"]), default="month",
              show_default=True, help="Period to count by.")
@click.option("--as-of", "as_of", type=DAY, help="Take this day as today (for overdue ones).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html",
              show_default=True, help="HTML (self-contained) or Markdown for a wiki.")
@click.option("--link-base", metavar="URL",
              help="Link entries to URL/<path in the knowledge base> (a git web view) "
                   "instead of their files.")
@click.option("--title", default="Operational learning report", show_default=True,
              help="The report's title.")
@kb_option
@click.pass_context
def command(ctx: click.Context, since: Any, until: Any, by: str, as_of: Any,
            output: Path | None, fmt: str, link_base: str | None, title: str,
            kb: str | None) -> None:
    """A report to share: entries per period, time to detect and resolve, what recurs,
    open and overdue follow-ups by owner, repeat incidents; a link to each entry."""
    import os
    import tempfile
    from datetime import date

    from ..cli import Progress
    from ..core import factcache, ledger, report, stats
    from ..core.sanitize import clean_line

    root = kb_root(ctx, kb)
    today = as_of.date() if as_of else date.today()
    facts = factcache.load(root, Progress("Indexing"))
    lo, hi = (since.date() if since else None), (until.date() if until else None)
    figures = stats.compute(facts.entries, lo, hi, by, today)
    chosen = [f for f in facts.entries if f.when is not None
              and (lo is None or f.when.date() >= lo) and (hi is None or f.when.date() <= hi)]
    items = ledger.items(chosen, ledger.LedgerFilter(state="open"), today)
    links = report.Links(root, link_base,
                         output.resolve().parent if output is not None else Path.cwd())
    make = report.html if fmt == "html" else report.markdown
    text = make(figures, items, links, today, title)
    if output is None:
        click.echo(text, nl=False)
    else:
        folder = output.resolve().parent
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(temp, 0o644)
            os.replace(temp, output)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        click.echo(f"wrote {output} ({len(text.encode()):,} bytes)", err=True)
    for path, error in facts.bad:
        click.echo(clean_line(f"{path}:0: error: {error}"), err=True)
