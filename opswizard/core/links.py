"""Links between entries: the markdown links in "Related Issues", both directions.

An entry links to another with `[Title](../../performance/optimizations/ops-learning-....md)`
in the label or text of a Related Issues item, relative to the entry's own folder (a path
relative to the knowledge base root, or a bare file name that is unique, is accepted too).
`LinkGraph` answers "what does this entry link to" and "what links to it". Pure: no I/O
(but `rebase_hrefs`, which asks which files exist).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

if TYPE_CHECKING:  # pragma: no cover - the model (pydantic) is not needed to link
    from .index import Record
    from .model import EntryBase, Item

# `[text](target)` or `[text](<target> "title")`; images (`![...]`) are not links to entries.
# No `[` in the text and no `]` in the target: the scans cannot overlap (linear on `[[[[...`).
_MD_LINK = re.compile(r"(?<!!)\[([^\[\]\n]*)\]\(\s*<?([^)\]\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
LINK_SECTION = "related_issues"


@dataclass(frozen=True)
class Link:
    """One link from an entry: its text, its target as written, and the file it names.

    `path` is None for links that are not to a markdown file in the knowledge base
    (a URL, an issue tracker key); `exists` says whether that file is a known entry.
    """

    text: str
    href: str
    path: Path | None
    exists: bool = False


def hrefs(entry: EntryBase) -> list[tuple[str, str]]:
    """(text, href) of every markdown link in the entry's Related Issues, in order."""
    found: list[tuple[str, str]] = []
    for item in entry.section(LINK_SECTION).items:
        for part in (item.label or "", item.text):
            found.extend((m.group(1).strip(), m.group(2)) for m in _MD_LINK.finditer(part))
    return found


def _normal(path: Path | str) -> Path:
    return Path(os.path.normpath(path))


def _candidates(href: str, source: Path, root: Path) -> list[Path]:
    """Files an href may name, most likely first; empty for URLs and anchors."""
    target = unquote(href.split("#", 1)[0].split("?", 1)[0]).strip()
    if not target or _SCHEME.match(target) or not target.lower().endswith(".md"):
        return []
    if target.startswith("/"):
        return [_normal(root / target.lstrip("/"))]
    return [_normal(source.parent / target), _normal(root / target)]


class LinkGraph:
    """Who links to whom among the entries of one knowledge base."""

    def __init__(
        self, root: Path, entries: Iterable[tuple[Path, EntryBase | Sequence[tuple[str, str]]]],
    ) -> None:
        """`entries`: (path, entry), or (path, its `hrefs`) as the index cache keeps them."""
        self.root = _normal(root)
        items = [(_normal(path), entry) for path, entry in entries]
        self._known = {path for path, _ in items}
        by_name: dict[str, list[Path]] = {}
        for path in self._known:
            by_name.setdefault(path.name, []).append(path)
        self._unique_names = {name: ps[0] for name, ps in by_name.items() if len(ps) == 1}
        self._out: dict[Path, list[Link]] = {}
        self._in: dict[Path, list[Path]] = {}
        for path, entry in items:
            found = entry if isinstance(entry, Sequence) else hrefs(entry)
            links = [self._resolve(text, href, path) for text, href in found]
            self._out[path] = links
            for target in dict.fromkeys(link.path for link in links if link.exists):
                if target is not None and target != path:
                    self._in.setdefault(target, []).append(path)

    def _resolve(self, text: str, href: str, source: Path) -> Link:
        candidates = _candidates(href, source, self.root)
        if not candidates:
            return Link(text, href, None)
        for candidate in candidates:
            if candidate in self._known:
                return Link(text, href, candidate, True)
        by_name = self._unique_names.get(PurePosixPath(candidates[0]).name)
        if by_name is not None:
            return Link(text, href, by_name, True)
        return Link(text, href, candidates[0], False)

    def resolve(self, href: str, source: Path) -> Link:
        """What a link clicked in `source` names (the preview uses it to jump)."""
        return self._resolve("", href, _normal(source))

    def outgoing(self, path: Path) -> list[Link]:
        """The links written in the entry at `path`, in order."""
        return list(self._out.get(_normal(path), []))

    def incoming(self, path: Path) -> list[Path]:
        """The entries whose Related Issues link to `path`, in scan order."""
        return list(self._in.get(_normal(path), []))


