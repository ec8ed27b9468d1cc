"""F4 hands the focused text to $EDITOR, F6 the whole entry; no editor: a clear message."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.widgets import Input

from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.wizard import WizardScreen

from .keys_helpers import steps_built, until

SIZE = (120, 40)




def script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "fake-editor.sh"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def notices(app: OpsWizardApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_f4_edits_the_focused_field_in_the_editor(
        kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", script(tmp_path, "sed -i 's/pool/connection pool/' \"$1\""))
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await screen.show_step("context")
        field = screen.query_one("#field-system_state", Input)
        field.value = "pool at 100%"
        field.focus()
        await pilot.press("f4")
        await until(pilot, lambda: field.value == "connection pool at 100%")
        await until(pilot, lambda: screen.entry.get("system_state") == "connection pool at 100%")
        await until(pilot, lambda: steps_built(screen), "the step ahead built")


async def test_f6_edits_the_whole_entry_and_reads_it_back(
        kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", script(
        tmp_path, "sed -i 's/^- \\*\\*Title\\*\\*:.*/- **Title**: Edited outside/' \"$1\""))
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await until(pilot, lambda: steps_built(screen), "the step ahead built")
        await pilot.press("f6")
        await until(pilot, lambda: screen.entry.title == "Edited outside")
        await until(pilot, lambda: not any(w.group == "external-editor" and not w.is_finished
                                           for w in app.workers))
        assert screen.query_one("#field-title", Input).value == "Edited outside"
        assert screen.dirty


async def test_no_editor_set_says_so(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await until(pilot, lambda: steps_built(screen), "the step ahead built")
        screen.query_one("#field-title", Input).focus()
        await pilot.press("f4")
        await until(pilot, lambda: any("no editor set" in n for n in notices(app)))
        assert any("EDITOR" in n for n in notices(app))
