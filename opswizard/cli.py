"""The command line. Headless commands use the core only; the TUI is imported lazily.

Exit codes: 0 fine, 1 findings or errors, 2 usage.
"""

from __future__ import annotations

import os
import sys

from .core import prelist

prelist.start(sys.argv)  # `opswizard search ...`: the tree is listed while the rest imports

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .commands import CommandGroup
from .commands._shared import kb_option
from .commands._shared import kb_root as _root
from .core import store
from .core.sanitize import clean, clean_line, dumps
from .core.vocab import CATEGORIES, SEVERITIES, STATUSES

if TYPE_CHECKING:  # pragma: no cover
    from .core.findings import Finding

PLAIN_HELP = "One question per line, no full screen (for screen readers, dumb terminals)."


@click.group(cls=CommandGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@kb_option
@click.version_option(__version__, prog_name="opswizard")
@click.pass_context
def main(ctx: click.Context, kb: str | None) -> None:
    """opswizard: write, validate and browse operational learning entries.

    With no command, opens the knowledge base browser.
    """
    ctx.ensure_object(dict)
    ctx.obj["kb"] = kb
    if ctx.invoked_subcommand is None:
        ctx.invoke(browse, kb=kb)


# -- shared -------------------------------------------------------------------------------
def _files(paths: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Files to look at: folders scanned, files as given; (path, problem) for missing ones."""
    for path in paths:
        if path.is_symlink() and not path.exists():
            yield path, "broken symlink"
        elif path.is_dir():
            for found in store.scan(path):
                yield found, None
        elif path.exists() or path.is_symlink():
            yield path, None
        else:
            yield path, "no such file or folder"


def file_findings(path: Path) -> tuple[store.Loaded | None, list[Finding]]:
    """Load a file and everything wrong with it, findings carrying line numbers."""
    from .core.checks import control_findings, located_findings  # pydantic: when files are read
    from .core.findings import Finding

    try:
        loaded = store.load(path)
    except store.StoreError as exc:
        return None, [Finding("error", str(exc).removeprefix(f"{path}: "), 1)]
    findings = located_findings(loaded.result)
    if loaded.result.writable:
        findings.extend(control_findings(loaded.data))
    return loaded, findings


def _echo(text: str, err: bool = False) -> None:
    click.echo(clean(text), err=err)


class Progress:
    """`label [#####-----] done/total` on one line of stderr, only when stderr is a
    terminal: piped or redirected output never gets progress noise. Callable as
    `progress(done, total)`; `clear()` wipes the line (before printing a result)."""

    EVERY = 0.1  # s between redraws
    MIN_TOTAL = 100  # fewer files take well under a second: no bar to flash

    def __init__(self, label: str) -> None:
        self.label = label
        try:
            self.enabled = sys.stderr.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self._drawn = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.MIN_TOTAL:
            return
        now = time.monotonic()
        if self._shown and done < total and now - self._drawn < self.EVERY:
            return
        if done >= total:
            self.clear()
            return
        self._drawn = now
        filled = 30 * done // total
        sys.stderr.write(f"\r\x1b[2K{self.label} [{'#' * filled}{'-' * (30 - filled)}] "
                         f"{done:,}/{total:,}")
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
            self._shown = False


# -- validate -----------------------------------------------------------------------------
@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
@click.option("--ignore-warnings", is_flag=True, help="Report and count errors only.")
@kb_option
@click.pass_context
def validate(
    ctx: click.Context, paths: tuple[Path, ...], as_json: bool, ignore_warnings: bool,
    kb: str | None,
) -> None:
    """Check entries and report every problem, one line each.

    PATHS are files or folders (default: the knowledge base). Each finding is
    printed as `PATH:LINE: error|warning: message`. Exits 1 if anything was
    found, 0 if all is well. A broken file is a finding, never a crash.
    """
    from .core import backlinks, codecheck, secrets  # not at start-up: parser, YAML, links
    from .core.findings import Finding
    from .core.parse import MAX_FILE_BYTES

    root = _root(ctx, kb)  # once: each call sweeps the tree (one `find`)
    targets = list(paths) or [root]
    report: list[dict[str, Any]] = []
    errors = warnings = files = 0
    progress = Progress("Checking")
    link_warnings = _link_warnings(root, targets)
    allowed = secrets.load_allowlist(root)
    todo = list(_files(targets)) if progress.enabled else _files(targets)
    total = len(todo) if isinstance(todo, list) else 0
    for path, problem in todo:
        progress(files, total)
        files += 1
        if problem:
            findings = [Finding("error", problem, 1)]
        else:
            loaded, findings = file_findings(path)
            if loaded is not None and len(loaded.data) <= MAX_FILE_BYTES:  # over: refused
                text = loaded.data.decode("utf-8", errors="replace")
                findings.extend(secrets.findings_for(text, allowed))
                findings.extend(codecheck.findings_for(text))
            for needle, message in link_warnings.get(Path(os.path.normpath(path.absolute())), ()):
                line = backlinks.line_of(loaded.data, needle) if loaded else 1
                findings.append(Finding("warning", message, line))
        if ignore_warnings:
            findings = [f for f in findings if f.level == "error"]
        errors += sum(f.level == "error" for f in findings)
        warnings += sum(f.level == "warning" for f in findings)
        if as_json:
            report.append({"path": str(path), "findings": [f.to_dict() for f in findings]})
        else:
            if findings:
                progress.clear()
            for f in findings:
                click.echo(clean_line(f"{path}:{f.line}: {f.level}: {f.message}"))
    progress.clear()
    if as_json:
        click.echo(dumps({"files": report, "checked": files, "errors": errors,
                          "warnings": warnings}, indent=2))
    else:
        summary = f"{files} file{'s' if files != 1 else ''} checked: "
        summary += f"{errors} error{'s' if errors != 1 else ''}, "
        summary += f"{warnings} warning{'s' if warnings != 1 else ''}"
        click.echo(summary, err=True)
    ctx.exit(1 if errors or warnings else 0)


def _link_warnings(root: Path, targets: list[Path]) -> dict[Path, list[tuple[str, str]]]:
    """One-way and broken Related Issues links in the knowledge base, by linking file;
    only looked for when something inside the knowledge base is being checked."""
    from .core import backlinks

    if not root.is_dir():
        return {}
    real = root.resolve()
    if not any(t.absolute().resolve() == real or real in t.absolute().resolve().parents
               for t in targets):
        return {}
    return backlinks.link_findings(root)


# -- show ---------------------------------------------------------------------------------
@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the parsed entry as JSON.")
@kb_option
@click.pass_context
def show(ctx: click.Context, path: Path, as_json: bool, kb: str | None) -> None:
    """Print one entry as opswizard reads it.

    Without --json, prints the entry in the template's layout (what opswizard
    would save). With --json, prints every field once: title, category,
    severity, date, tags, resolution_steps, follow_up_actions (text, done,
    owner, deadline) and the rest, plus the completion checklist.
    """
    from .core.render import render_body
    from .core.views import entry_to_dict

    _root(ctx, kb)  # the same --kb checks (and temp file sweep) as every command
    loaded, findings = file_findings(path)
    if loaded is None:
        for f in findings:
            _echo(f"{path}:{f.line}: {f.level}: {f.message}", err=True)
        ctx.exit(1)
        return
    if as_json:
        data = entry_to_dict(loaded.entry)
        data["path"] = str(path)
        data["findings"] = [f.to_dict() for f in findings]
        click.echo(dumps(data, indent=2))
    else:
        _echo(render_body(loaded.entry).rstrip("\n"))
        for f in findings:
            click.echo(clean_line(f"{path}:{f.line}: {f.level}: {f.message}"), err=True)
    ctx.exit(1 if any(f.level == "error" for f in findings) else 0)


# -- list ---------------------------------------------------------------------------------
def _choice(values: Iterable[str]) -> click.Choice:
    return click.Choice(list(values), case_sensitive=False)


@main.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print entries as JSON.")
@click.option("--category", type=_choice(CATEGORIES), help="Only this category.")
@click.option("--severity", type=_choice(SEVERITIES), help="Only this severity.")
@click.option("--status", type=_choice(STATUSES), help="Only drafts or only final entries.")
@click.option("--tag", "tags", multiple=True, help="Only entries with this tag (repeatable).")
@kb_option
@click.pass_context
def list_entries(
    ctx: click.Context, as_json: bool, category: str | None, severity: str | None,
    status: str | None, tags: tuple[str, ...], kb: str | None,
) -> None:
    """List the knowledge base's entries, newest first, one row each.

    Files that cannot be read as entries are reported on stderr (exit 1).
    """
    from .core.kbdb import KbIndex
    from .core.tags import normalise_tag

    root = _root(ctx, kb)
    index = KbIndex.open(root, Progress("Indexing"))  # parses only what changed
    bad = index.bad()
    wanted_tags = {normalise_tag(t) for t in tags}

    def rows() -> Iterator[dict[str, Any]]:  # one at a time from the index: flat memory
        for entry in _entry_rows(index):  # newest first
            if category and entry.category != category.lower():
                continue
            if severity and entry.severity != severity.upper():
                continue
            if status and entry.status != status.lower():
                continue
            if wanted_tags and not wanted_tags <= set(entry.tags):
                continue
            row = entry.listed()  # the template's listed fields, then completeness
            row["path"] = entry.key.replace("/", os.sep)  # relative to the root
            yield row

    shown = 0
    if as_json:
        unreadable = [{"path": str(p), "error": e} for p, e in bad]
        batch: list[str] = []
        for chunk in _json_listing(str(root), rows(), unreadable):
            batch.append(chunk)
            if len(batch) >= 512:  # click.echo flushes each time: a write per 512 rows
                click.echo("".join(batch), nl=False)
                batch.clear()
        click.echo("".join(batch))
    else:
        for row in rows():
            shown += 1
            when = (row["date"] or "")[:16].replace("T", " ")
            tags_text = ",".join(row["tags"])
            line = (f"{when:16}  {row['severity'] or '-':8}  {row['category'] or '-':13}  "
                    f"{row['status']:5}  {row['completeness']:3}%  {row['title']}"
                    f"{'  [' + tags_text + ']' if tags_text else ''}  {row['path']}")
            click.echo(clean_line(line))
        if not shown and not bad:
            click.echo(f"no entries in {root}", err=True)
    for path, error in bad:
        click.echo(clean_line(f"{path}:1: error: {error}"), err=True)
    ctx.exit(1 if bad else 0)


def _entry_rows(index: Any) -> Iterator[Any]:
    """`kbrows.entry_rows`, or `index.entries()` when the database cannot be trusted (a row
    naming a path no scan gives: `entries` rebuilds it)."""
    import sqlite3

    from .core.kbrows import entry_rows

    try:
        first = entry_rows(index)
        yield next(first)
    except StopIteration:
        return
    except sqlite3.Error:
        yield from index.entries()
        return
    yield from first


def _json_listing(root: str, rows: Iterable[dict[str, Any]],
                  unreadable: list[dict[str, str]]) -> Iterator[str]:
    """`dumps({"root": root, "entries": [*rows], "unreadable": unreadable}, indent=2)`,
    byte for byte, a row at a time (JSON strings hold no raw newline: indenting a row's
    lines is indenting the row)."""
    yield '{\n  "root": ' + dumps(root) + ',\n  "entries": ['
    count = 0
    for row in rows:
        yield (",\n    " if count else "\n    ") + dumps(row, indent=2).replace("\n", "\n    ")
        count += 1
    yield ("\n  ]" if count else "]") + ',\n  "unreadable": '
    yield dumps(unreadable, indent=2).replace("\n", "\n  ") + "\n}"


# -- TUI commands (imported lazily) ---------------------------------------------------------
@main.command()
@click.option("--category", type=_choice(CATEGORIES), help="Pre-fill the category.")
@click.option("--title", help="Pre-fill the title.")
@click.option("--plain", is_flag=True, help=PLAIN_HELP)
@kb_option
@click.pass_context
def new(ctx: click.Context, category: str | None, title: str | None, plain: bool,
        kb: str | None) -> None:
    """Write a new entry, step by step through every template section.

    The entry is saved under the knowledge base, in its conventional folder and
    file name; nothing is written until you save (ctrl+s). With --plain (or
    TERM=dumb), one question per line instead of the full screen.
    """
    prefill = {k: v for k, v in (("category", category), ("title", title)) if v}
    if _plain(plain):
        from .plain import run_plain

        ctx.exit(run_plain(_root(ctx, kb), None, prefill))
    from .tui.run import run_wizard

    ctx.exit(run_wizard(_root(ctx, kb), None, prefill))


def _plain(flag: bool) -> bool:
    return flag or os.environ.get("TERM", "") == "dumb"


@main.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--plain", is_flag=True, help=PLAIN_HELP)
@kb_option
@click.pass_context
def edit(ctx: click.Context, path: Path, plain: bool, kb: str | None) -> None:
    """Edit an existing entry (hand-written ones too) and save it back to the same file.

    Content opswizard has no field for is kept. A file that cannot be safely
    rewritten (not UTF-8, broken frontmatter, merge conflict) opens read-only, and
    so does a file outside the knowledge base (saving offers to import a copy).
    """
    try:
        store.read_bytes(path)
    except store.StoreError as exc:
        _echo(f"opswizard edit: {exc}", err=True)
        ctx.exit(1)
        return
    root = _root(ctx, kb)
    if _plain(plain):
        if not store.is_inside(root, path):
            _echo(f"opswizard edit: {path} is outside the knowledge base {root}; opswizard "
                  f"writes only inside it. Copy it in with: opswizard import {path}", err=True)
            ctx.exit(1)
            return
        from .plain import run_plain

        ctx.exit(run_plain(root, path.absolute(), None))
    from .tui.run import run_wizard

    ctx.exit(run_wizard(root, path.absolute(), None))  # outside the KB: read-only, import


@main.command()
@kb_option
@click.pass_context
def browse(ctx: click.Context, kb: str | None) -> None:
    """Browse the knowledge base by keyboard (the default command)."""
    from .tui.run import run_browser

    ctx.exit(run_browser(_root(ctx, kb, sweep=False)))  # the app sweeps, after a first frame


@main.command()
@click.option("--keep", is_flag=True, help="Keep the copy when the browser closes.")
@click.pass_context
def demo(ctx: click.Context, keep: bool) -> None:
    """Try opswizard on a throwaway copy of a demo knowledge base.

    Copies the bundled demo (14 entries, every category and severity, drafts and
    final ones, linked to each other) to a new temporary folder, prints its path
    and opens the browser on it. Edit, write and save freely: nothing outside the
    copy is touched. The copy is removed when the browser closes, unless --keep.
    """
    import os
    import shutil

    from .demo import fresh_copy

    root = fresh_copy()
    # Recovery journals and edit locks go under the copy too (XDG platforms), not the user's.
    os.environ["XDG_STATE_HOME"] = str(root.parent / "state")
    os.environ["XDG_CACHE_HOME"] = str(root.parent / "cache")
    click.echo(clean_line(f"Demo knowledge base: {root}"))
    code = 1
    try:
        from .tui.run import run_browser

        code = run_browser(root)
    finally:
        if keep:
            click.echo(clean_line(f"Kept the demo knowledge base at {root}"))
            click.echo(clean_line(f"Try: opswizard list --kb {root}"))
        else:
            shutil.rmtree(root.parent, ignore_errors=True)
            click.echo(clean_line(f"Removed the demo copy {root} (use --keep to keep it)"))
    ctx.exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
