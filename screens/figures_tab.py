"""The 经营数据 tab of the business detail: one line a year, and its keys: N 新增, Enter / F4 修改, D 删除.

Every save or delete reclassifies the business at once (in the same transaction, see
workbench.services.year_figures); the tab shows what it did and what the classification did underneath
the table, and the 分型分类 tab reads again (the app's data_version).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from screens.actions import bindings
from screens.figures_dialog import FiguresDialog, outcome_text
from screens.format import money_text
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services.detail import BusinessDetail, PeriodLine, YearLine
from workbench.services.year_figures import FiguresOutcome

if TYPE_CHECKING:
    from screens.app import WorkbenchApp


class FiguresTab(Vertical):
    """Shows the detail's years (the screen hands them over) and changes them through the gateway."""

    BINDINGS = bindings("figures")

    class Changed(Message):
        """Figures were deleted: the detail reads again (a dialog's save already makes it, on resume)."""

    class Deleted(Message):
        def __init__(self, outcome: FiguresOutcome) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, business_uuid: str) -> None:
        super().__init__(id="figures-body")
        self.business_uuid = business_uuid
        self.detail: BusinessDetail | None = None
        self.years: list[YearLine] = []
        self.cursor_year: int | None = None

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def compose(self) -> ComposeResult:
        yield TextTable(id="figure-table", cursor_type="row", zebra_stripes=True)
        periods = Static("", id="figures-periods")
        periods.display = False  # shown only for a business whose running year has quarters
        yield periods
        yield Static("", id="figures-outcome")

    def show(self, detail: BusinessDetail) -> None:
        self.detail = detail
        self.years = list(detail.years)
        table = self.query_one("#figure-table", DataTable)
        table.clear(columns=True)
        table.add_columns("年度", "营业收入", "纳税额", "从业人员", "社保缴纳人数")
        for line in self.years:
            table.add_row(f"{line.year}年", *(Text(cell, justify="right") for cell in (
                money_text(line.revenue), money_text(line.tax_paid),
                _count_text(line.employees), _count_text(line.insured_staff))))
        if not self.years:
            table.add_row("（没有经营数据，按 N 新增）", "", "", "", "")
        periods = self.query_one("#figures-periods", Static)
        periods.update(_periods_text(detail.periods))
        periods.display = bool(detail.periods)
        rows = [line.year for line in self.years]
        if self.cursor_year in rows:
            table.move_cursor(row=rows.index(self.cursor_year))

    def selected(self) -> YearLine | None:
        table = self.query_one("#figure-table", DataTable)
        row = table.cursor_row
        return self.years[row] if self.years and 0 <= row < len(self.years) else None

    def _rules_and_day(self) -> tuple[LoadedRules[TierRules], date]:
        return self.workbench.settings.classification, self.workbench.today()

    # keys

    def action_add_figures(self) -> None:
        self._open(None)

    def action_edit_figures(self) -> None:
        line = self.selected()
        if line is None:
            self.app.notify("还没有经营数据，按 N 新增", severity="warning")
            return
        self._open(line)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_figures()

    def _open(self, line: YearLine | None) -> None:
        if self.detail is None:
            return
        rules, today = self._rules_and_day()
        dialog = FiguresDialog(self.business_uuid, str(self.detail.values["name"]), self.years, rules=rules,
                               today=today, row=line)  # fmt: skip
        self.app.push_screen(dialog, self._saved)

    def _saved(self, outcome: FiguresOutcome | None) -> None:
        if outcome is not None:
            self._tell(outcome)

    def action_delete_figures(self) -> None:
        line = self.selected()
        if line is None:
            self.app.notify("没有可删除的经营数据", severity="warning")
            return
        figures = "，".join(f"{label}{text}" for label, text in (
            ("营业收入", money_text(line.revenue)), ("纳税额", money_text(line.tax_paid)),
            ("从业人员", _count_text(line.employees)), ("参保", _count_text(line.insured_staff))))  # fmt: skip
        question = f"删除{line.year}年度经营数据（{figures}）吗？\n删除后按其余年度重新分型；变更记录中仍可查到。"

        def answered(yes: bool | None) -> None:
            if yes:
                rules, today = self._rules_and_day()
                self._delete(self.workbench.actor, line, rules, today)

        self.app.push_screen(ConfirmDialog(question, "删除", "保留", confirms_write=True), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="figures", description="删除经营数据")
    def _delete(self, actor: Actor, line: YearLine, rules: LoadedRules[TierRules], today: date) -> None:
        outcome = self.workbench.gateway.figures.delete(
            actor, self.business_uuid, line.uuid, line.version, rules=rules, today=today
        )
        self.post_message(self.Deleted(outcome))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A refused delete (changed or deleted on another terminal) is said in a dialog; nothing was written."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            event.stop()
            self.workbench.show_error(event.worker.error)

    def on_figures_tab_deleted(self, message: FiguresTab.Deleted) -> None:
        message.stop()
        self.workbench.data_changed()
        self._tell(message.outcome)
        self.post_message(self.Changed())

    def _tell(self, outcome: FiguresOutcome) -> None:
        """The notice, and the same words kept under the table until the next change."""
        self.cursor_year = outcome.year if outcome.action != "deleted" else None
        text = outcome_text(outcome)
        self.query_one("#figures-outcome", Static).update(text)
        self.app.notify(text, title="经营数据", timeout=8)


def _periods_text(periods: list[PeriodLine]) -> str:
    """The running years' quarters under the table: kept, shown, not yet a year's figures."""
    if not periods:
        return ""
    lines = "；".join(f"{line.label} 营业收入 {money_text(line.revenue)}、纳税额 {money_text(line.tax_paid)}"
                     for line in periods)  # fmt: skip
    return f"分期数据（年度未满，暂不计入年度数据、不参与分型）：{lines}。"


def _count_text(value: int | None) -> str:
    return "-" if value is None else f"{value:,}人"

