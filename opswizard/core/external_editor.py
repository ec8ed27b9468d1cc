"""Your own editor: hand a text to `$VISUAL` / `$EDITOR` and take back what was saved.

The text goes to a private temporary file (mode 0600, in opswizard's state folder, never
inside the knowledge base), the editor runs with the terminal, and what it saved is read
back with terminal control characters removed. An editor that exits non-zero, or a file
left unchanged, gives `None`: nothing to apply.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from .sanitize import strip_controls


class NoEditorError(RuntimeError):
    """Neither $VISUAL nor $EDITOR names an editor that can be run."""


def editor_command(environ: dict[str, str] | None = None) -> list[str]:
    """The editor to run, from $VISUAL, else $EDITOR (a command line, shell-split)."""
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                continue
            if words:
                return words
    raise NoEditorError(
        "no editor set: set $EDITOR (for example `export EDITOR=nano`) and try again")


def edit_text(text: str, suffix: str = ".md", environ: dict[str, str] | None = None,
              folder: Path | None = None) -> str | None:
    """Open `text` in the user's editor; the edited text, or None if nothing changed."""
    from .journal import state_dir

    command = editor_command(environ)
    where = folder or state_dir() / "edit"
    where.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, name = tempfile.mkstemp(prefix="opswizard-", suffix=suffix, dir=where)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        try:
            done = subprocess.run([*command, name], check=False)
        except OSError as exc:
            raise NoEditorError(f"cannot run the editor {command[0]!r}: {exc.strerror}; "
                                "check $VISUAL / $EDITOR") from None
        if done.returncode != 0:
            return None
        with open(name, encoding="utf-8", errors="replace", newline="") as handle:
            new = strip_controls(handle.read())
        return None if new == text else new
    finally:
        try:
            os.unlink(name)
        except OSError:
            pass
