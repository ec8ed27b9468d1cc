"""Suggestions from the knowledge base, as the author types: tags, services, owners,
related past entries, and a headless fuzzy search. Pure: no Textual, no I/O.

Everything reads a `KnowledgeIndex` (`index.py`). A `Suggester` precomputes, once per
index version, what a keystroke needs, so a keystroke costs one rapidfuzz call over a
precomputed choice list plus a little Python over a bounded candidate set:

- tags / services / owners (`Completer`): normalised choice keys (`-`, `_`, spaces and
  case do not matter: `conn pool` finds `connection-pool`), a sorted word list for
  per-word prefix look-ups (bisect), use counts. Candidates are the most used choices
  with a word starting with a typed word, plus `rapidfuzz.process.extract` (WRatio,
  score_cutoff) over all keys for typos; each is scored by word-prefix coverage, fuzzy
  ratio and use count.
- related / similar / search: an inverted index of search terms (`index.terms`: stemmed,
  stop words dropped) per field (title, symptoms, primary cause, impact, services, tags),
  plus exact service-key and tag postings. Postings are in record order (newest first)
  and in a first pass each term contributes at most `cap` of them (a twentieth of the
  knowledge base, within 256..2000), so a keystroke touches a bounded number of
  records. The first pass ranks candidates by IDF-weighted overlap; the best `RERANK`
  are then scored exactly (per-field IDF cosine, shared services, shared tags). A typed
  term the knowledge base does not know (a partial last word, a typo) is expanded to
  known terms by prefix (bisect) or by `process.extract` over the vocabulary.

Module-level functions take the index as first argument and reuse one cached
`Suggester` per index (rebuilt when the index changes).

Scores are floats from 0 to 100, best first.

Related Issues links (`related_issue_item`): an `Item(label=None,
text="[Target Title](relative/path/to/target.md)")`, rendered as
`- [Target Title](../../issues/memory-service/ops-learning-....md)`: the link text is
the target's title, the target a path relative to the new entry's folder (POSIX
separators, percent-encoded), so it is a working link on any git host and the
checklist's "Related issues are linked" item passes.
"""

from __future__ import annotations

import bisect
import heapq
import math
import os
import re
import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .index import KnowledgeIndex, Record, norm_text, service_key, stem, term_set, terms
from .tags import normalise_tag

if TYPE_CHECKING:  # pragma: no cover
    from .model import EntryBase, Item

