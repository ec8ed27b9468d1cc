"""What the MCP server sends back: bounded, cleaned and redacted.

Text read from the knowledge base is data for an agent, never instructions and never terminal
bytes: every string on its way out has its control characters removed (escape sequences whole,
bidi overrides too; tabs and newlines kept), then any secret in it redacted, then, when it is
longer than its limit, truncated with a note saying how much was left out and where to read
the rest. Secrets are found by the scanner `validate` and the wizard use (`core/secrets.py`),
once per answer (all its strings in one scan). Whole answers are bounded too (`fit`): items
past the budget are dropped and counted, so an agent's context is never flooded by one call.
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


def adapt(scanner: Callable[[str], Any]) -> Callable[[str], str]:
    """The scanner's redact as text -> text (it answers `(text, findings)`)."""

    def redact_text(text: str) -> str:
        out = scanner(text)
        return str(out[0] if isinstance(out, tuple) else out)

    return redact_text


def _scanner_redact(text: str) -> str:
    from ..core.secrets import redact as scanner  # detect-secrets: loaded on first use

    return adapt(scanner)(text)


redact: Callable[[str], str] = _scanner_redact
"""Secrets in a text replaced by `<redacted:KIND>` (`opswizard.core.secrets.redact`, the
scanner `validate` and the wizard use). Every string the server sends passes here."""

# Joins the strings of one answer so the scanner runs once per answer, not once per string
# (~2 ms a call): a line holding only a control character, which `strip_controls` has
# removed from every string, so it can never be part of one.
_SEPARATOR = "\n\x1f\n"


def redact_many(texts: list[str]) -> list[str]:
    """`redact` over many strings (already free of control characters) in one scan."""
    if not texts:
        return []
    if len(texts) == 1:
        return [redact(texts[0])]
    out = redact(_SEPARATOR.join(texts)).split(_SEPARATOR)
    if len(out) != len(texts):  # a redaction swallowed a separator: one string at a time
        return [redact(text) for text in texts]
    return out


def _truncate(text: str, limit: int | None, more: str) -> str:
    if limit is not None and len(text) > limit:
        cut = text[:limit].rstrip()
        return f"{cut}… [truncated: {len(text) - len(cut):,} more characters{more}]"
    return text


def clean(text: str, limit: int | None = FIELD_LIMIT, more: str = "") -> str:
    """A string fit to send: controls removed, secrets redacted, at most `limit` characters
    followed by `… [truncated: N more characters<more>]` when it was longer."""
    return _truncate(redact(strip_controls(text)), limit, more)


def bound(value: Any, limit: int | None = FIELD_LIMIT, more: str = "") -> Any:
    """`clean` applied to every string in a JSON-like value (dict keys included, cut at
    200 characters), with one scan for secrets for the whole value."""
    found: list[str] = []

    def collect(item: Any) -> None:
        if isinstance(item, str):
            found.append(strip_controls(item))
        elif isinstance(item, dict):
            for key, sub in item.items():
                found.append(strip_controls(str(key)))
                collect(sub)
        elif isinstance(item, list | tuple):
            for sub in item:
                collect(sub)

    collect(value)
    texts = iter(redact_many(found))

    def rebuild(item: Any) -> Any:
        if isinstance(item, str):
            return _truncate(next(texts), limit, more)
        if isinstance(item, dict):
            out = {}
            for sub in item.values():
                key = _truncate(next(texts), 200, "")
                out[key] = rebuild(sub)
            return out
        if isinstance(item, list | tuple):
            return [rebuild(sub) for sub in item]
        return item

    return rebuild(value)


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
