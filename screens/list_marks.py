"""Marked rows in the business list, for 批量改派: Space marks or unmarks, Shift+↓ / Shift+↑ extend, Esc clears.

Marks are kept by business uuid, so they outlive a page flip, a new sort or a narrower search; a marked
row shows ● before its name. The list's status line says how many are marked (MarksChanged).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets.data_table import CellDoesNotExist, ColumnDoesNotExist, RowDoesNotExist

from screens.format import fit_cells
from screens.widgets.results_table import ResultsTable
from workbench.services.listing import BusinessFilter, BusinessRow

MARK = "● "


class MarkableResultsTable(ResultsTable):
    """The results table with marks. Space is a priority binding here, so it marks while the table has the
    focus even though the list sends other typed characters on to the search box."""

    BINDINGS = [
        Binding("space", "toggle_mark", "标记", show=False, priority=True, id="list.mark"),
        Binding("shift+down", "extend_mark(1)", "向下扩展标记", show=False, id="list.mark-down"),
        Binding("shift+up", "extend_mark(-1)", "向上扩展标记", show=False, id="list.mark-up"),
        Binding("escape", "clear_marks", "清除标记", show=False, id="list.clear-marks"),
    ]

    class MarksChanged(Message):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.marks: dict[str, BusinessRow] = {}

    @property
    def marked_uuids(self) -> tuple[str, ...]:
        return tuple(self.marks)

    def show_page(self, rows: list[BusinessRow], cursor: int) -> None:
        super().show_page(rows, cursor)
        for row in rows:
            if row.uuid in self.marks:
                self._paint(row)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_marks":
            return bool(self.marks)  # nothing marked: Esc goes on to the screen as before
        return True

    def action_toggle_mark(self) -> None:
        row = self._cursor_business()
        if row is None:
            return
        if row.uuid in self.marks:
            del self.marks[row.uuid]
        else:
            self.marks[row.uuid] = row
        self._paint(row)
        self.post_message(self.MarksChanged(len(self.marks)))

    def action_extend_mark(self, step: int) -> None:
        """Mark the row under the cursor, move one row, and mark that one too."""
        row = self._cursor_business()
        if row is None:
            return
        self._mark(row)
        at_edge = self.cursor_row + step < 0 or self.cursor_row + step >= self.row_count
        if not at_edge:
            self.move_cursor(row=self.cursor_row + step, animate=False)
            if (following := self._cursor_business()) is not None:
                self._mark(following)
        self.post_message(self.MarksChanged(len(self.marks)))

    def action_clear_marks(self) -> None:
        shown = [row for row in self.page_rows if row.uuid in self.marks]
        self.marks.clear()
        for row in shown:
            self._paint(row)
        self.post_message(self.MarksChanged(0))

    def clear_marks(self) -> None:
        self.action_clear_marks()

    def _mark(self, row: BusinessRow) -> None:
        if row.uuid not in self.marks:
            self.marks[row.uuid] = row
            self._paint(row)

    def _cursor_business(self) -> BusinessRow | None:
        if not self.page_rows or self.row_count == 0:
            return None
        return self.page_rows[min(self.cursor_row, len(self.page_rows) - 1)]

    def _paint(self, row: BusinessRow) -> None:
        """The name cell with or without the mark."""
        column = next((c for c in self.columns_shown if c.key == "name"), None)
        if column is None:
            return
        marked = row.uuid in self.marks
        text = Text(MARK + fit_cells(row.name, column.width - 2), style="bold") if marked else Text(
            fit_cells(row.name, column.width)
        )
        with suppress(CellDoesNotExist, ColumnDoesNotExist, RowDoesNotExist):  # the row left the window meanwhile
            self.update_cell(row.uuid, "name", text)


def open_reassign(screen: Any, flt: BusinessFilter) -> None:
    """Ctrl+W on the list: the 批量改派 dialog over the marked rows, or (none marked) the list's current filter.
    When it wrote, the marks are cleared and every screen re-reads (the officer column shows the change)."""
    from screens.reassign_dialog import ReassignDialog, selection_text
    from workbench.services.reassign import Selection

    table = screen.query_one(MarkableResultsTable)
    workbench = screen.workbench
    if table.marks:
        selection = Selection(uuids=table.marked_uuids)
        what = selection_text(len(table.marks), None, "")
    else:
        selection = Selection(flt=flt)
        total = screen.total if flt == screen.flt else None
        what = selection_text(0, total, _filter_words(screen, flt))
    reference = workbench.reference
    office_id = flt.office_id

    def done(changed: int | None) -> None:
        if changed is None:
            return
        table.clear_marks()
        workbench.notify(f"已改派 {changed:,} 户，每户的改动都已记入变更记录")
        screen.action_refresh()

    screen.app.push_screen(
        ReassignDialog(workbench.actor, selection, what, reference.officers.get(office_id, []),
                       reference.grids.get(office_id, [])),
        done,
    )  # fmt: skip


def _filter_words(screen: Any, flt: BusinessFilter) -> str:
    """The search and filters in a few words: 搜索「面馆」、未分派、成长型 …"""
    from workbench.domain.labels import KIND_LABELS, STATUS_LABELS
    from workbench.domain.list_filters import SIZE_LABELS, TIER_LABELS, UNASSIGNED_LABEL

    reference = screen.workbench.reference
    names = {choice.id: choice.name for choice in reference.grids.get(flt.office_id, [])}
    people = {choice.id: choice.name for choice in reference.officers.get(flt.office_id, [])}
    words = [
        f"搜索「{flt.text}」" if flt.text else "",
        STATUS_LABELS.get(flt.status or "", ""),
        KIND_LABELS.get(flt.kind or "", ""),
        names.get(flt.grid_id, "") if flt.grid_id is not None else "",
        people.get(flt.officer_id, "") if flt.officer_id is not None else "",
        UNASSIGNED_LABEL if flt.unassigned else "",
        TIER_LABELS.get(flt.tier or "", ""),
        SIZE_LABELS.get(flt.size_class or "", ""),
    ]
    return "、".join(word for word in words if word) or "全部市场主体"
