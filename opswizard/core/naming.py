"""File names and folders, per the template's convention and knowledge base tree.

`ops-learning-YYYY-MM-DD-HH-MM-SS-{category}-{brief-description}.md`: the time is the
entry's date in UTC; the description an ASCII slug of the title (`[a-z0-9-]`, bounded).

Folders follow the template's tree. The tree forgot two categories; we settle them:

| category      | folder                          |
|---------------|---------------------------------|
| issue         | issues/<first related service>/ |
| performance   | performance/optimizations/      |
| configuration | configurations/changes/         |
| deployment    | procedures/deployments/         |
| recovery      | procedures/recovery/            |
| monitoring    | monitoring/<first related service>/ |
| maintenance   | procedures/maintenance/         |
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from slugify import slugify

from .kinds import is_placeholder
from .model import EntryBase
from .template import CATEGORIES

MAX_SLUG = 60
FILE_RE = re.compile(
    r"^ops-learning-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-([a-z]+)-([a-z0-9-]+?)(-\d+)?\.md$"
)
_FOLDERS = {
    "issue": "issues/{service}",
    "performance": "performance/optimizations",
    "configuration": "configurations/changes",
    "deployment": "procedures/deployments",
    "recovery": "procedures/recovery",
    "monitoring": "monitoring/{service}",
    "maintenance": "procedures/maintenance",
}
UNSORTED = "unsorted"


def slug(text: str, limit: int = MAX_SLUG, fallback: str = "untitled") -> str:
    """An ASCII slug: `[a-z0-9-]` only, no leading or trailing `-`, at most `limit` long."""
    text = unicodedata.normalize("NFKC", text)
    value = slugify(text, max_length=limit, word_boundary=True, save_order=True)
    value = re.sub(r"[^a-z0-9-]+", "", value.lower()).strip("-")
    value = re.sub(r"-{2,}", "-", value)[:limit].strip("-")
    return value or fallback


def file_name(entry: EntryBase, suffix: int = 0) -> str:
    """The conventional file name; `suffix` > 0 adds `-N` for a collision."""
    when = entry.when() or datetime.now(UTC)
    category = entry.category if entry.category in CATEGORIES else UNSORTED
    extra = f"-{suffix}" if suffix else ""
    stamp = when.astimezone(UTC).strftime("%Y-%m-%d-%H-%M-%S")
    title = "" if is_placeholder(entry.title) else entry.title  # `[Brief descriptive title]`
    return f"ops-learning-{stamp}-{category}-{slug(title)}{extra}.md"


def folder(entry: EntryBase) -> PurePosixPath:
    """The entry's folder relative to the knowledge base root."""
    pattern = _FOLDERS.get(entry.category, UNSORTED)
    services = entry.services()
    service = slug(services[0], limit=40, fallback="general") if services else "general"
    return PurePosixPath(pattern.format(service=service))


def relative_path(entry: EntryBase, suffix: int = 0) -> PurePosixPath:
    return folder(entry) / file_name(entry, suffix)


def collision_key(name: str) -> str:
    """Names that differ only by case or Unicode normalisation collide."""
    return unicodedata.normalize("NFKC", name).casefold()


def named_for(path: Path, wanted: Path) -> bool:
    """Whether `path` is `wanted`, or `wanted` with a collision suffix (`-2`), in its folder."""
    if os.path.abspath(path.parent) != os.path.abspath(wanted.parent):
        return False
    name, stem = collision_key(path.name), collision_key(wanted.name).removesuffix(".md")
    return name == f"{stem}.md" or re.fullmatch(re.escape(stem) + r"-\d+\.md", name) is not None
