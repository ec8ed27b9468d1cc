"""The browser's rows, read from the index a page at a time.

The browser never holds every summary: it holds the row ids of what it shows, in order (a
compact `array`), and asks for the summaries of the few rows it puts on screen. The facets
narrow in SQL; the filter's ranking is the one search's (`search.py`), given as keys.
Order: entries newest first (undated last, as `KbIndex.summaries`), then the files that
are not entries, by path.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator, Sequence

from .catalog import Facets, Row
from .kbdb import KbIndex

COLUMN = {"category": "category", "severity": "severity", "status": "status"}
ORDER = "ORDER BY error != '', CASE WHEN error = '' THEN wsort END DESC, " \
        "CASE WHEN error = '' THEN key END DESC, key"
CHUNK = 900  # parameters per statement (SQLite's limit is 999 on old builds)


def _where(facets: Facets | None, skip: str = "") -> tuple[str, list[str]]:
    """The SQL condition (on `rows`) that the facets in use hold, but `skip`."""
    parts, args = ["1"], []
    for name, value in (facets.active() if facets is not None else []):
        if name == skip:
            continue
        if name == "tag":
            parts.append("EXISTS(SELECT 1 FROM tags t WHERE t.row = rows.id AND t.tag = ?)")
        else:
            parts.append(f"{COLUMN[name]} = ?")
        args.append(value)
    return " AND ".join(parts), args


class RowPages:
    """Row ids in the browser's order and the summaries of a page of them, from one index."""

    def __init__(self, kb: KbIndex) -> None:
        self.kb = kb
        self._base: array[int] | None = None

    def base(self) -> array[int]:
        """Every row id in the browser's order, read once (the sort reads every row of the
        index, ~1 s at 100,000 entries: the first call belongs in a worker)."""
        if self._base is None:
            self._base = array("q", (rid for (rid,) in self._rows(f"SELECT id FROM rows {ORDER}")))
        return self._base

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple]:
        with self.kb.lock:
            assert self.kb.conn is not None
            return self.kb.conn.execute(sql, args).fetchall()

    def counts(self) -> tuple[int, int]:
        """(files, files that are not entries)."""
        total, broken = self._rows("SELECT count(*), count(NULLIF(error, '')) FROM rows")[0]
        return total, broken

    def order(self, facets: Facets | None = None,
              ranked: list[str] | None = None) -> array[int]:
        """The ids of the rows the facets leave: in `ranked`'s order (keys, best first, from
        `Search.filter_keys`) when given, else in the browser's order."""
        where, args = _where(facets)
        if ranked is None:
            if not args:
                return self.base()
            keep = {rid for (rid,) in self._rows(f"SELECT id FROM rows WHERE {where}", args)}
            return array("q", (rid for rid in self.base() if rid in keep))
        ids: dict[str, int] = {}
        for start in range(0, len(ranked), CHUNK):
            part = ranked[start:start + CHUNK]
            marks = ", ".join("?" * len(part))
            ids.update(self._rows(f"SELECT key, id FROM rows WHERE key IN ({marks}) "
                                  f"AND {where}", [*part, *args]))
        return array("q", (ids[key] for key in ranked if key in ids))

    def page(self, ids: Sequence[int]) -> list[Row]:
        """The summaries of these rows, in the order given (a row gone since: left out)."""
        found = self.kb.by_ids(list(ids))
        return [found[rid] for rid in ids if rid in found]

    def id_of(self, key: str) -> int | None:
        """The row id of the file with this key (None: not in the index)."""
        found = self._rows("SELECT id FROM rows WHERE key = ?", (key,))
        return found[0][0] if found else None

    def facet_counts(self, facets: Facets, name: str) -> Counter[str]:
        """How many rows each value of facet `name` would leave, the other facets applied."""
        where, args = _where(facets, skip=name)
        if name == "tag" and not args:  # no other facet: the tags table alone
            sql = "SELECT tag, count(*) FROM tags GROUP BY tag"
        elif name == "tag":
            sql = (f"SELECT t.tag, count(*) FROM tags t JOIN rows ON rows.id = t.row "
                   f"WHERE {where} GROUP BY t.tag")
        else:
            column = COLUMN[name]
            sql = (f"SELECT {column}, count(*) FROM rows WHERE {where} AND {column} != '' "
                   f"GROUP BY {column}")
        return Counter(dict(self._rows(sql, args)))

    def titles(self, keys: Sequence[str] | None = None) -> dict[str, str]:
        """key -> title of the entries (of these keys; None: all), unreadable files left out."""
        if keys is None:
            return dict(self._rows("SELECT key, title FROM rows WHERE error = ''"))
        out: dict[str, str] = {}
        for start in range(0, len(keys), CHUNK):
            part = list(keys[start:start + CHUNK])
            marks = ", ".join("?" * len(part))
            out.update(self._rows(f"SELECT key, title FROM rows WHERE error = '' AND key IN "
                                  f"({marks})", part))
        return out

    def jump_targets(self) -> Iterator[tuple[str, str, str, str]]:
        """(key, title, date, severity) of every entry, newest first (the palette's list)."""
        found = {rid: rest for rid, *rest in self._rows(
            "SELECT id, key, title, CASE WHEN whenz != '' THEN substr(whenz, 1, 10) ELSE "
            "substr(date, 1, 10) END, severity FROM rows WHERE error = ''")}
        for rid in self.base():
            if rid in found:
                yield tuple(found[rid])

    def link_sources(self) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        """(key, its links as (text, href)) of every entry, for the link graph."""
        links: dict[int, list[tuple[str, str]]] = {}
        for rid, text, href in self._rows("SELECT row, text, href FROM links ORDER BY row, n"):
            links.setdefault(rid, []).append((text, href))
        keys = dict(self._rows("SELECT id, key FROM rows WHERE error = ''"))
        for rid in self.base():
            if rid in keys:
                yield keys[rid], links.get(rid, [])


__all__ = ["RowPages"]
