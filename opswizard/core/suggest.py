"""Related past entries and a headless search, ranked in process over `postings.Postings`:
the one search's fallback where SQLite has no FTS5 (`search.Search`). Pure: no Textual, no
I/O. The first pass ranks candidates by IDF-weighted overlap over bounded postings; the
best `RERANK` are then scored exactly (per-field IDF cosine, shared services, shared tags).
A `Suggester` also completes fields (`complete.FieldCompletions`).

Scores are floats from 0 to 100, best first.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from .complete import Suggestion
from .index import Record, norm_text, service_key
from .postings import T_CAUSE, T_SYMPTOMS, T_TITLE, Postings, sum_parts
from .tags import normalise_tag

if TYPE_CHECKING:  # pragma: no cover
    from .model import EntryBase

__all__ = ["Match", "Suggester", "Suggestion"]

# Candidates scored exactly after the cheap first pass.
RERANK = 120
# Weights of the parts of an entry when comparing two entries (related / similar).
WEIGHTS = {"services": 30.0, "symptoms": 30.0, "cause": 15.0, "title": 15.0, "tags": 10.0}
# Search: how much a term found in each field counts.
SEARCH_BOOST = (1.0, 0.95, 0.85, 0.75, 1.0, 1.0)  # title, symptoms, cause, impact, services, tags
FIELD_NAMES = ("title", "symptoms", "cause", "impact", "services", "tags")


@dataclass(frozen=True, slots=True)
class Match:
    """A past entry, how close it is (0-100), and why in words a person can read."""

    record: Record
    score: float
    reason: str


class Suggester(Postings):
    """Every suggestion over one `KnowledgeIndex`: the field completions, and related,
    similar and searched entries (postings built on first use)."""

    # -- related and similar ----------------------------------------------------------------
    def related(
        self, entry: EntryBase | Record, limit: int = 5, exclude_path: str | Path | None = None,
        min_score: float = 5.0,
    ) -> list[Match]:
        """Past entries most like `entry` (the one being written): same services, similar
        symptoms, cause and title, shared tags. Excludes `exclude_path` and `entry`'s own id."""
        services: Sequence[str]
        tags: Sequence[str]
        if isinstance(entry, Record):
            title, symptoms, cause = entry.title, entry.symptoms, entry.primary_cause
            services, tags, own_id = entry.services, entry.tags, entry.id
        else:
            title, symptoms = entry.title, entry.get("symptoms")
            cause, services, tags = entry.get("primary_cause"), entry.services(), entry.tags
            own_id = entry.id
        return self._compare(
            title, symptoms, cause, services, tags, limit, exclude_path, own_id, min_score
        )

    def similar(
        self, title: str, symptoms: str = "", services: Iterable[str] = (), limit: int = 5,
        exclude_path: str | Path | None = None, min_score: float = 5.0,
    ) -> list[Match]:
        """Past entries with a similar title and symptoms on the same services: a recurrence?"""
        return self._compare(
            title, symptoms, "", list(services), (), limit, exclude_path, None, min_score
        )

    def _compare(
        self, title: str, symptoms: str, cause: str, services: Iterable[str],
        tags: Iterable[str], limit: int, exclude_path: str | Path | None, own_id: str | None,
        min_score: float,
    ) -> list[Match]:
        self._ensure()
        fields = []  # (name, field, groups, query norm)
        for name, field, text in (("title", T_TITLE, title), ("symptoms", T_SYMPTOMS, symptoms),
                                  ("cause", T_CAUSE, cause)):
            groups = self._groups(text)
            if groups:
                fields.append((name, field, groups, math.sqrt(sum(
                    self._weight(g) ** 2 for g in groups))))
        qservices = {k for k in (service_key(s) for s in services) if k}
        qtags = {t for t in (normalise_tag(t) for t in tags) if t}
        present = sum(WEIGHTS[name] for name, *_ in fields)
        present += WEIGHTS["services"] if qservices else 0.0
        present += WEIGHTS["tags"] if qtags else 0.0
        if not present:
            return []
        # First pass: a cheap score over bounded postings.
        parts: list[dict[int, float]] = []
        for name, field, groups, qnorm in fields:
            parts += self._parts(groups, field, WEIGHTS[name] / qnorm**2)
        cap = self.cap
        for keys, postings, weight in (
            (qservices, self._by_service, WEIGHTS["services"]),
            (qtags, self._by_tag, WEIGHTS["tags"]),
        ):
            for key in keys:
                rows = postings.get(key)
                if rows:
                    parts.append(dict.fromkeys(rows[:cap], weight / len(keys)))
        total = sum_parts(parts)
        # Second pass: the exact score of the best candidates.
        exclude = str(exclude_path) if exclude_path is not None else None
        scored = []
        for i, _ in heapq.nlargest(RERANK + 2, total.items(), key=itemgetter(1)):
            record = self.records[i]
            if record.path == exclude or (own_id and record.id == own_id):
                continue
            sims: dict[str, float] = {}
            for name, field, groups, qnorm in fields:
                found, rnorm = self._field_info(i, field)
                if rnorm:
                    dot = self._dot(groups, found)
                    if dot:
                        sims[name] = min(1.0, dot / (qnorm * rnorm))
            shared_services = [s for s in record.services if service_key(s) in qservices]
            if shared_services:
                sims["services"] = 0.7 + 0.3 * min(1.0, len(shared_services) / len(qservices))
            shared_tags = [t for t in record.tags if t in qtags]
            if shared_tags:
                sims["tags"] = 2 * len(shared_tags) / (len(qtags) + len(set(record.tags)))
            score = 100 * sum(WEIGHTS[k] * v for k, v in sims.items()) / max(present, 50.0)
            if score >= min_score:
                scored.append((score, -i, sims, shared_services, shared_tags))
        best = heapq.nlargest(limit, scored, key=itemgetter(0, 1))
        return [
            Match(self.records[-ni], round(score, 1), _reason(sims, shared_s, shared_t))
            for score, ni, sims, shared_s, shared_t in best
        ]

    # -- search ---------------------------------------------------------------------------
    def search_matches(self, query: str, limit: int = 20) -> list[Match]:
        """Entries matching a free-text query (symptoms, title, services, tags, cause,
        impact), best first, with the fields that matched as the reason.

        The score is the share of the query's (IDF-weighted) terms the entry holds, each
        counted in the best field it is in (title, services and tags count most), with
        a little fuzzy title similarity to break ties."""
        self._ensure()
        groups = self._groups(query)
        if not groups:
            return self._fuzzy_fallback(query, limit)
        weights = [self._weight(g) for g in groups]
        whole = sum(weights)
        cap = self.cap
        # First pass, over bounded postings.
        parts = []
        for group, weight in zip(groups, weights, strict=True):
            # Record -> the best value of this typed term over the fields it is in: written
            # in ascending order, so the last (largest) value wins, all in C.
            scale = weight / whole
            best: dict[int, float] = {}
            for value, field, term in sorted(
                (scale * min(SEARCH_BOOST[f] * factor * self._idf[term] / weight, 1.0), f, term)
                for f in range(len(FIELD_NAMES)) for term, factor in group
            ):
                rows = self._posts[field].get(term)
                if rows:
                    best.update(zip(rows[:cap], repeat(value)))
            parts.append(best)
        acc = sum_parts(parts)
        if not acc:
            return self._fuzzy_fallback(query, limit)
        # Second pass: exact coverage of the best candidates, and which fields matched.
        qnorm = norm_text(query)
        scored = []
        for i, _ in heapq.nlargest(max(RERANK, limit), acc.items(), key=itemgetter(1)):
            infos = [self._field_info(i, f)[0] for f in range(len(FIELD_NAMES))]
            coverage = 0.0
            matched: set[int] = set()
            for group, weight in zip(groups, weights, strict=True):
                best_value = 0.0
                for f, found in enumerate(infos):
                    for term, factor in group:
                        if term in found:
                            matched.add(f)
                            value = SEARCH_BOOST[f] * factor * self._idf[term] / weight
                            best_value = max(best_value, value)
                coverage += weight / whole * min(best_value, 1.0)
            title = norm_text(self.records[i].title)
            tie = fuzz.WRatio(qnorm, title, processor=None) / 100 if title else 0.0
            scored.append((100 * (0.9 * coverage + 0.1 * tie), -i, matched))
        best_hits = heapq.nlargest(limit, scored, key=itemgetter(0, 1))
        return [
            Match(self.records[-ni], round(score, 1),
                  "matches " + ", ".join(FIELD_NAMES[f] for f in sorted(matched)))
            for score, ni, matched in best_hits
        ]

    def search(self, query: str, limit: int = 20) -> list[tuple[Record, float]]:
        """(record, score) for a free-text query, best first."""
        return [(m.record, m.score) for m in self.search_matches(query, limit)]

    def _fuzzy_fallback(self, query: str, limit: int) -> list[Match]:
        """No known term: fuzzy-match the query against every record's search text."""
        qnorm = norm_text(query)
        if len(qnorm) < 3:
            return []
        texts = [r.text for r in self.records]
        hits = process.extract(
            qnorm, texts, scorer=fuzz.partial_ratio, limit=limit, score_cutoff=75, processor=None
        )
        return [Match(self.records[i], round(s * 0.8, 1), "fuzzy match") for _, s, i in hits]


def _reason(sims: dict[str, float], services: list[str], tags: list[str]) -> str:
    parts = []
    if services:
        names = ", ".join(dict.fromkeys(services))
        parts.append(f"same service{'s' if len(set(services)) > 1 else ''}: {names}")
    for name, words in (("symptoms", "similar symptoms"), ("cause", "similar cause"),
                        ("title", "similar title")):
        if sims.get(name, 0.0) >= 0.2:
            parts.append(words)
    if tags:
        parts.append(f"shared tag{'s' if len(tags) > 1 else ''}: {', '.join(tags)}")
    if not parts:
        best = max((k for k in ("symptoms", "cause", "title") if sims.get(k)),
                   key=lambda k: sims[k], default=None)
        if best:
            parts.append({"symptoms": "a symptom in common", "cause": "a cause in common",
                          "title": "a word of the title in common"}[best])
    return "; ".join(parts)
