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

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import ContentSwitcher, Header, Static

from ...core import store
from ...core.outcomes import Saved
from ..safe import line, say
from ..widgets.checklist_panel import ChecklistPanel
from ..widgets.key_footer import KeyFooter
from ..widgets.related_editor import RelatedEditor
from ..widgets.secrets_notice import SecretsNotice
from ..widgets.section_editor import SectionEditor
from ..widgets.similar_notice import SimilarNotice
from ..widgets.step_list import StepList
from . import save_flow
from .dialogs import ChoiceDialog
from .wizard_tools import WizardTools


class WizardScreen(WizardTools):
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
