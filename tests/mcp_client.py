"""Talk to `opswizard mcp` as an MCP client does, with the SDK's own client.

    async with serve(kb, stderr=path) as client:
        answer = await call(client, "search_entries", {"query": "pool"})

By default the server is the one `opswizard mcp` builds, served in this process over the
SDK's in-memory transport (the same tools, schemas, validation and answers; starting a
server process costs a second of CPU, most of it importing the SDK). `process=True`, or
asking for its stderr, starts the real command as a subprocess and speaks to it over its
stdin/stdout: the tests of the transport, the command line and the logs do.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client


def server_parameters(kb: Path, *extra: str) -> StdioServerParameters:
    """`python -m opswizard mcp --kb KB ...`, with the cache and state folders of the test."""
    env = {k: os.environ[k] for k in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "PYTHONPATH")
           if k in os.environ}
    return StdioServerParameters(command=sys.executable,
                                 args=["-m", "opswizard", "mcp", "--kb", str(kb), *extra],
                                 env=env)


@asynccontextmanager
async def serve(kb: Path, *extra: str, stderr: Path | None = None,
                process: bool = False) -> AsyncIterator[Client]:
    """A connected client of a fresh server over `kb`. In this process unless `process` or
    `stderr` is given: then `opswizard mcp --kb KB EXTRA...` as a subprocess, its stderr
    going to `stderr`."""
    if not process and stderr is None:
        from opswizard.mcp.server import build_server

        unknown = set(extra) - {"--read-only"}
        assert not unknown, f"in-process serve() knows no {unknown}: use process=True"
        server = build_server(kb, read_only="--read-only" in extra)
        async with Client(server, read_timeout_seconds=120, cache=None) as client:
            yield client
        return
    log = open(stderr or os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    try:
        transport = stdio_client(server_parameters(kb, *extra), errlog=log)
        async with Client(transport, read_timeout_seconds=120, cache=None) as client:
            yield client
    finally:
        log.close()


class ToolFailed(Exception):
    """The tool answered with an error result; `str()` is its text."""


async def call(client: Client, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A tool's structured answer; raises ToolFailed with the text of an error result."""
    result = await client.call_tool(name, arguments)
    text = "".join(getattr(block, "text", "") for block in result.content)
    if result.is_error:
        raise ToolFailed(text)
    if result.structured_content is not None:
        return dict(result.structured_content)
    return dict(json.loads(text))


async def call_error(client: Client, name: str, arguments: dict[str, Any]) -> str:
    """The text of a tool's error result (fails if the tool succeeded)."""
    result = await client.call_tool(name, arguments)
    assert result.is_error, f"{name} succeeded: {result.structured_content}"
    return "".join(getattr(block, "text", "") for block in result.content)
