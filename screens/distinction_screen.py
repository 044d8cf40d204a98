"""名特优新: the office's (or one household's) distinctions, the workflow by keys, 复核 flags and the cap."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.distinction_dialogs import (
    ApplyDialog,
    ClearReviewDialog,
    EventDialog,
    RepairDialog,
    StepDialog,
)
from screens.format import fit_cells
from screens.latest_read import LatestRead
from screens.widgets.dialogs import ErrorDialog
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain import distinctions as flow
from workbench.domain.candidates import CandidateRules
from workbench.services.distinction_lists import CapStatus, DistinctionRow
from workbench.services.gateway.programme_desk import OpenEvent

COLUMNS: tuple[tuple[str, int], ...] = (
    ("类别", 4),
    ("级别", 4),
    ("来源", 8),
    ("环节", 8),
    ("申报日期", 10),
    ("有效期", 24),
    ("复核", 6),
)


class DistinctionsLoaded(Message):
    def __init__(self, rows: list[DistinctionRow], cap: CapStatus, asked: int) -> None:
        super().__init__()
        self.rows = rows
        self.cap = cap
        self.asked = asked


class EventsLoaded(Message):
    """The unrepaired negative-list events of one business, for the repair dialog."""

    def __init__(self, business_name: str, events: list[OpenEvent], asked: int) -> None:
        super().__init__()
        self.business_name = business_name
        self.events = events
        self.asked = asked


class DistinctionScreen(WorkbenchScreen[None]):
    """One line per application; F8 moves it on, F7 returns, F9 refuses, X exits, J records an event."""

    SCOPE = "distinctions"
    BINDINGS = bindings("distinctions")
    AUTO_FOCUS = "#distinction-table"
    DEFAULT_CSS = """
    #distinction-title, #distinction-cap, #distinction-detail { height: auto; padding: 0 1; }
    #distinction-cap.-exceeded { color: $warning; text-style: bold; }
    #distinction-table { height: 1fr; }
    """

    def __init__(self, business_uuid: str | None = None, business_name: str = "") -> None:
        super().__init__()
        self.business_uuid = business_uuid
        self.business_name = business_name
        self.rows: list[DistinctionRow] = []
        self.review_only = False
        self.seen_data_version = -1
        self.reads = LatestRead()
        """F6 or a save during a read starts another: only the last one's rows are shown (screens/latest_read.py)."""
        self.event_reads = LatestRead()
        """R pressed again while the events are read: only the last one opens the repair dialog."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        title = f"名特优新 · {self.business_name}" if self.business_uuid else "名特优新 · 全所"
        yield Static(title, id="distinction-title")
        yield Static("", id="distinction-cap")
        yield TextTable(id="distinction-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="distinction-detail")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self._query()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self._query()

    @property
    def rules(self) -> CandidateRules:
        return self.workbench.settings.candidates.rules

    def _query(self) -> None:
        self.seen_data_version = self.workbench.data_version
        self._load(self.reads.ask(), self.workbench.actor, self.rules, self.review_only)

    @work(thread=True, exclusive=True, exit_on_error=False, group="distinctions", description="读取名特优新")
    def _load(self, asked: int, actor: Actor, rules: CandidateRules, review_only: bool) -> None:
        rows, cap = self.workbench.gateway.programmes.distinctions(
            actor, review_only=review_only, business_uuid=self.business_uuid, rules=rules,
            today=self.workbench.today(),
        )  # fmt: skip
        self.post_message(DistinctionsLoaded(rows, cap, asked))

    def on_distinctions_loaded(self, message: DistinctionsLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # a slower earlier read (before F6 or a save)
        self.rows = message.rows
        cap_line = self.query_one("#distinction-cap", Static)
        cap_line.update(("⚠ " if message.cap.exceeded else "") + f"认定上限：{message.cap.text}")
        cap_line.set_class(message.cap.exceeded, "-exceeded")
        table = self.query_one("#distinction-table", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        name_cells = max(10, self.size.width - sum(width + 2 for _, width in COLUMNS) - 4)
        table.add_column("市场主体", width=name_cells)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        for row in self.rows:
            table.add_row(*self._cells(row, name_cells), key=row.uuid)
        table.move_cursor(row=min(cursor, max(len(self.rows) - 1, 0)))
        self._show_detail()

    def _cells(self, row: DistinctionRow, name_cells: int) -> list[Any]:
        lead = self.rules.reevaluation_lead_days
        validity = flow.validity_text(row.valid_from, row.valid_until, self.workbench.today(), lead)
        review = Text("待复核", style="bold red") if row.needs_review else ""
        return [
            fit_cells(row.business_name, name_cells),
            flow.CATEGORY_LABELS.get(row.category, row.category),
            flow.LEVEL_LABELS.get(row.level, row.level),
            flow.SOURCE_LABELS.get(row.source, row.source),
            flow.STEP_LABELS.get(row.step, row.step),
            row.applied_on.isoformat(),
            validity or "-",
            review,
        ]

    @on(DataTable.RowHighlighted, "#distinction-table")
    def _show_detail(self) -> None:
        row = self._selected()
        lines: list[str] = []
        if row is None:
            lines.append(
                "没有待复核的记录（F6 显示全部）" if self.review_only else "还没有名特优新记录，按 N 申报"
            )
        else:
            lines.append(row.eligibility)
            if row.needs_review:
                lines.append(row.review_reason + "（C 复核保留，X 退出认定）")
            elif row.review_reason:
                lines.append(row.review_reason)
            if row.last_reason:
                lines.append(f"{flow.STEP_LABELS.get(row.step, row.step)}原因：{row.last_reason}")
        self.query_one("#distinction-detail", Static).update("\n".join(lines))

    def _selected(self) -> DistinctionRow | None:
        table = self.query_one("#distinction-table", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    # keys

    def action_apply(self) -> None:
        def applied(result: Any) -> None:
            if result:
                self.notify(
                    str(result),
                    severity="information" if result.startswith("符合") else "warning",
                    timeout=10,
                )
                self._query()

        self.app.push_screen(
            ApplyDialog(
                self.business_uuid, self.business_name, self.workbench.today(), self.workbench.settings.candidates
            ),
            applied,
        )

    def action_step(self, target: str) -> None:
        row = self._selected()
        if row is None:
            self.notify("请先选择一条名特优新记录", severity="warning")
            return
        target = flow.next_step(row.step) or "recognised" if target == "next" else target
        try:
            flow.check_transition(row.step, target, reason="（待填写）")
        except flow.TransitionRefused as refused:
            self.app.push_screen(ErrorDialog("不能进行这一步", refused.message))
            return
        self.app.push_screen(StepDialog(row, target, self.workbench.today(), self.rules), self._after_write)

    def action_clear_review(self) -> None:
        row = self._selected()
        if row is None or not row.needs_review:
            self.notify("所选记录没有待复核标记", severity="warning")
            return
        self.app.push_screen(ClearReviewDialog(row), self._after_write)

    def action_record_event(self) -> None:
        row = self._selected()
        business_uuid = row.business_uuid if row else self.business_uuid
        if business_uuid is None:
            self.notify("请先选择一条记录（负面清单事件记在该市场主体上）", severity="warning")
            return

        def recorded(flagged: Any) -> None:
            if flagged is not None:
                self.notify(
                    f"已记录；{flagged} 项已认定的名特优新标为待复核" if flagged else "已记录", timeout=8
                )
                self._query()

        name = row.business_name if row else self.business_name
        self.app.push_screen(EventDialog(business_uuid, name, self.workbench.today()), recorded)

    def action_repair(self) -> None:
        row = self._selected()
        business_uuid = row.business_uuid if row else self.business_uuid
        if business_uuid is None:
            self.notify("请先选择一条记录（信用修复记在该市场主体上）", severity="warning")
            return
        name = row.business_name if row else self.business_name
        self._load_events(self.event_reads.ask(), self.workbench.actor, business_uuid, name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="events", description="读取负面清单事件")
    def _load_events(self, asked: int, actor: Actor, business_uuid: str, name: str) -> None:
        events = self.workbench.gateway.programmes.open_events(actor, business_uuid)
        self.post_message(EventsLoaded(name, events, asked))

    def on_events_loaded(self, message: EventsLoaded) -> None:
        if not self.event_reads.is_latest(message.asked):
            return  # R pressed again (on another line) before these came: that one's dialog opens
        if not message.events:
            self.notify(f"「{message.business_name}」没有待修复的负面清单事件", severity="warning")
            return
        self.app.push_screen(
            RepairDialog(message.business_name, message.events, self.workbench.today()), self._after_write
        )

    def _after_write(self, result: Any) -> None:
        if result:
            self._query()

    def action_toggle_review(self) -> None:
        self.review_only = not self.review_only
        self.notify("只看待复核" if self.review_only else "显示全部")
        self._query()

    def action_refresh(self) -> None:
        self.workbench.settings.reload_candidates()
        self._query()

    def action_back(self) -> None:
        self.dismiss(None)
