"""统计看板: the month's key figures against their targets, and the charts, for the head of office.

The numbers are the monthly report's (workbench.services.monthly_report through the gateway's report desk),
so the dashboard, the workbook and `workbench report monthly --json` never disagree. A month that was issued
(出具) shows what was issued. PageUp / PageDown change the month, F6 narrows to one grid and F7 to one
officer (their rows of 分网格 / 分干部), 1-4 pick the chart at 80 columns (a larger terminal shows them all),
Enter on a line lists the businesses behind it (明细).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Header, Static

from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.dashboard_charts import ChartView
from screens.dashboard_view import (
    DRILL_ITEMS,
    GRID_SHEET,
    INSPECTION_LINES,
    OFFICER_SHEET,
    Slice,
    dashboard_charts,
    drill_rows,
    line_cells,
    line_hint,
    ordered_lines,
    slices,
)
from screens.format import fit_cells, local_time_text, short_office_name
from screens.latest_read import LatestRead
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor, utc_now
from workbench.domain.report_model import MonthlyReport, SummaryLine
from workbench.domain.report_periods import Month
from workbench.services.report_inactive import InactiveList
from workbench.services.report_inspections import InspectionList

if TYPE_CHECKING:
    from textual import events

ACTIVE_RATE = "indicator.active_rate"  # Enter on it lists the 户 not counted as 活跃, and why
WIDE = (120, 34)  # from this size on, every chart is shown at once
CHART_SLOTS = 4
LABEL_CELLS = 22
COUNT_AFTER_SECONDS = 0.3  # the month's count starts this long after it is asked for (paging on at once: one count)


class ReportCounted(Message):
    """The month's figures; `counted_at` set: the last count kept on this device, shown until the new one."""

    def __init__(self, report: MonthlyReport, month: Month, asked: int, counted_at: datetime | None = None) -> None:
        super().__init__()
        self.report = report
        self.month = month
        self.asked = asked
        self.counted_at = counted_at


class InactiveRead(Message):
    def __init__(self, found: InactiveList, month: Month, label: str, asked: int) -> None:
        super().__init__()
        self.found = found
        self.month = month
        self.label = label
        self.asked = asked


class InspectionsRead(Message):
    def __init__(self, found: InspectionList, title: str, asked: int) -> None:
        super().__init__()
        self.found = found
        self.title = title
        self.asked = asked


