"""The knowledge base as a small in-memory index: one light record per entry, plus counts.

`KnowledgeIndex` is what the suggesters (`suggest.py`), the browser's search and
`opswizard search` read. It is built from loaded entries (`from_loaded`) or from records
alone (`KnowledgeIndex(records)`); `KnowledgeIndex.build(root)` feeds it from the index
cache (`kbindex.py`), which parses only the files changed since the last run.

A `Record` holds only what suggestions and search need: identity, the summary
fields, tags, services, follow-up owners, symptoms, primary cause, impact and a
precomputed normalised search text. Records are kept newest first.

Also here, shared by the index and the suggesters: how text is normalised
(`norm_text`), cut into search terms (`terms`: lower case, stop words dropped,
light English stemming so `exhausted`/`exhaustion` and `timeouts`/`timeout` meet),
and how services and owners are keyed (`service_key`, `owner_key`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .tags import normalise_tag

if TYPE_CHECKING:  # pragma: no cover
    from .model import EntryBase
    from .store import Loaded

# -- text ------------------------------------------------------------------------------------
_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script

STOP_WORDS = frozenset(
    """a an and are as at be been but by for from had has have in into is it its no not of on
    or our so than that the their then there these this to too was we were when which while
    with without after before during over under via per all any some more most very can could
    would should will did does do done up out off
    """.split()
)

_STEM_CACHE: dict[str, str] = {}
_SUFFIXES = (
    ("ations", 5), ("ation", 5), ("ions", 4), ("ion", 4), ("ments", 4), ("ment", 4),
    ("ings", 4), ("ing", 4), ("ed", 4), ("ies", 3), ("s", 3),
)


def norm_text(text: str) -> str:
    """Lower case; each run of non-alphanumerics one space (`Pool-exhausted!`: `pool exhausted`)."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def stem(word: str) -> str:
    """A light, conservative English stemmer: `timeouts`->`timeout`, `exhausted`->`exhaust`."""
    cached = _STEM_CACHE.get(word)
    if cached is not None:
        return cached
    out = word
    if not word.isdigit() and not word.endswith("ss"):
        for suffix, keep in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= keep:
                out = word[: -len(suffix)]
                if suffix == "ies":
                    out += "y"
                break
    if len(_STEM_CACHE) < 500_000:
        _STEM_CACHE[word] = out
    return out


class _TermCache(dict[str, str]):
    """word -> its search term ("" for a stop word, a 1-letter word or a non-ASCII word)."""

    def __missing__(self, word: str) -> str:
        if len(word) < 2 or word in STOP_WORDS:
            term = ""
        else:
            term = stem(word)
        if len(self) < 500_000:
            self[word] = term
        return term


_TERMS = _TermCache()


def terms(text: str) -> list[str]:
    """Search terms of a text: lower-cased, stemmed words, stop words and 1-letter words gone."""
    return list(filter(None, map(_TERMS.__getitem__, _WORD.findall(text.lower()))))


def term_set(text: str) -> set[str]:
    """The distinct search terms of a text (what an inverted index posts)."""
    return set(filter(None, map(_TERMS.__getitem__, _WORD.findall(text.lower()))))


_SERVICE_KEYS: dict[str, str] = {}


def service_key(name: str) -> str:
    """One key per service however it is spelt (`Memory Service`, `memory_service`)."""
    key = _SERVICE_KEYS.get(name)
    if key is None:
        key = normalise_tag(name)
        if len(_SERVICE_KEYS) < 100_000:
            _SERVICE_KEYS[name] = key
    return key


def owner_key(name: str) -> str:
    """One key per owner (`@Dana`, `dana` -> `dana`)."""
    return name.strip().lstrip("@").strip().lower()


# -- records ---------------------------------------------------------------------------------
@dataclass(slots=True, frozen=True)
class Record:
    """One entry, as small as suggestions and search need it.

    `path` is a string (absolute, or relative to the index's root when fed from a
    cache); `text` is the normalised search text (`search_text`), computed by
    `make_record`.
    """

    path: str
    id: str
    title: str
    date: str
    category: str
    severity: str
    status: str
    tags: tuple[str, ...]
    services: tuple[str, ...]
    owners: tuple[str, ...]
    symptoms: str
    primary_cause: str
    impact: str
    text: str

    def to_dict(self) -> dict[str, object]:
        """Plain data (JSON-ready), e.g. for a cache."""
        return {name: getattr(self, name) for name in self.__slots__}


def search_text(
    title: str, symptoms: str, primary_cause: str, impact: str, services: Iterable[str],
    tags: Iterable[str], category: str = "",
) -> str:
    """The normalised text a record is searched by (title first)."""
    parts = [title, symptoms, primary_cause, impact, " ".join(services), " ".join(tags), category]
    return " ".join(p for p in (norm_text(part) for part in parts) if p)


def make_record(
    path: str | Path,
    *,
    id: str = "",
    title: str = "",
    date: str = "",
    category: str = "",
    severity: str = "",
    status: str = "",
    tags: Iterable[str] = (),
    services: Iterable[str] = (),
    owners: Iterable[str] = (),
    symptoms: str = "",
    primary_cause: str = "",
    impact: str = "",
    text: str | None = None,
) -> Record:
    """A record, its search text computed unless given (a cache may store it)."""
    tags_t = tuple(tags)
    services_t = tuple(services)
    if text is None:
        text = search_text(title, symptoms, primary_cause, impact, services_t, tags_t, category)
    return Record(
        str(path), id, title, date, category, severity, status, tags_t, services_t,
        tuple(owners), symptoms, primary_cause, impact, text,
    )


