"""What the MCP server sends back: bounded, cleaned and redacted.

Text read from the knowledge base is data for an agent, never instructions and never terminal
bytes: every string on its way out has its control characters removed (escape sequences whole,
bidi overrides too; tabs and newlines kept), then any secret in it redacted, then, when it is
longer than its limit, truncated with a note saying how much was left out and where to read
the rest. Whole answers are bounded too (`fit`): items past the budget are dropped and counted,
so an agent's context is never flooded by one call.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..core.sanitize import strip_controls

FIELD_LIMIT = 2_000  # characters of one text field in a list of results
ENTRY_FIELD_LIMIT = 8_000  # characters of one field of a whole entry (get_entry)
MARKDOWN_LIMIT = 60_000  # characters of an entry's markdown
ANSWER_BUDGET = 120_000  # characters of one whole answer, as JSON


def _identity_redact(text: str) -> str:
    """Stands in for the secret scanner's `redact` until `opswizard.core.secrets` exists."""
    return text


def adapt(scanner: Callable[[str], Any]) -> Callable[[str], str]:
    """The scanner's redact as text -> text (it may answer `(text, findings)`)."""

    def redact_text(text: str) -> str:
        out = scanner(text)
        return str(out[0] if isinstance(out, tuple) else out)

    return redact_text


def _load_redact() -> Callable[[str], str]:
    try:
        from ..core.secrets import redact as scanner  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return _identity_redact
    return adapt(scanner)


redact: Callable[[str], str] = _load_redact()
"""Secrets in a text replaced by placeholders (`opswizard.core.secrets.redact` once the
scanner exists; until then the text unchanged). Every string the server sends passes here."""


def clean(text: str, limit: int | None = FIELD_LIMIT, more: str = "") -> str:
    """A string fit to send: controls removed, secrets redacted, at most `limit` characters
    followed by `… [truncated: N more characters<more>]` when it was longer."""
    out = redact(strip_controls(text))
    if limit is not None and len(out) > limit:
        cut = out[:limit].rstrip()
        note = f" [truncated: {len(out) - len(cut):,} more characters{more}]"
        out = f"{cut}…{note}"
    return out


def bound(value: Any, limit: int | None = FIELD_LIMIT, more: str = "") -> Any:
    """`clean` applied to every string in a JSON-like value (dict keys included)."""
    if isinstance(value, str):
        return clean(value, limit, more)
    if isinstance(value, dict):
        return {clean(str(k), 200): bound(v, limit, more) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [bound(v, limit, more) for v in value]
    return value


def size(value: Any) -> int:
    """Characters of a value as JSON (how much of an agent's context it takes)."""
    return len(json.dumps(value, ensure_ascii=False, default=str))


def fit(answer: dict[str, Any], key: str, budget: int = ANSWER_BUDGET) -> dict[str, Any]:
    """Drop items from the end of `answer[key]` until the whole answer is within `budget`
    characters; say how many were dropped in `answer["omitted"]` and why in a note."""
    items = answer.get(key)
    if not isinstance(items, list) or size(answer) <= budget:
        return answer
    kept = list(items)
    overhead = size({k: v for k, v in answer.items() if k != key}) + 200
    total = overhead + sum(size(item) + 2 for item in kept)
    while kept and total > budget:
        total -= size(kept.pop()) + 2
    answer[key] = kept
    answer["omitted"] = len(items) - len(kept)
    answer["note"] = (f"{answer['omitted']} more not shown to keep this answer under "
                      f"{budget:,} characters; narrow the query or lower the limit")
    return answer
