"""The businesses behind a line of the 统计看板 (its 明细 rows): Enter finds the highlighted one in the list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.format import fit_cells
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable

COLUMNS = (("日期", 10), ("名称", 24), ("代码", 18), ("网格", 8), ("说明", 20))


class DrillScreen(WorkbenchScreen[None]):
    SCOPE = "drill"
    BINDINGS = bindings("drill")
    AUTO_FOCUS = "#drill-table"
    DEFAULT_CSS = """
    #drill-title { height: 1; padding: 0 1; background: $panel; }
    #drill-table { height: 1fr; }
    #drill-note { height: 2; padding: 0 1; background: $panel; }
    """

    def __init__(self, title: str, rows: list[tuple[object, ...]], *, counted: bool = True) -> None:
        """`counted`: the title gets 「：N 户」 (a title that already says how many passes False)."""
        super().__init__()
        self.title_text = f"{title}：{len(rows)} 户" if counted else title
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(self.title_text, id="drill-title")
        yield TextTable(id="drill-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="drill-note")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        table = self.query_one("#drill-table", DataTable)
        for title, width in COLUMNS:
            table.add_column(title, width=width)
        for row in self.rows:
            # 明细's columns: 事项, 日期, 名称, 统一社会信用代码, 注册号, 主体类型, 所属网格, 包联干部, 说明
            day, name, uscc, reg_no, grid, note = row[1], row[2], row[3], row[4], row[6], row[8]
            table.add_row(
                str(day or ""),
                fit_cells(str(name or ""), 24),
                str(uscc or reg_no or ""),
                fit_cells(str(grid or "未分派"), 8),
                fit_cells(str(note or ""), 20),
            )
        if not self.rows:
            table.add_row("", "（这个月没有）", "", "", "")
        self._show_note(0)

    @on(DataTable.RowHighlighted, "#drill-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self._show_note(event.cursor_row)

    def _show_note(self, row: int) -> None:
        """The highlighted 户 in full (the table cuts names and notes at 80 columns), and what Enter does."""
        note = self.query_one("#drill-note", Static)
        if not 0 <= row < len(self.rows):
            note.update("")
            return
        cells = self.rows[row]
        who = "  ".join(str(cell) for cell in (cells[2], cells[3] or cells[4], cells[6], cells[7]) if cell)
        note.update(f"{who}\n{cells[8] or ''}    Enter 在市场主体列表中找到该户")

    @on(DataTable.RowSelected, "#drill-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        """The list's search finds a business by its code (or name): the detail is one Enter away there."""
        if not 0 <= event.cursor_row < len(self.rows):
            return
        row = self.rows[event.cursor_row]
        wanted = str(row[3] or row[4] or row[2] or "")
        from screens.business_list import BusinessListScreen

        listing = BusinessListScreen()
        self.app.push_screen(listing)
        listing.call_after_refresh(listing.show_search, wanted)

    def action_back(self) -> None:
        self.dismiss(None)
