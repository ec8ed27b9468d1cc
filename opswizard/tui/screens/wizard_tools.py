"""What the wizard adds around writing: redacting secrets, the author's own editor, and
the offer to link back. A mixin of WizardScreen, kept apart so the screen stays readable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...core import secrets
from ...core.parse import parse_text
from ...core.render import render
from ..safe import line
from ..widgets.section_editor import SectionEditor

if TYPE_CHECKING:
    from .wizard import WizardScreen


class WizardTools:
    """Actions for WizardScreen (self is the screen)."""

    async def action_redact_secrets(self: WizardScreen) -> None:  # type: ignore[misc]
        """Swap every secret in the entry for `<redacted:KIND>`, keeping the rest of each
        line, and make sure the recovery journal no longer holds them."""
        self.apply_all()
        text = render(self.entry)
        redacted, done = secrets.redact(text, allowlist=secrets.load_allowlist(self.root))
        if not done:
            self.notify("No secrets to redact.")
            return
        self.session.entry = parse_text(redacted).entry
        for editor in self.query(SectionEditor):
            if editor.ready:
                await editor.load_entry(self.entry)
        self.refresh_state()
        self._journal_redacted()
        self.notify(line(f"Redacted {len(done)} secret{'s' if len(done) != 1 else ''}: "
                         + ", ".join(sorted({f.kind for f in done}))), title="Redacted")

    def _journal_redacted(self: WizardScreen) -> None:  # type: ignore[misc]
        """Rewrite the journal now with the redacted text. The session journals only the
        newest text it was told of, so a write of the old text still under way is either
        skipped or overwritten here: no copy of the secret is left in the journal."""
        text = render(self.entry)
        if not self.session.note(text) or self.read_only_reason:
            return  # back to the saved file: the session dropped the journal
        try:
            self.session.write_journal(text)
        except OSError as exc:
            self.notify(line(f"Could not rewrite the journal: {exc}"), severity="error")
