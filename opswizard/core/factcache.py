"""The facts of every entry, kept up to date in a cache beside the index: `load(root)`.

`load` is the one function the ledger, `stats`, `report` and the TUI read through. It asks
the knowledge base's index (`kbdb.KbIndex`: a stat of every file, parsing only what
changed) for the entries and the sha256 of each file, and keeps one `Facts` row per entry
in its own cache file, keyed by that sha256: a warm run reads no entry file at all. An
entry whose bytes changed is read and its facts taken again; then the repeat pairs that the
change can move (`repeats.affected`) are worked out again with the one search, and kept.

The cache: `platformdirs.user_cache_path("opswizard")/facts/<same name as the index's>.json`,
mode 0600, written atomically (`store.write_private`), never inside the knowledge base.
Like the index's, it is untrusted: another format, version, fingerprint or root, or one
row of the wrong shape, and it is ignored whole (rebuilt).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import kbdb, kbindex, repeats, store
from .facts import Facts, from_bytes, from_row
from .summary import Summary

FORMAT = "opswizard-facts"
VERSION = 1


@dataclass
class FactSet:
    """Every entry's facts, newest first, and the files that are not usable entries."""

    root: Path
    entries: list[Facts] = field(default_factory=list)
    bad: list[tuple[Path, str]] = field(default_factory=list)
    parsed: int = 0  # entries read this time (0 on a warm run with no change)
    paired: int = 0  # entries whose repeat pair was worked out this time

    def path(self, facts: Facts) -> Path:
        """The entry's file."""
        return self.root / facts.key

    def by_key(self) -> dict[str, Facts]:
        return {f.key: f for f in self.entries}


def cache_file(root: Path) -> Path:
    index_file = kbindex.cache_file(root)
    return index_file.parent.parent / "facts" / index_file.name


def _fingerprint() -> str:
    return f"{kbindex.fingerprint()}:{VERSION}"


@dataclass
class Cached:
    """What the facts cache holds: facts by key, keys whose pair is still to be worked out,
    each scanned file's (size, mtime_ns) when its facts were taken, and the unusable files."""

    facts: dict[str, Facts] = field(default_factory=dict)
    unpaired: set[str] = field(default_factory=set)
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)
    bad: dict[str, str] = field(default_factory=dict)


def read_cache(root: Path) -> Cached:
    """The facts cache; empty when there is none or it is not to be trusted."""
    try:
        with open(cache_file(root), "rb") as handle:
            data = handle.read(kbindex.MAX_CACHE_BYTES + 1)
        if len(data) > kbindex.MAX_CACHE_BYTES:
            return Cached()
        doc = json.loads(data)
        if (type(doc) is not dict or doc.get("format") != FORMAT
                or doc.get("fingerprint") != _fingerprint()
                or doc.get("root") != os.fspath(Path(root).resolve())
                or type(doc.get("rows")) is not list or type(doc.get("unpaired")) is not list
                or type(doc.get("stamps")) is not dict or type(doc.get("bad")) is not dict):
            return Cached()
        rows = [from_row(row) for row in doc["rows"]]
        unpaired = set(doc["unpaired"])
        stamps = {}
        for key, stamp in doc["stamps"].items():
            if (type(stamp) is not list or len(stamp) != 2 or type(stamp[0]) is not int
                    or type(stamp[1]) is not int):
                return Cached()
            stamps[key] = (stamp[0], stamp[1])
        bad = doc["bad"]
        if not set(map(type, bad.values())) <= {str}:
            return Cached()
    except (OSError, ValueError, TypeError, RecursionError, MemoryError):
        return Cached()
    by_key = {f.key: f for f in rows}
    if (len(by_key) != len(rows) or not unpaired <= set(by_key)
            or set(stamps) != set(by_key) | set(bad) or set(bad) & set(by_key)):
        return Cached()
    return Cached(by_key, unpaired, stamps, bad)


def write_cache(root: Path, cached: Cached) -> bool:
    """Write the cache atomically; False (nothing raised) when it cannot be written."""
    doc = {"format": FORMAT, "fingerprint": _fingerprint(),
           "root": os.fspath(Path(root).resolve()),
           "rows": [f.row() for f in cached.facts.values()],
           "unpaired": sorted(cached.unpaired), "stamps": cached.stamps, "bad": cached.bad}
    try:
        store.write_private(cache_file(root), json.dumps(doc, separators=(",", ":")).encode())
    except (OSError, ValueError, TypeError):
        return False
    return True


