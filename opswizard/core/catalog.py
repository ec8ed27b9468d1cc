"""The knowledge base as the browser sees it: one row per file (a `Summary`), and facets.

Pure: `build` turns `store.load_all`'s result into rows (unreadable files included, marked
with their error; the browser gets the same rows from the index with
`kbindex.catalog_rows`, each file parsed only when previewed: `ensure_loaded`), `Facets`
narrows by category, severity, status and tag (the template's facets). The filter's
ranking is the one search (`search.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .facets import Facets
from .store import Loaded, newest_first
from .summary import FACETS, Summary, broken, from_loaded, key_for

Row = Summary
"""A row of the browser: one file's `Summary` (an entry's, or an unreadable file's error)."""


def entry_row(loaded: Loaded, root: Path) -> Row:
    """The row for an entry that could be read (the parsed entry kept on it)."""
    return from_loaded(loaded, root)


def ensure_loaded(row: Row) -> Row:
    """The row with its file parsed (`loaded`), for a preview.

    Rows built from the index carry no parsed entry: the file is read the first time its
    row is shown, and kept on the row. A file that can no longer be read gives a broken
    copy of the row saying why.
    """
    if row.broken or row.loaded is not None:
        return row
    from . import store

    try:
        loaded = store.load(row.path)
    except store.StoreError as exc:
        error = str(exc).removeprefix(f"{row.path}: ")
        return replace(row, error=f"{error} (changed since listed: reload)")
    object.__setattr__(row, "loaded", loaded)  # frozen, but `loaded` is a lazy cache
    return row


def broken_row(path: Path, error: str, root: Path) -> Row:
    """The row for a file that is not a usable entry: its name as title, and why."""
    return broken(path, key_for(path, root), error)


def build(good: list[Loaded], bad: list[tuple[Path, str]], root: Path) -> list[Row]:
    """Every file as a row: entries newest first, then the unreadable files by name."""
    rows = [entry_row(loaded, root) for loaded in newest_first(good)]
    rows.extend(broken_row(path, error, root) for path, error in sorted(bad))
    return rows


def counts(rows: Iterable[Row], facets: Facets, name: str) -> Counter[str]:
    """How many rows each value of facet `name` would leave, the other facets applied."""
    found: Counter[str] = Counter()
    for row in rows:
        if facets.matches(row, skip=name):
            found.update(row.facet_values(name))
    return found


def narrow(rows: list[Row], facets: Facets | None, ranked: list[str] | None) -> list[Row]:
    """The rows passing the facets: only those `ranked` (keys, best first, from
    `Search.filter_keys`) in that order, or all in their own order when `ranked` is None."""
    if ranked is not None:
        by_key = {row.key: row for row in rows}
        rows = [by_key[key] for key in ranked if key in by_key]
    return [row for row in rows if facets is None or facets.matches(row)]


__all__ = ["FACETS", "Row", "Facets", "build", "broken_row", "counts", "entry_row",
           "ensure_loaded", "key_for", "narrow"]
