"""Saving from a screen: ask what the session's outcome needs, and say what happened.

The session (core/session.py) does every write; this only turns its outcomes into
questions (a reason to save as final, what to do about a file changed on disk) and
notifications (saved, moved, links followed, a move the review offers).
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen

from ...core.outcomes import Conflict, NeedsFinalReason, Outcome, Refused, Saved, Unchanged
from ...core.sanitize import clean_line
from ...core.session import EditSession
from ..safe import line
from .dialogs import ChoiceDialog, ReasonDialog
from .recovery import DiffScreen, diff_content


async def save(screen: Screen[Any], session: EditSession, final: bool,
               confirm_move: bool = False) -> Saved | Unchanged | None:
    """Save, asking until the session saves or the author gives up (None: not saved)."""
    reason: str | None = None
    overwrite = False
    outcome: Outcome = session.save(final, reason, confirm_move)
    while True:
        if isinstance(outcome, NeedsFinalReason):
            reason = await _ask_reason(screen, outcome)
            if reason is None:
                return None
            outcome = session.save(final, reason, confirm_move, overwrite)
        elif isinstance(outcome, Conflict):
            choice = await _resolve(screen, outcome)
            if choice == "copy":
                outcome = session.save_copy()
            elif choice == "overwrite" and not overwrite:
                overwrite = True
                outcome = session.save(final, reason, confirm_move, overwrite)
            else:
                return None
        elif isinstance(outcome, Refused):
            _say(screen, f"Not saved: {outcome.why}. Your text is kept here.",
                          severity="error", timeout=10)
            return None
        else:
            _tell(screen, outcome)
            return outcome


async def _ask_reason(screen: Screen[Any], outcome: NeedsFinalReason) -> str | None:
    body = Content("\n").join(
        [Content("These checklist items fail:")]
        + [line(f"✗ {i.label}: {i.reason}") for i in outcome.failing]
    )
    return await screen.app.push_screen_wait(
        ReasonDialog("Save as final?", body, "Why is this entry final anyway?"))


async def _resolve(screen: Screen[Any], conflict: Conflict) -> str | None:
    """The file changed or went away since it was opened: write nothing until asked."""
    while True:
        if conflict.how == "deleted":
            choices = [("copy", "Save as a new file", "primary"),
                       ("cancel", "Cancel", "default")]
            body = line(f"{conflict.path} was deleted or renamed since you opened it. Your "
                        "text is kept here; nothing was written.")
        else:
            choices = [("diff", "Show the difference", "primary"),
                       ("copy", "Save as a copy", "default"),
                       ("overwrite", "Overwrite", "error"), ("cancel", "Cancel", "default")]
            body = line(f"{conflict.path} was changed on disk since you opened it (another "
                        "editor, a git pull). Nothing was written.")
        choice = await screen.app.push_screen_wait(
            ChoiceDialog("The file changed on disk", body, choices))
        if choice != "diff":
            return choice
        await screen.app.push_screen_wait(DiffScreen(
            "On disk (-) and yours (+)",
            diff_content(conflict.disk_text, conflict.our_text, f"{conflict.path} (on disk)",
                         "yours")))


def _say(screen: Screen[Any], text: str, title: str = "",
         severity: SeverityLevel = "information", timeout: float | None = None) -> None:
    """A notification of plain text (no markup; control characters neutralised)."""
    screen.notify(clean_line(text), title=title, severity=severity, timeout=timeout,
                  markup=False)


def _tell(screen: Screen[Any], outcome: Saved | Unchanged) -> None:
    if isinstance(outcome, Unchanged):
        _say(screen, "No changes to save: the file is unchanged.")
        return
    if outcome.moved_from is not None:
        _say(screen, f"Saved and moved from {outcome.moved_from.name} to {outcome.path}",
             title="Saved")
    else:
        _say(screen, f"Saved {outcome.path}", title="Saved")
    if outcome.links_rewritten:
        names = ", ".join(p.name for p in outcome.links_rewritten)
        _say(screen, f"Links to it updated in {names}")
    for path, why in outcome.links_failed:
        _say(screen, f"The link in {path.name} still names the old file: {why}",
             severity="warning", timeout=10)
    if outcome.move_offered is not None:
        _say(screen, f"This final entry now belongs at {outcome.move_offered.name}: "
             "the review offers Save and move.", timeout=8)
