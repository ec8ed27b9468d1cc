"""The in-process inverted index the ranked suggestions read (`suggest.Suggester`): built
once per `KnowledgeIndex`, on first use. Pure: no Textual, no I/O.

Search terms (`index.terms`: stemmed, stop words dropped) are posted per field (title,
symptoms, primary cause, impact, services, tags), with exact service-key and tag postings.
Postings are in record order (newest first) and in a first pass each term contributes at
most `cap` of them (a twentieth of the knowledge base, within 256..2000), so a keystroke
touches a bounded number of records. A typed term the knowledge base does not know (a
partial last word, a typo) is expanded to known terms by prefix (bisect) or by
`process.extract` over the vocabulary.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from itertools import repeat

from rapidfuzz import fuzz, process

from .complete import FieldCompletions
from .index import KnowledgeIndex, service_key, term_set, terms

# In the first pass each term contributes at most `cap` postings (its newest records):
# a twentieth of the knowledge base, within [MIN_CAP, CAP].
CAP = 2000
MIN_CAP = 256
T_TITLE, T_SYMPTOMS, T_CAUSE, T_IMPACT, T_SERVICES, T_TAGS = range(6)
Group = tuple[tuple[str, float], ...]  # a typed term: the known terms it stands for, with factors


class Postings(FieldCompletions):
    """The field completions of an index, and its postings, vocabulary and IDF weights."""

    def __init__(self, index: KnowledgeIndex) -> None:
        super().__init__(index)
        self.records = index.records
        self._built = False  # the postings: built on the first ranking
        self._expansions: dict[str, Group] = {}
        self._fields: dict[tuple[int, int], tuple[frozenset[str], float]] = {}
        self.cap = max(MIN_CAP, min(CAP, len(self.records) // 20))

    # -- building --------------------------------------------------------------------------
    def _ensure(self) -> None:
        if not self._built:
            self._built = True
            self._build_postings()

    def _build_postings(self) -> None:
        text_posts: list[defaultdict[str, list[int]]] = [defaultdict(list) for _ in range(4)]
        by_service: defaultdict[str, list[int]] = defaultdict(list)
        by_tag: defaultdict[str, list[int]] = defaultdict(list)
        title_p, symptoms_p, cause_p, impact_p = text_posts
        key_of = service_key
        for i, r in enumerate(self.records):
            for postings, text in ((title_p, r.title), (symptoms_p, r.symptoms),
                                   (cause_p, r.primary_cause), (impact_p, r.impact)):
                if text:
                    for term in term_set(text):
                        postings[term].append(i)
            for key in {key_of(s) for s in r.services}:
                by_service[key].append(i)
            for tag in set(r.tags):
                by_tag[tag].append(i)
        by_service.pop("", None)
        self._by_service = dict(by_service)
        self._by_tag = dict(by_tag)
        # Terms of service names and tags, posted from the (few) distinct names.
        posts: list[dict[str, list[int]]] = [dict(p) for p in text_posts]
        for names in (self._by_service, self._by_tag):
            groups: dict[str, list[list[int]]] = {}
            for name, rows in names.items():
                for term in term_set(name):
                    groups.setdefault(term, []).append(rows)
            posts.append({
                term: lists[0] if len(lists) == 1 else sorted(set().union(*lists))
                for term, lists in groups.items()
            })
        self._posts = posts
        df: dict[str, int] = {}
        for field in posts:
            for term, rows in field.items():
                df[term] = df.get(term, 0) + len(rows)
        n = max(len(self.records), 1)
        self._idf = {term: math.log(1 + n / count) for term, count in df.items()}
        self._vocab = sorted(self._idf)

    # -- query terms ------------------------------------------------------------------------
    def _expand(self, term: str) -> Group:
        """The known terms a typed term stands for: itself, else completions of it (a word
        being typed), else close spellings (a typo)."""
        if term in self._idf:
            return ((term, 1.0),)
        cached = self._expansions.get(term)
        if cached is not None:
            return cached
        group: list[tuple[str, float]] = []
        if len(term) >= 2:
            lo = bisect.bisect_left(self._vocab, term)
            hi = bisect.bisect_left(self._vocab, term + "\U0010ffff", lo)
            if hi > lo:
                words = self._vocab[lo:hi]
                if len(words) > 4:  # the most common completions: likeliest to be meant
                    words = heapq.nsmallest(4, words, key=self._idf.__getitem__)
                group = [(w, 0.9) for w in words]
        if not group and len(term) >= 4:
            group = [
                (w, 0.85 * s / 100)
                for w, s, _ in process.extract(
                    term, self._vocab, scorer=fuzz.ratio, limit=3, score_cutoff=80,
                    processor=None,
                )
            ]
        result = tuple(group)
        if len(self._expansions) > 50_000:
            self._expansions.clear()
        self._expansions[term] = result
        return result

    def _groups(self, text: str) -> list[Group]:
        self._ensure()
        groups = []
        for term in dict.fromkeys(terms(text)):
            group = self._expand(term)
            if group:
                groups.append(group)
        return groups

    def _weight(self, group: Group) -> float:
        return max(self._idf[t] * factor for t, factor in group)

    def _field_text(self, i: int, field: int) -> str:
        r = self.records[i]
        if field == T_SERVICES:
            return " ".join(service_key(s) for s in r.services)
        if field == T_TAGS:
            return " ".join(r.tags)
        return (r.title, r.symptoms, r.primary_cause, r.impact)[field]

    def _field_info(self, i: int, field: int) -> tuple[frozenset[str], float]:
        """Record i's distinct terms in a field, and their IDF norm (cached)."""
        key = (i, field)
        info = self._fields.get(key)
        if info is None:
            found = frozenset(term_set(self._field_text(i, field)))
            idf = self._idf
            info = (found, math.sqrt(sum(idf.get(t, 0.0) ** 2 for t in found)))
            if len(self._fields) > 200_000:
                self._fields.clear()
            self._fields[key] = info
        return info

    def _parts(self, groups: list[Group], field: int, scale: float) -> list[dict[int, float]]:
        """First pass, per typed term: {record: scale * w^2} for the records whose field
        holds it, over at most `self.cap` postings per term (the newest records)."""
        postings = self._posts[field]
        cap = self.cap
        parts = []
        for group in groups:
            # Written in ascending order of weight, so a record keeps its best: all in C.
            part: dict[int, float] = {}
            for w, term in sorted((scale * (self._idf[t] * f) ** 2, t) for t, f in group):
                rows = postings.get(term)
                if rows:
                    part.update(zip(rows[:cap], repeat(w)))
            if part:
                parts.append(part)
        return parts

    def _dot(self, groups: list[Group], found: frozenset[str]) -> float:
        """Exact IDF-weighted overlap of the typed groups with a record's terms."""
        idf = self._idf
        dot = 0.0
        for group in groups:
            best = 0.0
            for term, factor in group:
                if term in found:
                    w2 = (idf[term] * factor) ** 2
                    if w2 > best:
                        best = w2
            dot += best
        return dot


def sum_parts(parts: list[dict[int, float]]) -> dict[int, float]:
    """Add up {record: value} dicts (consumes them): each merge walks the smaller one."""
    if not parts:
        return {}
    parts.sort(key=len, reverse=True)
    total = parts[0]
    get = total.get
    for part in parts[1:]:
        for i, value in part.items():
            total[i] = get(i, 0.0) + value
    return total