def scan(root: Path) -> dict[str, tuple[str, int, int]] | None:
    """Every `.md` file under root as `store.scan` finds it: key -> (path, size, mtime_ns),
    mtime 0 for a file modified within the index's racy interval (so it is checked again
    next time); None when a file cannot be stat-ed."""
    import time

    racy = time.time_ns() - kbdb.RACY_NS
    root_text = os.fspath(root)
    prefix = len(os.path.join(root_text, ""))
    found = {}
    for item in store.scan_entries(root):
        try:
            info = item.stat(follow_symlinks=False)
        except OSError:
            return None
        key = item.path[prefix:]
        if os.sep != "/":  # pragma: no cover - Windows
            key = key.replace(os.sep, "/")
        mtime = info.st_mtime_ns if info.st_mtime_ns <= racy else 0
        found[key] = (key if root_text == "." else item.path, info.st_size, mtime)
    return found


def _sorted(facts: dict[str, Facts]) -> list[Facts]:
    floor = datetime.min.replace(tzinfo=UTC)
    return sorted(facts.values(), key=lambda f: (f.when or floor, f.key), reverse=True)


def load(root: Path, progress: Callable[[int, int], None] | None = None,
         use_cache: bool = True, pairs: bool = True) -> FactSet:
    """Every entry's facts under root, through the index and the facts cache.

    Warm, with no file changed since the facts were taken (every file's size and mtime as
    stamped), the facts come from their cache alone. Else the index is brought up to date
    (`kbdb.KbIndex`) and the entries whose sha256 changed are read again.
    `pairs=False` (the ledger): repeat pairs a change may have moved are not worked out
    now, only noted in the cache as still to do (`Facts.repeat` may then be stale).
    """
    root = Path(root)
    cached = read_cache(root) if use_cache else Cached()
    found = scan(root) if use_cache else None
    if (found is not None and cached.stamps and not (cached.unpaired and pairs)
            and len(found) == len(cached.stamps)
            and all(cached.stamps.get(key) == (size, mtime) and mtime
                    for key, (_, size, mtime) in found.items())):
        return FactSet(root, _sorted(cached.facts),
                       [(Path(found[key][0]), error) for key, error in sorted(cached.bad.items())])
    kb = kbdb.KbIndex.open(root, progress)
    try:
        return _load(root, kb, cached, found, progress, use_cache, pairs)
    finally:
        kb.close()


def _load(root: Path, kb: kbdb.KbIndex, cached: Cached,
          found: dict[str, tuple[str, int, int]] | None,
          progress: Callable[[int, int], None] | None, use_cache: bool, pairs: bool) -> FactSet:
    """`load` once the index is up to date: take the facts of what changed, and pair."""
    out = FactSet(root)
    facts_of: dict[str, Facts] = {}
    summary_of: dict[str, Summary] = {}
    changed: list[str] = []
    for summary in kb.summaries():
        path = str(summary.path)
        if summary.error:
            out.bad.append((summary.path, summary.error))
            continue
        key = summary.key
        summary_of[key] = summary
        old = cached.facts.get(key)
        if old is not None and old.sha256 == summary.sha256:
            facts_of[key] = old
            continue
        try:
            facts = from_bytes(key, store.read_bytes(Path(path)))
        except store.StoreError as exc:
            out.bad.append((Path(path), str(exc).removeprefix(f"{path}: ")))
            continue
        if facts is None:
            out.bad.append((Path(path), "not a usable entry (changed since indexed)"))
            continue
        facts_of[key] = facts
        changed.append(key)
    out.parsed = len(changed)
    deleted = set(cached.facts) - set(facts_of)
    redo = cached.unpaired & set(facts_of)
    if changed or deleted:
        redo |= repeats.affected(facts_of, changed, deleted)
    if redo and pairs:
        _pair(kb, facts_of, summary_of, redo, progress)
        out.paired = len(redo)
    out.entries = _sorted(facts_of)
    if use_cache:
        bad = {}
        for bad_path, error in out.bad:
            key = os.path.relpath(os.fspath(bad_path), root)
            bad[key.replace(os.sep, "/")] = error
        stamps = {key: (size, mtime) for key, (_, size, mtime) in (found or {}).items()
                  if key in facts_of or key in bad}
        for key in set(facts_of) | set(bad):
            stamps.setdefault(key, (-1, 0))  # not seen by the scan: checked next time
        write_cache(root, Cached({f.key: f for f in out.entries}, set() if pairs else redo,
                                 stamps, bad))
    return out


def _pair(kb: kbdb.KbIndex, facts_of: dict[str, Facts], summary_of: dict[str, Summary],
          redo: set[str], progress: Callable[[int, int], None] | None) -> None:
    """Work out the repeat pair of each key in `redo` (in place), with the one search
    (`repeat_batch`: many look-ups at once, the same pairs as one by one)."""
    from dataclasses import replace

    from .repeat_batch import pair_all

    for key, pair in pair_all(kb, facts_of, summary_of, redo, progress).items():
        if pair != facts_of[key].repeat:
            facts_of[key] = replace(facts_of[key], repeat=pair)
