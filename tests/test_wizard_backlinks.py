"""After a save that adds a Related Issues link, the wizard offers the link back."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from opswizard.core import store
from opswizard.core.model import Item
from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.dialogs import ChoiceDialog
from opswizard.tui.screens.wizard import WizardScreen
from opswizard.tui.widgets.section_editor import SectionEditor

from .keys_helpers import steps_built, until

SIZE = (120, 40)




async def test_accepting_the_offer_changes_only_bs_related_issues(seeded_kb: Path) -> None:
    b = next(p for p in sorted(seeded_kb.rglob("*.md")) if "configuration" in p.name)
    before = b.read_bytes()
    b_title = store.load(b).entry.title
    app = OpsWizardApp(seeded_kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await until(pilot, lambda: steps_built(screen), "the step ahead built")
        screen.entry.issue_summary.title = "Health checks flapped after the config fix"
        screen.entry.issue_summary.category = "configuration"
        href = os.path.relpath(b, screen.target().parent).replace(os.sep, "/")
        screen.entry.related_issues.items = [Item(text=f"[{b_title}]({href})")]
        for editor in screen.query(SectionEditor):
            await editor.load_entry(screen.entry)
        screen.refresh_state()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert "does not link to this entry" in str(app.screen.query_one("#body").render()) \
            if app.screen.query("#body") else True
        await pilot.press("enter")  # "Add the link back" has the focus
        await until(pilot, lambda: b.read_bytes() != before)
        a = screen.path
        assert a is not None and a.exists()
    diff = [d for d in difflib.ndiff(before.decode().split("\n"), b.read_text().split("\n"))
            if d[:1] in "+-"]
    assert not [d for d in diff if d.startswith("-")]  # nothing removed or changed
    links = [d for d in diff if d.startswith("+ - [")]
    assert len(links) == 1 and a.name in links[0]
    # one line, or (B had no Related Issues) the heading, the line and a blank separator
    assert {d for d in diff if d not in links} <= {"+ ### Related Issues", "+ "}
    lines = b.read_text().split("\n")
    added = lines.index(links[0][2:])
    heading = max(i for i, ln in enumerate(lines[:added]) if ln.startswith("#"))
    assert lines[heading].lstrip("#").strip() == "Related Issues"
