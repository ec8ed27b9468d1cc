"""`opswizard mcp`: serve the knowledge base to AI agents (Model Context Protocol, stdio).

The SDK is imported inside the command only: listing commands or running any other one never
pays for it, and an install without the `mcp` extra gets a clear message instead of a crash.
"""

from __future__ import annotations

import logging
import sys

import click

from ._shared import kb_option, kb_root


@click.command(name="mcp")
@kb_option
@click.option("--read-only", is_flag=True,
              help="Serve every tool but create_draft: nothing can be written.")
@click.pass_context
def command(ctx: click.Context, kb: str | None, read_only: bool) -> None:
    """Serve the knowledge base to AI agents over MCP (stdio).

    An MCP client (an editor's or a chat app's agent) starts this command and talks to it
    over stdin/stdout. Tools: search_entries, similar_entries, get_entry, list_entries,
    list_follow_ups, validate_entry and create_draft (a new draft entry, checked like the
    wizard's input, never over an existing file). Entries are also resources
    (opswizard://entry/ID) and the write_entry prompt walks through a new one. Logs go to
    stderr. Needs the extra: pip install 'opswizard[mcp]'.
    """
    root = kb_root(ctx, kb)
    if not root.is_dir():
        click.echo(f"opswizard mcp: no knowledge base folder at {root} (use --kb PATH)", err=True)
        ctx.exit(2)
        return
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="opswizard mcp: %(levelname)s %(name)s: %(message)s")
    try:
        from ..mcp.server import build_server
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith(("mcp", "mcp_types")):
            raise
        click.echo("opswizard mcp needs the MCP SDK: pip install 'opswizard[mcp]'", err=True)
        ctx.exit(2)
        return
    logging.getLogger("opswizard.mcp").info(
        "serving %s%s over stdio", root, " (read-only)" if read_only else "")
    build_server(root, read_only=read_only).run("stdio")
