"""The main screen: search as you type, filter, and page through the office's businesses from SQL."""

from __future__ import annotations

from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Header, Input, Select, Static
from textual.worker import Worker, get_current_worker

from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.key_order import TypedEvent, release_keys
from screens.latest_read import LatestRead
from screens.list_keys import SearchInFlight, acts_on_results
from screens.list_marks import MarkableResultsTable
from screens.widgets.filter_bar import FilterBar
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.results_table import ResultsTable
from storage.queries import Sort
from workbench.services.listing import BusinessFilter, BusinessRow

PAGE_SIZE = 100
"""Rows held in the table at once: the window moves by this many when the cursor crosses its edge."""
DEBOUNCE_SECONDS = 0.2
WARM_UP_AFTER_SECONDS = 1.0
SORTS: tuple[tuple[Sort, str], ...] = (
    ("-registered_on", "成立日期从新到旧"), ("name", "名称"), ("registered_on", "成立日期从旧到新"),
)
SEARCH_PLACEHOLDER = "搜索 名称 / 信用代码 / 经营者 / 电话 / 地址 / 拼音首字母"


class PageLoaded(Message):
    """One window of rows for query number `serial`, starting at `offset`."""

    def __init__(self, serial: int, offset: int, cursor: int, rows: list[BusinessRow]) -> None:
        super().__init__()
        self.serial = serial
        self.window_start = offset
        self.cursor = cursor
        self.rows = rows


class CountLoaded(Message):
    """How many businesses match count number `asked` (counted apart so the first page paints at once)."""

    def __init__(self, total: int, asked: int) -> None:
        super().__init__()
        self.total = total
        self.asked = asked


