"""Links both ways: which Related Issues links have no link back, and adding one.

When entry A links to entry B, B should say so too: someone reading the older entry learns
of the newer one. `one_way` lists the links that lack their way back (and the links to
files that do not exist); `add_backlink` writes the missing line into B's Related Issues,
as a one-line change to B's file (or its heading and one line where B had none), through
the same atomic, conflict-checked save as every other write (`store.save_over`).

The edit is made in the text, not by re-rendering B: hand-written formatting elsewhere in
B, and in the rest of its Related Issues, stays byte for byte.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote

from . import store
from .links import LINK_SECTION, LinkGraph
from .template import SECTIONS

if TYPE_CHECKING:  # pragma: no cover
    from .model import EntryBase

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


@dataclass(frozen=True)
class OneWay:
    """`source` links to `target`, which does not link back (or does not exist)."""

    source: Path
    target: Path
    source_title: str
    target_exists: bool = True


def one_way(graph: LinkGraph, titles: dict[Path, str]) -> list[OneWay]:
    """Every link in the graph whose target does not link back, in a stable order.

    `titles` maps each entry's path to its title (the back link's text). Links to files
    that are not entries are listed with `target_exists=False`.
    """
    found: list[OneWay] = []
    for source in sorted(titles):
        seen: set[Path] = set()
        for link in graph.outgoing(source):
            if link.path is None or link.path == source or link.path in seen:
                continue
            seen.add(link.path)
            if not link.exists:
                found.append(OneWay(source, link.path, titles[source], False))
            elif link.path not in graph.incoming(source):
                found.append(OneWay(source, link.path, titles[source]))
    return found


def link_text(source: Path, source_title: str, target: Path) -> str:
    """`[Source Title](relative/path.md)`: the line's link, relative to the target's folder."""
    relative = PurePosixPath(*Path(os.path.relpath(source, target.parent)).parts)
    title = " ".join(source_title.split()) or source.stem
    title = title.replace("[", "(").replace("]", ")")
    return f"[{title}]({quote(str(relative), safe='/')})"


def _heading_key(name: str) -> str | None:
    from .template import section_for_heading

    spec = section_for_heading(name)
    return spec.key if spec is not None else None


def insert_link(text: str, line: str) -> str:
    """`text` with `- line` added at the end of its Related Issues section (created, with
    its heading, before the next template section present, when it has none)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    headings: list[tuple[int, int, str | None]] = []  # (index, level, section key)
    fence = ""
    for number, raw in enumerate(lines):
        opened = _FENCE.match(raw)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        heading = _HEADING.match(raw)
        if heading:
            headings.append((number, len(heading.group(1)), _heading_key(heading.group(2))))
    bullet = f"- {line}"
    for position, (number, _level, key) in enumerate(headings):
        if key != LINK_SECTION:
            continue
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        last = number
        for index in range(number + 1, end):
            if lines[index].strip():
                last = index
        lines.insert(last + 1, bullet)
        return newline.join(lines)
    # No Related Issues heading: put it before the first later template section present.
    order = [spec.key for spec in SECTIONS]
    after = order[order.index(LINK_SECTION) + 1:]
    level = next((lvl for _, lvl, key in headings if key in order), 3)
    for number, _, key in headings:
        if key in after:
            block = ["#" * level + " Related Issues", bullet, ""]
            lines[number:number] = block
            return newline.join(lines)
    tail = lines[:-1] if lines and lines[-1] == "" else lines
    while tail and not tail[-1].strip():
        tail.pop()
    block = ["", "#" * level + " Related Issues", bullet, ""]
    return newline.join([*tail, *block])


@dataclass(frozen=True)
class Added:
    """What `add_backlink` did: `changed` False when the link was already there."""

    target: Path
    changed: bool
    line: str


def linked_files(root: Path, entry: EntryBase, source: Path) -> set[Path]:
    """The existing files that `entry`'s Related Issues links name, read as if the entry
    were at `source` (links to itself and to missing files left out)."""
    graph = LinkGraph(root, [(source, entry)])
    return {link.path for link in graph.outgoing(source)
            if link.path is not None and link.path != source and link.path.is_file()}


def lacks_backlink(root: Path, source: Path, target: Path) -> str | None:
    """The title of `target` (its file name if untitled) when it is a readable entry with
    no Related Issues link to `source`; None when it links back or cannot be read."""
    try:
        loaded = store.load(target)
    except store.StoreError:
        return None
    graph = LinkGraph(root, [(target, loaded.entry)])
    if any(link.path == source for link in graph.outgoing(target)):
        return None
    return loaded.entry.title or target.name


