"""The first screens of a long text: what a preview renders before "show all".

Rendering markdown costs time per block (every heading, list item and paragraph becomes a
widget), so an entry of 5,000 headings froze the browser for seconds (issue 12). A preview
renders `excerpt(text)` instead: at most `MAX_LINES` lines and `MAX_CHARS` characters, cut
at a line end, with a code fence cut open closed again. The whole text stays one key away.
"""

from __future__ import annotations

import re

MAX_LINES = 250
"""Lines a preview renders as markdown (screens of text; far more than a normal entry)."""
MAX_CHARS = 40_000
"""Characters a preview renders as markdown (a few very long lines count too)."""
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def excerpt(text: str, max_lines: int = MAX_LINES, max_chars: int = MAX_CHARS) -> tuple[str, int]:
    """(the first part of `text`, how many lines were left out: 0 when it is all there)."""
    if len(text) <= max_chars and text.count("\n") < max_lines:
        return text, 0
    lines = text.split("\n")
    kept: list[str] = []
    size = 0
    fence = ""
    for line in lines[:max_lines]:
        if size + len(line) + 1 > max_chars:
            if not kept:  # one enormous first line: keep its start
                kept.append(line[:max_chars])
            break
        kept.append(line)
        size += len(line) + 1
        opened = _FENCE.match(line)
        if opened:
            mark = opened.group(1)
            if not fence:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = ""
    left = len(lines) - len(kept)
    if left <= 0:
        return text, 0
    if fence:
        kept.append(fence)
    return "\n".join(kept), left