def record_from_dict(data: dict[str, object]) -> Record:
    """The inverse of `Record.to_dict` (lists become tuples)."""
    values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items()}
    return make_record(**values)  # type: ignore[arg-type]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def record_from_entry(entry: EntryBase, path: str | Path) -> Record:
    """The record of a parsed entry."""
    owners: list[str] = []
    for action in entry.follow_up_actions.items:
        owner = action.owner.strip()
        if owner and not action.raw and owner not in owners:
            owners.append(owner)
    return make_record(
        path,
        id=entry.id,
        title=_one_line(entry.title),
        date=entry.date.strip(),
        category=entry.category.strip(),
        severity=entry.severity.strip(),
        status=entry.status,
        tags=entry.tags,
        services=entry.services(),
        owners=owners,
        symptoms=_one_line(entry.get("symptoms")),
        primary_cause=_one_line(entry.get("primary_cause")),
        impact=_one_line(entry.get("impact")),
    )


# -- the index -------------------------------------------------------------------------------
class KnowledgeIndex:
    """Every entry of a knowledge base as a `Record` (newest first), with use counts.

    - `tag_counts`: tag -> entries using it;
    - `service_counts`: service key -> entries; `service_names[key]`: its most used spelling;
    - `owner_counts`: owner key -> entries; `owner_names[key]`: its most used spelling.

    `version` goes up on every change (`add`, `remove`), so derived structures
    (the suggesters) know when to rebuild.
    """

    def __init__(self, records: Iterable[Record] = (), root: Path | None = None) -> None:
        self.root = root
        self.bad: list[tuple[Path, str]] = []
        self.version = 0
        self._set(list(records))

    # -- building ------------------------------------------------------------------------
    @classmethod
    def from_loaded(cls, loaded: Iterable[Loaded], root: Path | None = None) -> KnowledgeIndex:
        return cls((record_from_entry(item.entry, item.path) for item in loaded), root)

    @classmethod
    def build(cls, root: Path, progress: Callable[[int, int], None] | None = None,
              ) -> KnowledgeIndex:
        """Read the knowledge base under root through the index cache (`kbindex.load`:
        only files changed since the last run are parsed); files that are not entries go
        to `bad`. `progress(done, total)` is called while files are parsed."""
        from . import kbindex

        return kbindex.load(root, progress).index()

    @classmethod
    def from_counts(cls, tags: Iterable[tuple[str, int]], services: Iterable[tuple[str, int]],
                    owners: Iterable[tuple[str, int]], root: Path | None = None,
                    ) -> KnowledgeIndex:
        """An index holding only use counts (tag, service and owner spellings with the
        entries using each), for completions: no records."""
        index = cls((), root)
        index.tag_counts = Counter(dict(tags))
        for attr, names_attr, items, key_of in (
                ("service_counts", "service_names", services, service_key),
                ("owner_counts", "owner_names", owners, owner_key)):
            counts: Counter[str] = Counter()
            spellings: Counter[tuple[str, str]] = Counter()
            for name, n in items:
                key = key_of(name)
                if key:
                    counts[key] += n
                    spellings[(key, name)] += n
            setattr(index, attr, counts)
            setattr(index, names_attr, _spellings(spellings))
        return index

    def _set(self, records: list[Record]) -> None:
        records.sort(key=lambda r: (r.date, r.path), reverse=True)
        self.records: list[Record] = records
        self._by_path: dict[str, int] | None = None
        tags: Counter[str] = Counter()
        services: Counter[str] = Counter()
        owners: Counter[str] = Counter()
        service_spellings: Counter[tuple[str, str]] = Counter()
        owner_spellings: Counter[tuple[str, str]] = Counter()
        for record in records:
            tags.update(set(record.tags))
            for name in set(record.services):
                key = service_key(name)
                if key:
                    services[key] += 1
                    service_spellings[(key, name)] += 1
            for name in set(record.owners):
                key = owner_key(name)
                if key:
                    owners[key] += 1
                    owner_spellings[(key, name)] += 1
        tags.pop("", None)
        self.tag_counts: Counter[str] = tags
        self.service_counts: Counter[str] = services
        self.owner_counts: Counter[str] = owners
        self.service_names = _spellings(service_spellings)
        self.owner_names = _spellings(owner_spellings)
        self.version += 1

    # -- changing ------------------------------------------------------------------------
    def add(self, record: Record) -> None:
        """Add a record, replacing the one with the same path (e.g. after a save)."""
        self._set([r for r in self.records if r.path != record.path] + [record])

    def remove(self, path: str | Path) -> None:
        self._set([r for r in self.records if r.path != str(path)])

    # -- reading -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def get(self, path: str | Path) -> Record | None:
        if self._by_path is None:
            self._by_path = {r.path: i for i, r in enumerate(self.records)}
        i = self._by_path.get(str(path))
        return None if i is None else self.records[i]

    def service_name(self, key: str) -> str:
        return self.service_names.get(key, key)

    def tags_used(self) -> list[tuple[str, int]]:
        """(tag, count), most used first."""
        return sorted(self.tag_counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def services_used(self) -> list[tuple[str, int]]:
        """(service's usual spelling, count), most used first."""
        return [(self.service_names[k], n) for k, n in
                sorted(self.service_counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    def owners_used(self) -> list[tuple[str, int]]:
        """(owner's usual spelling, count), most used first."""
        return [(self.owner_names[k], n) for k, n in
                sorted(self.owner_counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _spellings(counts: Counter[tuple[str, str]]) -> dict[str, str]:
    """key -> its most used spelling (ties: the first in sort order)."""
    best: dict[str, tuple[int, str]] = {}
    for (key, name), n in counts.items():
        current = best.get(key)
        if current is None or n > current[0] or (n == current[0] and name < current[1]):
            best[key] = (n, name)
    return {key: name for key, (_, name) in best.items()}
