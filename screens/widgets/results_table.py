"""The results table: one page window of businesses, columns that fit the terminal, page flips at its edges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from screens.format import EMPTY, date_text, fit_cells, status_cell
from workbench.services.listing import BusinessRow

CELL_PADDING = 2
"""DataTable pads each cell by one cell on both sides."""
NAME_MAX = 40


@dataclass(frozen=True)
class Column:
    """A results column: its key, Chinese header, width in terminal cells and keep-priority (0 first)."""

    key: str
    label: str
    width: int
    priority: int


PENDING_MARK = "待处理冲突 "  # before the name of a business a return package left a decision on
SHORT_PENDING_MARK = "冲突 "
PENDING_MARK_FROM = 30  # name-column cells from which the whole word is shown
COLUMNS: tuple[Column, ...] = (
    Column("name", "名称", 16, 0),
    Column("code", "信用代码/注册号", 18, 4),
    Column("operator", "经营者", 6, 2),
    Column("phone", "电话", 13, 3),
    Column("status", "状态", 9, 1),
    Column("grid", "网格", 10, 6),
    Column("officer", "包联干部", 8, 5),
    Column("registered_on", "成立日期", 10, 7),
)


def fitted_columns(width: int) -> list[Column]:
    """The columns that fit `width` cells, in display order; the name column takes what is left over."""
    room = width
    kept: set[str] = set()
    for column in sorted(COLUMNS, key=lambda column: column.priority):
        needed = column.width + CELL_PADDING
        if needed <= room or column.priority == 0:
            kept.add(column.key)
            room -= needed
    spare = max(0, room)
    return [
        Column(c.key, c.label, min(NAME_MAX, c.width + spare), c.priority) if c.key == "name" else c
        for c in COLUMNS if c.key in kept
    ]


def row_cells(row: BusinessRow, columns: list[Column]) -> list[Any]:
    """The cells of one business for the shown columns, each cropped to its column's cells."""
    values: dict[str, Any] = {
        "name": row.name,
        "code": row.uscc or row.reg_no or EMPTY,
        "operator": row.operator or EMPTY,
        "phone": row.phone or EMPTY,
        "grid": row.grid_name or EMPTY,
        "officer": row.officer_name or EMPTY,
        "registered_on": date_text(row.registered_on),
    }
    cells: list[Any] = []
    for column in columns:
        if column.key == "status":
            cells.append(status_cell(row.status, row.suspended, row.abnormal))
        elif column.key == "name" and row.pending_sync:
            # The whole word where the name column has room for it; 冲突 alone on a narrow one (80 columns),
            # where 待处理冲突 would leave five characters of the name.
            word = PENDING_MARK if column.width >= PENDING_MARK_FROM else SHORT_PENDING_MARK
            mark = Text(word, style="bold magenta")
            cells.append(mark.append(fit_cells(row.name, max(1, column.width - cell_len(word)))))
        else:
            cells.append(Text(fit_cells(str(values[column.key]), column.width)))
    return cells


class ResultsTable(DataTable[Any]):
    """A DataTable of one page window that asks for the next or previous window at its edges."""

    class EdgeReached(Message):
        """The cursor tried to move past the window's first (step -1) or last (step +1) row."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.columns_shown: list[Column] = []
        self.page_rows: list[BusinessRow] = []

    def show_page(self, rows: list[BusinessRow], cursor: int) -> None:
        """Replace the window with `rows`; cursor -1 means the last row."""
        self.page_rows = rows
        columns = fitted_columns(self._room())
        if columns != self.columns_shown:
            self.clear(columns=True)
            self.columns_shown = columns
            for column in columns:
                self.add_column(column.label, width=column.width, key=column.key)
        else:
            self.clear()
        for row in rows:
            self.add_row(*row_cells(row, columns), key=row.uuid)
        if rows:
            self.move_cursor(row=len(rows) - 1 if cursor < 0 else min(cursor, len(rows) - 1), animate=False)

    def on_resize(self) -> None:
        if self.page_rows and fitted_columns(self._room()) != self.columns_shown:
            self.show_page(self.page_rows, self.cursor_row)

    def _room(self) -> int:
        """Cells for columns: the width less the vertical scrollbar (80 before the first layout)."""
        return (self.size.width or 80) - self.styles.scrollbar_size_vertical

    def _at_first(self) -> bool:
        return self.row_count == 0 or self.cursor_row == 0

    def _at_last(self) -> bool:
        return self.row_count == 0 or self.cursor_row >= self.row_count - 1

    def action_cursor_down(self) -> None:
        if self._at_last():
            self.post_message(self.EdgeReached(1))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self._at_first():
            self.post_message(self.EdgeReached(-1))
        else:
            super().action_cursor_up()

    def action_page_down(self) -> None:
        if self._at_last():
            self.post_message(self.EdgeReached(1))
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self._at_first():
            self.post_message(self.EdgeReached(-1))
        else:
            super().action_page_up()
