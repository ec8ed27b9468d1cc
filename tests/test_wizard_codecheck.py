"""The wizard shows a code block's parse error under it once typing stops, off the UI thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from opswizard.core import codecheck
from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.wizard import WizardScreen
from opswizard.tui.widgets.code_check_note import CodeCheckNote

from .keys_helpers import steps_built, until

SIZE = (120, 40)




async def settled(pilot, screen: WizardScreen) -> None:  # type: ignore[no-untyped-def]
    """The step ahead mounted in the background (closing mid-mount is not tested here)."""
    await until(pilot, lambda: steps_built(screen), "the step ahead built")


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if c == " " else c for c in text])


async def test_error_appears_under_the_block_and_typing_goes_on_during_the_check(
        kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = codecheck.check
    started, release = threading.Event(), threading.Event()

    def slow_check(language: str, code: str) -> codecheck.CodeProblem | None:
        started.set()
        release.wait(timeout=60)  # held until the test has typed on
        return real(language, code)

    monkeypatch.setattr(codecheck, "check", slow_check)
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await screen.show_step("commands_used")
        editor = screen.query_one("#editor-commands_used")
        language = editor.query_one("#language", Input)
        language.value = "json"
        area = editor.query_one("#code", TextArea)
        area.focus()
        await type_text(pilot, '{"pool": 50,')
        await until(pilot, started.is_set)  # a check is running (and held) in a worker
        await type_text(pilot, ' "max": }')  # the screen still takes keys meanwhile
        assert area.text == '{"pool": 50, "max": }'
        note = editor.query_one(CodeCheckNote)
        assert not note.has_class("-problem")
        release.set()
        await until(pilot, lambda: note.has_class("-problem"))
        assert note.shown is not None and note.shown.language == "json"
        assert note.shown.line == 1
        assert "Does not parse" in str(note.render()) and "json" in str(note.render())
        # fixing it clears the message once typing stops again
        await pilot.press("left", "9")
        await until(pilot, lambda: not note.has_class("-problem"))
        assert area.text == '{"pool": 50, "max": 9}'
        await settled(pilot, screen)


async def test_a_change_block_names_the_half_and_its_line(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await screen.show_step("configuration_changes")
        editor = screen.query_one("#editor-configuration_changes")
        editor.query_one("#before", TextArea).insert('{"size": 10}')
        editor.query_one("#after", TextArea).insert('{"size":\n  50,\n}')
        note = editor.query_one(CodeCheckNote)
        await until(pilot, lambda: note.has_class("-problem"))
        assert note.shown is not None and note.shown.half == "After"
        assert note.shown.line_in_half == 3
        await settled(pilot, screen)
