"""`opswizard import`: bring postmortems written in other layouts into the knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._shared import kb_option, kb_root

HELP_MAP = "Print the heading and label map in force (built-in plus .opswizard/layouts.toml)."


@click.command(name="import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would be written and how; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan or the outcome as JSON.")
@click.option("--update", is_flag=True,
              help="Replace entries whose source changed since it was imported.")
@click.option("--keep-secrets", is_flag=True, help="Do not redact secrets found in the sources.")
@click.option("--show-map", is_flag=True, help=HELP_MAP)
@kb_option
@click.pass_context
def command(ctx: click.Context, paths: tuple[Path, ...], dry_run: bool, as_json: bool,
            update: bool, keep_secrets: bool, show_map: bool, kb: str | None) -> None:
    """Import postmortems written in any common layout, mapped onto the template.

    PATHS are files or folders (scanned for *.md). Headings are mapped through the
    heading map (Google SRE, PagerDuty, Atlassian, GitLab, Azure/AKS, 5 whys,
    Etsy-style; see --show-map); title, date, severity, duration, services and
    category are read from the document; follow-ups from action lists, checklists
    and tables; sections with no place in the template are kept as they are. Every
    non-empty line is kept. Sources are never modified; an entry is never
    overwritten. A source imported before is `unchanged`; one changed since is
    `changed` and replaced only with --update. One line per file on stdout (wrote,
    unchanged, changed, would write, ...); the mapping details (--dry-run) and the
    summary go to stderr. Exits 1 when a file was skipped or failed.
    """
    from ..cli import Progress
    from ..core import import_batch, layouts
    from ..core.sanitize import clean_line, dumps

    root = kb_root(ctx, kb)
    layout = layouts.load(root)
    if show_map:
        _show_map(layout, as_json)
        return
    if not paths:
        raise click.UsageError("Missing argument 'PATHS...'.")
    progress = Progress("Importing")
    planned = import_batch.plan(root, paths, layout, update=update, keep_secrets=keep_secrets,
                                progress=None if dry_run else progress)
    report: list[dict[str, Any]] = []
    total = len(planned)
    for done, item in enumerate(planned):
        progress(done, total)
        if not dry_run:
            import_batch.apply(root, item)
        row = _row(item, dry_run)
        report.append(row)
        if as_json:
            continue
        progress.clear()
        line, err = _outcome_line(item, dry_run)
        click.echo(clean_line(line), err=err)
        if dry_run and item.conversion is not None and not item.conversion.skipped:
            for detail in _details(item):
                click.echo(clean_line("  " + detail), err=True)
    progress.clear()
    counts = import_batch.summary(planned)
    if as_json:
        click.echo(dumps({"root": str(root), "dry_run": dry_run, "files": report,
                          "summary": counts}, indent=2))
    else:
        click.echo(_summary_line(counts, dry_run), err=True)
    ctx.exit(1 if counts["skipped"] or counts["failed"] else 0)


def _outcome_line(item: Any, dry_run: bool) -> tuple[str, bool]:
    if item.action == "skip":
        return f"skipped {item.source}: {item.reason}", True
    if item.action == "failed":
        return f"failed {item.source}: {item.reason}", True
    if item.action == "unchanged":
        return f"unchanged {item.target}", False
    if item.action == "changed":
        return f"changed {item.source}: {item.target} (use --update to replace it)", False
    if item.action == "write":
        return f"would write {item.target}", False
    if item.action == "update":
        return f"would update {item.target}", False
    return f"{item.action} {item.target}", False


def _details(item: Any) -> list[str]:
    """The dry run's account of one file: headings mapped, facts, kept sections, changes."""
    conversion = item.conversion
    out = [f"from {item.source} ({conversion.status})"]
    if conversion.native:
        out.append("already in the template's layout: read as `show` reads it")
    for line, heading, target in conversion.mappings:
        out.append(f"line {line}: {heading!r} -> {target}")
    for key, fact in conversion.facts.items():
        out.append(f"{key}: {fact.value!r} ({fact.where})")
    for line, name in conversion.kept:
        out.append(f"kept as is: line {line} {name!r}")
    out.extend(conversion.changes)
    if conversion.fallback:
        out.append(f"mapping narrowed to keep every line: {conversion.fallback}")
    return out


def _row(item: Any, dry_run: bool) -> dict[str, Any]:
    conversion = item.conversion
    row: dict[str, Any] = {"source": str(item.source), "name": item.name,
                           "action": item.action, "target": str(item.target or "")}
    if item.reason:
        row["reason"] = item.reason
    if conversion is not None and not conversion.skipped:
        entry = conversion.entry
        row.update({
            "status": conversion.status,
            "native": conversion.native,
            "title": entry.title if entry else "",
            "mappings": [{"line": n, "heading": h, "to": t} for n, h, t in conversion.mappings],
            "facts": {k: {"value": f.value, "where": f.where} for k, f in conversion.facts.items()},
            "kept": [{"line": n, "heading": h} for n, h in conversion.kept],
            "changes": list(conversion.changes),
            "fallback": conversion.fallback,
            "lines": len(conversion.source_lines),
            "lines_lost": len(conversion.lost) if conversion.skipped else 0,
        })
    return row


def _summary_line(counts: dict[str, int], dry_run: bool) -> str:
    verb = "would import" if dry_run else "imported"
    text = (f"{verb} {counts['imported']} ({counts['final']} final, {counts['drafts']} "
            f"draft{'s' if counts['drafts'] != 1 else ''}), {counts['unchanged']} unchanged, "
            f"{counts['changed']} changed, {counts['updated']} "
            f"{'to update' if dry_run else 'updated'}, {counts['skipped']} skipped")
    return text + (f", {counts['failed']} failed" if counts["failed"] else "")


def _show_map(layout: Any, as_json: bool) -> None:
    from ..core import layouts
    from ..core.sanitize import clean_line, dumps

    rows = layouts.describe(layout)
    if as_json:
        click.echo(dumps({"map": [{"kind": k, "name": n, "meaning": m} for k, n, m in rows],
                          "extended_by": layout.sources, "problems": layout.problems},
                         indent=2))
        return
    for kind, name, meaning in rows:
        click.echo(clean_line(f"{kind:8}  {name:45}  {meaning}"))
    for source in layout.sources:
        click.echo(clean_line(f"extended by {source}"), err=True)
    for problem in layout.problems:
        click.echo(clean_line(f"warning: {problem}"), err=True)
