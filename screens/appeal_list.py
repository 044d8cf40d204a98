"""诉求一览: the office's appeals, open ones first by deadline, overdue and due-soon highlighted."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from screens import service_entries
from screens.actions import bindings
from screens.appeal_marks import days_left_cell, state_cell, urgency_style
from screens.appeal_screen import AppealScreen
from screens.base import WorkbenchScreen
from screens.format import fit_cells
from screens.latest_read import LatestRead
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.services.appeals import AppealFilters, AppealLine
from workbench.services.service_common import ServiceSettings

DEADLINE_CELLS = 10
DAYS_CELLS = 10
STATE_CELLS = 6
CATEGORY_CELLS = 8
OFFICER_CELLS = 6


class AppealsLoaded(Message):
    def __init__(self, lines: list[AppealLine], asked: int) -> None:
        super().__init__()
        self.lines = lines
        self.asked = asked


class AppealListScreen(WorkbenchScreen[None]):
    """Open appeals by default; F9 shows the closed ones too; S registers an appeal of an unregistered person."""

    SCOPE = "appeals"
    BINDINGS = bindings("appeals")
    AUTO_FOCUS = "#appeal-table"

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[AppealLine] = []
        self.with_closed = False
        self.seen_data_version = -1
        self.reads = LatestRead()
        """F9 during a read starts another: only the last one's lines are shown (screens/latest_read.py)."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("诉求一览", id="appeals-title")
        yield TextTable(id="appeal-table", cursor_type="row", zebra_stripes=True)
        yield WorkbenchFooter()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self._query()

    def _query(self) -> None:
        self.seen_data_version = self.workbench.data_version
        self._load(
            self.reads.ask(),
            self.workbench.actor,
            AppealFilters(open_only=not self.with_closed),
            self.workbench.settings.service,
            self.workbench.today(),
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="appeals", description="读取诉求")
    def _load(
        self, asked: int, actor: Actor, filters: AppealFilters, settings: ServiceSettings, today: date
    ) -> None:
        lines = self.workbench.gateway.service.appeals(actor, filters, settings=settings, today=today, limit=500)
        self.post_message(AppealsLoaded(lines, asked))

    def on_appeals_loaded(self, message: AppealsLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # a slower earlier read (before F9 or a save)
        self.lines = message.lines
        overdue = sum(line.overdue for line in self.lines)
        soon = sum(line.due_soon for line in self.lines)
        self.query_one("#appeals-title", Static).update(
            Text.assemble(
                ("诉求一览", "bold"),
                f"  {'全部' if self.with_closed else '未办结'} {len(self.lines)} 件  ",
                (f"已逾期 {overdue}", "bold red" if overdue else "dim"),
                "  ",
                (f"即将到期 {soon}", "bold yellow" if soon else "dim"),
            )
        )
        table = self.query_one("#appeal-table", DataTable)
        table.clear(columns=True)
        who_cells = max(
            12,
            self.size.width - DEADLINE_CELLS - DAYS_CELLS - STATE_CELLS - CATEGORY_CELLS - OFFICER_CELLS - 13,
        )
        for label, width in (
            ("期限", DEADLINE_CELLS),
            ("剩余工作日", DAYS_CELLS),
            ("状态", STATE_CELLS),
            ("类别", CATEGORY_CELLS),
            ("主体 / 诉求人", who_cells),
            ("承办", OFFICER_CELLS),
        ):
            table.add_column(label, width=width)
        for line in self.lines:
            table.add_row(
                Text(line.deadline.isoformat(), style=urgency_style(line)),
                days_left_cell(line),
                state_cell(line),
                fit_cells(line.category, CATEGORY_CELLS),
                fit_cells(line.who or "-", who_cells),
                fit_cells(line.officer_name or "待分派", OFFICER_CELLS),
            )
        if not self.lines:
            table.add_row("", "", "", "", "（没有诉求）", "")

    @on(DataTable.RowSelected, "#appeal-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.lines):
            self.app.push_screen(AppealScreen(self.lines[event.cursor_row].uuid))

    def action_new_appeal(self) -> None:
        service_entries.add_appeal(self.workbench, None)

    def action_toggle_closed(self) -> None:
        self.with_closed = not self.with_closed
        self._query()

    def action_back(self) -> None:
        self.dismiss(None)
