"""`opswizard actions`: the follow-up ledger across the knowledge base."""

from __future__ import annotations

import click

from ._shared import kb_option, kb_root

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command(name="actions")
@click.option("--owner", help="Only this owner's follow-ups (`@dana` and `dana` are one).")
@click.option("--open", "state", flag_value="open", default=True, help="Only open ones (default).")
@click.option("--done", "state", flag_value="done", help="Only done ones.")
@click.option("--all", "state", flag_value="all", help="Open and done.")
@click.option("--overdue", is_flag=True, help="Only open ones past their deadline.")
@click.option("--due-within", type=click.IntRange(min=0), metavar="DAYS",
              help="Only open ones due within DAYS days (overdue ones included).")
@click.option("--service", help="Only follow-ups of entries on this service.")
@click.option("--severity", help="Only follow-ups of entries of this severity.")
@click.option("--as-of", "as_of", type=DAY, help="Take this day (YYYY-MM-DD) as today.")
@click.option("--json", "as_json", is_flag=True, help="Print the follow-ups as JSON.")
@click.option("--fail-on-overdue", is_flag=True,
              help="Exit 1 when any listed follow-up is open and past its deadline.")
@kb_option
@click.pass_context
def command(ctx: click.Context, owner: str | None, state: str, overdue: bool,
            due_within: int | None, service: str | None, severity: str | None,
            as_of: object, as_json: bool, fail_on_overdue: bool, kb: str | None) -> None:
    """Every follow-up action across the knowledge base, soonest deadline first.

    Each comes with its entry; follow-ups with no owner or no deadline say so. Files that
    cannot be read are named on stderr.
    """
    from datetime import date

    from ..cli import Progress
    from ..core import factcache, ledger
    from ..core.sanitize import clean_line, dumps

    root = kb_root(ctx, kb)
    today = as_of.date() if as_of is not None else date.today()  # type: ignore[attr-defined]
    facts = factcache.load(root, Progress("Indexing"), pairs=False)
    wanted = ledger.LedgerFilter(owner=owner or "", state=state, overdue=overdue,
                                 due_within=due_within, service=service or "",
                                 severity=severity or "")
    found = ledger.items(facts.entries, wanted, today)
    counts = ledger.counts(found, today)
    if as_json:
        click.echo(dumps({
            "root": str(root), "as_of": today.isoformat(),
            "follow_ups": [_row(item, today) for item in found],
            "counts": {"open": counts.open, "done": counts.done, "overdue": counts.overdue,
                       "no_owner": counts.no_owner, "no_deadline": counts.no_deadline},
            "unreadable": [{"path": str(p), "error": e} for p, e in facts.bad],
        }, indent=2))
    else:
        for item in found:
            click.echo(clean_line(_line(item, today)))
        click.echo(f"{len(found)} follow-ups: {counts.open} open ({counts.overdue} overdue), "
                   f"{counts.done} done; {counts.no_owner} without an owner, "
                   f"{counts.no_deadline} without a deadline (as of {today.isoformat()})",
                   err=True)
    for path, error in facts.bad:
        click.echo(clean_line(f"{path}:0: error: {error}"), err=True)
    ctx.exit(1 if fail_on_overdue and counts.overdue else 0)


def _row(item: object, today: object) -> dict[str, object]:
    from ..core.ledger import Item

    assert isinstance(item, Item)
    f, e = item.follow_up, item.entry
    return {"text": f.text, "done": f.done, "owner": f.owner, "deadline": f.deadline,
            "overdue": f.overdue(today), "days_left": item.days_left(today),  # type: ignore[arg-type]
            "entry": {"path": e.key, "line": f.line, "title": e.title,
                      "date": e.when.isoformat() if e.when else "", "severity": e.severity,
                      "services": list(e.services)}}


def _line(item: object, today: object) -> str:
    from ..core.ledger import Item

    assert isinstance(item, Item)
    f, e = item.follow_up, item.entry
    due = f.deadline or "(no deadline)"
    left = item.days_left(today)  # type: ignore[arg-type]
    state = "done" if f.done else ("OVERDUE" if f.overdue(today) else "open")  # type: ignore[arg-type]
    if state == "OVERDUE" and left is not None:
        state = f"OVERDUE {-left}d"
    return (f"{due:13}  {f.owner or '(no owner)':14}  {state:12}  {f.text}  "
            f"-- {e.title or '(untitled)'}  {e.key}:{f.line}")
