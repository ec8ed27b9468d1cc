"""The final step: exactly the bytes that will be written, where, and the checklist."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Markdown, Static, TabbedContent, TabPane, TextArea

from ...core.checklist import Checklist
from ...core.sanitize import clean
from ..safe import line
from .checklist_panel import item_prompt


class ReviewPane(Vertical):
    """Target path, checklist summary, rendered preview and the raw file text."""

    DEFAULT_CSS = """
    ReviewPane { height: auto; }
    ReviewPane #review-target { margin-bottom: 1; }
    ReviewPane #review-checklist { height: auto; margin-bottom: 1; }
    ReviewPane TabbedContent { height: auto; }
    ReviewPane #review-markdown { height: auto; }
    ReviewPane #review-raw { height: 30; }
    ReviewPane #review-buttons { height: auto; margin-top: 1; }
    ReviewPane #review-buttons Button { margin-right: 2; }
    ReviewPane #save-move { display: none; }
    ReviewPane.-move-offered #save-move { display: block; }
    """

    _raw = ""
    """The file's text as the File tab should show it."""

    def compose(self) -> ComposeResult:
        yield Static("", id="review-target")
        yield Static("", id="review-checklist")
        with Horizontal(id="review-buttons"):
            yield Button("Save draft (ctrl+s)", id="save-draft", variant="primary")
            yield Button("Save final (ctrl+f)", id="save-final", variant="success")
            yield Button("Save and move", id="save-move", variant="warning")
        with TabbedContent(id="review-tabs"):
            with TabPane("Preview", id="tab-preview"):
                yield Markdown("", id="review-markdown")
            with TabPane("File", id="tab-raw"):
                yield TextArea("", id="review-raw", read_only=True, soft_wrap=False,
                               show_line_numbers=True)

    async def show(self, text: str, target: str, checklist: Checklist, saved: bool,
                   moved_from: str | None = None, move_offered: str | None = None) -> None:
        """Show the exact text to be written to `target` (moved from `moved_from`, which
        the save removes; or `move_offered`: where "Save and move" would put it)."""
        verb = "Saved to" if saved else "Will be written to"
        where = Content.assemble((verb + " ", "bold"), line(target))
        if moved_from:
            where = Content.assemble(where, "\n", ("Moved from ", "bold"), line(moved_from),
                                     " (the old file is removed once the new one is written)")
        if move_offered:
            where = Content.assemble(where, "\n", ("Belongs at ", "bold"), line(move_offered),
                                     " (a final entry keeps its name unless you choose "
                                     "Save and move)")
        self.set_class(bool(move_offered), "-move-offered")
        self.query_one("#review-target", Static).update(where)
        lines = [item_prompt(i.passed, i.label, i.reason) for i in checklist.items]
        head = Content.assemble(
            ("Checklist ", "bold"), f"{checklist.score}/{len(checklist.items)} · ",
            f"{checklist.percent}% complete",
        )
        self.query_one("#review-checklist", Static).update(Content("\n").join([head, *lines]))
        body = text.split("\n---\n", 1)[-1] if text.startswith("---\n") else text
        self._raw = clean(text)
        for markdown in self.query("#review-markdown").results(Markdown):
            await markdown.update(clean(body))
        self._fill_raw()

    def _fill_raw(self) -> None:
        """Put the file's text in the File tab; the tabs mount their panes a moment after
        this pane, so a review shown just after it appeared fills the tab once it is there."""
        found = self.query("#review-raw").results(TextArea)
        raw = next(iter(found), None)
        if raw is not None:
            if raw.text != self._raw:
                raw.text = self._raw
        elif self.is_attached:
            self.call_after_refresh(self._fill_raw)
