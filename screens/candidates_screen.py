"""候选名单: 个转企 and 上规上限 candidates computed for review, each with its reasons; A adds the highlighted
one to the matching pool, with a reason the person confirms (never silently)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Select, Static

from screens.actions import bindings
from screens.business_rows_screen import BusinessRowsScreen, chosen
from screens.distinction_dialogs import EnterPoolDialog
from screens.format import fit_cells
from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from screens.widgets.filter_bar import grid_select, officer_select
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain.candidates import CANDIDATE_POOLS, POOL_LABELS, CandidateRules
from workbench.services.candidates import CandidateRow


class CandidatesLoaded(Message):
    def __init__(self, rows: list[CandidateRow], asked: int) -> None:
        super().__init__()
        self.rows = rows
        self.asked = asked


class CandidatesScreen(BusinessRowsScreen[CandidateRow]):
    """The candidates of one list (F6 switches), by name; the line under the table gives every reason, Enter
    opens the business (its figures and standing) before A adds it to the pool."""

    SCOPE = "candidates"
    TABLE = "candidate-table"
    FILTERS = ("candidate-list", "candidate-grid", "candidate-officer")
    LISTS = tuple(CANDIDATE_POOLS)
    BINDINGS = bindings("candidates")
    AUTO_FOCUS = "#candidate-table"
    DEFAULT_CSS = """
    #candidate-filters { height: 1; margin: 0 1; }
    #candidate-filters Select { width: 1fr; margin-right: 1; }
    #candidate-table { height: 1fr; }
    #candidate-reason { height: auto; padding: 0 1; }
    #candidate-status { height: auto; padding: 0 1; background: $panel; }
    """

    def __init__(self, pool: str = "conversion") -> None:
        super().__init__(pool)

    def compose(self) -> ComposeResult:
        office_id = self.workbench.office.id if self.workbench.office else -1
        reference = self.workbench.reference
        yield Header(icon="")
        with Horizontal(id="candidate-filters"):
            yield Select(
                [(CANDIDATE_POOLS[pool], pool) for pool in self.LISTS],
                value=self.pool,
                allow_blank=False,
                id="candidate-list",
                compact=True,
            )
            yield grid_select(reference, office_id, "candidate-grid")
            yield officer_select(reference, office_id, "candidate-officer")
        yield TextTable(id="candidate-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="candidate-reason")
        yield Static("", id="candidate-status")
        yield WorkbenchFooter()

    def _query(self) -> None:
        self.query_one("#candidate-status", Static).update("正在计算候选名单")
        self._load(
            self._asking(),
            self.workbench.actor,
            self.pool,
            self.workbench.settings.candidates.rules,
            chosen(self.query_one("#candidate-grid", Select)),
            chosen(self.query_one("#candidate-officer", Select)),
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="candidates", description="计算候选名单")
    def _load(
        self,
        asked: int,
        actor: Actor,
        pool: str,
        rules: CandidateRules,
        grid_id: int | None,
        officer_id: int | None,
    ) -> None:
        rows = self.workbench.gateway.programmes.candidates(
            actor, pool=pool, rules=rules, grid_id=grid_id, officer_id=officer_id, today=self.workbench.today()
        )
        self.post_message(CandidatesLoaded(rows, asked))

    def on_candidates_loaded(self, message: CandidatesLoaded) -> None:
        if not self._answered(message.asked):
            return  # the list or grid or officer chosen before: a slower earlier computation
        self.rows = message.rows
        names = self.workbench.names()
        table = self.query_one("#candidate-table", DataTable)
        cursor = table.cursor_row if self.same_list_as_shown else 0
        table.clear(columns=True)
        reason_cells = max(12, self.size.width - 20 - 8 - 6 - 2 * 5 - 4)
        for label, width in (("市场主体", 20), ("干部", 8), ("入库", 6), ("候选理由", reason_cells)):
            table.add_column(label, width=width)
        for row in self.rows:
            table.add_row(
                fit_cells(row.business_name, 20),
                fit_cells(names.get("officer_id", {}).get(row.officer_id or -1, "-"), 8),
                Text("已入库", style="green") if row.in_pool else "",
                fit_cells(row.reason_text, reason_cells),
                key=row.business_uuid,
            )
        if not self.rows:
            table.add_row("（没有符合条件的候选主体）", "", "", "")
        table.move_cursor(row=min(cursor, max(len(self.rows) - 1, 0)))
        waiting = sum(1 for row in self.rows if not row.in_pool)
        self.query_one("#candidate-status", Static).update(
            f"{CANDIDATE_POOLS[self.pool]} {len(self.rows)} 户，未入库 {waiting} 户    "
            f"规则版本 {self.workbench.settings.candidates.version}"
        )
        self._show_reason()

    @on(DataTable.RowHighlighted, "#candidate-table")
    def _show_reason(self) -> None:
        row = self._selected()
        text = "" if row is None else f"{row.business_name}（{row.year or '无'}年度数据）：{row.reason_text}"
        self.query_one("#candidate-reason", Static).update(text)

    def action_add_to_pool(self) -> None:
        row = self._selected()
        if row is None or self.loading:
            self.notify("请先选择一户候选主体", severity="warning")
            return
        if row.in_pool:
            self.notify(f"「{row.business_name}」已在{POOL_LABELS[row.pool]}中", severity="warning")
            return
        reason = f"{CANDIDATE_POOLS[row.pool]}：{row.reason_text}"

        def added(result: Any) -> None:
            if result:
                self.notify(f"已将「{row.business_name}」加入{POOL_LABELS[row.pool]}")
                self._query()

        self.app.push_screen(
            EnterPoolDialog(row.business_uuid, row.business_name, row.pool, reason, self.workbench.today()),
            added,
        )

    def action_cycle_list(self) -> None:
        self._next_list()

    def action_export(self) -> None:
        default = Path.home() / f"{CANDIDATE_POOLS[self.pool]}-{self.workbench.today().isoformat()}.xlsx"
        self._export(CandidateExportDialog(CANDIDATE_POOLS[self.pool], list(self.rows), self.workbench.names(), str(default)))

    def action_refresh(self) -> None:
        self.workbench.settings.reload_candidates()
        self._query()


class CandidateExportDialog(ServiceDialog):
    TITLE_TEXT = "导出候选名单"

    def __init__(
        self, title: str, rows: list[CandidateRow], names: dict[str, dict[int, str]], default_path: str
    ) -> None:
        super().__init__(
            f"{title}，共 {len(rows)} 户", (DialogField("path", "保存到", default=default_path),)
        )
        self.title_text, self.rows, self.names = title, rows, names

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return str(
            self.workbench.files.export_candidates(
                actor, title=self.title_text, rows=self.rows, names=self.names, path=str(values["path"])
            )
        )
