"""今日走访路线: the day's stops (follow-ups due, 歇业 periods ended), grouped by street or community in natural
address order; Enter records the visit, F3 opens the business, F6 narrows to one grid, Ctrl+E saves the route as
a workbook to print and take along (imports.route_export).

Everything is read from the local database: the screen works the same on a laptop with no network.
`workbench route` prints the same route (to paper, or to a file).
"""

from __future__ import annotations

from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from screens import service_entries
from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.business_detail import BusinessDetailScreen
from screens.format import fit_cells
from screens.latest_read import LatestRead
from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.services.office import Choice
from workbench.services.visit_route import RouteStop

NAME_CELLS = 22
DOOR_CELLS = 16


class RouteLoaded(Message):
    def __init__(self, stops: list[RouteStop], asked: int) -> None:
        super().__init__()
        self.stops = stops
        self.asked = asked


class RouteScreen(WorkbenchScreen[None]):
    """F6 steps through the grids (全部 first); F3 opens the business; Esc goes back."""

    SCOPE = "visit"
    BINDINGS = bindings("visit")
    AUTO_FOCUS = "#route-table"

    def __init__(self) -> None:
        super().__init__()
        self.stops: list[RouteStop] = []
        self.row_stops: list[RouteStop | None] = []
        """One per table row: None for a street's heading."""
        self.grid_index = 0
        self.seen_data_version = -1
        self.reads = LatestRead()
        """F6 during a read starts another: only the last one's stops are shown (screens/latest_read.py)."""

    @property
    def grid_choices(self) -> list[Choice | None]:
        office_id = self.workbench.office.id if self.workbench.office else -1
        return [None, *self.workbench.reference.grids.get(office_id, [])]

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("今日走访路线", id="route-title")
        yield TextTable(id="route-table", cursor_type="row", zebra_stripes=False)
        yield Static("", id="route-stop")
        yield WorkbenchFooter()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self._query()

    def _query(self) -> None:
        self.seen_data_version = self.workbench.data_version
        grid = self.grid_choices[self.grid_index]
        officer = self.workbench.officer
        self._load(
            self.reads.ask(),
            self.workbench.actor,
            self.workbench.today(),
            grid.id if grid else None,
            officer.id if officer else None,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="route", description="读取走访路线")
    def _load(self, asked: int, actor: Actor, day: date, grid_id: int | None, officer_id: int | None) -> None:
        stops = self.workbench.gateway.service.route(actor, day=day, grid_id=grid_id, officer_id=officer_id)
        self.post_message(RouteLoaded(stops, asked))

    def on_route_loaded(self, message: RouteLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # the stops of the grid before F6: a slower earlier read
        self.stops = message.stops
        grid = self.grid_choices[self.grid_index]
        officer = self.workbench.officer
        today = self.workbench.today()
        self.query_one("#route-title", Static).update(
            Text.assemble(
                ("今日走访路线", "bold"),
                f"  {officer.name if officer else ''}  {today.isoformat()}  网格：",
                (grid.name if grid else "全部", "bold"),
                f"  共 {len(self.stops)} 户  ",
                ("F6 切换网格", "dim"),
            )
        )
        table = self.query_one("#route-table", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        why_cells = max(12, self.size.width - NAME_CELLS - DOOR_CELLS - 2 * 3 - 1)
        table.add_column("名称", width=NAME_CELLS)
        table.add_column("门牌", width=DOOR_CELLS)
        table.add_column("事由", width=why_cells)
        self.row_stops = []
        for area, group in groupby(self.stops, key=lambda stop: stop.area):
            stops = list(group)
            table.add_row(Text(area, style="bold"), Text(f"{len(stops)} 户", style="bold"), "")
            self.row_stops.append(None)
            for stop in stops:
                door = stop.street_address.removeprefix(area.split(" ")[0]).strip() or "-"
                table.add_row(
                    fit_cells(stop.name, NAME_CELLS), fit_cells(door, DOOR_CELLS), fit_cells("；".join(stop.reasons), why_cells)
                )
                self.row_stops.append(stop)
        if not self.stops:
            table.add_row("（今天没有要上门的）", "", "")
            self.row_stops.append(None)
        first = 1 if len(self.row_stops) > 1 else 0
        table.move_cursor(row=min(max(cursor, first), max(0, len(self.row_stops) - 1)))
        self._show_stop(table.cursor_row)

    @on(DataTable.RowHighlighted, "#route-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self._show_stop(event.cursor_row)

    def _show_stop(self, row: int) -> None:
        """The highlighted stop in full: what the table cuts at 80 columns, and who to ask for at the door."""
        stop = self.row_stops[row] if 0 <= row < len(self.row_stops) else None
        if stop is None:
            self.query_one("#route-stop", Static).update(
                "到期的走访跟进、届满的歇业期会列在这里    Enter 记录走访    F3 主体详情"
            )
            return
        last = stop.last_visited_on.isoformat() if stop.last_visited_on else "未走访"
        self.query_one("#route-stop", Static).update(
            "；".join(stop.reasons) + f"\n{stop.name}  {stop.operator or ''} {stop.phone or ''}  上次走访 {last}"
        )

    def _highlighted(self) -> RouteStop | None:
        row = self.query_one("#route-table", DataTable).cursor_row
        return self.row_stops[row] if 0 <= row < len(self.row_stops) else None

    @on(DataTable.RowSelected, "#route-table")
    def _selected(self) -> None:
        stop = self._highlighted()
        if stop is not None:
            service_entries.add_visit(
                self.workbench,
                stop.business_uuid,
                stop.name,
                business_version=stop.business_version,
                on_record={"phone": stop.phone, "address": stop.address},
            )

    def action_open_business(self) -> None:
        stop = self._highlighted()
        if stop is not None:
            self.app.push_screen(BusinessDetailScreen(stop.business_uuid))

    def action_cycle_grid(self) -> None:
        self.grid_index = (self.grid_index + 1) % len(self.grid_choices)
        self._query()

    def action_export(self) -> None:
        officer = self.workbench.officer
        whose = officer.name if officer else "全所"
        grid = self.grid_choices[self.grid_index]
        day = self.workbench.today()
        default = Path.home() / f"走访路线-{whose}-{day.isoformat()}.xlsx"

        count = len(self.stops)

        def exported(result: Any) -> None:
            if result:
                what = f"走访路线（{count} 户）" if count else "走访路线（今天没有要上门的，文件只有表头）"
                self.notify(f"已导出{what}到 {result}：A4 横向，可直接打印", timeout=8)

        context = f"{whose}，{day.isoformat()}，网格：{grid.name if grid else '全部'}，共 {len(self.stops)} 户"
        self.app.push_screen(RouteExportDialog(context, whose, day, list(self.stops), str(default)), exported)

    def action_back(self) -> None:
        self.dismiss(None)


class RouteExportDialog(ServiceDialog):
    """Where to save the route shown; dismisses with the path written."""

    TITLE_TEXT = "导出走访路线"

    def __init__(self, context: str, whose: str, day: date, stops: list[RouteStop], default_path: str) -> None:
        super().__init__(context, (DialogField("path", "保存到", default=default_path),))
        self.whose = whose
        self.day = day
        self.stops = stops

    def write(self, actor: Actor, values: DialogValues) -> Any:
        path = self.workbench.files.export_route(
            actor, whose=self.whose, day=self.day, stops=self.stops, path=str(values["path"])
        )
        return str(path)
