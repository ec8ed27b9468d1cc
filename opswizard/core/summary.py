"""One summary of an entry, derived from the template description.

The template (`template.py`) flags each field that takes part in the knowledge base's
summary: `listed` (shown by `opswizard list` and in the browser's rows), `search` (a BM25
weight: the field is a column of the search documents), `facet` (the browser's and
`list`'s filters). Everything that holds a summary derives from those flags: the
`Summary` type below, the index's rows and search columns (`kbdb.py`), the browser's rows,
`list --json` (`Summary.listed`) and the search documents (`Summary.texts`). Adding a
searchable field is one change in `template.py`.

`summarize(key, data)` makes a file's summary from its bytes (a file that is not an entry
gives a summary with `error` set), by the summary reader (`fastsummary.py`) or, where that
declines, the full parser (`summarize_full`); `from_entry` from a parsed entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .template import MACHINE_FIELDS, SECTIONS, FieldSpec

if TYPE_CHECKING:  # pragma: no cover
    from .model import EntryBase
    from .store import Loaded

_SPECS: tuple[FieldSpec, ...] = (
    *(f for s in SECTIONS for f in s.fields), *MACHINE_FIELDS,
)
SEARCH_FIELDS: tuple[tuple[str, float], ...] = tuple(
    (f.summary_name, f.search) for f in _SPECS if f.search
)
"""(name, BM25 weight) of each searched field, in template order."""
SEARCH_NAMES: tuple[str, ...] = tuple(name for name, _ in SEARCH_FIELDS)
LISTED: tuple[str, ...] = ("id", *(f.summary_name for f in _SPECS
                                   if f.listed and f.key != "id"))
"""The fields `list --json` prints (then `completeness` and `path`)."""
FACETS: tuple[str, ...] = tuple(f.facet for f in _SPECS if f.facet)
"""The facet names (`tag` for the tags: one value of several)."""
_FACET_FIELD = {f.facet: f.summary_name for f in _SPECS if f.facet}
_SEARCH_SPECS = tuple(f for f in _SPECS if f.search)


class FollowUp(NamedTuple):
    """One follow-up action of an entry (`n`: its place among the entry's actions)."""

    n: int
    text: str
    owner: str
    deadline: str
    done: bool


@dataclass(frozen=True, slots=True)
class Summary:
    """One file of the knowledge base: an entry's summary, or why the file is not one.

    `key` is the path relative to the root, `/`-separated (unique, stable); `path` the
    file. `texts` holds the searched fields (`SEARCH_NAMES` order), each on one line.
    `loaded` is the parsed file once something (a preview) has read it.
    """

    key: str
    path: Path
    sha256: str = field(default="", compare=False)
    error: str = ""
    id: str = ""
    title: str = ""
    date: str = ""
    when: datetime | None = None
    category: str = ""
    severity: str = ""
    status: str = ""
    tags: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    percent: int = 0
    texts: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    followups: tuple[FollowUp, ...] = ()
    size: int = field(default=0, compare=False)
    mtime_ns: int = field(default=0, compare=False)
    loaded: Loaded | None = field(default=None, compare=False, repr=False)

    @property
    def broken(self) -> bool:
        """The file could not be read as an entry (`error` says why)."""
        return bool(self.error)

    def text(self, name: str) -> str:
        """A searched field's text (`symptoms`, `primary_cause`, ...), on one line."""
        try:
            return self.texts[SEARCH_NAMES.index(name)]
        except (ValueError, IndexError):
            return ""

    @property
    def symptoms(self) -> str:
        return self.text("symptoms")

    @property
    def day(self) -> str:
        """YYYY-MM-DD, or the date as written when it cannot be read."""
        return self.when.strftime("%Y-%m-%d") if self.when else self.date[:10]

    def facet_values(self, name: str) -> tuple[str, ...]:
        """The summary's values for a facet (several for `tag`)."""
        value = getattr(self, _FACET_FIELD.get(name, name), "")
        if isinstance(value, tuple):
            return value
        return (value,) if value else ()

    def listed(self) -> dict[str, Any]:
        """The row `list --json` prints (LISTED fields, then completeness)."""
        out: dict[str, Any] = {}
        for name in LISTED:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        out["completeness"] = self.percent
        return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _field_text(entry: EntryBase, spec: FieldSpec) -> str:
    if spec.key == "tags":
        return " ".join(entry.tags)
    if spec.key == "related_services":
        return " ".join(entry.services())
    return _one_line(entry.get(spec.key))


def from_entry(entry: EntryBase, key: str, path: Path, sha256: str = "") -> Summary:
    """The summary of a parsed entry."""
    from .checklist import evaluate
    from .links import hrefs

    owners: list[str] = []
    followups = []
    for n, action in enumerate(entry.follow_up_actions.items):
        if action.raw:
            continue
        owner = action.owner.strip()
        if owner and owner not in owners:
            owners.append(owner)
        followups.append(FollowUp(n, action.text, owner, action.deadline.strip(), action.done))
    return Summary(
        key=key, path=path, sha256=sha256, id=entry.id, title=entry.title, date=entry.date,
        when=entry.when(), category=entry.category, severity=entry.severity,
        status=entry.status, tags=tuple(entry.tags), services=tuple(entry.services()),
        owners=tuple(owners), percent=evaluate(entry).percent,
        texts=tuple(_field_text(entry, spec) for spec in _SEARCH_SPECS),
        links=tuple(hrefs(entry)), followups=tuple(followups),
    )


def from_loaded(loaded: Loaded, root: Path) -> Summary:
    """The summary of a loaded file (the parsed entry kept on it)."""
    s = from_entry(loaded.entry, key_for(loaded.path, root), loaded.path)
    object.__setattr__(s, "loaded", loaded)
    return s


def summarize(key: str, data: bytes, path: Path | None = None) -> Summary:
    """A file's summary from its bytes (size and mtime: filled in by the caller).

    Read without building the entry (`fastsummary.read`) where that reader is sure, else
    by the full parser (`summarize_full`): the same summary either way."""
    from .fastsummary import read

    return read(key, data, path) or summarize_full(key, data, path)


def summarize_full(key: str, data: bytes, path: Path | None = None) -> Summary:
    """A file's summary by parsing it fully into an entry (`parse.parse_bytes`)."""
    from .parse import parse_bytes

    sha = hashlib.sha256(data).hexdigest()
    where = path if path is not None else Path(key)
    result = parse_bytes(data)
    entry = result.entry
    if result.errors and not entry.present_sections():
        return broken(where, key, result.errors[0].message or "unreadable", sha)
    return from_entry(entry, key, where, sha)


def broken(path: Path, key: str, error: str, sha256: str = "") -> Summary:
    """The summary of a file that is not a usable entry: its name as title, and why."""
    return Summary(key=key, path=path, sha256=sha256, title=path.name,
                   error=error or "unreadable")


def key_for(path: Path, root: Path) -> str:
    """A file's key: its path relative to the root, `/`-separated."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
