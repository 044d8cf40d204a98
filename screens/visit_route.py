"""今日走访路线: the officer's businesses, in one grid or all, in address order; Enter records a visit.

Everything is read from the local database: the screen works the same on a laptop with no network.
"""

from __future__ import annotations

import os

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
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.services.office import Choice
from workbench.services.visit_route import RouteStop

NAME_CELLS = 22
PHONE_CELLS = 13
LAST_CELLS = 10


class RouteLoaded(Message):
    def __init__(self, stops: list[RouteStop]) -> None:
        super().__init__()
        self.stops = stops


class RouteScreen(WorkbenchScreen[None]):
    """F6 steps through the grids (全部 first); F3 opens the business; Esc goes back."""

    SCOPE = "visit"
    BINDINGS = bindings("visit")
    AUTO_FOCUS = "#route-table"

    def __init__(self) -> None:
        super().__init__()
        self.stops: list[RouteStop] = []
        self.grid_index = 0
        self.seen_data_version = -1

    @property
    def grid_choices(self) -> list[Choice | None]:
        office_id = self.workbench.office.id if self.workbench.office else -1
        return [None, *self.workbench.reference.grids.get(office_id, [])]

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("今日走访路线", id="route-title")
        yield TextTable(id="route-table", cursor_type="row", zebra_stripes=True)
        yield WorkbenchFooter()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self._query()

    def _query(self) -> None:
        self.seen_data_version = self.workbench.data_version
        grid = self.grid_choices[self.grid_index]
        officer = self.workbench.officer
        self._load(
            self.workbench.actor,
            grid.id if grid else None,
            officer.id if officer else None,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="route", description="读取走访路线")
    def _load(self, actor: Actor, grid_id: int | None, officer_id: int | None) -> None:
        stops = self.workbench.gateway.service.route(actor, grid_id=grid_id, officer_id=officer_id)
        self.post_message(RouteLoaded(stops))

    def on_route_loaded(self, message: RouteLoaded) -> None:
        self.stops = message.stops
        grid = self.grid_choices[self.grid_index]
        officer = self.workbench.officer
        self.query_one("#route-title", Static).update(
            Text.assemble(
                ("今日走访路线", "bold"),
                f"  {officer.name if officer else ''}  网格：",
                (grid.name if grid else "全部", "bold"),
                f"  共 {len(self.stops)} 户  ",
                ("F6 切换网格", "dim"),
            )
        )
        table = self.query_one("#route-table", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        address_cells = max(12, self.size.width - NAME_CELLS - PHONE_CELLS - LAST_CELLS - 2 * 4 - 1)
        shared = _shared_region(self.stops)
        table.add_column("名称", width=NAME_CELLS)
        table.add_column(f"地址（略去{shared}）" if shared else "地址", width=address_cells)
        table.add_column("电话", width=PHONE_CELLS)
        table.add_column("上次走访", width=LAST_CELLS)
        for stop in self.stops:
            last = (
                stop.last_visited_on.isoformat() if stop.last_visited_on else Text("未走访", style="yellow")
            )
            table.add_row(
                fit_cells(stop.name, NAME_CELLS),
                fit_cells(stop.address.removeprefix(shared) or "-", address_cells),
                stop.phone or "-",
                last,
            )
        if not self.stops:
            table.add_row("（没有包联的在营主体）", "", "", "")
        table.move_cursor(row=min(cursor, max(0, len(self.stops) - 1)))

    def _highlighted(self) -> RouteStop | None:
        row = self.query_one("#route-table", DataTable).cursor_row
        return self.stops[row] if 0 <= row < len(self.stops) else None

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

    def action_back(self) -> None:
        self.dismiss(None)


def _shared_region(stops: list[RouteStop]) -> str:
    """「温州市鹿城区」 when every address starts with it: the street is what the column has room for."""
    addresses = [stop.address for stop in stops if stop.address]
    if not addresses:
        return ""
    prefix = os.path.commonprefix(addresses)
    cut = max(prefix.rfind(mark) for mark in "市区县")
    return prefix[: cut + 1] if cut >= 0 else ""
