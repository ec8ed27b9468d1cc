"""`$VISUAL` / `$EDITOR`: the text goes out to the editor and comes back as it was saved."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from opswizard.core.external_editor import NoEditorError, edit_text, editor_command


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-editor"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_the_edited_text_comes_back(tmp_path: Path) -> None:
    editor = _editor(
        tmp_path, 'printf "Root cause: a missing index\\n\\033]52;c;eA==\\007" > "$1"\n')
    new = edit_text("old text\n", environ={"EDITOR": editor}, folder=tmp_path / "edit")
    assert new == "Root cause: a missing index\n"


def test_visual_wins_over_editor(tmp_path: Path) -> None:
    visual = _editor(tmp_path, 'echo visual > "$1"\n')
    assert editor_command({"VISUAL": visual, "EDITOR": "nano"}) == [visual]
    assert editor_command({"EDITOR": "code --wait"}) == ["code", "--wait"]


def test_unchanged_or_failed_edits_give_nothing(tmp_path: Path) -> None:
    assert edit_text("same\n", environ={"EDITOR": "true"}, folder=tmp_path) is None
    failing = _editor(tmp_path, 'echo changed > "$1"; exit 3\n')
    assert edit_text("same\n", environ={"EDITOR": failing}, folder=tmp_path) is None
    assert not list(tmp_path.glob("opswizard-*"))  # the temp file is gone


def test_no_editor_is_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(NoEditorError, match=r"\$EDITOR"):
        edit_text("x", environ={}, folder=tmp_path)
    with pytest.raises(NoEditorError, match="cannot run"):
        edit_text("x", environ={"EDITOR": str(tmp_path / "nope")}, folder=tmp_path)
