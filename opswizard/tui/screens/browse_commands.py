"""Command palette (ctrl+p) on the browser: "jump to entry" by fuzzy title."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import Hit, Hits, Provider
from textual.content import Content

from ...core.sanitize import clean_line


@runtime_checkable
class Jumpable(Protocol):
    """A screen listing entries that can select one by key."""

    def jump_targets(self) -> Iterable[tuple[str, str, str, str]]:
        """(key, title, day, severity) of every entry, in the list's order."""
        ...

    def jump_to(self, key: str) -> None: ...


class EntryCommands(Provider):
    """One hit per readable entry whose title matches the query, best first."""

    async def search(self, query: str) -> Hits:
        screen = self.screen
        if not isinstance(screen, Jumpable):
            return
        matcher = self.matcher(query)
        for key, raw_title, day, severity in screen.jump_targets():
            title = clean_line(raw_title)
            score = matcher.match(title)
            if not score:
                continue
            _, offsets = matcher.fuzzy_search.match(matcher.query, title)
            shown = Content(title)
            for offset in offsets:
                shown = shown.stylize(matcher.match_style, offset, offset + 1)
            facts = f"  {clean_line(day)} {clean_line(severity)}"
            prompt = Content.assemble(shown, (facts, "dim"))
            yield Hit(score, prompt, partial(screen.jump_to, key), text=f"Jump to {title}")