class DashboardScreen(WorkbenchScreen[None]):
    SCOPE = "dashboard"
    BINDINGS = bindings("dashboard")
    AUTO_FOCUS = "#dash-table"
    DEFAULT_CSS = """
    #dash-title { height: 1; padding: 0 1; background: $panel; }
    #dash-body { height: 1fr; layout: vertical; }
    #dash-table { height: 1fr; min-height: 5; }
    #dash-charts { height: 11; layout: vertical; }
    #dash-hint { height: 2; padding: 0 1; color: $text-muted; }
    DashboardScreen.wide #dash-body { layout: horizontal; }
    DashboardScreen.wide #dash-table { width: 76; height: 1fr; }
    DashboardScreen.wide #dash-charts { width: 1fr; height: 1fr; layout: vertical; }
    """

    def __init__(self, month: Month | None = None) -> None:
        super().__init__()
        self.month = month
        self.report: MonthlyReport | None = None
        self.report_month: Month | None = None
        self.kept_from: datetime | None = None
        """Set while the figures shown are the last count kept on this device (the new count is running)."""
        self.lines: list[SummaryLine] = []
        self.chart_index = 0
        self.grid_index = 0  # 0 = 全部, else the (index)th row of 分网格
        self.officer_index = 0
        self.seen_data_version = -1
        self.debounce: Timer | None = None  # the month's count, asked for and not yet started
        self.counts = LatestRead()
        """Paging, F5 or a save during a count starts another: only the last one is shown (screens/latest_read.py)."""
        self.drills = LatestRead()
        """Enter on another line while a 明细 is read: only the last one opens."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("统计看板  正在统计……", id="dash-title")
        with Container(id="dash-body"):
            yield TextTable(id="dash-table", cursor_type="row", zebra_stripes=False)
            with Container(id="dash-charts"):
                for slot in range(CHART_SLOTS):
                    view = ChartView(id=f"dash-chart-{slot}")
                    view.display = False  # until the month is counted
                    yield view
        yield Static("", id="dash-hint")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        if self.month is None:
            today = self.workbench.today()
            self.month = Month(today.year, today.month)
        self._layout()
        self._count()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self._count()

    def on_resize(self, _event: events.Resize) -> None:
        self._layout()
        self._show_charts()

    def _layout(self) -> None:
        width, height = WIDE
        self.set_class(self.size.width >= width and self.size.height >= height, "wide")

    # counting

    def _count(self) -> None:
        assert self.month is not None
        self.seen_data_version = self.workbench.data_version
        self.query_one("#dash-title", Static).update(f"统计看板  {self.month.label}  正在统计……")
        actor, month, asked = self.workbench.actor, self.month, self.counts.ask()
        # The month's last count on this device, read here rather than in the worker: a count of the month the
        # person paged away from may still be running in its thread, and the kept figures must not wait for it.
        kept = self.workbench.report_cache.load(actor.office_id, self.month.code)
        if kept is not None:
            self.post_message(ReportCounted(kept[0], self.month, asked, kept[1]))
        # The count starts a moment later: a person paging on at once (Ctrl+J then PgUp) starts one count, not
        # two. A count under way holds the interpreter in bursts, and the keys after it (each waits for the one
        # before to be handled) then took up to 2 s at a million businesses.
        if self.debounce is not None:
            self.debounce.stop()
        self.debounce = self.set_timer(COUNT_AFTER_SECONDS, lambda: self._start_count(asked, actor, month))

    def _start_count(self, asked: int, actor: Actor, month: Month) -> None:
        self.debounce = None
        self._load(asked, actor, month)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard", description="统计月报数据")
    def _load(self, asked: int, actor: Actor, month: Month) -> None:
        settings, cache = self.workbench.settings, self.workbench.report_cache
        begun = utc_now()  # the figures are as of the count's start; a later count's are kept over them
        report = self.workbench.gateway.report.monthly(
            actor, month, targets=settings.report_targets, candidate_rules=settings.candidates.rules
        )
        cache.save(actor.office_id, report, begun)
        self.post_message(ReportCounted(report, month, asked))

    def on_report_counted(self, message: ReportCounted) -> None:
        if not self.counts.is_latest(message.asked):
            return  # a count of a month paged away from, or one begun before F5 or a save
        if message.counted_at is not None and self.report_month == message.month and self.kept_from is None:
            return  # a new count of this month is already on screen (F5 counts again)
        self.report, self.report_month, self.kept_from = message.report, message.month, message.counted_at
        self._show()

    # showing

    def _show(self) -> None:
        if self.report is None:
            return  # still counting: shown when it arrives, with the keys pressed meanwhile
        self._show_title()
        self._show_table()
        self._show_charts()

    def _show_title(self) -> None:
        report, month = self.report, self.month
        if report is None or month is None:
            return
        issued = f"已出具（第 {report.issue_number} 版）" if report.issue_number else "未出具，按现有数据统计"
        if self.kept_from is not None:
            issued = f"上次统计（{local_time_text(self.kept_from)}），正在重新统计……"
        where = self._slice()
        title = Text.assemble(
            ("统计看板", "bold"),
            f"  {short_office_name(report.office_name)}  ",
            (month.label, "bold"),
            f"  {issued}  ",
            (f"{'网格' if where and where.sheet == GRID_SHEET else '干部'}：{where.name}  " if where else "全所  ", "bold"),
        )
        self.query_one("#dash-title", Static).update(title)

    def _slice(self) -> Slice | None:
        if self.report is None:
            return None
        if self.grid_index:
            grids = slices(self.report, GRID_SHEET)
            self.grid_index %= len(grids) + 1
            return grids[self.grid_index - 1] if self.grid_index else None
        if self.officer_index:
            officers = slices(self.report, OFFICER_SHEET)
            self.officer_index %= len(officers) + 1
            return officers[self.officer_index - 1] if self.officer_index else None
        return None

    def _show_table(self) -> None:
        assert self.report is not None
        table = self.query_one("#dash-table", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        where = self._slice()
        if where is not None:
            table.add_column(where.name, width=LABEL_CELLS)
            table.add_column("本月", width=12)
            for title, value in where.cells:
                table.add_row(fit_cells(title, LABEL_CELLS), value)
            self.lines = []
        else:
            for title, width in (("指标", LABEL_CELLS), ("本月", 10), ("目标", 6), ("达标", 6), ("上月", 8), ("去年同月", 8)):
                table.add_column(title, width=width)
            self.lines = ordered_lines(self.report)
            for line in self.lines:
                table.add_row(*line_cells(line, LABEL_CELLS))
        table.move_cursor(row=min(cursor, max(0, table.row_count - 1)))
        self._show_hint(table.cursor_row)

    def _show_charts(self) -> None:
        if self.report is None:
            return
        charts = dashboard_charts(self.report)
        if not 0 <= self.chart_index < len(charts):
            self.chart_index = 0
        wide = self.has_class("wide")
        for slot in range(CHART_SLOTS):
            view = self.query_one(f"#dash-chart-{slot}", ChartView)
            index = slot if wide else (self.chart_index if slot == 0 else -1)
            shown = 0 <= index < len(charts)
            view.display = shown
            if shown:
                number = f"{index + 1}/{len(charts)}" if not wide else ""
                view.show(charts[index], number)

    @on(DataTable.RowHighlighted, "#dash-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self._show_hint(event.cursor_row)

    def _show_hint(self, row: int) -> None:
        hint = self.query_one("#dash-hint", Static)
        if self.report is None or not 0 <= row < len(self.lines):
            hint.update("F6 网格  F7 干部  1-4 图表" if self.report else "")
            return
        hint.update(line_hint(self.lines[row], self.report))

    # keys

    @on(DataTable.RowSelected, "#dash-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if self.report is None or not 0 <= event.cursor_row < len(self.lines):
            return
        line = self.lines[event.cursor_row]
        if line.code == ACTIVE_RATE:
            assert self.month is not None
            self._load_inactive(self.drills.ask(), self.workbench.actor, self.month, line.label)
            return
        if line.code in INSPECTION_LINES:
            assert self.month is not None
            self._load_inspections(self.drills.ask(), self.workbench.actor, self.month, line.code, line.label)
            return
        if line.code not in DRILL_ITEMS:
            self.notify("这一项没有逐户明细：明细列出新设、注销、吊销、撤销、迁入、迁出、首贷、个转企和检查的户", timeout=6)
            return
        from screens.dashboard_drill import DrillScreen

        assert self.month is not None
        self.app.push_screen(DrillScreen(f"{self.month.label} {line.label}", drill_rows(self.report, line.code)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-drill", description="列出未计入活跃的户")
    def _load_inactive(self, asked: int, actor: Actor, month: Month, label: str) -> None:
        found = self.workbench.gateway.report.inactive(actor, month, targets=self.workbench.settings.report_targets)
        self.post_message(InactiveRead(found, month, label, asked))

    def on_inactive_read(self, message: InactiveRead) -> None:
        from screens.dashboard_drill import DrillScreen

        if not self.drills.is_latest(message.asked):
            return  # Enter pressed on another line since: that one opens

        found = message.found
        if found.missing_reason:
            self.notify(found.missing_reason, timeout=8)
            return
        shown = f"，列出前 {len(found.rows):,} 户" if found.total > len(found.rows) else ""
        title = f"{message.month.label} {message.label}：未计入活跃共 {found.total:,} 户{shown}"
        self.app.push_screen(DrillScreen(title, list(found.rows), counted=False))

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-drill", description="列出检查户次")
    def _load_inspections(self, asked: int, actor: Actor, month: Month, code: str, label: str) -> None:
        whole_year, random_only = INSPECTION_LINES[code]
        found = self.workbench.gateway.report.inspections(actor, month, year_to_date=whole_year, random_only=random_only)
        period = f"{month.year}年1-{month.month}月" if whole_year else month.label
        kind = "双随机检查" if random_only else "检查"
        title = f"{period} {label}：{kind}共 {found.total:,} 户次，其中" + (
            f"联合 {found.joint:,}" if random_only else f"双随机 {found.random:,}、联合 {found.joint:,}"
        )
        if found.total > len(found.rows):
            title += f"，列出前 {len(found.rows):,} 户次"
        self.post_message(InspectionsRead(found, title, asked))

    def on_inspections_read(self, message: InspectionsRead) -> None:
        from screens.dashboard_drill import DrillScreen

        if not self.drills.is_latest(message.asked):
            return  # Enter pressed on another line since: that one opens

        found = message.found
        if found.missing_reason:
            self.notify(found.missing_reason, timeout=8)
            return
        if not found.rows:
            self.notify("这一期没有录入检查结果", timeout=6)
            return
        self.app.push_screen(DrillScreen(message.title, list(found.rows), counted=False))

    def action_previous_month(self) -> None:
        self._move(-1)

    def action_next_month(self) -> None:
        self._move(1)

    def _move(self, step: int) -> None:
        assert self.month is not None
        today = self.workbench.today()
        moved = self.month.previous() if step < 0 else self.month.next()
        if moved > Month(today.year, today.month):
            self.notify("已是本月：以后的月份还没有数据", timeout=4)
            return
        self.month = moved
        self._count()

    # F6 / F7 / 1-4 pressed while the month is still being counted are kept, and apply when it arrives:
    # the indexes are brought into range when shown (_slice, _show_charts), never dropped.

    def action_cycle_grid(self) -> None:
        self.grid_index = self._next_index(self.grid_index, GRID_SHEET)
        self.officer_index = 0
        self._show()

    def action_cycle_officer(self) -> None:
        self.officer_index = self._next_index(self.officer_index, OFFICER_SHEET)
        self.grid_index = 0
        self._show()

    def _next_index(self, index: int, sheet: str) -> int:
        if self.report is None:
            return index + 1
        return (index + 1) % (len(slices(self.report, sheet)) + 1)

    def action_chart(self, number: int) -> None:
        self.chart_index = number - 1
        self._show_charts()

    def action_refresh(self) -> None:
        self._count()

    def action_back(self) -> None:
        self.dismiss(None)

    def worker_failed(self, worker: Any, error: BaseException) -> None:
        self.query_one("#dash-title", Static).update("统计看板  未能统计")
        super().worker_failed(worker, error)

