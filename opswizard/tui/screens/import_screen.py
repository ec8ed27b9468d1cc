"""Import postmortems written in other layouts: pick a file or folder, review how each file
maps onto the template, import all or some, with progress.

| Key | Action |
|---|---|
| `enter` in the path box | Look at the file or folder (nothing is written) |
| `up` / `down` | Move through the files; the mapping of the one under the cursor is shown |
| `space` | Select or unselect the file under the cursor |
| `a` | Select all files that can be imported, or none |
| `ctrl+s` | Import the selected files |
| `escape` | Close (back to the browser) |
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, ProgressBar, SelectionList, Static
from textual.widgets.selection_list import Selection

from ...core import import_batch, layouts
from ...core.import_batch import Planned
from ..safe import line, say, text

_LABELS = {"write": "new", "update": "update", "unchanged": "unchanged", "changed": "changed",
           "skip": "skipped"}


class ImportScreen(Screen[int]):
    """Dismisses with the number of entries written."""

    HELP_TITLE = "Import postmortems"
    HELP = ("Bring in postmortems written in other layouts (Google SRE, PagerDuty, Atlassian, "
            "GitLab, Azure/AKS, 5 whys, Etsy-style) or by hand. Type a file or folder and "
            "press Enter: each file is read and mapped onto the template, nothing is written. "
            "The list shows what would happen to each file; the pane beside it, for the file "
            "under the cursor, which heading goes where, the facts found and where, and the "
            "sections kept as they are. Space selects, a selects all, Ctrl+S imports the "
            "selected files. Sources are never modified; no line is lost.")
    DEFAULT_CSS = """
    ImportScreen #import-path { margin: 0 1; }
    ImportScreen #import-panes { height: 1fr; }
    ImportScreen #import-files { width: 1fr; height: 1fr; }
    ImportScreen #import-details-box { width: 1fr; height: 1fr; border: round $primary;
                                       padding: 0 1; }
    ImportScreen #import-status { height: auto; margin: 0 1; }
    ImportScreen #import-progress { margin: 0 1; display: none; }
    ImportScreen #import-progress.-running { display: block; }
    """
    BINDINGS = [
        Binding("ctrl+s", "import_selected", "Import selected", id="import.run"),
        Binding("a", "toggle_all", "Select all/none", id="import.all"),
        Binding("escape", "close", "Close", id="import.close"),
    ]

    def __init__(self, root: Path, start: str = "") -> None:
        super().__init__()
        self.root = root
        self.start = start
        self.planned: list[Planned] = []
        """What importing each file would do, in list order."""
        self.written = 0
        self.heading_map = layouts.load(root)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(value=self.start, placeholder="A file or folder of postmortems, then Enter",
                    id="import-path")
        with Horizontal(id="import-panes"):
            yield SelectionList[int](id="import-files")
            with VerticalScroll(id="import-details-box"):
                yield Static(Content("Type a path and press Enter to see how its files map "
                                     "onto the template."), id="import-details")
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static("", id="import-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Import"
        self.query_one("#import-path", Input).focus()
        for problem in self.heading_map.problems:
            say(self, f"layouts.toml: {problem}", severity="warning")

    # -- looking -----------------------------------------------------------------------------
    @on(Input.Submitted, "#import-path")
    def _look(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip():
            return
        self._status(f"Reading {path}…")
        self._plan(path)

    @work(thread=True, exclusive=True, group="import-plan")
    def _plan(self, path: Path) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._show_progress, done, total)

        planned = import_batch.plan(self.root, [path], self.heading_map, progress=progress)
        self.app.call_from_thread(self._planned, planned)

    def _planned(self, planned: list[Planned]) -> None:
        self.planned = planned
        files = self.query_one("#import-files", SelectionList)
        files.clear_options()
        for index, item in enumerate(planned):
            files.add_option(Selection(self._prompt(item), index, item.writes,
                                       disabled=not item.writes))
        self.query_one("#import-progress", ProgressBar).remove_class("-running")
        counts = import_batch.summary(planned)
        self._status(f"{len(planned)} file(s): {counts['imported']} new, {counts['updated']} to "
                     f"update, {counts['unchanged']} unchanged, {counts['changed']} changed, "
                     f"{counts['skipped']} skipped. Ctrl+S imports the selected ones.")
        if planned:
            files.focus()
            files.highlighted = 0
            self._details(planned[0])

    @staticmethod
    def _prompt(item: Planned) -> Content:
        conversion = item.conversion
        title = conversion.entry.title if conversion and conversion.entry else ""
        label = _LABELS.get(item.action, item.action)
        status = f" ({conversion.status})" if conversion and conversion.status else ""
        return Content.assemble((f"{label:9} ", "bold"), line(item.name),
                                (" → " if title else "", "dim"), line(title), (status, "dim"))

    @on(SelectionList.SelectionHighlighted, "#import-files")
    def _highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        index = event.selection.value
        if 0 <= index < len(self.planned):
            self._details(self.planned[index])

    def _details(self, item: Planned) -> None:
        """The dry run of one file: where it goes, each heading's target, facts, kept parts."""
        conversion = item.conversion
        parts: list[Content] = [line(str(item.source), "bold")]
        if item.reason:
            parts.append(line(f"{_LABELS.get(item.action, item.action)}: {item.reason}"))
        if item.target is not None:
            parts.append(line(f"→ {item.target}"))
        if conversion is not None and not conversion.skipped:
            if conversion.native:
                parts.append(Content("Already in the template's layout."))
            parts.append(Content("Headings").stylize("bold"))
            parts += [line(f"  line {n}: {h} → {t}") for n, h, t in conversion.mappings] or \
                [Content("  none mapped")]
            parts.append(Content("Facts").stylize("bold"))
            parts += [line(f"  {k}: {f.value}  ({f.where})") for k, f in conversion.facts.items()]
            if conversion.kept:
                parts.append(Content("Kept as they are").stylize("bold"))
                parts += [line(f"  line {n}: {h}") for n, h in conversion.kept]
            if conversion.changes:
                parts.append(Content("Changes").stylize("bold"))
                parts += [line(f"  {change}") for change in conversion.changes]
            if conversion.fallback:
                parts.append(line(f"Mapping narrowed to keep every line: {conversion.fallback}"))
        self.query_one("#import-details", Static).update(Content("\n").join(parts))

    # -- importing ---------------------------------------------------------------------------
    def action_toggle_all(self) -> None:
        files = self.query_one("#import-files", SelectionList)
        if files.selected:
            files.deselect_all()
        else:
            files.select_all()

    def action_import_selected(self) -> None:
        chosen = [self.planned[i] for i in self.query_one("#import-files", SelectionList).selected]
        chosen = [item for item in chosen if item.writes]
        if not chosen:
            self.notify("Nothing selected to import.", severity="warning")
            return
        self._status(f"Importing {len(chosen)} file(s)…")
        self._import(chosen)

    @work(thread=True, exclusive=True, group="import-run")
    def _import(self, chosen: list[Planned]) -> None:
        for done, item in enumerate(chosen):
            self.app.call_from_thread(self._show_progress, done, len(chosen))
            import_batch.apply(self.root, item)
        self.app.call_from_thread(self._imported, chosen)

    def _imported(self, chosen: list[Planned]) -> None:
        self.query_one("#import-progress", ProgressBar).remove_class("-running")
        wrote = sum(item.action in ("wrote", "updated") for item in chosen)
        failed = [item for item in chosen if item.action == "failed"]
        self.written += wrote
        message = f"Imported {wrote} file(s)" + (f", {len(failed)} failed" if failed else "")
        self._status(message + ". Escape goes back to the browser.")
        for item in failed:
            say(self, f"{item.source}: {item.reason}", severity="error")
        self.notify(message, markup=False)
        files = self.query_one("#import-files", SelectionList)
        for item in chosen:
            index = self.planned.index(item)
            files.deselect(index)
            files.replace_option_prompt_at_index(index, self._prompt(item))
            files.disable_option_at_index(index)

    def _show_progress(self, done: int, total: int) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.add_class("-running")
        bar.update(total=total, progress=done)

    def _status(self, message: str) -> None:
        self.query_one("#import-status", Static).update(text(message))

    def action_close(self) -> None:
        self.dismiss(self.written)