def markdown_link(to_path: Path, title: str, from_path: Path) -> str:
    """`[Title](relative/path.md)`: a link to `to_path` written in the file `from_path`
    (relative to its folder)."""
    relative = PurePosixPath(*Path(os.path.relpath(to_path, from_path.parent)).parts)
    title = " ".join(title.split()) or to_path.stem
    title = title.replace("[", "(").replace("]", ")")
    return f"[{title}]({quote(str(relative), safe='/')})"


def related_link(from_path: str | Path, to_record: Record, root: Path | None = None) -> str:
    """`[Target Title](relative/path.md)`, relative to the folder of `from_path` (the new
    entry's file). A record path that is relative is taken from `root`."""
    target = Path(to_record.path)
    if not target.is_absolute() and root is not None:
        target = root / target
    return markdown_link(target, to_record.title, Path(from_path))


def related_issue_item(from_path: str | Path, to_record: Record, root: Path | None = None) -> Item:
    """The Related Issues line for a link to `to_record`: `Item(label=None,
    text="[Target Title](../../issues/memory-service/ops-learning-....md)")`, a working link
    on any git host (POSIX separators, percent-encoded) that the checklist's "Related issues
    are linked" item accepts."""
    from .model import Item  # pydantic: `opswizard search` does not need it

    return Item(text=related_link(from_path, to_record, root))


def relink(section: Any, made: dict[str, tuple[Path, str]], old_dir: Path | None,
           dest: Path) -> bool:
    """Make the links of a Related Issues `section` right for an entry written at `dest`:
    the links in `made` (link text: target and title; updated) are re-derived, other
    relative links rebased when the entry leaves `old_dir`. Returns whether any changed."""
    changed = False
    for item in section.items:
        link = made.get(item.text)
        if link is not None:
            fresh = markdown_link(link[0], link[1], dest)
            made[fresh] = link
        elif old_dir is not None and os.path.abspath(old_dir) != os.path.abspath(dest.parent):
            fresh = rebase_hrefs(item.text, old_dir, dest.parent)
            if item.label:
                label = rebase_hrefs(item.label, old_dir, dest.parent)
                changed |= label != item.label
                item.label = label
        else:
            continue
        changed |= fresh != item.text
        item.text = fresh
    if changed:
        section.items = list(section.items)
    return changed


def replace_href(text: str, old: str, new: str) -> str:
    """`text` with every markdown link whose target is written `old` pointing at `new`
    (the link's text and any title are kept)."""

    def swap(match: re.Match[str]) -> str:
        if match.group(2) != old:
            return match.group(0)
        start, end = match.start(2) - match.start(), match.end(2) - match.start()
        whole = match.group(0)
        return whole[:start] + new + whole[end:]

    return _MD_LINK.sub(swap, text)


def rebase_hrefs(text: str, old_dir: Path, new_dir: Path) -> str:
    """`text` with each relative link that names an existing file from `old_dir` rewritten
    to name the same file from `new_dir` (an entry moving folders keeps its links)."""

    def swap(match: re.Match[str]) -> str:
        href = match.group(2)
        target = unquote(href.split("#", 1)[0]).strip()
        if (not target or target.startswith("/") or _SCHEME.match(target)
                or not target.lower().endswith(".md")):
            return match.group(0)
        file = _normal(old_dir / target)
        if not file.is_file():
            return match.group(0)
        anchor = href[len(href.split("#", 1)[0]):]
        relative = PurePosixPath(*Path(os.path.relpath(file, new_dir)).parts)
        fresh = quote(str(relative), safe="/") + anchor
        start, end = match.start(2) - match.start(), match.end(2) - match.start()
        whole = match.group(0)
        return whole[:start] + fresh + whole[end:]

    return _MD_LINK.sub(swap, text)
