"""What the 培育库 and 候选名单 screens share: rows about businesses read in a thread worker and shown only if
they answer the last read asked for, read again when the data changed while another screen was up, the
highlighted row, Enter to open its business, and an export dialog whose answer is the path written.

Keys typed while the rows are read (Ctrl+Y ↓ ↓ Enter in one go) wait for them (`HoldsKeysWhileLoading`), so
they act on the rows meant, never on an empty or earlier table."""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar, cast

from textual import on
from textual.widgets import Checkbox, DataTable, Select

from screens.base import HoldsKeysWhileLoading
from screens.business_detail import BusinessDetailScreen
from screens.key_order import release_keys
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


class BusinessRowsScreen(HoldsKeysWhileLoading, Generic[RowType]):
    """A table (#`TABLE`) of `rows`, one per business or per business and entry; subclasses read them in
    `_query` with the number `_asking()` gives, and show them in their message handler only if `_answered(…)`."""

    TABLE = ""
    FILTERS: tuple[str, ...] = ()
    """The ids of the filter widgets (Select, Checkbox) whose values the read depends on; the first chooses
    the list (`pool`), among LISTS."""
    LISTS: tuple[str, ...] = ()

    def __init__(self, pool: str) -> None:
        super().__init__()
        self.pool = pool
        self.rows: list[RowType] = []
        self.asked_filters: tuple[Any, ...] | None = None
        self.shown_filters: tuple[Any, ...] | None = None
        self.same_list_as_shown = False
        """Whether the rows being shown answer the same filters as the ones before (a refresh after a write:
        the cursor stays where it was) or another list (F6, a filter: the cursor starts at the top)."""
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

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _filters_changed(self) -> None:
        if self.filters_are_asked():
            return
        self.pool = chosen(self.query_one(f"#{self.FILTERS[0]}", Select)) or self.pool
        self._query()

    def _next_list(self) -> None:
        """F6: the next of LISTS, asked for now, not on the Select's Changed: the keys typed after F6 wait for
        the new list's rows."""
        self.pool = self.LISTS[(self.LISTS.index(self.pool) + 1) % len(self.LISTS)]
        self.query_one(f"#{self.FILTERS[0]}", Select).value = self.pool
        self._query()

    def filter_values(self) -> tuple[Any, ...]:
        values: list[Any] = []
        for widget_id in self.FILTERS:
            widget = self.query_one(f"#{widget_id}")
            values.append(chosen(widget) if isinstance(widget, Select) else cast(Checkbox, widget).value)
        return tuple(values)

    def filters_are_asked(self) -> bool:
        """Whether the filters hold what the last read asked for: a Select's Changed on mount (its first value)
        or a value chosen again asks for nothing new (a candidate list at 1M is not computed twice)."""
        return self.filter_values() == self.asked_filters

    def _asking(self) -> int:
        """A read is about to start: keys typed from now on wait for its rows. Its number, for the answer."""
        self.asked_filters = self.filter_values()
        self.seen_data_version = self.workbench.data_version
        self.loading = True
        return self.reads.ask()

    def _answered(self, asked: int) -> bool:
        """Whether an answer is the last read's (an earlier, slower one is dropped); if so the held keys go on
        once the caller has shown its rows (they are handled after this message)."""
        if not self.reads.is_latest(asked):
            return False
        self.same_list_as_shown = self.shown_filters == self.asked_filters
        self.shown_filters = self.asked_filters
        self.loading = False
        release_keys(self.app)
        return True

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
