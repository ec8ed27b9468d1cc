"""Dates, times and durations in free text, as imported documents write them
(`2026-03-04 09:10 PST`, `March 4th, 2026`, `between 09:10 and 10:20`, `66 minutes`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from . import kinds

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_ZONES = {"utc": 0, "gmt": 0, "z": 0, "pst": -8, "pdt": -7, "est": -5, "edt": -4, "cst": -6,
          "cdt": -5, "mst": -7, "mdt": -6, "cet": 1, "cest": 2, "bst": 1, "ist": 5.5,
          "jst": 9, "aest": 10, "eet": 2, "eest": 3}
_ISO_DAY = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_NAMED_DAY = re.compile(
    r"\b(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[a-z]{3,9})\.?,?\s+(?P<y1>\d{4})"
    r"|(?P<m2>[a-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4}))\b", re.I)
_TIME = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?\s*(?P<ampm>[ap]\.?m\.?)?"
    r"(?:\s*(?P<zone>Z\b|[+-]\d{2}:?\d{2}\b|\(?(?:UTC|GMT|[A-Z]{3,4})\)?(?![a-z])))?", re.I)
RANGE = re.compile(
    r"(?:between\s+|from\s+)?(?P<a>\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)\s*(?:[A-Z]{3,4}\s*)?"
    r"(?:-|–|—|to|and|until)\s*(?P<b>\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)", re.I)
_MARKUP = re.compile(r"[*_`]+|\[([^\]]*)\]\([^)]*\)")


def plain(text: str) -> str:
    """Text without bold/italic/code markers; a markdown link becomes its text."""
    return _MARKUP.sub(lambda m: m.group(1) or "", text).strip()


def parse_when(text: str) -> tuple[datetime | None, bool]:
    """A date (and time) read from free text: (aware UTC datetime, has a time)."""
    text = plain(text)
    day = None
    iso = _ISO_DAY.search(text)
    rest = text
    if iso:
        try:
            day = datetime(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            day = None
        rest = text[iso.end():]
    if day is None:
        named = _NAMED_DAY.search(text)
        if named:
            month = _MONTHS.get((named.group("m1") or named.group("m2") or "")[:3].lower())
            d, y = named.group("d1") or named.group("d2"), named.group("y1") or named.group("y2")
            if month:
                try:
                    day = datetime(int(y), month, int(d))
                except ValueError:
                    day = None
                rest = text[named.end():]
    if day is None:
        return None, False
    clock = clock_of(rest)
    if clock is None:
        return day.replace(tzinfo=UTC), False
    return at_clock(day, clock), True


def clock_of(text: str) -> tuple[int, int, int, float] | None:
    """The first time of day in `text`: (hour, minute, second, UTC offset in hours)."""
    match = _TIME.search(text)
    if not match:
        return None
    hour, minute = int(match.group("h")), int(match.group("mi"))
    ampm = (match.group("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    if ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    zone = (match.group("zone") or "").strip("() ").lower()
    offset: float = 0
    if zone and zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = (int(digits[:2]) + int(digits[2:] or 0) / 60) * (1 if zone[0] == "+" else -1)
    elif zone in _ZONES:
        offset = _ZONES[zone]
    return hour, minute, int(match.group("s") or 0), offset


def at_clock(day: datetime, clock: tuple[int, int, int, float]) -> datetime:
    """`day` (naive) at a `clock_of` time, as an aware UTC datetime."""
    hour, minute, second, offset = clock
    zone = timezone(timedelta(hours=offset))
    return day.replace(hour=hour, minute=minute, second=second, tzinfo=zone).astimezone(UTC)


def minutes_text(minutes: int) -> str:
    """`66 minutes`, `2 hours`, `1 hour 5 minutes`."""
    hours, mins = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins or not hours:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts)


def duration_from_range(text: str) -> str | None:
    """The length of a `between 09:10 and 10:16` / `09:10-10:16` range, in words."""
    match = RANGE.search(plain(text))
    if not match:
        return None
    a, b = clock_of(match.group("a")), clock_of(match.group("b"))
    if a is None or b is None:
        return None
    start, end = a[0] * 60 + a[1], b[0] * 60 + b[1]
    if end <= start:
        end += 24 * 60
    return minutes_text(end - start)


def duration_of(text: str) -> str | None:
    """A duration value the template reads (`66 minutes`), or None."""
    value = plain(text)
    if kinds.parse_duration(value) is not None:
        return value
    match = re.search(r"(\d+(?:\.\d+)?)\s*(minutes?|mins?|hours?|hrs?|seconds?|days?)\b", value,
                      re.I)
    if match and kinds.parse_duration(match.group(0)) is not None:
        return match.group(0)
    return duration_from_range(value)
