"""What the wizard adds around writing: redacting secrets, the author's own editor, and
the offer to link back. A base of WizardScreen, kept apart so the screen stays readable;
the files these read and write are the session's and the core's."""

from __future__ import annotations

from pathlib import Path

from textual import work

from ...core.parse import parse_text
from ...core.render import render
from ..safe import line, say
from ..widgets.section_editor import SectionEditor
from .wizard_steps import WizardSteps


class WizardTools(WizardSteps):
    """Redaction, the author's own editor, links both ways."""

    async def action_redact_secrets(self) -> None:
        """Swap every secret in the entry for `<redacted:KIND>`, keeping the rest of each
        line, and make sure the recovery journal no longer holds them."""
        self.apply_all()
        done = self.session.redact_secrets()
        if not done:
            self.notify("No secrets to redact.")
            return
        for editor in self.query(SectionEditor):
            if editor.ready:
                await editor.load_entry(self.entry)
        self.refresh_state()
        self._journal_redacted()
        say(self, f"Redacted {len(done)} secret{'s' if len(done) != 1 else ''}: "
            + ", ".join(sorted({f.kind for f in done})), title="Redacted")

    def _journal_redacted(self) -> None:
        """Rewrite the journal now with the redacted text. The session journals only the
        newest text it was told of, so a write of the old text still under way is either
        skipped or overwritten here: no copy of the secret is left in the journal."""
        text = render(self.entry)
        if not self.session.note(text) or self.read_only_reason:
            return  # back to the saved file: the session dropped the journal
        try:
            self.session.write_journal(text)
        except OSError as exc:
            say(self, f"Could not rewrite the journal: {exc}", severity="error")

    # -- your own editor ------------------------------------------------------------------
    def _run_editor(self, text: str, suffix: str) -> str | None:
        """Hand `text` to $VISUAL/$EDITOR with the terminal; what was saved, or None."""
        from textual.app import SuspendNotSupported

        from ...core.external_editor import NoEditorError, edit_text

        try:
            try:
                with self.app.suspend():
                    return edit_text(text, suffix=suffix)
            except SuspendNotSupported:  # no terminal to hand over (tests, web)
                return edit_text(text, suffix=suffix)
        except NoEditorError as exc:
            say(self, str(exc), title="No editor", severity="error", timeout=10)
            return None

    def action_edit_focused(self) -> None:
        """Open the focused field, list item or code block in $VISUAL/$EDITOR."""
        from textual.widgets import Input, TextArea

        widget = self.app.focused
        if isinstance(widget, TextArea):
            language = ""
            if "code" in widget.classes:
                for editor in widget.ancestors:
                    if isinstance(editor, SectionEditor):
                        found = editor.query("#language")
                        language = found.first(Input).value.strip() if found else ""
                        break
            suffix = {"json": ".json", "yaml": ".yaml", "yml": ".yaml", "toml": ".toml",
                      "python": ".py", "py": ".py", "bash": ".sh", "sh": ".sh"}.get(
                          language.split(" ")[0].lower() if language else "", ".md")
            new = self._run_editor(widget.text, suffix)
            if new is not None:
                if new.endswith("\n") and not widget.text.endswith("\n"):
                    new = new[:-1]
                widget.text = new
        elif isinstance(widget, Input):
            new = self._run_editor(widget.value, ".txt")
            if new is not None:
                widget.value = " ".join(new.strip("\n").split("\n"))
        else:
            self.notify("Focus a field, a list item or a code block first (F6 edits the "
                        "whole entry).")

    @work(exclusive=True, group="external-editor")
    async def action_edit_entry(self) -> None:
        """Open the whole entry in $VISUAL/$EDITOR and re-read it on return. Text that
        cannot be read as an entry is offered back to the editor, never dropped; saving
        keeps its usual conflict check against the file on disk."""
        from .dialogs import ChoiceDialog

        self.apply_all()
        text = render(self.entry)
        while True:
            new = self._run_editor(text, ".md")
            if new is None or await self._apply_edited_entry(new):
                return
            choice = await self.app.push_screen_wait(ChoiceDialog(
                "The edited entry cannot be read",
                line("Open it in the editor again, or drop these edits?"),
                [("again", "Edit again", "primary"), ("drop", "Drop the edits", "error")]))
            if choice != "again":
                return
            text = new

    async def _apply_edited_entry(self, text: str) -> bool:
        """Take the entry back from its edited text; False (and nothing changed) if the
        text cannot be read as an entry."""
        result = parse_text(text)
        if not result.writable:
            errors = result.errors
            say(self, "Not taken back: " + (errors[0].message if errors else
                                            "the text is not an entry"),
                severity="error", timeout=10)
            return False
        self.session.entry = result.entry
        for editor in self.query(SectionEditor):
            if editor.ready:
                await editor.load_entry(self.entry)
        self.refresh_state()
        return True

    # -- links both ways ------------------------------------------------------------------
    def linked_entries(self, text: str | None = None, where: Path | None = None) -> set[Path]:
        """The entry files the Related Issues links of `text` (default: the entry as it
        is) name, read as if the entry were at `where` (default: where it is saved)."""
        from ...core.backlinks import linked_files

        entry = parse_text(text).entry if text is not None else self.entry
        return linked_files(self.root, entry, where or self.target())

    async def offer_backlinks(self, before: set[Path]) -> None:
        """After a save: for each entry newly linked under Related Issues that does not
        link back, offer to add the link back there (one line, conflict-checked)."""
        from ...core import backlinks, store
        from .dialogs import ChoiceDialog

        saved = self.path
        if saved is None:
            return
        for target in sorted(self.linked_entries() - before):
            title = backlinks.lacks_backlink(self.root, saved, target)
            if title is None:
                continue
            choice = await self.app.push_screen_wait(ChoiceDialog(
                "Link back?",
                line(f"“{title}” does not link to this entry. Add a line to its Related "
                     f"Issues: {backlinks.link_text(saved, self.entry.title, target)}"),
                [("add", "Add the link back", "primary"), ("skip", "Not now", "default")]))
            if choice != "add":
                continue
            try:
                added = backlinks.add_backlink(self.root, saved, self.entry.title, target)
            except (store.StoreError, OSError) as exc:
                say(self, f"Link back not added: {exc}", severity="error", timeout=10)
                continue
            if added.changed:
                say(self, f"Linked back from {target.name}", title="Links both ways")

