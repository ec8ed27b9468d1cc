"""The wizard marks a pasted secret, offers to redact it, and the journal forgets it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input

from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.wizard import WizardScreen
from opswizard.tui.widgets.secrets_notice import SecretsNotice

from .conftest import SEED
from .keys_helpers import steps_built, until

SIZE = (120, 40)
KEY = "AKIAZ7Q3X5MEWT2LRV4N"


def journals(home: Path) -> list[Path]:
    return sorted((home / "state").rglob("*.json"))


async def test_secret_is_marked_redacted_in_place_and_gone_from_the_journal(
        kb: Path, state_dirs: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await screen.show_step("context")
        field = screen.query_one("#field-system_state", Input)
        field.focus()
        typed = f"bot logged {KEY} at boot"
        await pilot.press(*["space" if c == " " else c for c in typed])
        notice = screen.query_one(SecretsNotice)
        await until(pilot, lambda: notice.has_class("-shown"))
        assert [f.kind for f in notice.findings] == ["aws-access-key"]
        assert "Context" in str(notice.query_one("#secrets-list").render())
        assert field.has_class("-secret")  # marked in place
        # the journal caught up with the typing: it holds the key for now
        await until(pilot, lambda: any(KEY in p.read_text() for p in journals(state_dirs)))
        await pilot.press("f3")
        await until(pilot, lambda: not notice.has_class("-shown"))
        assert field.value == "bot logged <redacted:aws-access-key> at boot"
        assert not field.has_class("-secret")
        written = journals(state_dirs)
        assert written and not any(KEY in p.read_text() for p in written)
        assert any("<redacted:aws-access-key>" in json.loads(p.read_text()).get("text", "")
                   for p in written)
        await until(pilot, lambda: steps_built(screen), "the step ahead built")
        assert KEY not in screen.session.text()


async def test_the_wizard_finds_every_seeded_secret_and_no_lookalike(
        kb: Path, state_dirs: Path) -> None:
    """The corpus of tests/fixtures/secrets pasted into Additional Notes: the wizard's notice
    lists exactly the seeded secrets (kind by kind), and nothing for the lookalikes."""
    from textual.widgets import TextArea

    from tests.test_secrets import CORPUS, SEEDED

    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await screen.show_step("additional_notes")
        await until(pilot, lambda: bool(screen.query("#editor-additional_notes #prose")))
        area = screen.query_one("#editor-additional_notes #prose", TextArea)
        notice = screen.query_one(SecretsNotice)
        area.focus()
        # the lookalikes and one real key after them: once the key is listed, the whole text
        # was scanned, and it must be the only finding
        area.load_text((CORPUS / "lookalikes.md").read_text() + f"\nboot log: {KEY}\n")
        area.insert(" ")  # an edit, as typing or a paste makes
        await until(pilot, lambda: bool(notice.findings))
        assert [f.kind for f in notice.findings] == ["aws-access-key"]
        area.load_text((CORPUS / "seeded.md").read_text())
        area.insert(" ")
        await until(pilot, lambda: len(notice.findings) == len(SEEDED))
        assert sorted(f.kind for f in notice.findings) == sorted(k for k, _ in SEEDED)
        assert notice.has_class("-shown")


async def test_a_step_built_while_secrets_are_redacted_shows_them_redacted(
        kb: Path, state_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The step after the one shown is built in the background. F3 while it is still
    loading the entry (the entry is replaced, only ready steps are reloaded): the step
    ends up showing the redacted entry, and moving on never brings the secret back."""
    import asyncio

    from opswizard.core.render import render
    from opswizard.tui.widgets.section_editor import SectionEditor

    text = (SEED / "example1-service-issue.md").read_text()
    text = text.replace("- **System State**: High load period",
                        f"- **System State**: key {KEY} in the logs; High load period")
    path = kb / "issues" / "general" / "with-a-key.md"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    release = asyncio.Event()
    real = SectionEditor.load_entry

    async def slow_context(self: SectionEditor, entry: object) -> None:
        if self.spec.key == "context" and not release.is_set():
            await release.wait()  # the load began with the entry as it was
        await real(self, entry)  # type: ignore[arg-type]

    monkeypatch.setattr(SectionEditor, "load_entry", slow_context)
    app = OpsWizardApp(kb, mode="edit", path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await until(pilot, lambda: bool(screen.query("#editor-context")), "context mounting")
        await pilot.press("f3")
        await until(pilot, lambda: KEY not in render(screen.entry), "redacted")
        release.set()
        await until(pilot, lambda: steps_built(screen), "the step ahead built")
        field = screen.query_one("#field-system_state", Input)
        assert KEY not in field.value and "<redacted:aws-access-key>" in field.value
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert KEY not in screen.query_one("#field-system_state", Input).value
        screen.apply_all()
        assert KEY not in render(screen.entry)
