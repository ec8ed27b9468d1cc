"""The follow-up ledger: every follow-up of the knowledge base, filtered as you type,
grouped by owner or by entry, overdue ones marked; space ticks one done or open again.

| Key | Action |
|---|---|
| `/` | Filter: words, `@owner`, `service:S`, `severity:S`, `due:N`, `overdue`, `done`, `all` |
| `space` | Tick the follow-up done, or open again (a one-line change in its entry) |
| `enter` | Open its entry (read-only) |
| `g` | Group by owner / by entry |
| `f5`, `ctrl+r` | Reload |
| `escape`, `q` | Clear the filter, or back to the browser |
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from ...core import factcache, ledger, store
from ...core.catalog import Row
from ...core.sanitize import clean_line


class LedgerScreen(Screen[None]):
    """Every follow-up across the knowledge base; ticking one edits its line in its entry."""

    HELP_TITLE = "The follow-up ledger"
    HELP = ("Every follow-up action of every entry, soonest deadline first, open ones unless "
            "the filter says otherwise. Type in the filter (/): plain words match the "
            "follow-up, its owner and its entry's title, services and tags; @ana or owner:ana, "
            "service:payments, severity:high, due:14 (due within 14 days), overdue, done and "
            "all narrow it. g groups by owner or by entry. Overdue ones are marked OVERDUE. "
            "Space ticks the follow-up under the cursor done, or open again: only its checkbox "
            "changes in its entry's file, saved like the wizard saves (if the file changed on "
            "disk meanwhile, nothing is written and the ledger reloads). Enter opens the entry.")
    AUTO_FOCUS = "#ledger"
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="ledger.filter", key_display="/"),
        Binding("space", "tick", "Tick done/open", id="ledger.tick"),
        Binding("enter", "open_entry", "Open entry", id="ledger.open"),
        Binding("g", "toggle_group", "Group by owner/entry", id="ledger.group"),
        Binding("f5,ctrl+r", "reload", "Reload", id="ledger.reload", show=False,
                key_display="F5, Ctrl+R"),
        Binding("escape,q", "back", "Clear filter / back", id="ledger.back"),
        Binding("question_mark", "app.help", "This help", id="ledger.help", show=False,
                key_display="F1, ?"),
    ]
    DEFAULT_CSS = """
    LedgerScreen #ledger-filter { dock: top; }
    LedgerScreen #ledger-counts { height: 1; padding: 0 1; color: $text-muted; }
    LedgerScreen #ledger { height: 1fr; }
    """

    def __init__(self, root: Path, today: date | None = None) -> None:
        super().__init__()
        self.root = root
        self.today = today or date.today()
        """What "overdue" is measured against (tests fix it)."""
        self.facts: factcache.FactSet | None = None
        self.by = "owner"
        """Grouping: `owner` or `entry`."""
        self.shown: dict[str, ledger.Item] = {}
        """Row key -> the follow-up on that row (group headings have none)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter: words, @owner, service:S, severity:S, due:N, overdue, "
                    "done, all", id="ledger-filter")
        yield Static(Content("Loading follow-ups…"), id="ledger-counts")
        table: DataTable[object] = DataTable(id="ledger", cursor_type="row", zebra_stripes=True)
        table.add_column("", key="box", width=3)
        table.add_column("Due", key="due", width=23)
        table.add_column("Owner", key="owner", width=12)
        table.add_column("Follow-up", key="text")
        table.add_column("Entry", key="entry")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Follow-ups"
        self.reload()

    # -- loading -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="ledger-load")
    def reload(self, select: tuple[str, int] | None = None) -> None:
        """Read the facts (warm: no entry file is read) and show them."""
        try:
            facts = factcache.load(self.root, pairs=False)
        except OSError as exc:
            self.app.call_from_thread(self.notify, clean_line(str(exc)), severity="error",
                                      markup=False)
            return
        self.app.call_from_thread(self._loaded, facts, select)

    def _loaded(self, facts: factcache.FactSet, select: tuple[str, int] | None) -> None:
        self.facts = facts
        self.refilter(select)

    @on(Input.Changed, "#ledger-filter")
    def _typed(self) -> None:
        self.refilter()

    @on(Input.Submitted, "#ledger-filter")
    def _submitted(self) -> None:
        self.query_one("#ledger", DataTable).focus()

    @on(DataTable.RowSelected, "#ledger")
    def _selected(self) -> None:
        self.action_open_entry()

    def refilter(self, select: tuple[str, int] | None = None) -> None:
        """Fill the table from the facts and the filter, grouped."""
        if self.facts is None:
            return
        query = self.query_one("#ledger-filter", Input).value
        wanted = ledger.parse_query(query)
        found = ledger.items(self.facts.entries, wanted, self.today)
        table = self.query_one("#ledger", DataTable)
        current = select or self._current_id()
        table.clear()
        self.shown = {}
        for name, items in ledger.group(found, self.by):
            heading = name if self.by == "owner" else (items[0].entry.title or name)
            table.add_row(Text(""), Text(""), Text(""),
                          Text(clean_line(heading), style="bold"),
                          Text(f"{len(items)}", style="dim"), key=f"group:{name}")
            for item in items:
                key = f"{item.entry.key}#{item.follow_up.n}"
                self.shown[key] = item
                table.add_row(*self._cells(item), key=key)
        counts = ledger.counts(found, self.today)
        self.query_one("#ledger-counts", Static).update(Content(
            f"{len(found)} follow-ups: {counts.open} open, {counts.overdue} overdue, "
            f"{counts.done} done; {counts.no_owner} no owner, {counts.no_deadline} "
            f"without a deadline (as of {self.today.isoformat()}; by {self.by})."))
        if current is not None:
            key = f"{current[0]}#{current[1]}"
            if key in self.shown:
                table.move_cursor(row=table.get_row_index(key))
                return
        if self.shown:
            table.move_cursor(row=table.get_row_index(next(iter(self.shown))))

    def _cells(self, item: ledger.Item) -> list[Text]:
        f = item.follow_up
        box = Text("[x]" if f.done else "[ ]", style="green" if f.done else "")
        if not f.deadline:
            due = Text("(no deadline)", style="dim")
        elif item.overdue(self.today):
            left = item.days_left(self.today)
            due = Text(f"{f.deadline} OVERDUE {-(left or 0)}d", style="bold red")
        else:
            due = Text(clean_line(f.deadline))
        owner = Text(clean_line(f.owner)) if f.owner else Text("(no owner)", style="dim")
        return [box, due, owner, Text(clean_line(f.text)),
                Text(clean_line(item.entry.title or item.entry.key))]

    def _current_id(self) -> tuple[str, int] | None:
        item = self.current
        return (item.entry.key, item.follow_up.n) if item is not None else None

    @property
    def current(self) -> ledger.Item | None:
        """The follow-up under the cursor (None on a group heading or an empty table)."""
        table = self.query_one("#ledger", DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - no row under the cursor
            return None
        return self.shown.get(key or "")

    # -- actions -------------------------------------------------------------------------
    def action_focus_filter(self) -> None:
        self.query_one("#ledger-filter", Input).focus()

    def action_back(self) -> None:
        field = self.query_one("#ledger-filter", Input)
        if field.value:
            field.value = ""
            self.query_one("#ledger", DataTable).focus()
        else:
            self.dismiss(None)

    def action_toggle_group(self) -> None:
        self.by = "entry" if self.by == "owner" else "owner"
        self.refilter()

    def action_reload(self) -> None:
        self.reload(self._current_id())

    def action_tick(self) -> None:
        item = self.current
        if item is None:
            return
        self._tick(item, not item.follow_up.done)

    @work(thread=True, exclusive=True, group="ledger-tick")
    def _tick(self, item: ledger.Item, done: bool) -> None:
        where = (item.entry.key, item.follow_up.n)
        try:
            ledger.tick(self.root, item.entry, item.follow_up, done)
        except store.ConflictError:
            self.app.call_from_thread(
                self.notify, f"{clean_line(item.entry.key)} changed on disk since the ledger "
                "read it: nothing was written. Reloaded; tick it again if it still applies.",
                severity="warning", markup=False)
        except (store.StoreError, OSError) as exc:
            self.app.call_from_thread(self.notify, clean_line(str(exc)), severity="error",
                                      markup=False)
        self.app.call_from_thread(self.reload, where)

    def action_open_entry(self) -> None:
        item = self.current
        if item is None:
            return
        from .entry_view import EntryViewScreen

        path = self.root / item.entry.key
        self.app.push_screen(EntryViewScreen(Row(path=path, key=item.entry.key,
                                                 title=item.entry.title)))
