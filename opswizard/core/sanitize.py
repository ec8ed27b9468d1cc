"""Neutralise terminal control characters in text read from files.

ESC, CSI, OSC, other C0/C1 controls, DEL and bidi overrides become visible
escapes (`\\x1b`, `\\u202e`), so a file cannot retitle the terminal, write the
clipboard, clear the screen or reorder what a reader sees.
"""

from __future__ import annotations

import json
import re
from typing import Any

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_KEEP_NL = _CONTROL


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str, keep_tabs: bool = True) -> str:
    """Text safe to write to a terminal: newlines (and tabs) kept, other controls escaped."""
    out = _CONTROL.sub(_escape, text)
    return out if keep_tabs else out.replace("\t", "    ")


def clean_line(text: str) -> str:
    """As `clean`, and newlines shown as `\\n` so the text stays on one line."""
    return clean(text).replace("\r", "\\r").replace("\n", "\\n")


def dumps(data: Any, **kwargs: Any) -> str:
    """JSON that keeps non-ASCII text readable but escapes C1 and bidi characters."""
    text = json.dumps(data, ensure_ascii=False, **kwargs)
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
)


def strip_controls(text: str) -> str:
    """Text typed or pasted, fit for a file: escape sequences removed whole, then every
    other control character (but tab and newline) and bidi override dropped; CRLF -> LF."""
    text = _ESCAPE_SEQUENCE.sub("", text.replace("\r\n", "\n"))
    return _CONTROL.sub("", text)


# In a file: tab, newline and a CR ending a line (CRLF) are text; any other C0 control, a
# bare CR, DEL, C1 and bidi overrides are terminal control characters.
_FILE_CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]|\r(?!\n)")


def control_positions(text: str, limit: int = 1000) -> list[tuple[int, int, str]]:
    """(line, column, character) of each terminal control character in a file's text, both
    1-based, at most `limit` of them."""
    found: list[tuple[int, int, str]] = []
    line, counted = 1, 0
    for match in _FILE_CONTROL.finditer(text):
        start = match.start()
        line += text.count("\n", counted, start)
        counted = start
        column = start - text.rfind("\n", 0, start)
        found.append((line, column, match.group(0)))
        if len(found) >= limit:
            break
    return found


def visible(char: str) -> str:
    """A control character spelled as an escape (`\\x1b`, `\\u202e`)."""
    return _CONTROL.sub(_escape, char)
