"""The one search of the knowledge base: the browser's filter, `opswizard search`, the
wizard's related and similar entries, and every later consumer rank through `Search`.

A query is free text, plus (for related entries) services and tags to share. Its words
are cut and stemmed as the index cuts the entries (`index.terms`), so `exhausted` finds
`exhaustion`. Each word becomes a group of known terms: itself when the knowledge base
knows it; the terms it begins when it is the word being typed (`exha` -> `exhaust*`);
else the closest spellings in the vocabulary (rapidfuzz over the vocabulary held in
memory, for a typo). Then, in SQLite's FTS5 (`kbdb.py`):

1. the entries holding every group (`g1 AND g2 ...`) come first, then those holding some
   (`g1 OR g2 ...`, a group held by most entries left out of this pass), each part by
   BM25 with a weight per field (the template's `search` weights);
2. the best `WINDOW` of each part are scored exactly in Python (`scoring.py`): the share
   of the query's IDF-weighted groups the entry holds (its coverage), BM25 relative to the
   part's best, and the services and tags it shares with the query; that score says why
   ("matches symptoms, title; 2 shared tags");
3. the rest of each part keeps BM25 order.

The order is a function of the query and the index alone: the same query gives the same
order everywhere (a consumer may show fewer hits: the browser only the complete ones
when there are any, `search --limit` the first N). Ties: BM25, then the row id.

Where SQLite lacks FTS5, `Search` ranks with the in-process index (`suggest.Suggester`).
"""

from __future__ import annotations

import bisect
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .bulkparse import Progress
from .index import make_record, service_key, terms
from .kbdb import KbIndex
from .scoring import Group, Hit, Meta, Scoring, doc_of, excluded
from .summary import SEARCH_FIELDS, SEARCH_NAMES, Summary
from .tags import normalise_tag

if TYPE_CHECKING:  # pragma: no cover
    from .model import EntryBase
    from .suggest import Suggester

WINDOW = 64  # candidates of each part scored exactly
COMMON = 8  # a group held by more than 1/COMMON of the entries is left out of the OR pass
MAX_GROUPS = 24  # the rarest words of a long query (a draft's symptoms) are used
FUZZY_CUTOFF = 80.0  # rapidfuzz ratio for a typo to stand for a known term


@dataclass(frozen=True, slots=True)
class Query:
    """What to look for: free text, and services and tags an entry should share.
    `typing`: the last word may be unfinished (it also finds the words it begins)."""

    text: str = ""
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    typing: bool = True


