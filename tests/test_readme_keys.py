"""The README's wizard keys table names every key the wizard and its editors bind."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from opswizard.tui.screens.wizard import WizardScreen
from opswizard.tui.widgets.code_editor import CodeArea
from opswizard.tui.widgets.list_editor import ActionsEditor, ListEditor
from opswizard.tui.widgets.related_editor import CandidateList

README = Path(__file__).parent.parent / "README.md"


def wizard_table() -> str:
    text = README.read_text()
    start = text.index("**Wizard**")
    return text[start:text.index("**Browser**", start)]


def test_every_wizard_key_is_in_the_readme() -> None:
    table = wizard_table()
    for owner in (WizardScreen, CodeArea, ListEditor, ActionsEditor, CandidateList):
        for binding in owner.__dict__["BINDINGS"]:
            assert isinstance(binding, Binding)
            key = (binding.key_display or binding.key).split(",")[0]
            assert f"`{key}`" in table or f"`{key} " in table or f" {key}`" in table, (
                owner.__name__, key)
