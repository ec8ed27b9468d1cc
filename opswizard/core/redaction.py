"""The one place import redacts secrets: `opswizard.core.secrets.redact` when it exists.

Until the secrets scanner lands, `redact` finds nothing and changes nothing; once it does,
every imported text goes through it and each redaction is listed in the dry run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Redacted:
    """One secret replaced: its 1-based line in the text and what it was (`AWS key`)."""

    line: int
    what: str


def redact(text: str) -> tuple[str, list[Redacted]]:
    """The text with secrets replaced, and each replacement; the text itself if no scanner."""
    try:
        from . import secrets  # type: ignore[attr-defined]
    except ImportError:
        return text, []
    scanner: Any = getattr(secrets, "redact", None)
    if scanner is None:
        return text, []
    result = scanner(text)
    if isinstance(result, str):
        return result, ([Redacted(0, "secret")] if result != text else [])
    new_text, found = result
    return new_text, [Redacted(int(getattr(f, "line", 0) or 0),
                               str(getattr(f, "kind", None) or getattr(f, "what", "secret")))
                      for f in found]