class Search:
    """Searches one `KbIndex` (it reads the index as it is: call `kb.refresh()` first)."""

    def __init__(self, kb: KbIndex, keep_vocabulary: bool = True) -> None:
        self.kb = kb
        self.keep_vocabulary = keep_vocabulary
        """Load the whole vocabulary at the first partial word and keep it (a long-running
        consumer: each keystroke then expands in memory); False (a one-shot command): ask
        the index for the terms a partial word begins, the vocabulary only for a typo."""
        self._version = -1
        self._vocab: dict[str, int] | None = None
        self._sorted: list[str] = []
        self._count = 0
        self._memory: Suggester | None = None

    # -- the vocabulary ----------------------------------------------------------------------
    def _sync(self) -> None:
        if self._version != self.kb.version or self.kb.conn is None:
            self._version = self.kb.version
            self._vocab, self._sorted, self._memory = None, [], None
            conn = self.kb.conn
            counted = self.kb.rows  # the refresh's own count, if it made one
            if counted is not None and counted[0] == self._version:
                self._count = counted[1]
            else:
                self._count = (conn.execute("SELECT count(*) FROM rows").fetchone()[0]
                               if conn else 0)

    def vocabulary(self) -> dict[str, int]:
        """term -> entries holding it (loaded once per index version, kept in memory)."""
        if self._vocab is None:
            assert self.kb.conn is not None
            self._vocab = dict(self.kb.conn.execute("SELECT term, doc FROM vocab"))
            self._sorted = sorted(self._vocab)
        return self._vocab

    def _df(self, words: list[str]) -> dict[str, int]:
        if self._vocab is not None:
            return {w: self._vocab[w] for w in words if w in self._vocab}
        assert self.kb.conn is not None
        marks = ", ".join("?" * len(words))
        return dict(self.kb.conn.execute(
            f"SELECT term, doc FROM vocab WHERE term IN ({marks})", words))

    def _begun(self, word: str) -> list[str]:
        """The known terms that begin with word, in order."""
        if self._vocab is None and not self.keep_vocabulary:
            assert self.kb.conn is not None
            return [term for (term,) in self.kb.conn.execute(
                "SELECT term FROM vocab WHERE term >= ? AND term < ? ORDER BY term",
                (word, word + "\U0010ffff"))]
        self.vocabulary()
        lo = bisect.bisect_left(self._sorted, word)
        hi = bisect.bisect_left(self._sorted, word + "\U0010ffff", lo)
        return self._sorted[lo:hi]

    def _prefixed(self, word: str) -> int:
        """Entries holding a term that begins with word (an upper bound: the largest)."""
        if self._vocab is None and not self.keep_vocabulary:
            assert self.kb.conn is not None
            found = self.kb.conn.execute(
                "SELECT max(doc) FROM vocab WHERE term >= ? AND term < ?",
                (word, word + "\U0010ffff")).fetchone()[0]
            return int(found or 0)
        vocab = self.vocabulary()
        return max((vocab[t] for t in self._begun(word)), default=0)

    def _terms_of(self, group: Group) -> dict[str, float]:
        """The known terms a group stands for (a prefix: every term it begins), each with
        its factor."""
        out: dict[str, float] = {}
        for term, prefix, factor in group:
            if prefix:
                words = self._begun(term)
            else:
                words = [term]
            for word in words:
                if out.get(word, 0.0) < factor:
                    out[word] = factor
        return out

    def _fuzzy(self, word: str, shortest: int = 4) -> list[tuple[str, float]]:
        """The closest known spellings of an unknown word (a typo), with their closeness."""
        from rapidfuzz import fuzz, process

        if len(word) < shortest:
            return []
        return [(term, score / 100) for term, score, _ in process.extract(
            word, self._sorted or sorted(self.vocabulary()), scorer=fuzz.ratio, limit=3,
            score_cutoff=FUZZY_CUTOFF, processor=None)]

    def groups(self, query: Query) -> list[tuple[Group, float]]:
        """The query's words as groups of known terms, each with its IDF weight."""
        words = list(dict.fromkeys(terms(query.text)))
        if not words:
            return []
        last = words[-1] if query.typing and not query.text[-1:].isspace() else None
        known = self._df(words)
        n = max(self._count, 1)
        out: list[tuple[Group, float]] = []
        for word in words:
            alts: list[tuple[str, bool, float]] = []
            df = known.get(word, 0)
            if df:
                alts.append((word, False, 1.0))
            if word == last and len(word) >= 2:
                if self._vocab is None and self.keep_vocabulary:
                    self.vocabulary()
                more = self._prefixed(word)
                if more and (not df or more > df):
                    alts.append((word, True, 0.9))
                    df = max(df, more)
            if not alts or (word == last and not known.get(word)):
                for term, factor in self._fuzzy(word, 3 if word == last else 4):
                    if not term.startswith(word):
                        alts.append((term, False, 0.8 * factor))
                        df = max(df, self.vocabulary()[term])
            if alts:
                out.append((tuple(alts), math.log(1 + n / df)))
        if len(out) > MAX_GROUPS:
            out = sorted(out, key=lambda g: -g[1])[:MAX_GROUPS]
        return out

    # -- ranking -----------------------------------------------------------------------------
    def search(self, query: str | Query, limit: int | None = 20,
               exclude: Iterable[str] = (), summaries: bool = True) -> list[Hit]:
        """The entries matching the query, best first (at most `limit`; None: all), with
        their summaries unless `summaries=False`. `exclude`: keys or ids to leave out."""
        if isinstance(query, str):
            query = Query(query)
        with self.kb.lock:
            self._sync()
            if self.kb.conn is None:
                return []
            if not self.kb.fts:
                hits = self._memory_search(query, limit, set(exclude))
            else:
                hits = self._rank(query, limit, set(exclude))
            if summaries and hits:
                found = self.kb.by_ids([h.rid for h in hits])
                hits = [Hit(h.key, h.score, h.reason, h.complete, h.rid, found.get(h.rid))
                        for h in hits]
        return hits

    def filter_keys(self, query: str) -> list[str] | None:
        """The browser's filter: the keys of the entries holding every word of the query
        (a typo or a partial last word matches its known forms), best first; None when
        the query has no word to look for."""
        if not terms(query):
            return None
        return [h.key for h in self.search(query, None, summaries=False) if h.complete]

    def _rank(self, query: Query, limit: int | None, exclude: set[str]) -> list[Hit]:
        conn = self.kb.conn
        assert conn is not None
        groups = self.groups(query)
        qservices = {k for k in map(service_key, query.services) if k}
        qtags = {t for t in map(normalise_tag, query.tags) if t}
        if not groups and not qservices and not qtags:
            return []
        weights = ", ".join(str(w) for _, w in SEARCH_FIELDS)
        want = None if limit is None else limit + len(exclude)
        parts: list[list[tuple[int, float]]] = []
        seen: set[int] = set()
        if groups:
            expressions = [_expression(g) for g, _ in groups]
            every = " AND ".join(expressions)
            parts.append(self._match(every, weights, want, seen))
            rare = [e for e, (_, idf) in zip(expressions, groups, strict=True)
                    if idf >= math.log(1 + COMMON)] or expressions[:1]
            if len(groups) > 1 and (want is None or len(parts[0]) < want):
                parts.append(self._match(" OR ".join(rare), weights, want, seen))
        if qservices or qtags:
            parts.append(self._sharing(qservices, qtags, seen))
        hits: list[Hit] = []
        for number, part in enumerate(parts):
            complete = bool(groups) and number == 0
            hits.extend(self._score(part, groups, qservices, qtags, complete, exclude))
            if want is not None and len(hits) >= want:
                break
        return hits if limit is None else hits[:limit]

    def _match(self, expression: str, weights: str, want: int | None,
               seen: set[int]) -> list[tuple[int, float]]:
        assert self.kb.conn is not None
        sql = (f"SELECT rowid, bm25(fts, {weights}) AS r FROM fts WHERE fts MATCH ? "
               "ORDER BY r, rowid")
        if want is not None:
            sql += f" LIMIT {int(max(want, WINDOW)) + len(seen)}"
        rows = [(rid, r) for rid, r in self.kb.conn.execute(sql, (expression,))
                if rid not in seen]
        seen.update(rid for rid, _ in rows)
        return rows

    def _sharing(self, qservices: set[str], qtags: set[str],
                 seen: set[int]) -> list[tuple[int, float]]:
        """Entries sharing a service or tag with the query and no word (newest first)."""
        assert self.kb.conn is not None
        found: list[int] = []
        for table, column, values in (("services", "skey", qservices), ("tags", "tag", qtags)):
            if values:
                marks = ", ".join("?" * len(values))
                found += [rid for (rid,) in self.kb.conn.execute(
                    f"SELECT t.row FROM {table} t JOIN rows r ON r.id = t.row WHERE "
                    f"t.{column} IN ({marks}) ORDER BY r.wsort DESC, r.id LIMIT {WINDOW}",
                    sorted(values))]
        rows = [(rid, 0.0) for rid in dict.fromkeys(found) if rid not in seen]
        seen.update(rid for rid, _ in rows)
        return rows

    def _score(self, part: list[tuple[int, float]], groups: list[tuple[Group, float]],
               qservices: set[str], qtags: set[str], complete: bool,
               exclude: set[str]) -> list[Hit]:
        """The hits of one pass: its first `WINDOW` rows scored exactly (`scoring.py`), the
        rest in BM25 order under the lowest of them."""
        if not part:
            return []
        conn = self.kb.conn
        assert conn is not None
        window = part[:WINDOW]
        ids = [rid for rid, _ in window]
        marks = ", ".join("?" * len(ids))
        docs = {rid: doc_of(texts) for rid, *texts in conn.execute(
            f"SELECT rowid, {', '.join(SEARCH_NAMES)} FROM fts WHERE rowid IN ({marks})", ids)}
        meta: dict[int, Meta] = {
            rid: (key, eid, tuple((s, service_key(s)) for s in services.split("\x1f"))
                  if services else (), tuple(tags.split("\x1f")) if tags else ())
            for rid, key, eid, services, tags in conn.execute(
                f"SELECT id, key, eid, services, tags FROM rows WHERE id IN ({marks})", ids)}
        scoring = Scoring(self._terms_of, part, groups, qservices, qtags, complete)
        scored = sorted(scoring.exact(rid, r, meta[rid], docs.get(rid, {}))
                        for rid, r in window if not excluded(meta[rid], exclude))
        hits = [h for *_, h in scored]
        floor = hits[-1].score if hits else 100.0
        rest = part[WINDOW:]
        if rest:
            keys = dict(conn.execute(
                f"SELECT id, key FROM rows WHERE id IN ({', '.join('?' * len(rest))})",
                [rid for rid, _ in rest]).fetchall())
            for rid, r in rest:
                key = keys[rid]
                if key in exclude:
                    continue
                score = min(floor, scoring.past_window(r))
                hits.append(Hit(key, round(score, 1), "matches", complete, rid))
        return hits

    # -- entries like an entry ----------------------------------------------------------------
    def related(self, entry: EntryBase | Summary, limit: int = 5,
                exclude_path: str | Path | None = None, min_score: float = 5.0) -> list[Hit]:
        """Past entries most like `entry` (the one being written): its title, symptoms and
        cause as the query, its services and tags to share. Leaves out the entry itself."""
        if isinstance(entry, Summary):
            text = " ".join((entry.title, entry.symptoms, entry.text("primary_cause")))
            services, tags, own = entry.services, entry.tags, entry.id
        else:
            text = " ".join((entry.title, entry.get("symptoms"), entry.get("primary_cause")))
            services, tags, own = tuple(entry.services()), tuple(entry.tags), entry.id
        return self._like(Query(" ".join(text.split()), tuple(services), tuple(tags)), limit,
                          exclude_path, own, min_score)

    def similar(self, title: str, symptoms: str = "", services: Iterable[str] = (),
                limit: int = 5, exclude_path: str | Path | None = None,
                min_score: float = 5.0) -> list[Hit]:
        """Past entries with a similar title and symptoms on the same services: a recurrence?"""
        return self._like(Query(" ".join(f"{title} {symptoms}".split()), tuple(services)),
                          limit, exclude_path, "", min_score)

    def _like(self, query: Query, limit: int, exclude_path: str | Path | None, own: str,
              min_score: float) -> list[Hit]:
        exclude = {own} if own else set()
        if exclude_path is not None:
            path = Path(os.path.abspath(exclude_path))
            root = Path(os.path.abspath(self.kb.root))
            exclude.add(path.relative_to(root).as_posix() if path.is_relative_to(root)
                        else path.as_posix())
        hits = self.search(query, limit, exclude)
        return [h for h in hits if h.score >= min_score]

    # -- without FTS5 --------------------------------------------------------------------------
    def _memory_search(self, query: Query, limit: int | None, exclude: set[str]) -> list[Hit]:
        """The in-process index (`suggest.Suggester`), where SQLite has no FTS5."""
        from .index import KnowledgeIndex
        from .suggest import Suggester

        if self._memory is None:
            records = [make_record(
                s.key, id=s.id, title=" ".join(s.title.split()), date=s.date.strip(),
                category=s.category, severity=s.severity, status=s.status, tags=s.tags,
                services=s.services, owners=s.owners, symptoms=s.symptoms,
                primary_cause=s.text("primary_cause"), impact=s.text("impact"),
            ) for s in self.kb.entries()]
            self._memory = Suggester(KnowledgeIndex(records, self.kb.root))
        assert self.kb.conn is not None
        rids = dict(self.kb.conn.execute("SELECT key, id FROM rows").fetchall())
        if query.services or query.tags:
            matches = self._memory._compare(query.text, "", "", query.services, query.tags,
                                            limit or 10_000, None, None, 0.0)
        else:
            matches = self._memory.search_matches(query.text, limit or 10_000)
        return [Hit(m.record.path, m.score, m.reason, True, rids.get(m.record.path, 0))
                for m in matches if m.record.path not in exclude and m.record.id not in exclude]


def _expression(group: Group) -> str:
    parts = [f'"{term}"*' if prefix else f'"{term}"' for term, prefix, _ in group]
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def open_search(root: Path, progress: Progress | None = None,
                keep_vocabulary: bool = True) -> Search:
    """A `Search` over the knowledge base at root, its index brought up to date
    (`keep_vocabulary`: see `Search.keep_vocabulary`)."""
    return Search(KbIndex.open(root, progress), keep_vocabulary)
