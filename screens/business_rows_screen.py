"""What the 培育库 and 候选名单 screens share: rows about businesses read in a thread worker and shown only if
they answer the last read asked for, read again when the data changed while another screen was up, the
highlighted row, Enter to open its business, and an export dialog whose answer is the path written."""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar

from textual import on
from textual.widgets import DataTable, Select

from screens.base import WorkbenchScreen
from screens.business_detail import BusinessDetailScreen
from screens.latest_read import LatestRead
from screens.service_dialog import ServiceDialog


class AboutABusiness(Protocol):
    @property
    def business_uuid(self) -> str: ...

    @property
    def business_name(self) -> str: ...


RowType = TypeVar("RowType", bound=AboutABusiness)


def chosen(select: Select[Any]) -> Any:
    """A filter's value, None while it is blank (全部)."""
    return None if select.is_blank() else select.value


class BusinessRowsScreen(WorkbenchScreen[None], Generic[RowType]):
    """A table (#`TABLE`) of `rows`, one per business or per business and entry; subclasses read them in
    `_query` and show them in their message handler after `self.reads.is_latest(…)`."""

    TABLE = ""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RowType] = []
        self.seen_data_version = -1
        self.reads = LatestRead()
        """A filter changed, F5 or F6 during a read starts another: only the last one's rows are shown."""

    def on_mount(self) -> None:
        self._query()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self._query()

    def _query(self) -> None:
        raise NotImplementedError

    def _selected(self) -> RowType | None:
        table = self.query_one(f"#{self.TABLE}", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def business_in_view(self) -> tuple[str, str] | None:
        row = self._selected()
        return None if row is None else (row.business_uuid, row.business_name)

    @on(DataTable.RowSelected)
    def _open_business(self, event: DataTable.RowSelected) -> None:
        row = self._selected() if event.data_table.id == self.TABLE else None
        if row is not None:
            self.app.push_screen(BusinessDetailScreen(row.business_uuid))

    def _export(self, dialog: ServiceDialog) -> None:
        def exported(result: Any) -> None:
            if result:
                self.notify(f"已导出到 {result}", timeout=8)

        self.app.push_screen(dialog, exported)

    def action_back(self) -> None:
        self.dismiss(None)
