"""The wizard: every template section as a step, a live checklist, a review, and saving.

| Key | Action |
|---|---|
| `ctrl+n` / `ctrl+b` | Next / previous step |
| `ctrl+r` | Review and save |
| `ctrl+s` | Save (as draft, or keep it final) |
| `ctrl+f` | Save as final |
| `ctrl+l` | Show or hide the checklist |
| `escape` | Close (with unsaved changes: press it twice, then you are asked) |
| `ctrl+q` | Close (asks first if there are unsaved changes) |
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Static

from ...core import journal, store
from ...core.checklist import evaluate
from ...core.checks import section_statuses
from ...core.model import EntryBase
from ...core.outcomes import Saved
from ...core.render import render
from ...core.sanitize import clean_line
from ...core.session import EditSession
from ...core.template import SECTION_BY_KEY, SECTIONS
from ..safe import fmt, line, say
from ..widgets.checklist_panel import ChecklistPanel
from ..widgets.key_footer import KeyFooter
from ..widgets.related_editor import RelatedEditor
from ..widgets.review_pane import ReviewPane
from ..widgets.secrets_notice import SecretsNotice
from ..widgets.section_editor import EditorContext, SectionEditor, editor_for
from ..widgets.similar_notice import SimilarNotice
from ..widgets.step_list import REVIEW, StepList
from . import save_flow
from .dialogs import ChoiceDialog
from .journal_keeper import JournalKeeper
from .wizard_tools import WizardTools

STEPS = [s.key for s in SECTIONS] + [REVIEW]


class WizardScreen(WizardTools, Screen[Path | None]):
    """Write a new entry, or edit one, step by step. Dismisses with the saved path or None."""

    HELP_TITLE = "The wizard"
    HELP = (
        "Walk the Operational Learning Template one section at a time. The left column lists "
        "every step (✓ complete, · incomplete, ✗ has errors); any step can be opened. The "
        "right column is the template's completion checklist, computed as you type: select an "
        "item to jump to the step that fixes it. Nothing stops you moving on from an invalid "
        "field. Save a draft at any time; saving as final asks for the checklist to pass, or "
        "for a reason to override it, which is recorded in the entry. Secrets pasted in "
        "(keys, tokens, passwords) are marked and named above the step: F3 redacts them. A "
        "code block that does not parse says why under it once you stop typing. F4 opens "
        "the focused field, list item or code block in your $VISUAL/$EDITOR, F6 the whole "
        "entry (read back when the editor exits). After a save that added a Related Issues "
        "link, the wizard offers to add the link back in the other entry. With a screen "
        "reader or a dumb terminal, `opswizard new --plain` asks the same questions one line "
        "at a time."
    )
    BINDINGS = [
        Binding("ctrl+n", "next_step", "Next", id="wizard.next", priority=True),
        Binding("ctrl+b", "previous_step", "Back", id="wizard.previous", priority=True),
        Binding("ctrl+r", "review", "Review", id="wizard.review", priority=True),
        Binding("ctrl+s", "save", "Save", id="wizard.save", priority=True),
        Binding("ctrl+f", "save_final", "Save final", id="wizard.final", priority=True),
        Binding("ctrl+l", "toggle_checklist", "Checklist", id="wizard.checklist"),
        Binding("f2", "look_similar", "Similar", id="wizard.similar"),
        Binding("f3", "redact_secrets", "Redact", id="wizard.redact"),
        Binding("f4", "edit_focused", "$EDITOR", id="wizard.editor"),
        Binding("f6", "edit_entry", "Entry in $EDITOR", id="wizard.editor_entry"),
        Binding("f7", "strip_controls", "Strip controls", id="wizard.strip"),
        Binding("escape", "close", "Close", id="wizard.close"),
    ]

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

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wizard-body"):
            yield StepList(id="steps")
            with VerticalScroll(id="form"):
                yield Static("", id="read-only")
                yield SimilarNotice(id="similar")
                yield SecretsNotice(self.root, id="secrets")
                yield Static("", id="step-title")
                yield ContentSwitcher(id="editors")
            yield ChecklistPanel(id="checklist")
        yield KeyFooter()

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

    async def on_mount(self) -> None:
        self._show_read_only()
        self.context.target_path = self.target
        self.context.link_for = self.session.link_to
        self.session.hold_lock()
        other = self.session.other_editor
        if other:
            say(self, f"Another opswizard (pid {other.get('pid')} on {other.get('host')}) "
                "is editing this entry: saving will check for its changes first.",
                severity="warning", timeout=10)
            self._offer_take_over(other)
        self.refresh_state()
        await self.show_step(self.current)
        self.build_index()
        self.run_worker(self._premount(), group="premount", exclusive=True)

    @work(exclusive=True, group="take-over")
    async def _offer_take_over(self, other: dict[str, object]) -> None:
        """Another live opswizard has the entry open: take it over, or read only."""
        choice = await self.app.push_screen_wait(ChoiceDialog(
            "Another opswizard is editing this entry",
            line(f"opswizard (pid {other.get('pid')} on {other.get('host')}) has this entry "
                 "open. Take over (its unsaved text stays in its own window and journal), "
                 "or open it read-only?"),
            [("take-over", "Take over", "primary"), ("read-only", "Read-only", "default")],
        ))
        if choice != "read-only" or not self.is_attached:
            return
        self.session.give_way(other)
        self._show_read_only()
        self.refresh_state()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "strip_controls":
            return bool(self.session.controls)
        return True

    async def action_strip_controls(self) -> None:
        """Repair a file holding terminal control characters: they are dropped (escape
        sequences whole), the entry becomes editable, and saving writes it without them."""
        if not self.session.strip_controls():
            return
        for editor in self.editors():
            await editor.load_entry(self.entry)
        self.session.hold_lock()
        self._show_read_only()
        self.refresh_state()
        self.refresh_bindings()
        self.notify("Control characters removed: save to write the file without them.")

    async def _import_instead(self) -> bool:
        """The file is outside the knowledge base: offer to save the text as a new entry
        inside it instead (the original is never written). True if the author chose so."""
        choice = await self.app.push_screen_wait(ChoiceDialog(
            "Import into the knowledge base?",
            line(f"{self.path} is outside the knowledge base {self.root}, and opswizard "
                 "writes only inside it. Save your text as a new entry in the knowledge "
                 "base? The original file is left as it is."),
            [("import", "Import a copy", "primary"), ("cancel", "Cancel", "default")],
        ))
        if choice != "import":
            return False
        self.session.import_as_new()
        self._show_read_only()
        return True

    # -- the knowledge base: suggestions and similar entries ------------------------------
    @work(thread=True, exclusive=True, group="index")
    def build_index(self) -> None:
        """Index the knowledge base off the UI thread; suggestions start when it is ready."""
        from ...core.suggestions import Suggestions

        ready = Suggestions.open(self.root)
        self.app.call_from_thread(self._index_ready, ready)

    def _index_ready(self, ready: object) -> None:
        self.context.suggester = ready  # type: ignore[assignment]
        self.query_one(SimilarNotice).forget()
        self.refresh_state()
        for editor in self.query(RelatedEditor):
            editor.refresh_candidates(self.entry)

    async def _reload_links(self) -> None:
        """A save re-derived the Related Issues links for where the entry went: show them."""
        for editor in self.query(SectionEditor):
            if editor.spec.key == "related_issues" and editor.ready:
                await editor.load_entry(self.entry)

    def _update_similar(self) -> None:
        if self.context.suggester is not None:
            self.query_one(SimilarNotice).look_for(self.context.suggester, self.entry,
                                                   self.path)

    @on(SimilarNotice.Open)
    def _open_similar(self, event: SimilarNotice.Open) -> None:
        from .peek import PeekScreen

        path = Path(event.path)
        if not path.is_absolute():
            path = self.root / path
        try:
            screen = PeekScreen.for_path(path, self.root)
        except store.StoreError as exc:
            say(self, str(exc), severity="error")
            return
        self.app.push_screen(screen)

    @on(SecretsNotice.Redact)
    async def _redact(self) -> None:
        await self.action_redact_secrets()

    def action_look_similar(self) -> None:
        self.query_one(SimilarNotice).focus_list()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 110, "-narrow")

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

    async def _ensure_editor(self, key: str) -> SectionEditor:
        """The step's editor, mounted and loaded (one mount at a time)."""
        async with self._mount_lock:
            found = self.query(f"#editor-{key}")
            if found:
                return found.first(SectionEditor)
            editor = editor_for(SECTION_BY_KEY[key], self.context)
            editor.display = False  # the switcher shows it when it becomes current
            await self.query_one("#editors", ContentSwitcher).mount(editor)
            await editor.load_entry(self.entry)
            return editor

    async def _premount(self) -> None:
        """Mount every step's editor in the background, so moving between steps never waits
        (and no keystroke can arrive while a step is half built)."""
        for spec in SECTIONS:
            if not self.is_attached or not self.is_running:
                return
            try:
                await self._ensure_editor(spec.key)
            except NoMatches:
                # The app is closing: Textual stopped composing the editor half-way. Drop
                # it (a step opened later mounts it afresh) and stop premounting.
                for half in self.query(f"#editor-{spec.key}"):
                    await half.remove()
                return
            except Exception:
                if self.is_attached and self.is_running and not self.stopping:
                    raise
                return  # the screen or the app closed while mounting: nothing to finish

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

    # -- saving ---------------------------------------------------------------------------
    def action_save(self) -> None:
        self.save(final=self.entry.status == "final")

    def action_save_final(self) -> None:
        self.save(final=True)

    def on_button_pressed(self, event: object) -> None:
        button = getattr(event, "button", None)
        if button is not None and button.id in ("save-draft", "save-final"):
            self.save(final=button.id == "save-final")
        elif button is not None and button.id == "save-move":
            self.save(final=self.entry.status == "final", confirm_move=True)

    @work(exclusive=True, group="save")
    async def save(self, final: bool, confirm_move: bool = False) -> None:
        """Save in a worker (dialogs may be needed)."""
        await self.save_now(final, confirm_move)

    async def save_now(self, final: bool, confirm_move: bool = False) -> bool:
        """Save, asking what is needed first (override reason, conflicts).

        Returns True if the entry is saved when it returns.
        """
        self.apply_all()
        linked_before = self.linked_entries(self.session.baseline, self.path) \
            if self.path is not None else set()
        if self.session.outside and not await self._import_instead():
            return False
        outcome = await save_flow.save(self, self.session, final, confirm_move)
        if outcome is None:
            return False
        if isinstance(outcome, Saved) and self.session.relinked:
            await self._reload_links()
        self.refresh_state()
        await self.update_review()
        if isinstance(outcome, Saved):
            await self.offer_backlinks(linked_before)
        return True

    # -- closing --------------------------------------------------------------------------
    def action_close(self) -> None:
        """Escape: close. With unsaved changes it takes a second Escape, pressed as the very
        next key, to ask (a stray Escape meant for a dropdown never opens the dialog)."""
        from ..escape import second_escape

        self.apply_all()
        self.refresh_state()
        if self.dirty and not self.read_only_reason and not second_escape(self):
            self.notify("Unsaved changes: press Escape again to close (you will be asked to "
                        "save or discard), or ctrl+s to save.", title="Close?", timeout=4)
            return
        self.close()

    def request_close(self) -> None:
        """Close, asking first about unsaved changes (the app's ctrl+q calls this)."""
        self.close()

    @work(exclusive=True, group="close")
    async def close(self) -> None:
        self.apply_all()
        self.refresh_state()
        if self.dirty and not self.read_only_reason:
            choice = await self.app.push_screen_wait(ChoiceDialog(
                "Unsaved changes",
                "You have changes that are not saved. Save them as a draft, or discard them?",
                [("cancel", "Keep editing", "primary"), ("save", "Save draft", "success"),
                 ("discard", "Discard", "error")],
            ))
            if choice in (None, "cancel"):
                return
            if choice == "save" and not await self.save_now(final=False):
                return
            if choice == "discard":
                self.journal_keeper.forget()
        self.dismiss(self.saved_path)
