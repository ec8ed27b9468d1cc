"""Field kinds: how a value of each kind is normalised and checked.

`normalise` never loses text: a value it cannot understand comes back unchanged
(and `check` says why). The model applies `normalise`; the wizard and `validate`
show what `check` says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from pytimeparse import parse as _parse_duration

from .placeholders import PLACEHOLDERS
from .template import CATEGORIES, ENVIRONMENTS, SEVERITIES, FieldKind

Level = str  # "error" | "warning"


@dataclass(frozen=True)
class Problem:
    """Something wrong with one value: a level and a message a person can act on."""

    level: Level
    message: str


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The functions below are pure and see the same values again and again (a knowledge base
# repeats its categories, severities, durations, dates): cached, they cost a dict look-up
# on a cold index of thousands of files. Their results are immutable.
_CACHE = 4096
_SHORT = 256  # longer values are not kept (a hostile file must not fill memory)
_F = TypeVar("_F", bound=Callable[..., Any])


def _cached(fn: _F) -> _F:
    cached = lru_cache(maxsize=_CACHE)(fn)

    @wraps(fn)
    def call(*args: Any) -> Any:
        return cached(*args) if len(args[-1]) <= _SHORT else fn(*args)

    return cast(_F, call)


@_cached
def parse_date(raw: str) -> tuple[datetime | None, Problem | None]:
    """Read an ISO 8601 date; offsets become UTC, a missing zone is read as UTC."""
    text = raw.strip()
    if not text:
        return None, None
    candidate = text[:-1] + "+00:00" if text[-1:] in "zZ" else text
    try:
        value = datetime.fromisoformat(candidate.replace(" ", "T", 1))
    except ValueError:
        return None, Problem(
            "error", f"{text!r} is not an ISO 8601 date (e.g. 2025-07-09T14:30:00Z)"
        )
    if value.tzinfo is None:
        note = "date only" if _DATE_ONLY.match(text) else "no time zone"
        return value.replace(tzinfo=UTC), Problem("warning", f"{note} in {text!r}: read as UTC")
    return value.astimezone(UTC), None


def format_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@_cached
def parse_duration(raw: str) -> int | None:
    """Seconds in a duration such as `45 minutes`, `1h 30m`, `1 hour and 20 minutes`."""
    text = raw.strip().lower()
    if not text:
        return None
    text = re.sub(r"^(about|around|approx\.?|approximately|~)\s*", "", text)
    text = re.sub(r"\s*(,|\band\b)\s*", " ", text)
    seconds = _parse_duration(text)
    return int(seconds) if seconds is not None else None


def parse_day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


@_cached
def is_placeholder(value: str) -> bool:
    """True for the template's own placeholders (`[Brief descriptive title]`), and only
    those: other bracketed text (`[SEV1] Outage [eu-west]`, `[eu-west]`) is a value."""
    text = value.strip()
    if len(text) < 3 or not text.startswith("[") or not text.endswith("]"):
        return False
    rest = _BRACKETED.sub(
        lambda m: "" if " ".join(m.group(1).split()).casefold() in PLACEHOLDERS else m.group(0),
        text)
    return rest != text and not rest.strip(" \t:;,.-/")  # `[Measure 1]: [Description...]`


_BRACKETED = re.compile(r"\[([^\[\]]*)\]")


STRIPPED = frozenset({FieldKind.TEXT, FieldKind.DURATION, FieldKind.LIST, FieldKind.QUANTITY})
"""The kinds whose value `normalise` only strips (a caller may strip it without the call)."""


@_cached
def normalise(kind: FieldKind, raw: str) -> str:
    """The canonical spelling of a value, or the value unchanged if it cannot be read."""
    value = raw.strip()
    if not value:
        return ""
    if kind is FieldKind.DATE:
        parsed, _ = parse_date(value)
        return format_date(parsed) if parsed else value
    if kind is FieldKind.CATEGORY:
        return value.lower() if value.lower() in CATEGORIES else value
    if kind is FieldKind.SEVERITY:
        return value.upper() if value.upper() in SEVERITIES else value
    if kind is FieldKind.ENVIRONMENT:
        for env in ENVIRONMENTS:
            if env.lower() == value.lower():
                return env
        return value
    return value  # surrounding spaces never survive a save, so the model drops them too


@_cached
def check(kind: FieldKind, raw: str) -> Problem | None:
    """What is wrong with a value of this kind, if anything (empty is not wrong here)."""
    value = raw.strip()
    if not value or is_placeholder(value):
        return None
    if kind is FieldKind.DATE:
        return parse_date(value)[1]
    if kind is FieldKind.CATEGORY and value.lower() not in CATEGORIES:
        return Problem("error", f"category {value!r} is not one of {', '.join(CATEGORIES)}")
    if kind is FieldKind.SEVERITY and value.upper() not in SEVERITIES:
        return Problem("error", f"severity {value!r} is not one of {', '.join(SEVERITIES)}")
    if kind is FieldKind.DURATION and parse_duration(value) is None:
        return Problem(
            "error", f"{value!r} is not a duration (try '45 minutes', '1h 30m' or '2 hours')"
        )
    if kind is FieldKind.ENVIRONMENT and value.lower() not in {e.lower() for e in ENVIRONMENTS}:
        return Problem(
            "warning", f"environment {value!r} is not one of {', '.join(ENVIRONMENTS)}"
        )
    return None


def split_list(raw: str) -> list[str]:
    """Items of a comma separated field such as Related Services."""
    return [part.strip() for part in _LIST_SEP.split(raw) if part.strip()]


_LIST_SEP = re.compile(r"[,;\n]")


_DIGIT = re.compile(r"\d")


def has_quantity(raw: str) -> bool:
    return bool(_DIGIT.search(raw)) and not is_placeholder(raw)