def add_backlink(root: Path, source: Path, source_title: str, target: Path) -> Added:
    """Add a link to `source` in `target`'s Related Issues, unless it has one.

    Raises `store.StoreError` (a `ConflictError` when the file changed while this ran) when
    the target cannot be read, is not safe to rewrite, or lies outside the knowledge base.
    """
    loaded = store.load(target)
    if not loaded.result.writable:
        reason = loaded.result.errors[0].message if loaded.result.errors else "not writable"
        raise store.StoreError(f"{target}: cannot be rewritten safely ({reason})")
    graph = LinkGraph(root, [(source, []), (target, loaded.entry)])
    line = link_text(source, source_title, target)
    if any(link.path == Path(os.path.normpath(source)) for link in graph.outgoing(target)):
        return Added(target, False, line)
    data = loaded.data
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data[3 if bom else 0:].decode("utf-8")
    new = insert_link(text, line).encode("utf-8")
    store.save_over(target, (b"\xef\xbb\xbf" if bom else b"") + new, loaded.digest, root=root)
    return Added(target, True, line)


def incoming_hrefs(root: Path, path: Path) -> list[tuple[Path, tuple[str, ...]]]:
    """Each entry that links to `path`, with its links' targets as written there (asked
    before `path` moves, so that `retarget` can follow it), from the index's link table."""
    from .kbrows import links_to

    key = Path(os.path.relpath(path, root)).as_posix()
    if key.startswith("../"):
        return []
    found: dict[Path, list[str]] = {}
    for link in links_to(root, key):
        source = Path(os.path.normpath(root / link.source))
        found.setdefault(source, []).append(link.href)
    return [(source, tuple(dict.fromkeys(hrefs))) for source, hrefs in found.items()]


def retarget(root: Path, incoming: list[tuple[Path, tuple[str, ...]]], new: Path,
             ) -> tuple[tuple[Path, ...], tuple[tuple[Path, str], ...]]:
    """Point the links `incoming_hrefs` found at the entry's new place `new`: a text edit
    of each linking file (nothing else in it changes), conflict-checked and atomic.

    Returns the files changed, and (file, why) for those that could not be."""
    from .links import replace_href

    changed: list[Path] = []
    failed: list[tuple[Path, str]] = []
    for source, hrefs in incoming:
        if Path(os.path.normpath(source)) == Path(os.path.normpath(new)):
            continue
        relative = PurePosixPath(*Path(os.path.relpath(new, source.parent)).parts)
        fresh = quote(str(relative), safe="/")
        try:
            loaded = store.load(source)
            data = loaded.data
            bom = data.startswith(b"\xef\xbb\xbf")
            text = data[3 if bom else 0:].decode("utf-8")
            edited = text
            for href in hrefs:
                edited = replace_href(edited, href, fresh)
            if edited == text:
                continue
            store.save_over(source, (b"\xef\xbb\xbf" if bom else b"") + edited.encode("utf-8"),
                            loaded.digest, root=root)
        except (store.StoreError, UnicodeDecodeError) as exc:
            failed.append((source, str(exc)))
            continue
        changed.append(source)
    return tuple(changed), tuple(failed)


def knowledge_base_one_way(root: Path) -> list[OneWay]:
    """`one_way` over every entry of the knowledge base (through the index)."""
    from .kbindex import link_graph, load

    snapshot = load(root)
    graph = link_graph(snapshot)
    titles = {Path(os.path.normpath(path)): summary.title for path, summary in snapshot.entries}
    return one_way(graph, titles)


def link_findings(root: Path) -> dict[Path, list[tuple[str, str]]]:
    """Per linking file: (href text to find its line, warning) for each one-way link and
    each link to a missing file, for `validate`."""
    found: dict[Path, list[tuple[str, str]]] = {}
    for item in knowledge_base_one_way(root):
        try:
            shown = item.target.relative_to(Path(os.path.normpath(root)))
        except ValueError:
            shown = item.target
        if item.target_exists:
            message = (f"Related Issues links to {shown}, which does not link back "
                       "(`opswizard links --fix` adds it)")
        else:
            message = f"Related Issues links to {shown}, which does not exist"
        found.setdefault(item.source, []).append((item.target.name, message))
    return found


def line_of(data: bytes, needle: str) -> int:
    """The 1-based line of the first line holding `needle` (1 if none does)."""
    encoded = quote(needle, safe="/").encode("utf-8")
    for number, line in enumerate(data.split(b"\n"), 1):
        if encoded in line or needle.encode("utf-8") in line:
            return number
    return 1
