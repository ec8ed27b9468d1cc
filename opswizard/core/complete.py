"""Completions of a field as the author types: tags, services, owners, and the existing
tag a new one nearly duplicates. Pure: no Textual, no I/O.

`FieldCompletions` reads a `KnowledgeIndex` (`index.py`) once; a keystroke then costs one
rapidfuzz call over a precomputed choice list plus a little Python over a bounded
candidate set. Each field is a `Completer`: normalised choice keys (`-`, `_`, spaces and
case do not matter: `conn pool` finds `connection-pool`), a sorted word list for per-word
prefix look-ups (bisect), use counts. Candidates are the most used choices with a word
starting with a typed word, plus `rapidfuzz.process.extract` (WRatio, score_cutoff) over
all keys for typos; each is scored by word-prefix coverage, fuzzy ratio and use count.

Scores are floats from 0 to 100, best first.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .index import KnowledgeIndex, stem
from .tags import normalise_tag


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A value to offer (a tag, a service's usual spelling, an owner), its use count."""

    value: str
    count: int
    score: float


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



class FieldCompletions:
    """Tag, service and owner completions over one `KnowledgeIndex`, and near-duplicate tags."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index
        self.version = index.version
        self.tag_completer = Completer(index.tag_counts.items())
        self.service_completer = Completer(
            (index.service_name(k), n) for k, n in index.service_counts.items()
        )
        self.owner_completer = Completer(
            (index.owner_names.get(k, k), n) for k, n in index.owner_counts.items()
        )
        self._build_tag_lookups()

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