class BusinessListScreen(WorkbenchScreen[None]):
    """Search box, filter row, one SQL page of results, and a status line「第 x-y 条，共 N 条」."""

    SCOPE = "list"
    BINDINGS = bindings("list")
    AUTO_FOCUS = "#search"

    def __init__(self) -> None:
        super().__init__()
        self.flt: BusinessFilter | None = None
        self.window_start = 0
        self.requested_start = 0
        self.total: int | None = None
        self.rows: list[BusinessRow] = []
        self.serial = 0
        self.shown_serial = 0
        self.sort_index = 0
        self.seen_data_version = -1
        self.open_when_loaded = False
        self.debounce: Timer | None = None
        self.warming = False
        self.count_after_page = False  # the query asked for a count, started when its page is in
        self.counts = LatestRead()
        """A count of the filter (or data) before may still be running: only the last one asked for is shown."""
        self.search_in_flight = SearchInFlight()

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Input(placeholder=SEARCH_PLACEHOLDER, id="search", select_on_focus=False)
        yield FilterBar(id="filters")
        yield MarkableResultsTable(id="results")
        yield Static("", id="status-line")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "officer", self._officer_changed, init=False)
        self._offer_choices()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self._query(offset=self.window_start, cursor=self._table.cursor_row)

    @property
    def _table(self) -> ResultsTable:
        return self.query_one(ResultsTable)

    def _officer_changed(self) -> None:
        self._offer_choices()
        self._query()

    def _offer_choices(self) -> None:
        office_id = self.workbench.office.id if self.workbench.office else -1
        reference = self.workbench.reference
        self.query_one(FilterBar).set_choices(reference.grids.get(office_id, []), reference.officers.get(office_id, []))

    # querying

    def _current_filter(self) -> BusinessFilter:
        choice = self.query_one(FilterBar).current()
        officer = self.workbench.officer
        mine = officer.id if choice.mine and officer else None
        office = self.workbench.office
        assert office is not None
        return BusinessFilter(
            office_id=office.id, text=self.query_one("#search", Input).value.strip(), status=choice.status,
            kind=choice.kind, grid_id=choice.grid_id, officer_id=mine or choice.officer_id,
            sort=SORTS[self.sort_index][0], tier=choice.tier, size_class=choice.size_class,
            unassigned=choice.unassigned,
        )

    def _schedule_query(self) -> None:
        if self.debounce is not None:
            self.debounce.stop()
        self.debounce = self.set_timer(DEBOUNCE_SECONDS, self._query)

    def _query(self, offset: int = 0, cursor: int = 0) -> None:
        """Ask for one window (and, when the filter changed or data was saved, a fresh count)."""
        if self.debounce is not None:
            self.debounce.stop()
            self.debounce = None
        flt = self._current_filter()
        data_version = self.workbench.data_version
        if flt != self.flt or data_version != self.seen_data_version:
            # Counted once this query's page is in (on_page_loaded): run together they share two CPUs, and a
            # count at a million rows can take longer than the page, which is what the person waits for.
            self.total, self.count_after_page = None, True
            self.counts.forget_earlier()  # the same filter counted before a save is not this one's count
        self.flt, self.seen_data_version, self.requested_start = flt, data_version, offset
        self.serial += 1
        self._fetch_page(flt, offset, cursor, self.serial)
        self._show_status()

    @work(thread=True, exclusive=True, exit_on_error=False, group="list-page", description="读取一页市场主体")
    def _fetch_page(self, flt: BusinessFilter, offset: int, cursor: int, serial: int) -> None:
        rows = self.workbench.gateway.register.page(flt, offset, PAGE_SIZE)
        self.post_message(PageLoaded(serial, offset, cursor, rows))

    @work(thread=True, exclusive=True, exit_on_error=False, group="list-count", description="统计符合条件的主体")
    def _count(self, flt: BusinessFilter, asked: int) -> None:
        self.post_message(CountLoaded(self.workbench.gateway.register.count(flt), asked))

    @work(thread=True, exit_on_error=False, group="search-warmup", description="预读检索索引")
    def _warm_search(self, office_id: int) -> None:
        """The pinyin tables (~0.6 s) for the first save and the search index; after the first paint."""
        worker = get_current_worker()
        self.workbench.gateway.register.warm_search(office_id, keep_going=lambda: not worker.is_cancelled)

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.serial != self.serial:
            return
        self.shown_serial, self.window_start, self.rows = message.serial, message.window_start, message.rows
        self._count_after_page(exact=len(message.rows) if message.window_start == 0 else None)
        self._table.show_page(message.rows, message.cursor)
        self._show_status()
        self.search_in_flight.answered(self.flt)
        release_keys(self.app)
        if not self.warming and self.flt is not None:
            # A moment after the first page is painted (not competing with it): then the first search
            # need not read from disk (storage.search_warmup).
            self.warming = True
            office_id = self.flt.office_id
            self.set_timer(WARM_UP_AFTER_SECONDS, lambda: self._warm_search(office_id))
        if self.open_when_loaded:
            self.open_when_loaded = False
            self._open_highlighted()

    def _count_after_page(self, exact: int | None) -> None:
        """Start the count the last query asked for; a first page of fewer than PAGE_SIZE rows is the count."""
        if not self.count_after_page or self.flt is None:
            return
        self.count_after_page = False
        if exact is not None and exact < PAGE_SIZE:
            self.total = exact
        else:
            self._count(self.flt, self.counts.ask())

    def on_count_loaded(self, message: CountLoaded) -> None:
        if self.counts.is_latest(message.asked):
            self.total = message.total
            self._show_status()

    def _show_status(self) -> None:
        marked = len(self.query_one(MarkableResultsTable).marks)
        self.query_one("#status-line", Static).update(status_text(
            loading=self.shown_serial != self.serial, offset=self.window_start, shown=len(self.rows),
            total=self.total, sort_label=SORTS[self.sort_index][1],
        ) + (f"  已标记 {marked:,} 户（Ctrl+W 批量改派）" if marked else ""))

    def on_markable_results_table_marks_changed(self) -> None:
        self._show_status()

    def action_reassign(self) -> None:
        """Ctrl+W: the marked rows, or else everything the search and filters match, to another officer / grid."""
        from screens.list_marks import open_reassign

        if self.workbench.office is not None:
            open_reassign(self, self._current_filter())

    def show_search(self, text: str) -> None:
        """Open on a search (a business named in the 统计看板's 明细): typed into the search box, as a person would."""
        search = self.query_one("#search", Input)
        search.value = text
        search.cursor_position = len(text)
        self._table.focus()

    def show_filtered(self, **wanted: object) -> None:
        """Open on a filter (the to-do's count lines): the search cleared, the filter row set as named."""
        self.query_one("#search", Input).value = ""
        self.query_one(FilterBar).show(**wanted)
        self._table.focus()

    # keys and events

    def holds_key(self, event: TypedEvent) -> bool:
        """↓, Enter and the other keys on the rows wait for the search typed before them (screens/list_keys.py)."""
        if not acts_on_results(event) or self.workbench.office is None:
            return False
        if not self.search_in_flight.pending(debouncing=self.debounce is not None, asked_filter=self.flt):
            return False
        if self.debounce is not None:
            self._query()  # a key on the rows means the search is typed: no need to wait for more letters
        return True

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        if worker.group == "list-page":
            self.search_in_flight.answered(self.flt)  # nothing will come: the keys held for it go on
            self._count_after_page(exact=None)
            release_keys(self.app)
        super().worker_failed(worker, error)

    @on(Input.Changed, "#search")
    @on(Select.Changed)
    @on(Checkbox.Changed, "#filter-mine")
    def _filters_changed(self) -> None:
        if self.workbench.office is not None:
            self._schedule_query()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        """Enter in the search box opens the top match, once the query typed so far has come back."""
        if self.debounce is not None or self.shown_serial != self.serial:
            self.open_when_loaded = True
            if self.debounce is not None:
                self._query()
        else:
            self._open_highlighted()

    def on_key(self, event: events.Key) -> None:
        """Typing while the results have the focus goes on with the search, as if the box had it."""
        if event.is_printable and event.character and self.focused is self._table:
            search = self.query_one("#search", Input)
            search.focus()
            search.value += event.character
            search.cursor_position = len(search.value)
            event.stop()

    @on(DataTable.RowSelected, "#results")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        # The key is the business uuid, still valid when the window was refreshed after Enter was pressed.
        if event.row_key.value:
            from screens.business_detail import BusinessDetailScreen  # on demand: keeps start-up light

            self.app.push_screen(BusinessDetailScreen(event.row_key.value))

    @on(ResultsTable.EdgeReached)
    def _edge_reached(self, event: ResultsTable.EdgeReached) -> None:
        if event.step < 0 and self.requested_start == 0:
            self.query_one("#search", Input).focus()
        else:
            self._flip(event.step, cursor=0 if event.step > 0 else -1)

    def _flip(self, step: int, cursor: int) -> None:
        """Move the window; counted from the window last asked for, so quick repeated keys add up."""
        if step < 0 and self.requested_start > 0:
            self._query(offset=max(0, self.requested_start - PAGE_SIZE), cursor=cursor)
        elif step > 0 and self._has_next_page():
            self._query(offset=self.requested_start + PAGE_SIZE, cursor=cursor)

    def _has_next_page(self) -> bool:
        if self.total is None:
            return len(self.rows) == PAGE_SIZE and self.requested_start == self.window_start
        return self.requested_start + PAGE_SIZE < self.total

    def _highlighted_uuid(self) -> str | None:
        table = self._table
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)].uuid

    def business_in_view(self) -> tuple[str, str] | None:
        business_uuid = self._highlighted_uuid()
        row = next((row for row in self.rows if row.uuid == business_uuid), None)
        return (row.uuid, row.name) if row is not None else None

    def _open_highlighted(self) -> None:
        business_uuid = self._highlighted_uuid()
        if business_uuid is None:
            self.notify("没有符合条件的市场主体", severity="warning")
        else:
            from screens.business_detail import BusinessDetailScreen

            self.app.push_screen(BusinessDetailScreen(business_uuid))

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_results(self) -> None:
        self._table.focus()

    def action_edit_selected(self) -> None:
        business_uuid = self._highlighted_uuid()
        if business_uuid is not None:
            from screens.business_form import BusinessFormScreen

            self.app.push_screen(BusinessFormScreen(business_uuid))

    def action_refresh(self) -> None:
        self.workbench.data_changed()
        self._query(offset=self.window_start, cursor=self._table.cursor_row)

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self._query()

    def action_previous_page(self) -> None:
        self._flip(-1, cursor=0)

    def action_next_page(self) -> None:
        self._flip(1, cursor=0)

    def action_toggle_mine(self) -> None:
        self.query_one(FilterBar).toggle_mine()

    def action_clear_filters(self) -> None:
        self.query_one("#search", Input).value = ""
        self.query_one(FilterBar).clear()

    def action_export(self) -> None:
        """Ctrl+E: export exactly what the list shows (search, filters, sort) to Excel."""
        from screens.export_dialog import ExportDialog

        if self.workbench.office is not None and self.workbench.officer is not None:
            flt = self._current_filter()
            matching = self.total if flt == self.flt else None
            self.app.push_screen(ExportDialog(self.workbench.files, self.workbench.actor, flt, matching))


def status_text(*, loading: bool, offset: int, shown: int, total: int | None, sort_label: str) -> str:
    """「第 1-100 条，共 1,234 条  排序：名称」; ASCII hyphen, since an en dash may be drawn wide."""
    if loading and shown == 0:
        return f"正在查询  排序：{sort_label}"
    # While counting, the rows shown are a lower bound (the count of a million rows may take a second).
    of_total = f"共 {offset + shown:,} 条以上，正在统计" if total is None else f"共 {total:,} 条"
    if shown == 0:
        where = "没有符合条件的市场主体" if total == 0 else "本页没有记录"
        return f"{where}  排序：{sort_label}"
    return f"第 {offset + 1:,}-{offset + shown:,} 条，{of_total}  排序：{sort_label}"

