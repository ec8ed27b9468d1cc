"""`opswizard search`: past entries by symptoms, title, service, tag or cause, best first
(the one search the browser's filter and the wizard use)."""

from __future__ import annotations

import os
from typing import Any

import click

from ..core.sanitize import clean_line, dumps
from ._shared import kb_option, kb_root


@click.command(name="search")
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="At most this many hits.")
@kb_option
@click.pass_context
def command(ctx: click.Context, query: tuple[str, ...], as_json: bool, limit: int,
           kb: str | None) -> None:
    """Find past entries by symptoms, title, service, tag or cause, best first.

    QUERY is free text (quoted or not): `opswizard search pool exhausted timeouts`.
    Matching is fuzzy: word endings, partial words and typos are forgiven. Each hit
    is printed as `SCORE  DATE  SEVERITY  TITLE  PATH  (why)`. Exits 0 when
    something matched, 1 when nothing did.
    """
    from ..cli import Progress
    from ..core.search import open_search

    root = kb_root(ctx, kb)
    found = open_search(root, Progress("Indexing"),  # parses only what changed
                        keep_vocabulary=False)  # one query: no vocabulary held
    text = " ".join(query)
    rows: list[dict[str, Any]] = []
    for hit in found.search(text, limit):
        entry = hit.summary
        assert entry is not None
        rows.append({
            "title": entry.title, "path": entry.key.replace("/", os.sep),
            "score": hit.score, "reason": hit.reason, "date": entry.date,
            "category": entry.category, "severity": entry.severity,
            "status": entry.status, "tags": list(entry.tags),
            "services": list(entry.services), "id": entry.id,
        })
    if as_json:
        click.echo(dumps({"root": str(root), "query": text, "entries": rows}, indent=2))
    else:
        for row in rows:
            line = (f"{row['score']:5.1f}  {row['date'][:10] or '-':10}  "
                    f"{row['severity'] or '-':8}  {row['title']}  {row['path']}  "
                    f"({row['reason']})")
            click.echo(clean_line(line))
        if not rows:
            click.echo(clean_line(f"no entries match {text!r} in {root}"), err=True)
    for path, error in found.kb.bad():
        click.echo(clean_line(f"{path}:1: warning: not searched: {error}"), err=True)
    ctx.exit(0 if rows else 1)