# In the first pass each term contributes at most `cap` postings (its newest records):
# a twentieth of the knowledge base, within [MIN_CAP, CAP].
CAP = 2000
MIN_CAP = 256
# Candidates scored exactly after the cheap first pass.
RERANK = 120
# Weights of the parts of an entry when comparing two entries (related / similar).
WEIGHTS = {"services": 30.0, "symptoms": 30.0, "cause": 15.0, "title": 15.0, "tags": 10.0}
# Search: how much a term found in each field counts.
SEARCH_BOOST = (1.0, 0.95, 0.85, 0.75, 1.0, 1.0)  # title, symptoms, cause, impact, services, tags
FIELD_NAMES = ("title", "symptoms", "cause", "impact", "services", "tags")
T_TITLE, T_SYMPTOMS, T_CAUSE, T_IMPACT, T_SERVICES, T_TAGS = range(6)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A value to offer (a tag, a service's usual spelling, an owner), its use count."""

    value: str
    count: int
    score: float


@dataclass(frozen=True, slots=True)
class Match:
    """A past entry, how close it is (0-100), and why in words a person can read."""

    record: Record
    score: float
    reason: str


# -- completion: tags, services, owners --------------------------------------------------------
_SEP = re.compile(r"[\s\-_/.:]+")


def match_key(text: str) -> str:
    """How a choice and a typed prefix are compared: lower case, `-_/.:` and spaces as one space."""
    return _SEP.sub(" ", text.lower().lstrip("@#")).strip()


class Completer:
    """Ranked completion over a fixed set of choices with use counts."""

    CANDIDATES = 64

    def __init__(self, choices: Iterable[tuple[str, int]]) -> None:
        items = sorted(choices, key=lambda vc: (-vc[1], vc[0]))
        self.values = [v for v, _ in items]
        self.counts = [n for _, n in items]
        self.keys = [match_key(v) for v in self.values]
        self._pop_norm = math.log1p(max(self.counts, default=1))
        pairs = sorted((w, i) for i, key in enumerate(self.keys) for w in set(key.split()))
        self._words = [w for w, _ in pairs]
        self._word_idx = [i for _, i in pairs]

    def __len__(self) -> int:
        return len(self.values)

    def _prefixed(self, word: str) -> list[int]:
        lo = bisect.bisect_left(self._words, word)
        hi = bisect.bisect_left(self._words, word + "\U0010ffff", lo)
        if hi - lo <= self.CANDIDATES:
            return self._word_idx[lo:hi]
        # Choices are numbered most used first: the smallest numbers are the most used.
        return heapq.nsmallest(self.CANDIDATES, set(self._word_idx[lo:hi]))

    def complete(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """The best `limit` choices for what has been typed, best first."""
        query = match_key(prefix)
        if not self.values or limit <= 0:
            return []
        if not query:
            return [
                Suggestion(v, n, round(100 * math.log1p(n) / self._pop_norm, 1))
                for v, n in zip(self.values[:limit], self.counts[:limit], strict=True)
            ]
        qwords = query.split()
        candidates: dict[int, float] = {}
        for word in dict.fromkeys(qwords):
            for i in self._prefixed(word):
                candidates.setdefault(i, -1.0)
        for _, fz, i in process.extract(
            query, self.keys, scorer=fuzz.WRatio, limit=self.CANDIDATES // 2, score_cutoff=60,
            processor=None,
        ):
            candidates[i] = fz
        scored = []
        for i, fz in candidates.items():
            key = self.keys[i]
            cover, unmatched = _word_cover(qwords, key.split())
            ratio = fuzz.ratio(query, key) / 100
            pop = math.log1p(self.counts[i]) / self._pop_norm
            score = 100 * (0.55 * cover + 0.25 * ratio + 0.20 * pop) - 2 * unmatched
            if cover == 0 and fz < 75:
                continue
            scored.append((max(score, 0.0), -i, i))
        best = heapq.nlargest(limit, scored)
        return [Suggestion(self.values[i], self.counts[i], round(s, 1)) for s, _, i in best]


def _word_cover(qwords: Sequence[str], cwords: Sequence[str]) -> tuple[float, int]:
    """How well the typed words cover the choice's words (each typed word a prefix of one),
    and how many of the choice's words are left unmatched."""
    used: set[int] = set()
    total = 0.0
    for qw in qwords:
        best, best_j = 0.0, -1
        for j, cw in enumerate(cwords):
            if j in used:
                continue
            if cw.startswith(qw):
                s = 1.0
            elif len(qw) >= 3:
                s = max(fuzz.ratio(qw, cw[: len(qw)]), fuzz.ratio(qw, cw)) / 100
                s = 0.9 * s if s >= 0.75 else 0.0
            else:
                s = 0.0
            if s > best:
                best, best_j = s, j
                if s == 1.0:
                    break
        if best_j >= 0:
            used.add(best_j)
            total += best
    return total / len(qwords), len(cwords) - len(used)


# -- near-duplicate tags -----------------------------------------------------------------------
_DIGITS = re.compile(r"\d+")


def _stem_key(tag: str) -> str:
    return "-".join(stem(w) for w in tag.split("-"))


def _abbreviates(a: Sequence[str], b: Sequence[str]) -> bool:
    """Same words, some shortened: `conn-pool` / `connection-pool`, `config` / `configuration`."""
    if len(a) != len(b) or a == b:
        return False
    for x, y in zip(a, b, strict=True):
        short, long = (x, y) if len(x) <= len(y) else (y, x)
        if short != long and (len(short) < 3 or not long.startswith(short)):
            return False
    return True


# -- related entries, similar entries, search ---------------------------------------------------
Group = tuple[tuple[str, float], ...]  # a typed term: the known terms it stands for, with factors


class Suggester:
    """Every suggestion over one `KnowledgeIndex` (built once per index version)."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index
        self.version = index.version
        self.records = index.records
        self.tag_completer = Completer(index.tag_counts.items())
        self.service_completer = Completer(
            (index.service_name(k), n) for k, n in index.service_counts.items()
        )
        self.owner_completer = Completer(
            (index.owner_names.get(k, k), n) for k, n in index.owner_counts.items()
        )
        self._build_tag_lookups()
        self._built = False  # the postings: built on the first related/similar/search
        self._expansions: dict[str, Group] = {}
        self._fields: dict[tuple[int, int], tuple[frozenset[str], float]] = {}
        self.cap = max(MIN_CAP, min(CAP, len(self.records) // 20))

    # -- building --------------------------------------------------------------------------
    def _build_tag_lookups(self) -> None:
        self._tag_list = list(self.index.tag_counts)
        self._tag_by_compact: dict[str, list[str]] = {}
        self._tag_by_stem: dict[str, list[str]] = {}
        first: dict[str, list[str]] = {}
        for tag in self._tag_list:
            self._tag_by_compact.setdefault(tag.replace("-", ""), []).append(tag)
            self._tag_by_stem.setdefault(_stem_key(tag), []).append(tag)
            first.setdefault(tag.split("-")[0], []).append(tag)
        self._tag_first = first
        self._tag_first_sorted = sorted(first)

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

    # -- simple completions -----------------------------------------------------------------
    def tags(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Existing tags for what is typed, by fuzzy match and use count."""
        return self.tag_completer.complete(prefix, limit)

    def services(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Services the knowledge base already names (their usual spelling)."""
        return self.service_completer.complete(prefix, limit)

    def owners(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Follow-up owners the knowledge base already names (`@dana`)."""
        return self.owner_completer.complete(prefix, limit)

    def near_duplicate_tag(self, new_tag: str) -> str | None:
        """The existing tag `new_tag` nearly duplicates (`conn-pool` for `connection-pool`,
        `db-timeout` for `db-timeouts`), the most used if several; None if `new_tag` exists
        as it is, or nothing is close."""
        tag = normalise_tag(new_tag)
        counts = self.index.tag_counts
        if not tag or tag in counts:
            return None
        found = set(self._tag_by_compact.get(tag.replace("-", ""), ()))
        found.update(self._tag_by_stem.get(_stem_key(tag), ()))
        if not found:
            words = tag.split("-")
            head = words[0]
            firsts = {head[:n] for n in range(3, len(head))}
            lo = bisect.bisect_left(self._tag_first_sorted, head)
            hi = bisect.bisect_left(self._tag_first_sorted, head + "\U0010ffff", lo)
            firsts.update(self._tag_first_sorted[lo:hi])
            for first in firsts:
                for other in self._tag_first.get(first, ()):
                    if _abbreviates(words, other.split("-")):
                        found.add(other)
        if not found and len(tag) >= 5:
            digits = _DIGITS.findall(tag)
            limit_distance = 2 if len(tag) >= 10 else 1
            for other, _, _ in process.extract(
                tag, self._tag_list, scorer=Levenshtein.distance, limit=5,
                score_cutoff=limit_distance,
            ):
                if _DIGITS.findall(other) == digits:
                    found.add(other)
        if not found:
            return None
        return max(found, key=lambda t: (counts[t], -abs(len(t) - len(tag)), t))

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

    # -- related and similar ----------------------------------------------------------------
    def related(
        self, entry: EntryBase | Record, limit: int = 5, exclude_path: str | Path | None = None,
        min_score: float = 5.0,
    ) -> list[Match]:
        """Past entries most like `entry` (the one being written): same services, similar
        symptoms, cause and title, shared tags. Excludes `exclude_path` and `entry`'s own id."""
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
        total = _sum_parts(parts)
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
        acc = _sum_parts(parts)
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


def _sum_parts(parts: list[dict[int, float]]) -> dict[int, float]:
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


# -- one Suggester per index, and module-level shortcuts -----------------------------------------
_SUGGESTERS: weakref.WeakKeyDictionary[KnowledgeIndex, Suggester] = weakref.WeakKeyDictionary()


def suggester(index: KnowledgeIndex) -> Suggester:
    """The index's Suggester, built on first use and again after the index changes."""
    current = _SUGGESTERS.get(index)
    if current is None or current.version != index.version:
        current = Suggester(index)
        _SUGGESTERS[index] = current
    return current


def tags(index: KnowledgeIndex, prefix: str, limit: int = 8) -> list[Suggestion]:
    return suggester(index).tags(prefix, limit)


def near_duplicate_tag(index: KnowledgeIndex, new_tag: str) -> str | None:
    return suggester(index).near_duplicate_tag(new_tag)


def services(index: KnowledgeIndex, prefix: str, limit: int = 8) -> list[Suggestion]:
    return suggester(index).services(prefix, limit)


def owners(index: KnowledgeIndex, prefix: str, limit: int = 8) -> list[Suggestion]:
    return suggester(index).owners(prefix, limit)


def related(
    index: KnowledgeIndex, entry: EntryBase | Record, limit: int = 5,
    exclude_path: str | Path | None = None,
) -> list[Match]:
    return suggester(index).related(entry, limit, exclude_path)


def similar(
    index: KnowledgeIndex, title: str, symptoms: str = "", services: Iterable[str] = (),
    limit: int = 5,
) -> list[Match]:
    return suggester(index).similar(title, symptoms, services, limit)


def search(index: KnowledgeIndex, query: str, limit: int = 20) -> list[tuple[Record, float]]:
    return suggester(index).search(query, limit)


def search_matches(index: KnowledgeIndex, query: str, limit: int = 20) -> list[Match]:
    return suggester(index).search_matches(query, limit)


# -- Related Issues links -------------------------------------------------------------------------
def related_link(from_path: str | Path, to_record: Record, root: Path | None = None) -> str:
    """`[Target Title](relative/path.md)`, relative to the folder of `from_path` (the new
    entry's file). A record path that is relative is taken from `root`."""
    target = Path(to_record.path)
    if not target.is_absolute() and root is not None:
        target = root / target
    start = Path(from_path).parent
    relative = PurePosixPath(*Path(os.path.relpath(target, start)).parts)
    title = " ".join(to_record.title.split()) or target.stem
    title = title.replace("[", "(").replace("]", ")")
    return f"[{title}]({quote(str(relative), safe='/')})"


def related_issue_item(from_path: str | Path, to_record: Record, root: Path | None = None) -> Item:
    """The Related Issues line for a link to `to_record`: `Item(label=None,
    text="[Target Title](../../issues/memory-service/ops-learning-....md)")`."""
    from .model import Item  # pydantic: `opswizard search` does not need it

    return Item(text=related_link(from_path, to_record, root))
