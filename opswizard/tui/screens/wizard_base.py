"""The wizard's state: the editing session, the step editors' model, and what the screen
shows of it (dirtiness, step marks, the checklist, the review). The base of WizardScreen;
no file I/O here: every load, journal and save goes through the session."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on
from textual.screen import Screen
from textual.widgets import Static

from ...core import journal
from ...core.checklist import evaluate
from ...core.checks import section_statuses
from ...core.model import EntryBase
from ...core.render import render
from ...core.sanitize import clean_line
from ...core.session import EditSession
from ...core.template import SECTIONS
from ..safe import fmt
from ..widgets.checklist_panel import ChecklistPanel
from ..widgets.review_pane import ReviewPane
from ..widgets.secrets_notice import SecretsNotice
from ..widgets.section_editor import EditorContext, SectionEditor
from ..widgets.similar_notice import SimilarNotice
from ..widgets.step_list import REVIEW, StepList
from .journal_keeper import JournalKeeper

STEPS = [s.key for s in SECTIONS] + [REVIEW]


class WizardBase(Screen[Path | None]):
    """One entry being written or edited, through an `EditSession`, and its state on screen."""

    def __init__(self, root: Path, path: Path | None = None,
                 prefill: dict[str, str] | None = None,
                 recovered: journal.Journal | None = None) -> None:
        super().__init__()
        self.root = root
        if recovered is not None:
            self.session = EditSession.recover(root, recovered, lock=False)
        elif path is not None:
            self.session = EditSession.open(root, path, lock=False)
        else:
            self.session = EditSession.new(root, prefill=prefill)
        """The entry being edited: every load, journal and save goes through it."""
        self.context = EditorContext()
        self.current = STEPS[0]
        self.journal_keeper = JournalKeeper(self, self.session, lambda: render(self.entry))
        self._mount_lock = asyncio.Lock()
        self.dirty = self.session.dirty()

    @property
    def entry(self) -> EntryBase:
        """The model being edited (the session's)."""
        return self.session.entry

    @property
    def path(self) -> Path | None:
        """The file being edited (None until a new entry is first saved)."""
        return self.session.path

    @property
    def saved_path(self) -> Path | None:
        """Where this wizard last saved (what it dismisses with)."""
        return self.session.saved_path

    @property
    def read_only_reason(self) -> str:
        return self.session.read_only_reason

    def _show_read_only(self) -> None:
        """The banner saying why saving is disabled (empty when it is not)."""
        reason = self.read_only_reason
        if self.session.controls:
            reason += "; press F7 to strip them, then save"
        elif self.session.outside:
            reason += "; ctrl+s offers to import a copy into it"
        self.query_one("#read-only", Static).update(
            fmt("[b $error]Read-only:[/] $reason — saving is disabled.", reason=reason)
            if reason else "")
    def _update_similar(self) -> None:
        if self.context.suggester is not None:
            self.query_one(SimilarNotice).look_for(self.context.suggester, self.entry,
                                                   self.path)


    # -- state ----------------------------------------------------------------------------
    def editors(self) -> list[SectionEditor]:
        return [e for e in self.query(SectionEditor) if e.ready]

    def apply_all(self) -> None:
        for editor in self.editors():
            editor.apply(self.entry)

    @on(SectionEditor.Changed)
    async def _edited(self, event: SectionEditor.Changed) -> None:
        if event.editor.ready:
            event.editor.apply(self.entry)
            self.refresh_state()

    def refresh_state(self) -> None:
        """Recompute dirtiness, step marks, the checklist and the header."""
        text = render(self.entry)
        self.dirty = self.session.note(text)  # undone to the file: no journal
        self.query_one(SecretsNotice).scan_text(text)
        self.journal_keeper.changed(self.dirty)
        self._update_similar()
        checklist = evaluate(self.entry)
        self.query_one(ChecklistPanel).show(checklist)
        self.query_one(StepList).show_statuses(self.step_statuses())
        title = clean_line(self.entry.title.strip()) or "New entry"
        self.title = f"opswizard — {title}"
        state = self.entry.status + (" · unsaved changes" if self.dirty else "")
        if self.read_only_reason:
            state += " · read-only"
        self.sub_title = state

    def step_statuses(self) -> dict[str, str]:
        """Each step's mark: error, incomplete or complete."""
        return section_statuses(self.entry)

    def target(self) -> Path:
        """Where a save writes: the file being edited, or the conventional new path."""
        return self.session.target()

    async def update_review(self) -> None:
        if not self.query("#review"):
            return
        text = render(self.entry)
        moves = self.session.moves_on_save()
        offered = self.session.planned_move() if moves is None else None
        await self.query_one(ReviewPane).show(
            text, str(moves or self.target()), evaluate(self.entry), saved=False,
            moved_from=str(self.path) if moves else None,
            move_offered=str(offered) if offered else None,
        )

    # -- the recovery journal ---------------------------------------------------------------
    def flush_journal(self) -> Path | None:
        """Journal now, on this thread (exit, crash): returns where, if anything was unsaved."""
        try:
            self.apply_all()
        except Exception:  # noqa: BLE001 - a broken widget must not stop the flush
            pass
        return self.session.flush_journal()

    def on_unmount(self) -> None:
        self.session.close()
