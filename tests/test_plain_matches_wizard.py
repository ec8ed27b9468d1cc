"""`opswizard new --plain` on a pseudo-terminal and the wizard, given the same answers, save
the same file: byte for byte, once the random `id` is set aside (the date is answered, so
nothing else depends on the clock)."""

from __future__ import annotations

import os
from pathlib import Path

from opswizard.tui.app import OpsWizardApp

from .keys_helpers import new_files, until
from .test_plain import Prompter, responder
from .test_wizard import SIZE, choose, type_text, wizard

DATE = "2026-03-04T10:20:30+02:00"
TITLE = "Queue workers stalled after config push"
TAGS = "queues, config"
DURATION = "45m"
IMPACT = "Order emails delayed by up to 40 minutes"
CONTEXT = ("Evening peak", "Queue depth climbing on the mail queue")
SERVICES = "mail-worker"
TRIGGER = "Config push 7 lowered the worker count"
CAUSE = "Worker count read as a string and parsed as zero"
STEPS = ("Restored the previous config", "Drained the backlog")
ACTION = ("Validate worker counts before a push", "@ines", "2026-04-15")
NOTES = "Found by the on-call engineer."

PLAIN_ANSWERS: dict[str, list[str]] = {
    "Date": [DATE],
    "Category": ["config"],  # configuration, by the start of its name
    "Title": [TITLE],
    "Severity": ["med"],  # MEDIUM, by its start
    "Duration": [DURATION],
    "Impact": [IMPACT],
    "Tags": [TAGS],
    "System State": [CONTEXT[0]],
    "Symptoms": [CONTEXT[1]],
    "Environment": ["prod"],
    "Related Services": [SERVICES],
    "Trigger": [TRIGGER],
    "Primary Cause": [CAUSE],
    "Resolution Steps": list(STEPS),
    "Follow-up action": [ACTION[0]],
    "  Owner": [ACTION[1]],
    "  Deadline": [ACTION[2]],
    "Additional Notes": [NOTES],
    "Save as": ["d"],
}


def without_id(data: bytes) -> list[bytes]:
    """The file's lines but the frontmatter's random `id` (the one thing that must differ)."""
    lines = data.split(b"\n")
    ids = [n for n, line in enumerate(lines) if line.startswith(b"id: ")]
    assert len(ids) == 1, lines[:20]
    return lines[:ids[0]] + lines[ids[0] + 1:]


def plain_through_a_pty(kb: Path) -> Path:
    """Answer every prompt of `new --plain` as it appears; the file it saved."""
    env = {**os.environ, "TERM": "xterm-256color", "OPSWIZARD_KB": str(kb)}
    term = Prompter(kb, env)
    asked: list[str] = []
    ask = responder(PLAIN_ANSWERS, asked)
    try:
        while (prompt := term.next_prompt(timeout=120)) is not None:
            term.answer(ask(prompt))
    finally:
        term.close()
    assert term.proc.returncode == 0, term.screen[-800:]
    assert b"Traceback" not in term.screen
    assert asked[0].startswith("Date"), asked[:3]  # driven from the very first prompt
    [saved] = new_files(kb)
    return saved


async def step_to(pilot, app: OpsWizardApp, key: str) -> None:  # type: ignore[no-untyped-def]
    """Press ctrl+n until the wizard shows step `key`."""
    while wizard(app).current != key:
        await pilot.press("ctrl+n")
        await pilot.pause()


async def wizard_by_keyboard(kb: Path) -> Path:
    """The same answers typed into the wizard; saved as a draft with ctrl+s."""
    app = OpsWizardApp(kb, mode="new")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, DATE)
        await pilot.press("tab")
        await choose(pilot, "configuration")
        await pilot.press("tab")  # tags sit next to the category
        await type_text(pilot, TAGS)
        await pilot.press("tab")
        await type_text(pilot, TITLE)
        await pilot.press("tab")
        await choose(pilot, "MEDIUM")
        await pilot.press("tab")
        await type_text(pilot, DURATION)
        await pilot.press("tab")
        await type_text(pilot, IMPACT)
        await step_to(pilot, app, "context")
        for value in CONTEXT:
            await type_text(pilot, value)
            await pilot.press("tab")
        await choose(pilot, "Production")
        await pilot.press("tab")
        await type_text(pilot, SERVICES)
        await pilot.press("tab")
        await type_text(pilot, TRIGGER)
        await step_to(pilot, app, "root_cause_analysis")
        await type_text(pilot, CAUSE)
        await step_to(pilot, app, "resolution_steps")
        await type_text(pilot, STEPS[0])
        await pilot.press("enter")  # enter adds the next step
        await type_text(pilot, STEPS[1])
        await step_to(pilot, app, "follow_up_actions")
        await type_text(pilot, ACTION[0])  # a row starts on its Action text
        await pilot.press("tab")
        await type_text(pilot, ACTION[1])
        await pilot.press("tab")
        await type_text(pilot, ACTION[2])
        await step_to(pilot, app, "additional_notes")
        await type_text(pilot, NOTES)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: wizard(app).saved_path is not None, "the wizard saved",
                    timeout=120)
        saved = wizard(app).saved_path
    assert saved is not None
    return saved


async def test_plain_mode_on_a_pty_saves_what_the_wizard_saves(kb: Path, tmp_path: Path) -> None:
    via_plain = plain_through_a_pty(kb)
    other = tmp_path / "wizard_kb"
    other.mkdir()
    via_wizard = await wizard_by_keyboard(other)
    # Same place in each knowledge base, same name, same bytes but the id.
    assert via_plain.relative_to(kb) == via_wizard.relative_to(other)
    plain_lines, wizard_lines = without_id(via_plain.read_bytes()), without_id(
        via_wizard.read_bytes())
    assert plain_lines == wizard_lines
    # and the answers are really in it (two empty entries would also be equal)
    text = via_plain.read_text()
    for value in (TITLE, IMPACT, CAUSE, *STEPS, ACTION[0], NOTES, "2026-03-04T08:20:30Z",
                  "MEDIUM", "Production", "status: draft"):
        assert value in text, value
