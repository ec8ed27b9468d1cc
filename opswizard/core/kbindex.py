"""The knowledge base as the index knows it, for callers that want it all at once.

`load(root)` brings the SQLite index (`kbdb.py`) up to date (parsing only what changed)
and returns a `Snapshot`: every file's `Summary` (`summary.py`), entries and unusable
files apart. From it: the browser's rows (`catalog_rows`), the link graph (`link_graph`)
and the in-process search index (`Snapshot.index`, for the suggesters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import bulkparse, kbdb, store
from .bulkparse import Progress
from .index import KnowledgeIndex, Record, make_record
from .kbdb import Stats, clear
from .summary import Summary, broken, summarize

if TYPE_CHECKING:  # pragma: no cover
    from .links import LinkGraph


def record(summary: Summary, path: str) -> Record:
    """The in-process index's `Record` of an entry's summary, at `path`."""
    return make_record(
        path, id=summary.id, title=" ".join(summary.title.split()), date=summary.date.strip(),
        category=summary.category.strip(), severity=summary.severity.strip(),
        status=summary.status, tags=summary.tags, services=summary.services,
        owners=summary.owners, symptoms=summary.symptoms,
        primary_cause=summary.text("primary_cause"), impact=summary.text("impact"),
    )


@dataclass
class Snapshot:
    """The knowledge base as the index knows it: entries (newest first) and unusable files.

    An entry's path is a string: `str()` of the file's path under the root given.
    """

    root: Path
    entries: list[tuple[str, Summary]] = field(default_factory=list)
    bad: list[tuple[Path, str]] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    summaries: list[Summary] = field(default_factory=list)

    def records(self) -> list[Record]:
        return [record(summary, path) for path, summary in self.entries]

    def index(self) -> KnowledgeIndex:
        """The in-process search index (`KnowledgeIndex`), unusable files in its `bad`."""
        index = KnowledgeIndex(self.records(), self.root)
        index.bad = list(self.bad)
        return index

    def newest_first(self) -> list[tuple[str, Summary]]:
        """Entries by instant, newest first, undated last."""
        return list(self.entries)


MAX_CACHE_BYTES = 512 * 1024 * 1024
"""The largest cache file opswizard reads (for caches kept beside the index)."""
fingerprint = kbdb.fingerprint


def cache_file(root: Path) -> Path:
    """A name for a cache kept beside the index (`<cache>/index/<root's hash>.json`: the
    folder and name other caches derive theirs from; the index itself is `kbdb`'s)."""
    return kbdb.cache_dir() / f"{kbdb.base_name(root)}.json"


def _snapshot(root: Path, summaries: list[Summary], stats: Stats) -> Snapshot:
    snapshot = Snapshot(root, stats=stats, summaries=summaries)
    for s in summaries:
        if s.error:
            snapshot.bad.append((s.path, s.error))
        else:
            snapshot.entries.append((str(s.path), s))
    return snapshot


def load(root: Path, progress: Progress | None = None, workers: int | None = None,
         use_cache: bool = True) -> Snapshot:
    """The knowledge base under root, through the index (which is brought up to date).

    `workers`: processes to parse with (None: decided by the number of files).
    `use_cache=False` reads and parses every file and leaves the index alone.
    """
    root = Path(root)
    if use_cache:
        kb = kbdb.KbIndex.open(root, progress, workers)
        try:
            return _snapshot(root, kb.summaries(), kb.stats)
        finally:
            kb.close()
    stats = Stats(cache="not used")
    items: list[tuple[str, str, bytes]] = []
    bad: list[Summary] = []
    prefix = len(str(Path(root, "x"))) - 1
    for item in store.scan_entries(root):
        try:
            items.append((item.path[prefix:], item.path, store.read_bytes(Path(item.path))))
        except store.StoreError as exc:
            error = str(exc).removeprefix(f"{item.path}: ")
            bad.append(broken(Path(item.path), item.path[prefix:], error))
    parsed = bulkparse.parse_all(items, progress, workers)
    stats.files, stats.parsed, stats.unreadable = len(items) + len(bad), len(parsed), len(bad)
    good = sorted((s for s in parsed if not s.error),
                  key=lambda s: (s.when is not None, s.when.timestamp() if s.when else 0, s.key),
                  reverse=True)
    broken_ones = sorted([*bad, *(s for s in parsed if s.error)], key=lambda s: s.key)
    return _snapshot(root, good + broken_ones, stats)


def knowledge_index(root: Path, progress: Progress | None = None) -> KnowledgeIndex:
    """`KnowledgeIndex.build` through the index."""
    return load(root, progress).index()


def catalog_rows(snapshot: Snapshot) -> list[Summary]:
    """The browser's rows: entries newest first, then the unusable files by path."""
    return list(snapshot.summaries)


def link_graph(snapshot: Snapshot) -> LinkGraph:
    from .links import LinkGraph

    return LinkGraph(snapshot.root, [(Path(path), s.links) for path, s in snapshot.entries])


__all__: Sequence[str] = (
    "Snapshot", "Summary", "Stats", "load", "catalog_rows", "link_graph",
    "knowledge_index", "summarize", "clear", "record", "cache_file", "fingerprint",
)
