"""The knowledge base as the browser sees it: one row per file, facets and a fuzzy filter.

Pure: `build` turns `store.load_all`'s result into rows (unreadable files included, marked
with their error; the browser gets the same rows from the index cache with
`kbindex.catalog_rows`, each file parsed only when previewed: `ensure_loaded`), `Facets`
narrows by category, severity, status and tag, and `search` ranks rows against a typed
query over title, tags, services and symptoms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path

from rapidfuzz import fuzz

from .store import Loaded, newest_first

FACETS: tuple[str, ...] = ("category", "severity", "status", "tag")
FUZZY_CUTOFF = 75.0  # partial_ratio for a word of 4+ letters with one typo
# How much a match in each searched field counts, best first.
WEIGHTS: tuple[tuple[str, float], ...] = (
    ("title", 1.0), ("tags", 0.9), ("services", 0.8), ("symptoms", 0.7), ("error", 0.6),
)


@dataclass(frozen=True)
class Row:
    """One file of the knowledge base: an entry's summary, or an unreadable file's error."""

    path: Path
    key: str  # the path relative to the root, `/`-separated: unique, stable
    title: str = ""
    date: str = ""  # YYYY-MM-DD, or the date as written when it cannot be read
    when: datetime | None = None
    category: str = ""
    severity: str = ""
    status: str = ""
    tags: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    symptoms: str = ""
    percent: int = 0
    error: str = ""  # set: the file could not be read as an entry
    loaded: Loaded | None = field(default=None, compare=False, repr=False)
    haystack: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def broken(self) -> bool:
        return bool(self.error)

    def facet_values(self, name: str) -> tuple[str, ...]:
        """The row's values for a facet (several for `tag`)."""
        if name == "tag":
            return self.tags
        value = getattr(self, name)
        return (value,) if value else ()


def key_for(path: Path, root: Path) -> str:
    """A file's row key: its path relative to the root, `/`-separated."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def haystack(row: Row) -> dict[str, str]:
    """What the filter searches in a row, by field, lower-cased."""
    values = {
        "title": row.title, "tags": " ".join(row.tags), "services": " ".join(row.services),
        "symptoms": row.symptoms, "error": f"{row.key} {row.error}" if row.error else "",
    }
    return {k: v.lower() for k, v in values.items() if v}


def _with_haystack(row: Row) -> Row:
    return replace(row, haystack=haystack(row))


def entry_row(loaded: Loaded, root: Path) -> Row:
    """The row for an entry that could be read."""
    from .checklist import evaluate  # the model (pydantic): not needed for cached rows

    entry = loaded.entry
    when = entry.when()
    return _with_haystack(Row(
        path=loaded.path, key=key_for(loaded.path, root), title=entry.title,
        date=when.strftime("%Y-%m-%d") if when else entry.date[:10], when=when,
        category=entry.category, severity=entry.severity, status=entry.status,
        tags=tuple(entry.tags), services=tuple(entry.services()),
        symptoms=entry.get("symptoms"), percent=evaluate(entry).percent, loaded=loaded,
    ))


def ensure_loaded(row: Row) -> Row:
    """The row with its file parsed (`loaded`), for a preview.

    Rows built from the index cache (`kbindex.catalog_rows`) carry no parsed entry: the
    file is read the first time its row is shown, and kept on the row. A file that can no
    longer be read gives a broken copy of the row saying why.
    """
    if row.broken or row.loaded is not None:
        return row
    from . import store

    try:
        loaded = store.load(row.path)
    except store.StoreError as exc:
        error = str(exc).removeprefix(f"{row.path}: ")
        return _with_haystack(replace(row, error=f"{error} (changed since listed: reload)"))
    object.__setattr__(row, "loaded", loaded)  # frozen, but `loaded` is a lazy cache
    return row


def broken_row(path: Path, error: str, root: Path) -> Row:
    """The row for a file that is not a usable entry: its name as title, and why."""
    return _with_haystack(Row(path=path, key=key_for(path, root), title=path.name,
                              error=error or "unreadable"))


def build(good: list[Loaded], bad: list[tuple[Path, str]], root: Path) -> list[Row]:
    """Every file as a row: entries newest first, then the unreadable files by name."""
    rows = [entry_row(loaded, root) for loaded in newest_first(good)]
    rows.extend(broken_row(path, error, root) for path, error in sorted(bad))
    return rows


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

    def matches(self, row: Row, skip: str = "") -> bool:
        """Whether the row passes every facet (but `skip`, when counting that one)."""
        return all(name == skip or value in row.facet_values(name)
                   for name, value in self.active())


def counts(rows: Iterable[Row], facets: Facets, name: str) -> Counter[str]:
    """How many rows each value of facet `name` would leave, the other facets applied."""
    found: Counter[str] = Counter()
    for row in rows:
        if facets.matches(row, skip=name):
            found.update(row.facet_values(name))
    return found


def words(query: str) -> list[str]:
    return query.lower().split()


def score(row: Row, tokens: list[str]) -> float:
    """0 when some word matches nowhere; else the mean of each word's best weighted match."""
    total = 0.0
    for token in tokens:
        best = 0.0
        for name, weight in WEIGHTS:
            text = row.haystack.get(name)
            if not text:
                continue
            if token in text:
                value = 100.0
            elif len(token) >= 4:
                value = fuzz.partial_ratio(token, text, score_cutoff=FUZZY_CUTOFF)
            else:
                continue
            best = max(best, value * weight)
        if not best:
            return 0.0
        total += best
    return total / len(tokens)


def search(rows: list[Row], query: str, facets: Facets | None = None) -> list[Row]:
    """The rows passing the facets and matching every word of the query.

    With a query, best matches first (ties keep the input order, newest first);
    without one, all rows passing the facets in the input order.
    """
    kept = [row for row in rows if facets is None or facets.matches(row)]
    tokens = words(query)
    if not tokens:
        return kept
    scored = [(score(row, tokens), index, row) for index, row in enumerate(kept)]
    return [row for value, _, row in sorted((s for s in scored if s[0]),
                                            key=lambda s: (-s[0], s[1]))]
