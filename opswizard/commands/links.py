"""`opswizard links`: Related Issues links that have no link back, and adding them."""

from __future__ import annotations

from typing import Any

import click

from ..core.sanitize import clean_line, dumps
from ._shared import kb_option, kb_root


@click.command(name="links")
@click.option("--fix", is_flag=True, help="Add the missing links back to the entries linked to.")
@click.option("--dry-run", is_flag=True, help="With --fix: say what would be added; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the one-way links as JSON.")
@kb_option
@click.pass_context
def command(ctx: click.Context, fix: bool, dry_run: bool, as_json: bool, kb: str | None) -> None:
    """List Related Issues links that have no link back; --fix adds them.

    When entry A links to entry B and B does not link to A, `--fix` adds a line
    `- [A's title](path/to/A.md)` at the end of B's Related Issues (creating the
    section where B has none): a one-line change, saved like any other. Links to
    files that do not exist are listed and never "fixed". Exits 1 when one-way
    links remain (none were fixed, or some could not be), 0 otherwise.
    """
    from ..core import backlinks, store

    root = kb_root(ctx, kb)
    found = backlinks.knowledge_base_one_way(root)
    report: list[dict[str, Any]] = []
    remaining = 0
    for item in found:
        row = {"from": str(item.source), "to": str(item.target),
               "target_exists": item.target_exists, "action": "listed"}
        if not item.target_exists:
            row["action"] = "missing file"
            remaining += 1
        elif fix and dry_run:
            row["action"] = "would add"
            row["line"] = "- " + backlinks.link_text(item.source, item.source_title, item.target)
        elif fix:
            try:
                added = backlinks.add_backlink(root, item.source, item.source_title, item.target)
            except store.StoreError as exc:
                row["action"] = "failed"
                row["error"] = str(exc)
                remaining += 1
            else:
                row["action"] = "added" if added.changed else "already linked"
                row["line"] = "- " + added.line
        else:
            remaining += 1
        report.append(row)
        if not as_json:
            if row["action"] == "missing file":
                text = f"{item.source}: links to a missing file {item.target}"
            elif row["action"] == "listed":
                text = f"{item.source} -> {item.target}: no link back"
            elif row["action"] == "failed":
                text = f"{item.target}: could not add a link back: {row['error']}"
            else:
                text = f"{item.target}: {row['action']} {row['line']}"
            click.echo(clean_line(text))
    if as_json:
        click.echo(dumps({"links": report, "remaining": remaining}, indent=2))
    elif not found:
        click.echo("Every link has its way back.", err=True)
    pending = sum(row["action"] == "would add" for row in report)
    ctx.exit(1 if remaining or pending else 0)
