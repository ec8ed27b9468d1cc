"""Secrets redacted from what import brings in, through `opswizard.core.secrets`.

Each redaction is listed (line and kind, never the secret) so the dry run can show it;
`--keep-secrets` skips this step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import secrets


@dataclass(frozen=True)
class Redacted:
    """One secret replaced: its 1-based line in the text and what it was (`aws access key`)."""

    line: int
    what: str


def redact(text: str, allowlist: Iterable[str] = ()) -> tuple[str, list[Redacted]]:
    """The text with each secret replaced by `<redacted:KIND>`, and each replacement."""
    new_text, found = secrets.redact(text, allowlist=allowlist)
    return new_text, [Redacted(f.line, f.label) for f in found]
