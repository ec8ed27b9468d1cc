"""Import many files at once: plan (convert, find where each goes, what is there already),
then apply (write through the store). Used by `opswizard import` and the TUI's import screen.

Idempotence: each imported entry keeps its source's name (`imported_from`) and hash
(`import_sha256`) in its frontmatter. A source whose hash is already in the knowledge base
is `unchanged`; a source imported before under the same name with another hash is `changed`,
and replaces its entry only with `update=True` (the entry keeps its id and its path).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import store
from .importer import HASH_KEY, SOURCE_KEY, Conversion, convert
from .layouts import LayoutMap
from .naming import file_name, folder

Progress = Callable[[int, int], None]
_HEAD = 16 * 1024  # the frontmatter of an entry opswizard wrote is well within this
_HASH_LINE = re.compile(rf"^{HASH_KEY}:[ \t]*([0-9a-f]{{64}})[ \t]*$", re.M)
_SOURCE_LINE = re.compile(rf"^{SOURCE_KEY}:[ \t]*(.+?)[ \t]*$", re.M)


@dataclass
class Planned:
    """One source and what importing it does: write, unchanged, changed, update or skip."""

    source: Path
    name: str
    action: str
    conversion: Conversion | None = None
    target: Path | None = None  # where it goes (write, update) or where it is (unchanged)
    reason: str = ""  # why skipped, or why changed
    expected: str = ""  # the digest the entry to update must still have

    @property
    def writes(self) -> bool:
        return self.action in ("write", "update")


@dataclass
class Known:
    """The entries the knowledge base already holds from imports, by hash and by name."""

    by_hash: dict[str, Path] = field(default_factory=dict)
    by_name: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def scan(cls, root: Path) -> Known:
        known = cls()
        if not root.is_dir():
            return known
        for path in store.scan(root):
            try:
                with open(path, "rb") as handle:
                    head = handle.read(_HEAD).decode("utf-8", "replace")
            except OSError:
                continue
            if not head.lstrip("\ufeff").startswith("---"):
                continue
            end = head.find("\n---", 3)
            front = head[: end if end > 0 else len(head)].replace("\r", "")
            digest = _HASH_LINE.search(front)
            if digest:
                known.by_hash.setdefault(digest.group(1), path)
            name = _SOURCE_LINE.search(front)
            if name:
                known.by_name.setdefault(_unquote(name.group(1)), path)
        return known


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        import json

        try:
            return str(json.loads(value))
        except ValueError:
            return value
    return value


def sources(paths: Iterable[Path]) -> list[tuple[Path, str, str]]:
    """(path, name kept as `imported_from`, problem) for each file to import; folders are
    scanned for `*.md` (a file from a folder is named by its path from the folder's parent)."""
    out: list[tuple[Path, str, str]] = []
    for path in paths:
        if path.is_symlink() and not path.exists():
            out.append((path, path.name, "broken symlink"))
        elif path.is_dir():
            base = path.absolute().parent
            for found in store.scan(path):
                out.append((found, found.absolute().relative_to(base).as_posix(), ""))
        elif path.exists() or path.is_symlink():
            out.append((path, path.name, ""))
        else:
            out.append((path, path.name, "no such file or folder"))
    return out


def plan(root: Path, paths: Iterable[Path], layout: LayoutMap, *, update: bool = False,
         keep_secrets: bool = False, progress: Progress | None = None) -> list[Planned]:
    """What importing the paths would do; nothing is written."""
    from .secrets import load_allowlist

    known = Known.scan(root)
    allowlist = load_allowlist(root)
    todo = sources(paths)
    out: list[Planned] = []
    for done, (path, name, problem) in enumerate(todo):
        if progress:
            progress(done, len(todo))
        out.append(_plan_one(root, path, name, problem, layout, known, update, keep_secrets,
                              allowlist))
    if progress:
        progress(len(todo), len(todo))
    return out


def _plan_one(root: Path, path: Path, name: str, problem: str, layout: LayoutMap, known: Known,
              update: bool, keep_secrets: bool, allowlist: frozenset[str]) -> Planned:
    if problem:
        return Planned(path, name, "skip", reason=problem)
    try:
        data = store.read_bytes(path)
    except store.StoreError as exc:
        return Planned(path, name, "skip", reason=str(exc).removeprefix(f"{path}: "))
    conversion = convert(data, name, layout, keep_secrets, allowlist)
    if conversion.skipped or conversion.entry is None or conversion.data is None:
        return Planned(path, name, "skip", conversion, reason=conversion.skipped)
    if conversion.sha256 in known.by_hash:
        return Planned(path, name, "unchanged", conversion, known.by_hash[conversion.sha256])
    relative = folder(conversion.entry) / file_name(conversion.entry)
    target = root / relative
    same = _same_bytes(target.parent, conversion.data)
    if same is not None:
        return Planned(path, name, "unchanged", conversion, same)
    existing = known.by_name.get(name)
    if existing is not None:
        if not update:
            return Planned(path, name, "changed", conversion, existing,
                           reason="the source changed since it was imported")
        return _for_update(path, name, conversion, existing)
    return Planned(path, name, "write", conversion, target)


def _for_update(path: Path, name: str, conversion: Conversion, existing: Path) -> Planned:
    """Replace an entry imported before: same id, same path, conflict-checked."""
    from .parse import parse_bytes
    from .render import render_bytes

    try:
        old = store.read_bytes(existing)
    except store.StoreError as exc:
        return Planned(path, name, "skip", conversion, reason=str(exc))
    previous = parse_bytes(old)
    if previous.writable and previous.entry.id and conversion.entry is not None:
        conversion.entry.id = previous.entry.id
        conversion.data = render_bytes(conversion.entry)
    if conversion.data == old:
        return Planned(path, name, "unchanged", conversion, existing)
    return Planned(path, name, "update", conversion, existing, expected=store.digest(old))


def _same_bytes(folder_path: Path, data: bytes) -> Path | None:
    """An entry in the folder already holding exactly these bytes, under any name (an
    undated entry is named by the time it is imported). Only regular files are read."""
    try:
        names = sorted(os.listdir(folder_path))
    except OSError:
        return None
    for name in names:
        path = folder_path / name
        try:
            info = os.lstat(path)
            if name.endswith(".md") and stat.S_ISREG(info.st_mode) and info.st_size == len(data):
                if store.read_bytes(path) == data:
                    return path
        except (OSError, store.StoreError):
            continue
    return None


def apply(root: Path, planned: Planned) -> Planned:
    """Write one planned import through the core's editing session (no clobber, conflict
    checked, inside the knowledge base). Returns it with `action` now `wrote`, `updated`,
    `unchanged` or `failed`, and `target` the path written."""
    from .outcomes import Saved, Unchanged
    from .session import EditSession

    conversion = planned.conversion
    if not planned.writes or conversion is None or conversion.entry is None:
        return planned
    entry = conversion.entry
    try:
        if planned.action == "update" and planned.target is not None:
            session = EditSession.open(root, planned.target, lock=False)
            if session.digest != planned.expected:
                planned.action, planned.reason = "failed", (
                    f"{planned.target} changed since it was looked at; nothing was written")
                return planned
            entry.id = session.entry.id
            session.entry = entry
        else:
            session = EditSession.new(root, entry)
        if not _session_keeps_bytes(session, conversion.data):
            return _apply_with_store(root, planned)
        outcome = session.save(final=entry.status == "final",
                               reason=entry.checklist_override or None)
    except (store.StoreError, OSError) as exc:
        planned.action, planned.reason = "failed", str(exc)
        return planned
    if isinstance(outcome, Saved):
        planned.target = outcome.path
        planned.action = "updated" if planned.action == "update" else "wrote"
    elif isinstance(outcome, Unchanged):
        planned.target, planned.action = outcome.path, "unchanged"
    else:
        planned.action = "failed"
        planned.reason = getattr(outcome, "why", "") or type(outcome).__name__
    return planned


def _session_keeps_bytes(session: object, data: bytes | None) -> bool:
    """Whether saving through the session writes exactly what the dry run showed: not so for
    an entry the source marks final whose checklist fails with no override recorded (the
    session would ask why)."""
    from .checklist import evaluate

    entry = session.entry  # type: ignore[attr-defined]
    if entry.status == "final" and not entry.checklist_override and not evaluate(entry).passed:
        return False
    return bool(session.text().encode("utf-8") == data)  # type: ignore[attr-defined]


def _apply_with_store(root: Path, planned: Planned) -> Planned:
    """The same write through the store itself: atomic, no clobber, conflict-checked."""
    conversion = planned.conversion
    assert conversion is not None and conversion.entry is not None and conversion.data
    try:
        if planned.action == "update" and planned.target is not None:
            store.save_over(planned.target, conversion.data, planned.expected, root=root)
            planned.action = "updated"
        else:
            relative = Path(folder(conversion.entry)) / file_name(conversion.entry)
            planned.target = store.publish(root, relative, conversion.data)
            planned.action = "wrote"
    except store.StoreError as exc:
        planned.action, planned.reason = "failed", str(exc)
    return planned


def summary(results: list[Planned]) -> dict[str, int]:
    """Counts by outcome: imported (final, drafts), unchanged, changed, updated, skipped."""
    counts = {"imported": 0, "final": 0, "drafts": 0, "unchanged": 0, "changed": 0,
              "updated": 0, "skipped": 0, "failed": 0}
    for item in results:
        if item.action in ("wrote", "write"):
            counts["imported"] += 1
            status = item.conversion.status if item.conversion else ""
            counts["final" if status == "final" else "drafts"] += 1
        elif item.action in ("updated", "update"):
            counts["updated"] += 1
        elif item.action == "skip":
            counts["skipped"] += 1
        elif item.action in counts:
            counts[item.action] += 1
    return counts
