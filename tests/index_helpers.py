"""A knowledge base copied for the index tests, with mtimes far from "just now": a file
written within the racy window is always hashed again, which would hide what a warm start
skips."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from opswizard.core import store

BROWSE_KB = Path(__file__).parent / "fixtures" / "browse_kb"
OLD_NS = 1_600_000_000 * 10**9  # an mtime far from "just now" (not racy)


def age(root: Path) -> None:
    """Give every file an old mtime."""
    for path in store.scan(root):
        os.utime(path, ns=(OLD_NS, OLD_NS))


def aged_copy(dest: Path) -> Path:
    """The browse fixture copied to `dest`, every file aged."""
    shutil.copytree(BROWSE_KB, dest)
    age(dest)
    return dest
