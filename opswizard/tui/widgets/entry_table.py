"""The browser's table of entries: one row per file, keyed by its path in the knowledge base.

The table is given the row ids of what it shows (in order) and a way to read a page of
them (`core.kbpages`): it never holds every summary, only those of the rows added so far.

| Key | Action |
|---|---|
| `up` / `down`, `k` / `j` | Move |
| `pageup` / `pagedown`, `ctrl+home` / `ctrl+end` | Page, top, bottom |
| `enter` | Read the entry (runs the screen's `read` action) |
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import DataTable

from ...core.sanitize import clean_line

if TYPE_CHECKING:  # pragma: no cover
    from ...core.catalog import Row

SEVERITY_STYLE = {"CRITICAL": "bold red", "HIGH": "red", "MEDIUM": "yellow", "LOW": "green"}
# (key, label, width); the title (and tags, when there is room) take the rest.
FIXED = (("date", "Date", 10), ("severity", "Severity", 8), ("category", "Category", 13))
TAIL = (("status", "State", 5), ("percent", "Done", 4))
CHUNK = 150  # rows added to the table at a time
MARGIN = 40  # add more when the cursor comes this close to the last row added
MIN_TITLE = 16
MIN_TAGS = 10


def _cell(value: str, style: str = "") -> Text:
    """One cell: user text as a rich `Text` (never parsed as markup), cut with an ellipsis.

    `Text` rather than `Content`: the table measures every cell of every row it is given,
    and a `Text` is measured without first being converted (1,000 rows: 5x faster).
    """
    return Text(clean_line(value), style=style, no_wrap=True, overflow="ellipsis", end="")


def _cells(row: Row, with_tags: bool) -> list[Text]:
    if row.broken:
        cells = [_cell("—"), _cell("ERROR", "bold red"), _cell(""), _cell(row.key, "red")]
        tags = _cell(row.error, "red")
        tail = [_cell("—"), _cell("")]
    else:
        cells = [_cell(row.day), _cell(row.severity, SEVERITY_STYLE.get(row.severity, "")),
                 _cell(row.category), _cell(row.title)]
        tags = _cell(", ".join(row.tags), "dim")
        tail = [_cell(row.status, "green" if row.status == "final" else "italic"),
                _cell(f"{row.percent:>3}%")]
    return cells + ([tags] if with_tags else []) + tail


Fetch = Callable[[Sequence[int]], "list[Row]"]
"""Reads the summaries of a page of row ids (in order; ids gone since are left out)."""
Locate = Callable[[str], "int | None"]
"""The row id of a key (None: unknown)."""


class EntryTable(DataTable[Text]):
    """Entries newest first (or best match first), unreadable files marked in red."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next entry", id="browse.next", show=False),
        Binding("k", "cursor_up", "Previous entry", id="browse.previous", show=False),
        # enter reads the entry; a click only moves the cursor (DataTable would select).
        Binding("enter", "screen.read", "Read", id="browse.read"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._ids: array[int] = array("q")
        self._fetch: Fetch = lambda ids: []
        self._locate: Locate = lambda key: None
        self.summaries: dict[str, Row] = {}
        """key -> summary of each row added to the table."""
        self._added = 0  # how many of _ids have been read (their rows added)
        self._layout: tuple[int, int] = (0, 0)  # (title width, tags width); 0: not shown

    @property
    def current_key(self) -> str | None:
        """The key (relative path) of the row under the cursor."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def _widths(self) -> tuple[int, int]:
        fixed = sum(width for _, _, width in FIXED + TAIL)
        columns = len(FIXED) + len(TAIL) + 2
        rest = self.size.width - 2 - fixed - 2 * self.cell_padding * columns
        if rest >= MIN_TITLE + MIN_TAGS + 16:
            tags = max(MIN_TAGS, min(30, rest // 3))
            return rest - tags, tags
        return max(MIN_TITLE, rest + 2 * self.cell_padding), 0

    def _columns(self) -> None:
        title, tags = self._layout
        for key, label, width in FIXED:
            self.add_column(label, width=width, key=key)
        self.add_column("Title", width=title, key="title")
        if tags:
            self.add_column("Tags", width=tags, key="tags")
        for key, label, width in TAIL:
            self.add_column(label, width=width, key=key)

    @property
    def shown_count(self) -> int:
        """How many rows the table shows (added or still to be added)."""
        return len(self._ids)

    def show(self, ids: array[int], fetch: Fetch, locate: Locate,
             select: str | None = None, reread: bool = False) -> None:
        """Replace the rows with those of `ids` (read by `fetch`); the cursor goes to
        `select` if given and shown, else to the top; `reread`: the rows may have changed
        (a reload), read them again even if the ids are the same.

        Only the first `CHUNK` rows are read and added at once; more are added as the
        cursor or the scrollbar nears the end, so filtering 100,000 entries stays quick.
        """
        layout = self._widths()
        if not reread and ids == self._ids and layout == self._layout and self.columns:
            self._fetch, self._locate = fetch, locate
            self.select(select)
            return
        self._ids, self._fetch, self._locate = ids, fetch, locate
        self.summaries = {}
        if layout != self._layout or not self.columns:
            self._layout = layout
            self.clear(columns=True)
            self._columns()
        else:
            self.clear()
        self._added = 0
        self._extend(CHUNK)
        self.select(select)

    def _extend(self, upto: int) -> None:
        """Add rows to the table until `upto` of them are in it (or all are)."""
        with_tags = bool(self._layout[1])
        upto = min(upto, len(self._ids))
        if upto <= self._added:
            return
        for start in range(self._added, upto, 10 * CHUNK):
            for row in self._fetch(self._ids[start:min(upto, start + 10 * CHUNK)]):
                if row.key not in self.summaries:
                    self.summaries[row.key] = row
                    self.add_row(*_cells(row, with_tags), key=row.key)
        self._added = upto

    def position(self, key: str | None) -> int | None:
        """Where the row with this key is in the table's order (None: not shown)."""
        if key is None:
            return None
        if key in self.summaries:
            return self.get_row_index(key)
        rid = self._locate(key)
        if rid is None:
            return None
        try:
            return self._ids.index(rid)
        except ValueError:
            return None

    def select(self, key: str | None) -> bool:
        """Move the cursor to the row with this key; False if it is not shown."""
        index = self.position(key)
        if index is None:
            return False
        if index >= self._added:
            self._extend(index + CHUNK)
            index = self.get_row_index(key)  # type: ignore[arg-type]
        self.move_cursor(row=index, animate=False, scroll=True)
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= self._added - MARGIN:
            self._extend(self._added + CHUNK)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._added < len(self._ids) and new_value >= self.max_scroll_y - MARGIN:
            self._extend(self._added + CHUNK)

    def action_scroll_bottom(self) -> None:
        self._extend(len(self._ids))
        super().action_scroll_bottom()

    def on_resize(self, event: Resize) -> None:
        if self.columns and self._widths() != self._layout:
            self.show(self._ids, self._fetch, self._locate, select=self.current_key)
