"""Moving between the wizard's steps: each step's editor, mounted once (the step shown, and
the next one in the background, ahead of the author), shown, and focused. A base of
WizardScreen."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import SystemCommand
from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import ContentSwitcher, Static

from ...core.template import SECTION_BY_KEY
from ..widgets.checklist_panel import ChecklistPanel
from ..widgets.related_editor import RelatedEditor
from ..widgets.review_pane import ReviewPane
from ..widgets.section_editor import SectionEditor, editor_for
from ..widgets.step_list import REVIEW, StepList
from .wizard_base import STEPS, WizardBase


class WizardSteps(WizardBase):
    """The steps of the wizard: show one, mount them all, move on and back."""

    def palette_commands(self) -> Iterable[SystemCommand]:
        """"Go to step: X" for every step, for the command palette."""
        for key in STEPS:
            title = "Review and save" if key == REVIEW else SECTION_BY_KEY[key].heading

            async def go(key: str = key) -> None:
                await self.show_step(key)

            yield SystemCommand(f"Go to step: {title}", "Open this step of the wizard", go)

    # -- steps ----------------------------------------------------------------------------
    async def show_step(self, key: str) -> None:
        """Open a step (creating its editor the first time)."""
        self.apply_all()
        self.current = key
        switcher = self.query_one("#editors", ContentSwitcher)
        title = self.query_one("#step-title", Static)
        step_number = STEPS.index(key) + 1
        if key == REVIEW:
            title.update(Content.assemble((f"{step_number}/{len(STEPS)} ", "dim"),
                                          ("Review and save", "bold")))
            if not self.query("#review"):
                review = ReviewPane(id="review")
                review.display = False
                await switcher.mount(review)
            switcher.current = "review"
            await self.update_review()
        else:
            spec = SECTION_BY_KEY[key]
            title.update(Content.assemble((f"{step_number}/{len(STEPS)} ", "dim"),
                                          (spec.heading, "bold")))
            editor_id = f"editor-{key}"
            found = self.query(f"#{editor_id}")
            if not found or not found.first(SectionEditor).ready:
                # Not mounted, or mounted by the background premount and still loading:
                # wait for it (its load would overwrite keys typed into it meanwhile), and
                # let no key land in the step being left.
                self.set_focus(None)
                await self._ensure_editor(key)
            switcher.current = editor_id
            for related in self.query(f"#{editor_id}").results(RelatedEditor):
                related.refresh_candidates(self.entry)  # ranked against the entry as it is now
        self.query_one(StepList).show_current(key)
        self.query_one("#form", VerticalScroll).scroll_home(animate=False)
        # Focus now, not after a refresh: keys typed right after ctrl+n are dispatched once
        # this action returns, and must land in the new step, never in the hidden old one.
        self._focus_form()
        self.mount_ahead()

    async def _ensure_editor(self, key: str) -> SectionEditor:
        """The step's editor, mounted and loaded (one mount at a time)."""
        async with self._mount_lock:
            found = self.query(f"#editor-{key}")
            if found:
                return found.first(SectionEditor)
            editor = editor_for(SECTION_BY_KEY[key], self.context)
            editor.display = False  # the switcher shows it when it becomes current
            await self.query_one("#editors", ContentSwitcher).mount(editor)
            entry = self.entry
            await editor.load_entry(entry)
            while entry is not self.entry:
                # Replaced while this editor loaded (F3 redacted, F6 read the entry back
                # from $EDITOR, F7 stripped controls: they reload only the editors that
                # were ready): load the entry as it is now, never the one it replaced.
                entry = self.entry
                await editor.load_entry(entry)
            return editor

    def mount_ahead(self) -> None:
        """Mount the step after the current one in the background, so ctrl+n (the usual way
        through) never waits. Steps further on are mounted when first opened: mounting all
        twenty at the start cost a second of CPU that an author who edits one field never
        needed. A key typed while a step is being built waits in the app's key gate."""
        index = STEPS.index(self.current) if self.current in STEPS else -1
        ahead = STEPS[index + 1] if 0 <= index < len(STEPS) - 1 else REVIEW
        if ahead != REVIEW and not self.query(f"#editor-{ahead}"):
            self.run_worker(self._premount(ahead), group="premount", exclusive=False)

    async def _premount(self, key: str) -> None:
        """Mount one step's editor in the background (hidden until it is shown)."""
        if not self.is_attached or not self.is_running or self.stopping:
            return
        try:
            await self._ensure_editor(key)
        except NoMatches:
            # The app is closing: Textual stopped composing the editor half-way. Drop it
            # (a step opened later mounts it afresh).
            for half in self.query(f"#editor-{key}"):
                await half.remove()
        except Exception:
            if self.is_attached and self.is_running and not self.stopping:
                raise

    @property
    def stopping(self) -> bool:
        """The app or this screen is closing (a signal, a closed terminal, an exit)."""
        app = self.app
        return bool(self._closing or app._exit or app._closing or not app.is_running)

    def _focus_form(self) -> None:
        switcher = self.query_one("#editors", ContentSwitcher)
        visible = switcher.visible_content
        if visible is None:
            return
        for widget in visible.query("Input, Select, TextArea, Button, Checkbox, OptionList"):
            if widget.can_focus and not widget.disabled and widget.display and \
                    all(a.display for a in widget.ancestors_with_self if a is not visible):
                self.set_focus(widget, scroll_visible=False)
                return

    async def action_next_step(self) -> None:
        index = STEPS.index(self.current)
        await self.show_step(STEPS[min(index + 1, len(STEPS) - 1)])

    async def action_previous_step(self) -> None:
        index = STEPS.index(self.current)
        await self.show_step(STEPS[max(index - 1, 0)])

    async def action_review(self) -> None:
        await self.show_step(REVIEW)

    def action_toggle_checklist(self) -> None:
        self.toggle_class("-show-checklist")

    @on(StepList.Chosen)
    async def _step_chosen(self, event: StepList.Chosen) -> None:
        await self.show_step(event.key)

    @on(ChecklistPanel.Jump)
    async def _jump(self, event: ChecklistPanel.Jump) -> None:
        await self.show_step(event.section)
