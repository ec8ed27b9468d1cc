"""The browser's table of entries: one row per file, keyed by its path in the knowledge base.

| Key | Action |
|---|---|
| `up` / `down`, `k` / `j` | Move |
| `pageup` / `pagedown`, `ctrl+home` / `ctrl+end` | Page, top, bottom |
| `enter` | Read the entry (runs the screen's `read` action) |
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.events import Resize
from textual.widgets import DataTable

from ...core.catalog import Row
from ..safe import line

SEVERITY_STYLE = {"CRITICAL": "bold red", "HIGH": "red", "MEDIUM": "yellow", "LOW": "green"}
# (key, label, width); the title (and tags, when there is room) take the rest.
FIXED = (("date", "Date", 10), ("severity", "Severity", 8), ("category", "Category", 13))
TAIL = (("status", "State", 5), ("percent", "Done", 4))
MIN_TITLE = 16
MIN_TAGS = 10


def _cells(row: Row, title_width: int, tags_width: int) -> list[Content]:
    """The cells of a row; the title and tags cut to their columns with an ellipsis."""
    if row.broken:
        title = line(row.key, "red")
        tags = line(row.error, "red")
        cells = [Content("—"), Content("ERROR").stylize("bold red"), Content("")]
        tail = [Content("—"), Content("")]
    else:
        title = line(row.title)
        tags = line(", ".join(row.tags), "dim")
        cells = [line(row.date), line(row.severity, SEVERITY_STYLE.get(row.severity, "")),
                 line(row.category)]
        tail = [line(row.status, "green" if row.status == "final" else "italic"),
                Content(f"{row.percent:>3}%")]
    cells.append(title.truncate(title_width, ellipsis=True))
    if tags_width:
        cells.append(tags.truncate(tags_width, ellipsis=True))
    return cells + tail


class EntryTable(DataTable[Content]):
    """Entries newest first (or best match first), unreadable files marked in red."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next entry", id="browse.next", show=False),
        Binding("k", "cursor_up", "Previous entry", id="browse.previous", show=False),
        # enter reads the entry; a click only moves the cursor (DataTable would select).
        Binding("enter", "screen.read", "Read", id="browse.read"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._rows: list[Row] = []
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

    def show(self, rows: list[Row], select: str | None = None) -> None:
        """Replace the rows; keep the cursor on `select` (else the current row) if shown."""
        keep = select or self.current_key
        self._rows = rows
        layout = self._widths()
        if layout != self._layout or not self.columns:
            self._layout = layout
            self.clear(columns=True)
            self._columns()
        else:
            self.clear()
        for row in rows:
            self.add_row(*_cells(row, *self._layout), key=row.key)
        self.select(keep)

    def select(self, key: str | None) -> bool:
        """Move the cursor to the row with this key; False if it is not shown."""
        if key is None or key not in self.rows:
            return False
        self.move_cursor(row=self.get_row_index(key), animate=False, scroll=True)
        return True

    def on_resize(self, event: Resize) -> None:
        if self.columns and self._widths() != self._layout:
            self.show(self._rows)
