"""How the one search scores a candidate row, and says why: used by `search.Search` and by
`repeat_batch.BatchSearch` alike, so a change to the scoring is made once.

A row scored exactly gets: its coverage (the share of the query's IDF-weighted groups it
holds, a word in the title counting most: `BOOST`), BM25 relative to the pass's best, and
the share of the query's services and tags it holds. Rows past the exactly scored window
keep BM25 order, capped by the lowest exact score (`Scoring.past_window`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .summary import SEARCH_FIELDS, SEARCH_NAMES

if TYPE_CHECKING:  # pragma: no cover
    from .summary import Summary

_TOP = max(w for _, w in SEARCH_FIELDS)
BOOST = tuple(0.7 + 0.3 * w / _TOP for _, w in SEARCH_FIELDS)
"""How much a word found in each field counts toward coverage (title most)."""
FIELD_WORDS = {"primary_cause": "cause"}
"""A field's name in a reason, where it is not its summary name."""

# A group: the known terms a typed word stands for, each (term, is_prefix, factor).
Group = tuple[tuple[str, bool, float], ...]

Meta = tuple[str, str, tuple[tuple[str, str], ...], tuple[str, ...]]
"""A row's key, entry id, services (each with its `index.service_key`) and tags."""
Doc = dict[str, tuple[float, tuple[int, ...]]]
"""A row's search terms, each with the largest `BOOST` of the fields holding it and those
fields (a word's best factor in a row is its factor times that boost)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One entry found: its key (path relative to the root), score (0-100), why, whether
    it holds every word of the query, and its summary (when asked for)."""

    key: str
    score: float
    reason: str
    complete: bool
    rid: int = 0
    summary: Summary | None = None


def doc_of(texts: Iterable[str],
           shared: dict[tuple[float, tuple[int, ...]], tuple[float, tuple[int, ...]]]
           | None = None) -> Doc:
    """A row's `Doc` from its FTS5 texts, one per searched field (`shared`: equal values
    kept once, for a caller holding many rows)."""
    doc: Doc = {}
    for f, text in enumerate(texts):
        for term in set(text.split()):
            old = doc.get(term)
            new = (BOOST[f], (f,)) if old is None else (max(old[0], BOOST[f]), (*old[1], f))
            doc[term] = shared.setdefault(new, new) if shared is not None else new
    return doc


class Scoring:
    """What scoring the rows of one pass needs: the query's terms per group, its IDF
    weights, the pass's best BM25 and the weights of text, services and tags."""

    __slots__ = ("where", "terms", "idfs", "total_idf", "best", "text_w", "srv_w", "tag_w",
                 "whole", "qservices", "qtags", "complete")

    def __init__(self, terms_of: Callable[[Group], dict[str, float]],
                 part: list[tuple[int, float]], groups: list[tuple[Group, float]],
                 qservices: set[str], qtags: set[str], complete: bool) -> None:
        self.where: dict[str, list[tuple[int, float]]] = {}
        for g, (group, _) in enumerate(groups):
            for term, factor in terms_of(group).items():
                self.where.setdefault(term, []).append((g, factor))
        self.terms = frozenset(self.where)
        self.idfs = [idf for _, idf in groups]
        self.total_idf = sum(self.idfs)
        self.best = min((r for _, r in part), default=0.0)
        self.text_w = 1.0 if groups else 0.0
        self.srv_w = 0.5 if qservices else 0.0
        self.tag_w = 0.3 if qtags else 0.0
        self.whole = self.text_w + self.srv_w + self.tag_w
        self.qservices, self.qtags, self.complete = qservices, qtags, complete

    def exact(self, rid: int, r: float, meta: Meta, doc: Doc
              ) -> tuple[float, float, int, Hit]:
        """A row's sort key (-score, bm25, id) and its hit (`r`: its BM25)."""
        key, _, services, tags = meta
        values = [0.0] * len(self.idfs)
        matched: set[int] = set()
        where = self.where
        for term in doc.keys() & self.terms:
            boost, fields = doc[term]
            matched.update(fields)
            for g, factor in where[term]:
                if factor * boost > values[g]:
                    values[g] = factor * boost
        held = 0.0
        for idf, value in zip(self.idfs, values, strict=True):
            held += idf * value
        coverage = held / self.total_idf if self.total_idf else 0.0
        bm = r / self.best if self.best < 0 else 0.0
        qservices, qtags = self.qservices, self.qtags
        shared_s = [s for s, k in services if k in qservices]
        shared_t = [t for t in tags if t in qtags]
        score = self.text_w * (0.7 * coverage + 0.3 * bm)
        score += self.srv_w * min(1.0, len(shared_s) / len(qservices)) if qservices else 0.0
        score += self.tag_w * min(1.0, len(shared_t) / len(qtags)) if qtags else 0.0
        score = 100 * score / self.whole
        hit = Hit(key, round(score, 1), reason(matched, shared_s, shared_t), self.complete, rid)
        return -score, r, rid, hit

    def past_window(self, r: float) -> float:
        """The score of a row past the exactly scored ones, before the cap by their lowest."""
        bm = r / self.best if self.best < 0 else 0.0  # rows found by sharing alone: r = 0
        return 100 * self.text_w * (0.7 * self.complete + 0.3 * bm) / self.whole


def excluded(meta: Meta, exclude: set[str]) -> bool:
    """Whether a row is left out: its key or its entry id is in `exclude`."""
    return meta[0] in exclude or bool(meta[1] and meta[1] in exclude)


def reason(matched: set[int], services: list[str], tags: list[str]) -> str:
    """Why a row was found: the fields (by number) holding the query's words, the services
    and tags it shares with the query."""
    parts = []
    if matched:
        names = [FIELD_WORDS.get(SEARCH_NAMES[f], SEARCH_NAMES[f]) for f in sorted(matched)]
        parts.append("matches " + ", ".join(names))
    if services:
        names_s = ", ".join(dict.fromkeys(services))
        parts.append(f"same service{'s' if len(set(services)) > 1 else ''}: {names_s}")
    if tags:
        parts.append(f"{len(tags)} shared tag{'s' if len(tags) > 1 else ''}")
    return "; ".join(parts) or "matches"
