"""What the wizard and plain mode offer while the author types, over one knowledge base.

`Suggestions.open(root)` brings the index up to date and gives:
- `tags`, `services`, `owners`, `near_duplicate_tag`: completions of a field, kept in
  memory (`complete.Completer`: a keystroke costs one rapidfuzz call, never a query);
- `related`, `similar`: past entries like the one being written, ranked by the one
  search (`search.Search`), so they rank as the browser's filter and `opswizard search`
  do. Each is a `suggest.Match` whose `record` is the entry's `index.Record`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .bulkparse import Progress
from .complete import FieldCompletions, Suggestion
from .index import KnowledgeIndex, Record
from .kbdb import KbIndex
from .search import Hit, Search
from .suggest import Match

if TYPE_CHECKING:  # pragma: no cover
    from .model import EntryBase
    from .summary import Summary


def record(summary: Summary) -> Record:
    """The entry's `Record` (its path absolute), as links and notices use it."""
    from .kbindex import record as make

    return make(summary, str(summary.path))


def _counts(kb: KbIndex) -> KnowledgeIndex:
    """The tags, services and owners the knowledge base uses, with how many entries use
    each (counted from the index's tables: no summary is built)."""
    from collections import Counter

    from .kbdb import SEP

    with kb.lock:
        assert kb.conn is not None
        tags = kb.conn.execute("SELECT t.tag, count(*) FROM tags t JOIN rows r ON r.id = t.row "
                               "WHERE r.error = '' GROUP BY t.tag").fetchall()
        services: Counter[str] = Counter()
        owners: Counter[str] = Counter()
        for svc, own in kb.conn.execute("SELECT services, owners FROM rows WHERE error = ''"):
            services.update(set(svc.split(SEP)) if svc else ())
            owners.update(set(own.split(SEP)) if own else ())
    return KnowledgeIndex.from_counts(tags, services.items(), owners.items(), kb.root)


class Suggestions:
    """Field completions (in memory) and related entries (the one search) for one knowledge
    base."""

    def __init__(self, search: Search) -> None:
        self.search = search
        self.index = _counts(search.kb)
        self.fields = FieldCompletions(self.index)

    @classmethod
    def open(cls, root: Path, progress: Progress | None = None) -> Suggestions:
        """Suggestions over the knowledge base at root (its index brought up to date)."""
        return cls(Search(KbIndex.open(root, progress)))

    # -- completions -------------------------------------------------------------------------
    def tags(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Existing tags for what is typed, by fuzzy match and use count."""
        return self.fields.tags(prefix, limit)

    def services(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Services the knowledge base already names (their usual spelling)."""
        return self.fields.services(prefix, limit)

    def owners(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Follow-up owners the knowledge base already names (`@dana`)."""
        return self.fields.owners(prefix, limit)

    def near_duplicate_tag(self, new_tag: str) -> str | None:
        """The existing tag `new_tag` nearly duplicates, if any (`conn-pool`)."""
        return self.fields.near_duplicate_tag(new_tag)

    # -- entries like this one ----------------------------------------------------------------
    def related(self, entry: EntryBase | Summary, limit: int = 5,
                exclude_path: str | Path | None = None, min_score: float = 5.0) -> list[Match]:
        """Past entries most like `entry`: the one search over its title, symptoms and
        cause, sharing its services and tags."""
        return self._matches(self.search.related(entry, limit, exclude_path, min_score))

    def similar(self, title: str, symptoms: str = "", services: Iterable[str] = (),
                limit: int = 5, exclude_path: str | Path | None = None,
                min_score: float = 5.0) -> list[Match]:
        """Past entries with a similar title and symptoms on the same services."""
        return self._matches(self.search.similar(title, symptoms, services, limit,
                                                 exclude_path, min_score))

    def _matches(self, hits: list[Hit]) -> list[Match]:
        return [Match(record(h.summary), h.score, h.reason) for h in hits
                if h.summary is not None]
