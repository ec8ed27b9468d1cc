"""The demo knowledge base shipped inside the package (`opswizard demo`).

`kb/` holds thirteen entries in their conventional folders: the template's three examples,
imported, and ten more across every category and severity (`make_demo.py` builds them).
Nothing here imports Textual.
"""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path

PREFIX = "opswizard-demo-"


def source() -> Path:
    """The bundled demo knowledge base (a folder inside the installed package)."""
    return Path(str(resources.files(__name__) / "kb"))


def copy_to(target: Path) -> Path:
    """Copy the demo knowledge base to `target`, which must not exist yet."""
    shutil.copytree(source(), target)
    return target


def fresh_copy() -> Path:
    """A copy of the demo knowledge base in a new temporary folder; returns the copy's root."""
    parent = Path(tempfile.mkdtemp(prefix=PREFIX))
    return copy_to(parent / "ops-knowledge")
