"""Repeat pairs for many entries at once: the pairs `repeats.pair` gives entry by entry,
found with what stays the same from one look-up to the next kept in memory.

The first `stats` on a knowledge base pairs every entry (`factcache._pair`), each through
the one search (`search.Search.related`). A look-up on its own re-reads what every other
one reads too, and scores exactly 64 rows of each pass when only a few of them (those
dated in the window before the entry and sharing a service or tag with it) can be the
pair. `BatchSearch` is the one search with:

- every row's key, id, services (with their `index.service_key`) and tags read once;
- each row's search terms per field read once, when first scored, and kept
  (`scoring.doc_of`);
- the newest `WINDOW` rows of each service and tag read once per value (the newest of
  several values together is the merge of each one's newest: the same rows, same order);
- while pairing (`BatchSearch.pair`), only the rows that could be the pair scored exactly:
  every other hit keeps its place in the ranking (so the cut at the search's limit falls
  where it does) with the score -1, under any minimum. Where the cut or a row's score
  depends on the others' scores (the cut falls inside the 64 rows scored exactly and one
  that could be the pair is among them; or such a row is past them, where its score is
  capped by theirs, and could reach the minimum), the whole pass is scored, as the one
  search scores it.

Ranking, query words, FTS5 passes, the score of a row and its reason are the one search's
own code (`scoring.Scoring`, shared with `search.Search`). A test compares this with the
one search on generated knowledge bases, hit by hit and pair by pair
(`tests/test_repeat_batch.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from . import repeats
from .index import service_key
from .scoring import Doc, Meta, Scoring, doc_of, excluded
from .search import WINDOW, Hit, Query, Search
from .summary import SEARCH_NAMES

if TYPE_CHECKING:  # pragma: no cover
    from .facts import Facts, Repeat
    from .kbdb import KbIndex
    from .scoring import Group
    from .summary import Summary

_SKIP = Hit("", -1.0, "", False)
"""While pairing, a hit in its place that cannot be the pair (under any minimum score)."""


class BatchSearch(Search):
    """The one search, for many look-ups over an index that does not change meanwhile
    (a refresh that changes it empties what was kept). Hits carry no summary."""

    def __init__(self, kb: KbIndex) -> None:
        super().__init__(kb)
        self._kept_for = -1
        self._meta: dict[int, Meta] = {}
        self._docs: dict[int, Doc] = {}
        self._shared: dict[tuple[float, tuple[int, ...]], tuple[float, tuple[int, ...]]] = {}
        self._newest: dict[tuple[str, str], list[tuple[str, int]]] = {}
        self._together: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        self._only: Callable[[str], bool] | None = None  # while pairing: could be the pair
        self._minimum = 0.0
        self._limit: int | None = None
        self._before = 0  # hits of the passes before this one, in the current search

    def _sync(self) -> None:
        super()._sync()
        if self._kept_for != self._version:
            self._kept_for = self._version
            self._meta, self._docs, self._newest, self._together = {}, {}, {}, {}

    def search(self, query: str | Query, limit: int | None = 20,
               exclude: Iterable[str] = (), summaries: bool = False) -> list[Hit]:
        """As `Search.search`, without summaries unless asked for."""
        self._limit, self._before = limit, 0
        return super().search(query, limit, exclude, summaries)

    def pair(self, facts: Facts, summary: Summary, by_key: dict[str, Facts],
             keys_of: dict[str, frozenset[str]]) -> Repeat | None:
        """`repeats.pair(facts, summary, search, by_key)` (`keys_of`: each entry's
        shared-service and tag keys, `repeats.shared_keys`)."""
        if facts.when is None:
            return None
        mine, when = keys_of.get(facts.key, frozenset()), facts.when
        start = when - timedelta(days=repeats.WINDOW_DAYS)

        def could_pair(key: str) -> bool:
            other = by_key.get(key)
            return (other is not None and other.when is not None and key != facts.key
                    and start <= other.when < when and not mine.isdisjoint(keys_of[key]))

        self._only, self._minimum = could_pair, repeats.MIN_SCORE
        try:
            return repeats.pair(facts, summary, self, by_key)
        finally:
            self._only = None

    # -- what is kept ------------------------------------------------------------------------
    def _rows(self) -> dict[int, Meta]:
        if not self._meta:
            assert self.kb.conn is not None
            for rid, key, eid, services, tags in self.kb.conn.execute(
                    "SELECT id, key, eid, services, tags FROM rows"):
                names = services.split("\x1f") if services else []
                self._meta[rid] = (key, eid, tuple((s, service_key(s)) for s in names),
                                   tuple(tags.split("\x1f")) if tags else ())
        return self._meta

    def _fields(self, ids: list[int]) -> dict[int, Doc]:
        missing = [rid for rid in ids if rid not in self._docs]
        if missing:
            assert self.kb.conn is not None
            marks = ", ".join("?" * len(missing))
            shared = self._shared
            for rid, *texts in self.kb.conn.execute(
                    f"SELECT rowid, {', '.join(SEARCH_NAMES)} FROM fts WHERE rowid IN ({marks})",
                    missing):
                self._docs[rid] = doc_of(texts, shared)
        return self._docs

    def _newest_of(self, table: str, column: str, value: str) -> list[tuple[str, int]]:
        """The newest `WINDOW` rows holding value, as `Search._sharing` orders them."""
        kept = self._newest.get((table, value))
        if kept is None:
            assert self.kb.conn is not None
            kept = [(wsort, rid) for rid, wsort in self.kb.conn.execute(
                f"SELECT t.row, r.wsort FROM {table} t JOIN rows r ON r.id = t.row WHERE "
                f"t.{column} = ? ORDER BY r.wsort DESC, r.id LIMIT {WINDOW}", (value,))]
            self._newest[(table, value)] = kept
        return kept

    # -- the one search's steps, from what is kept -----------------------------------------
    def _sharing(self, qservices: set[str], qtags: set[str],
                 seen: set[int]) -> list[tuple[int, float]]:
        found: list[int] = []
        for table, column, values in (("services", "skey", qservices), ("tags", "tag", qtags)):
            if values:
                found += self._newest_together(table, column, tuple(sorted(values)))
        rows = [(rid, 0.0) for rid in dict.fromkeys(found) if rid not in seen]
        seen.update(rid for rid, _ in rows)
        return rows

    def _newest_together(self, table: str, column: str, values: tuple[str, ...]) -> list[int]:
        """The newest `WINDOW` rows holding any of values (a row holding two: twice), as
        `Search._sharing`'s query orders them: the merge of each value's newest."""
        kept = self._together.get((table, values))
        if kept is None:
            merged = [item for value in values for item in self._newest_of(table, column, value)]
            merged.sort(key=lambda item: item[1])  # ORDER BY wsort DESC, id
            merged.sort(key=lambda item: item[0], reverse=True)  # (a stable sort)
            kept = self._together[(table, values)] = [rid for _, rid in merged[:WINDOW]]
        return kept

    def _score(self, part: list[tuple[int, float]], groups: list[tuple[Group, float]],
               qservices: set[str], qtags: set[str], complete: bool,
               exclude: set[str]) -> list[Hit]:
        """`Search._score`'s hits, in its order (while pairing: see the module docstring)."""
        if not part:
            return []
        meta = self._rows()
        scoring = Scoring(self._terms_of, part, groups, qservices, qtags, complete)
        window = [(rid, r) for rid, r in part[:WINDOW] if not excluded(meta[rid], exclude)]
        rest = [(rid, r) for rid, r in part[WINDOW:] if meta[rid][0] not in exclude]
        hits = None
        if self._only is not None:
            room = len(window) + len(rest) if self._limit is None else self._limit - self._before
            hits = self._some(scoring, window, rest, room, self._only)
        if hits is None:
            hits = self._all(scoring, window, rest)
        self._before += len(hits)
        return hits

    def _all(self, scoring: Scoring, window: list[tuple[int, float]],
             rest: list[tuple[int, float]]) -> list[Hit]:
        """Every row scored, as the one search scores them."""
        meta = self._rows()
        docs = self._fields([rid for rid, _ in window])
        scored = sorted(scoring.exact(rid, r, meta[rid], docs.get(rid, {}))
                        for rid, r in window)
        hits = [h for *_, h in scored]
        floor = hits[-1].score if hits else 100.0
        for rid, r in rest:
            score = min(floor, scoring.past_window(r))
            hits.append(Hit(meta[rid][0], round(score, 1), "matches", scoring.complete, rid))
        return hits

    def _some(self, scoring: Scoring, window: list[tuple[int, float]],
              rest: list[tuple[int, float]], room: int,
              only: Callable[[str], bool]) -> list[Hit] | None:
        """The rows `only` names that reach the minimum, scored exactly, the others in
        their place as `_SKIP`; None when that cannot be told without scoring them all."""
        meta = self._rows()
        if room <= 0:  # every hit of this pass falls past the limit
            return [_SKIP] * (len(window) + len(rest))
        for rid, r in rest:
            if only(meta[rid][0]) and round(scoring.past_window(r), 1) >= self._minimum:
                return None  # its score is capped by the lowest of the window's
        wanted = [(rid, r) for rid, r in window if only(meta[rid][0])]
        docs = self._fields([rid for rid, _ in wanted])
        live = sorted(scored for scored in (
            scoring.exact(rid, r, meta[rid], docs.get(rid, {})) for rid, r in wanted)
            if scored[3].score >= self._minimum)
        if live and room < len(window):
            return None  # the cut falls among the window's rows: which are kept needs all
        return [h for *_, h in live] + [_SKIP] * (len(window) + len(rest) - len(live))

def pair_all(kb: KbIndex, facts_of: dict[str, Facts], summary_of: dict[str, Summary],
             keys: Iterable[str], progress: Callable[[int, int], None] | None = None
             ) -> dict[str, Repeat | None]:
    """The repeat pair of each of `keys`: `repeats.pair` for each, through one
    `BatchSearch` (the one search itself where SQLite has no FTS5)."""
    keys = sorted(keys)
    maybe = repeats.candidates(facts_of, keys)
    search = BatchSearch(kb)
    keys_of = {key: frozenset(repeats.shared_keys(f)) for key, f in facts_of.items()}
    out: dict[str, Repeat | None] = {}
    for done, key in enumerate(keys, 1):
        out[key] = None
        if key in maybe and key in summary_of:
            if kb.fts:
                out[key] = search.pair(facts_of[key], summary_of[key], facts_of, keys_of)
            else:
                out[key] = repeats.pair(facts_of[key], summary_of[key], search, facts_of)
        if progress and (done % 100 == 0 or done == len(keys)):
            progress(done, len(keys))
    return out
