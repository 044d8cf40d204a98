"""培育库: the members of one pool with entry dates and reasons, filtered by grid and officer; export to Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Header, Select, Static

from screens.actions import bindings
from screens.business_rows_screen import BusinessRowsScreen, chosen
from screens.distinction_dialogs import LeavePoolDialog
from screens.format import fit_cells
from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from screens.widgets.filter_bar import grid_select, officer_select
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from screens.widgets.ticks import TickBox
from storage.audit import Actor
from workbench.domain.candidates import POOL_LABELS
from workbench.services.pools import MemberRow


class MembersLoaded(Message):
    def __init__(self, rows: list[MemberRow], asked: int) -> None:
        super().__init__()
        self.rows = rows
        self.asked = asked


class PoolsScreen(BusinessRowsScreen[MemberRow]):
    """One pool at a time (F6 switches); O takes the highlighted business out with a reason."""

    SCOPE = "pools"
    TABLE = "pool-table"
    FILTERS = ("pool-pool", "pool-grid", "pool-officer", "pool-left")
    LISTS = tuple(POOL_LABELS)
    BINDINGS = bindings("pools")
    AUTO_FOCUS = "#pool-table"
    DEFAULT_CSS = """
    #pool-filters { height: 1; margin: 0 1; }
    #pool-filters Select { width: 1fr; margin-right: 1; }
    #pool-filters Checkbox { width: auto; height: 1; }
    #pool-table { height: 1fr; }
    #pool-status { height: auto; padding: 0 1; background: $panel; }
    """

    def __init__(self, pool: str = "conversion") -> None:
        super().__init__(pool)

    def compose(self) -> ComposeResult:
        office_id = self.workbench.office.id if self.workbench.office else -1
        reference = self.workbench.reference
        yield Header(icon="")
        with Horizontal(id="pool-filters"):
            yield Select(
                [(POOL_LABELS[pool], pool) for pool in self.LISTS],
                value=self.pool,
                allow_blank=False,
                id="pool-pool",
                compact=True,
            )
            yield grid_select(reference, office_id, "pool-grid")
            yield officer_select(reference, office_id, "pool-officer")
            yield TickBox("含已出库", id="pool-left", compact=True)
        yield TextTable(id="pool-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="pool-status")
        yield WorkbenchFooter()

    def _query(self) -> None:
        self._load(
            self._asking(),
            self.workbench.actor,
            self.pool,
            chosen(self.query_one("#pool-grid", Select)),
            chosen(self.query_one("#pool-officer", Select)),
            self.query_one("#pool-left", Checkbox).value,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="pool", description="读取培育库")
    def _load(
        self,
        asked: int,
        actor: Actor,
        pool: str,
        grid_id: int | None,
        officer_id: int | None,
        include_left: bool,
    ) -> None:
        rows = self.workbench.gateway.programmes.pool_members(
            actor, pool=pool, grid_id=grid_id, officer_id=officer_id, include_left=include_left
        )
        self.post_message(MembersLoaded(rows, asked))

    def on_members_loaded(self, message: MembersLoaded) -> None:
        if not self._answered(message.asked):
            return  # the pool or filters chosen before: a slower earlier read
        self.rows = message.rows
        names = self.workbench.names()
        table = self.query_one("#pool-table", DataTable)
        table.clear(columns=True)
        reason_cells = max(12, self.size.width - 20 - 8 - 10 - 10 - 2 * 5 - 4)
        for label, width in (
            ("市场主体", 20),
            ("网格", 8),
            ("入库日期", 10),
            ("出库日期", 10),
            ("入库 / 出库理由", reason_cells),  # 15 cells: fits the 18 left at 80 columns
        ):
            table.add_column(label, width=width)
        for row in self.rows:
            reason = row.entry_reason + (f" / {row.exit_reason}" if row.exit_reason else "")
            table.add_row(
                fit_cells(row.business_name, 20),
                fit_cells(names.get("grid_id", {}).get(row.grid_id or -1, "-"), 8),
                row.entered_on.isoformat(),
                row.left_on.isoformat() if row.left_on else "",
                fit_cells(reason, reason_cells),
                key=row.uuid,
            )
        if not self.rows:
            table.add_row("（库中没有符合条件的主体）", "", "", "", "")
        current = sum(1 for row in self.rows if row.left_on is None)
        self.query_one("#pool-status", Static).update(
            f"{POOL_LABELS[self.pool]}：在库 {current} 户"
            + (f"，共 {len(self.rows)} 条记录" if self.rows else "")
        )

    def action_cycle_pool(self) -> None:
        self._next_list()

    def action_leave(self) -> None:
        row = self._selected()
        if row is None or row.left_on is not None:
            self.notify("请选择一户在库的主体", severity="warning")
            return
        self.app.push_screen(LeavePoolDialog(row, self.workbench.today()), self._after_write)

    def _after_write(self, result: Any) -> None:
        if result:
            self._query()

    def action_export(self) -> None:
        default = Path.home() / f"{POOL_LABELS[self.pool]}-{self.workbench.today().isoformat()}.xlsx"
        self._export(
            PoolExportDialog(self.pool, list(self.rows), self.workbench.names(), self._description(), str(default))
        )

    def _description(self) -> str:
        names = self.workbench.names()
        grid = chosen(self.query_one("#pool-grid", Select))
        officer = chosen(self.query_one("#pool-officer", Select))
        parts = [
            names.get("grid_id", {}).get(grid, "") if grid is not None else "",
            names.get("officer_id", {}).get(officer, "") if officer is not None else "",
            "含已出库" if self.query_one("#pool-left", Checkbox).value else "",
        ]
        return "，".join(part for part in parts if part) or "全部"

    def action_refresh(self) -> None:
        self._query()


class PoolExportDialog(ServiceDialog):
    """Where to save the list shown; dismisses with the path written."""

    TITLE_TEXT = "导出培育库名单"

    def __init__(
        self,
        pool: str,
        rows: list[MemberRow],
        names: dict[str, dict[int, str]],
        description: str,
        default_path: str,
    ) -> None:
        super().__init__(
            f"{POOL_LABELS[pool]}，条件：{description}，共 {len(rows)} 条",
            (DialogField("path", "保存到", default=default_path),),
        )
        self.pool, self.rows, self.names, self.description = pool, rows, names, description

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return str(
            self.workbench.files.export_pool(
                actor, pool=self.pool, rows=self.rows, names=self.workbench.names(), description=self.description,
                path=str(values["path"]),
            )  # fmt: skip
        )
