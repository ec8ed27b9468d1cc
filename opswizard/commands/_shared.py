"""What every command module shares: the --kb option and how the knowledge base is found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..core import store

KB_HELP = (
    "Knowledge base folder (default: $OPSWIZARD_KB, else docs/ops-knowledge in this git repo)."
)


def kb_root(ctx: click.Context, kb: str | None) -> Path:
    """The knowledge base root for a command: its own --kb, else the group's, else the default."""
    return store.find_root(kb or (ctx.obj or {}).get("kb"))


def kb_option(func: Any) -> Any:
    """Decorator: a --kb option on a command."""
    return click.option("--kb", type=click.Path(file_okay=False), help=KB_HELP)(func)
