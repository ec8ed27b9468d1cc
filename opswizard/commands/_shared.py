"""What every command module shares: the --kb option and how the knowledge base is found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..core import kbscan, store
from ..core.sanitize import clean_line

KB_HELP = (
    "Knowledge base folder (default: $OPSWIZARD_KB, else docs/ops-knowledge in this git repo)."
)


def kb_root(ctx: click.Context, kb: str | None, sweep: bool = True) -> Path:
    """The knowledge base root for a command: its own --kb, else the group's, else the default.

    `$OPSWIZARD_KB` naming a file is the same usage error as `--kb FILE` (exit 2). Every
    command that finds its root this way also sweeps the knowledge base of temp files a
    killed save left behind (older than a minute, named as opswizard names them); the
    screens pass `sweep=False`: the app sweeps in a worker after its first frame.
    """
    explicit = kb or (ctx.obj or {}).get("kb")
    root = store.find_root(explicit)
    if root.exists() and not root.is_dir():
        where = "--kb" if explicit else "OPSWIZARD_KB"
        raise click.UsageError(
            f"{where} {clean_line(str(root))}: is a file, not a knowledge base folder")
    if sweep and root.is_dir() and kbscan.sweep(root) is None:  # one find: sweeps, lists
        # for the index
        store.clean_temp_files(root)
    return root


def kb_option(func: Any) -> Any:
    """Decorator: a --kb option on a command."""
    return click.option("--kb", type=click.Path(file_okay=False), help=KB_HELP)(func)
