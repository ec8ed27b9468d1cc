"""The facets the browser narrows by (category, severity, status, tag): which are in use.

Its own module, with no other import, so that the browser's screen and filter bar can be
imported without the summary and the store (the first frame does not need them);
`catalog` re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .summary import Summary


@dataclass(frozen=True)
class Facets:
    """The facets the user picked; None means any. They combine (all must hold)."""

    category: str | None = None
    severity: str | None = None
    status: str | None = None
    tag: str | None = None

    def set(self, name: str, value: str | None) -> Facets:
        return replace(self, **{name: value or None})

    def active(self) -> list[tuple[str, str]]:
        """(facet, value) of each facet in use, in FACETS order."""
        return [(f.name, v) for f in fields(self) if (v := getattr(self, f.name))]

    def matches(self, row: Summary, skip: str = "") -> bool:
        """Whether the row passes every facet (but `skip`, when counting that one)."""
        return all(name == skip or value in row.facet_values(name)
                   for name, value in self.active())
