"""帮扶台账: every support record of the office, filtered by type, period, officer and grid; Ctrl+E exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Select, Static

from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.business_detail import BusinessDetailScreen
from screens.format import fit_cells, money_text
from screens.latest_read import LatestRead
from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from screens.widgets.filter_bar import grid_select, officer_select
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain.values import parse_date
from workbench.services.support import SupportFilters, SupportLine

SHOWN_AT_MOST = 500
"""Rows the table holds: the newest; a DataTable of thousands takes seconds to fill, the export takes all."""
KIND_CELLS = 14
AMOUNT_CELLS = 9
OFFICER_CELLS = 6


class SupportLoaded(Message):
    def __init__(self, lines: list[SupportLine], asked: int) -> None:
        super().__init__()
        self.lines = lines
        self.asked = asked


class SupportListScreen(WorkbenchScreen[None]):
    """Filters on one line, the records newest first, a total line; Enter opens the business."""

    SCOPE = "support"
    BINDINGS = bindings("support")
    AUTO_FOCUS = "#support-table"

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[SupportLine] = []
        self.filters = SupportFilters()
        self.seen_data_version = -1
        self.reads = LatestRead()
        """Each filter typed starts a read: only the last one's lines are shown (screens/latest_read.py)."""

    def compose(self) -> ComposeResult:
        office_id = self.workbench.office.id if self.workbench.office else -1
        reference = self.workbench.reference
        yield Header(icon="")
        with Horizontal(id="support-filters"):
            yield Select(
                [(name, name) for name in self.workbench.settings.service.lists.support_types],
                prompt="全部类型",
                id="support-kind",
                compact=True,
            )
            # Empty means no limit, and says so: an example date here read as a filter in force.
            yield Input(placeholder="起始日期 不限", id="support-from", compact=True)
            yield Input(placeholder="截止日期 不限", id="support-until", compact=True)
            yield officer_select(reference, office_id, "support-officer")
            yield grid_select(reference, office_id, "support-grid")
        yield TextTable(id="support-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="support-status")
        yield WorkbenchFooter()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self._query()

    @on(Select.Changed)
    @on(Input.Changed)
    def _filters_changed(self) -> None:
        self._query()

    def _read_filters(self) -> SupportFilters | str:
        """The filters, or a Chinese sentence naming the date that cannot be read."""
        days: dict[str, date | None] = {}
        for name, label in (("from", "开始日期"), ("until", "结束日期")):
            try:
                days[name] = parse_date(self.query_one(f"#support-{name}", Input).value.strip() or None)
            except ValueError as problem:
                return f"{label}：{problem}"

        def chosen(select_id: str) -> Any:
            select = self.query_one(select_id, Select)
            return None if select.is_blank() else select.value

        return SupportFilters(
            kind=chosen("#support-kind"),
            given_from=days["from"],
            given_until=days["until"],
            officer_id=chosen("#support-officer"),
            grid_id=chosen("#support-grid"),
        )

    def _query(self) -> None:
        filters = self._read_filters()
        if isinstance(filters, str):
            # The list stays as it was: say which dates it still shows, not only what is wrong.
            self.query_one("#support-status", Static).update(
                Text(f"{filters}；列表仍按{_dates_text(self.filters)}显示", style="bold red")
            )
            return
        self.filters = filters
        self.seen_data_version = self.workbench.data_version
        self._load(self.reads.ask(), self.workbench.actor, filters)

    @work(thread=True, exclusive=True, exit_on_error=False, group="support", description="读取帮扶记录")
    def _load(self, asked: int, actor: Actor, filters: SupportFilters) -> None:
        lines = self.workbench.gateway.service.support_lines(actor, filters, limit=SHOWN_AT_MOST)
        self.post_message(SupportLoaded(lines, asked))

    def on_support_loaded(self, message: SupportLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # the lines of filters changed since: a slower earlier read
        self.lines = message.lines
        table = self.query_one("#support-table", DataTable)
        table.clear(columns=True)
        name_cells = max(12, self.size.width - 10 - KIND_CELLS - AMOUNT_CELLS - OFFICER_CELLS - 2 * 5 - 1)
        for label, width in (
            ("日期", 10),
            ("类型", KIND_CELLS),
            ("市场主体", name_cells),
            ("金额", AMOUNT_CELLS),
            ("经办", OFFICER_CELLS),
        ):
            table.add_column(label, width=width)
        for line in self.lines:
            table.add_row(
                line.given_on.isoformat(),
                fit_cells(line.kind, KIND_CELLS),
                fit_cells(line.business_name, name_cells),
                Text(money_text(line.amount_yuan) if line.amount_yuan else "-", justify="right"),
                fit_cells(line.officer_name or "-", OFFICER_CELLS),
            )
        if not self.lines:
            table.add_row("", "", "（没有符合条件的帮扶记录）", "", "")
        total = sum(line.amount_yuan or 0 for line in self.lines)
        self.query_one("#support-status", Static).update(
            f"{_dates_text(self.filters)}：{_count_text(len(self.lines))}，金额合计 {money_text(total)}    "
            "Ctrl+E 导出全部符合条件的记录"
        )

    @on(DataTable.RowSelected, "#support-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.lines):
            self.app.push_screen(BusinessDetailScreen(self.lines[event.cursor_row].business_uuid))

    def action_export(self) -> None:
        default = Path.home() / f"帮扶台账-{self.workbench.today().isoformat()}.xlsx"

        def exported(result: Any) -> None:
            if result:
                self.notify(f"已导出到 {result}", timeout=8)

        self.app.push_screen(SupportExportDialog(self.filters, self._description(), str(default)), exported)

    def _description(self) -> str:
        names = self.workbench.names()
        flt = self.filters
        parts = [
            flt.kind or "",
            names.get("officer_id", {}).get(flt.officer_id, "") if flt.officer_id is not None else "",
            names.get("grid_id", {}).get(flt.grid_id, "") if flt.grid_id is not None else "",
            f"自 {flt.given_from}" if flt.given_from else "",
            f"至 {flt.given_until}" if flt.given_until else "",
        ]
        return "，".join(part for part in parts if part) or "全部"

    def action_clear_filters(self) -> None:
        for select in self.query(Select):
            select.clear()
        for field in self.query(Input):
            field.value = ""

    def action_back(self) -> None:
        self.dismiss(None)


def _dates_text(filters: SupportFilters) -> str:
    """The date range in force, as the status line shows it: 「日期 2026-01-05 至 不限」."""
    since = filters.given_from.isoformat() if filters.given_from else "不限"
    until = filters.given_until.isoformat() if filters.given_until else "不限"
    return "日期不限" if since == until == "不限" else f"日期 {since} 至 {until}"


def _count_text(shown: int) -> str:
    if shown < SHOWN_AT_MOST:
        return f"共 {shown:,} 条"
    return f"显示最近 {shown:,} 条（更早的请缩小日期范围）"


class SupportExportDialog(ServiceDialog):
    """Where to save; dismisses with the path written."""

    TITLE_TEXT = "导出帮扶台账"

    def __init__(self, filters: SupportFilters, description: str, default_path: str) -> None:
        super().__init__(f"条件：{description}", (DialogField("path", "保存到", default=default_path),))
        self.filters = filters
        self.description = description

    def write(self, actor: Actor, values: DialogValues) -> Any:
        path = self.workbench.files.export_support(
            actor, self.filters, description=self.description, path=str(values["path"])
        )
        return str(path)
