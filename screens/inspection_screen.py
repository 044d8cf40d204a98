"""双随机抽查 (Ctrl+Z): the office's 抽查任务, each with where it stands and its counts.

N makes a task (screens.inspection_form); D previews its draw and F8 there confirms it
(screens.inspection_draw); R is a 重抽, which needs a reason; Enter opens the draw (not yet drawn) or its
results (screens.inspection_results); Ctrl+E exports the task's publication list; I keeps the 检查人员名录
(screens.inspectors_screen).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from screens.actions import bindings
from screens.base import HoldsKeysWhileLoading, WorkbenchScreen
from screens.format import fit_cells
from screens.key_order import release_keys
from screens.latest_read import LatestRead
from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain.working_days import WorkCalendar
from workbench.services.errors import ValidationFailed
from workbench.services.inspection_overview import NOT_DRAWN, PUBLISHED, TaskSummary
from workbench.services.inspection_tasks import TaskView

STATUS_STYLES = {NOT_DRAWN: "yellow", PUBLISHED: "green"}


class TasksLoaded(Message):
    def __init__(self, tasks: list[TaskSummary], asked: int) -> None:
        super().__init__()
        self.tasks = tasks
        self.asked = asked


def publication_cell(summary: TaskSummary) -> Text:
    """逾期 3 (red) / 待公示 2 / -: results whose 公示期限 has passed or comes within days."""
    if summary.publish_overdue:
        return Text(f"逾期 {summary.publish_overdue}", "bold red")
    if summary.publish_due:
        return Text(f"待公示 {summary.publish_due}", "yellow")
    return Text("-")


class InspectionScreen(HoldsKeysWhileLoading):
    SCOPE = "inspect"
    BINDINGS = bindings("inspect")
    AUTO_FOCUS = "#inspect-tasks"
    DEFAULT_CSS = """
    #inspect-tasks { height: 1fr; }
    #inspect-status { height: auto; max-height: 4; padding: 0 1; background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[TaskSummary] = []
        self.seen_data_version = -1
        self.loading = False
        self.reads = LatestRead()
        """F5 or a save during a read starts another: only the last one is shown, and lets the held keys go."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield TextTable(id="inspect-tasks", cursor_type="row", zebra_stripes=True)
        yield Static("正在读取抽查任务…", id="inspect-status")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.sub_title = "双随机抽查"
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.seen_data_version = self.workbench.data_version
        self.loading = True
        self._load(self.reads.ask(), self.workbench.actor, self.workbench.today(), self.workbench.settings.service.calendar)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inspect-tasks", description="读取抽查任务")
    def _load(self, asked: int, actor: Actor, today: date, calendar: WorkCalendar) -> None:
        self.post_message(TasksLoaded(self.workbench.gateway.inspection.overview(actor, today, calendar), asked))

    def on_tasks_loaded(self, message: TasksLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # a slower earlier read: the keys held wait for the last one
        table = self.query_one("#inspect-tasks", DataTable)
        keep = table.cursor_row
        self.tasks = message.tasks
        table.clear(columns=True)
        ratio_cells = 10 + min(12, max(0, self.size.width - 80) // 3)  # per-class ratios, where there is room
        name_cells = max(14, self.size.width - 8 - 6 - ratio_cells - 8 - 8 - 8 - 2 * 7 - 2)
        for label, width in (("任务名称", name_cells), ("来源", 8), ("状态", 6), ("比例/户数", ratio_cells), ("抽中", 8),
                             ("已录入", 8), ("公示", 8)):  # fmt: skip
            table.add_column(label, width=width)
        for summary in self.tasks:
            task = summary.task
            status = summary.status
            drawn = f"{summary.drawn:,} 户" if summary.drawn_on else "-"
            recorded = f"{summary.recorded:,}/{summary.drawn:,}" if summary.drawn_on else "-"
            table.add_row(
                fit_cells(task.name, name_cells), fit_cells(task.source, 8), Text(status, STATUS_STYLES.get(status, "")),
                fit_cells(task.ratio_text(), ratio_cells), drawn, recorded, publication_cell(summary), key=str(task.id),
            )  # fmt: skip
        if not self.tasks:
            table.add_row("（还没有任务）", "", "", "", "", "", "")
        else:
            table.move_cursor(row=min(keep, len(self.tasks) - 1))
        self._describe()
        self.loading = False
        release_keys(self.app)

    @on(DataTable.RowHighlighted, "#inspect-tasks")
    def _describe(self) -> None:
        summary = self.selected()
        status = self.query_one("#inspect-status", Static)
        if summary is None:
            status.update("N 新建任务：写明抽查事项、范围、比例（或户数）、每户检查人员和起止日期；I 检查人员名录")
            return
        task = summary.task
        lines = [f"{task.name}：{task.starts_on} 至 {task.ends_on}，{'、'.join(task.departments)}"
                 f"{'（联合抽查）' if task.joint else ''}，每户 {task.per_business} 名检查人员",
                 f"范围：{scope_text(self.workbench, task)}"]  # fmt: skip
        if summary.drawn_on is None:
            lines.append("尚未抽取：按 D（或 Enter）试抽，看过结果后 F8 确认并锁定；I 检查人员名录")
        else:
            lines.append(f"{summary.drawn_on} 抽取并锁定（种子 {summary.seed}）；Enter 录入结果，Ctrl+E 导出公示名单")
        status.update("\n".join(lines))

    def selected(self) -> TaskSummary | None:
        table = self.query_one("#inspect-tasks", DataTable)
        if not self.tasks or table.row_count == 0:
            return None
        return self.tasks[min(max(table.cursor_row, 0), len(self.tasks) - 1)]

    @on(DataTable.RowSelected, "#inspect-tasks")
    def _open(self) -> None:
        summary = self.selected()
        if summary is None:
            return
        if summary.drawn_on is None:
            self.action_draw()
        else:
            from screens.inspection_results import ResultsScreen

            self.app.push_screen(ResultsScreen(summary.task))

    def action_new_task(self) -> None:
        from screens.inspection_form import TaskForm
        from workbench.services.inspection_tasks import LAPTOP_TASK_REFUSAL

        if self.on_laptop(LAPTOP_TASK_REFUSAL):
            return

        def made(result: Any) -> None:
            if result:
                self.notify(f"已新建抽查任务「{result}」：按 D 试抽")

        self.app.push_screen(TaskForm(self.workbench.settings.inspection.rules, self.workbench.today()), made)

    def on_laptop(self, refusal: str = "") -> bool:
        """A laptop's database (made from a 外业包) records results only: N, D and R say so in one sentence."""
        from workbench.services.inspection_draws import LAPTOP_REFUSAL

        if self.workbench.gateway.sync.laptop_officer() is None:
            return False
        self.notify(refusal or LAPTOP_REFUSAL, severity="warning")
        return True

    def action_draw(self) -> None:
        from screens.inspection_draw import DrawScreen

        summary = self.selected()
        if self.on_laptop():
            return
        if summary is None:
            self.notify("还没有抽查任务：先按 N 新建", severity="warning")
        elif summary.drawn_on is not None:
            self.notify(f"「{summary.task.name}」已抽取并锁定；如确需重抽，按 R 写明理由", severity="warning")
        else:
            self.app.push_screen(DrawScreen(summary.task))

    def action_redraw(self) -> None:
        from screens.inspection_draw import DrawScreen

        summary = self.selected()
        if self.on_laptop():
            return
        if summary is None or summary.drawn_on is None:
            self.notify("只有已抽取的任务才需要重抽；未抽取的按 D 抽取", severity="warning")
            return

        def reason_given(reason: Any) -> None:
            if reason:
                self.app.push_screen(DrawScreen(summary.task, redraw_reason=str(reason)))

        self.app.push_screen(RedrawReasonDialog(summary), reason_given)

    def action_export(self) -> None:
        summary = self.selected()
        if summary is None or summary.drawn_on is None:
            self.notify("请先选中一个已抽取的任务（公示名单是它已录入的结果）", severity="warning")
            return
        export_publication(self, summary.task.id, summary.task.name, summary.recorded)

    def action_inspectors(self) -> None:
        """I: the 检查人员名录 (screens.inspectors_screen)."""
        from screens.inspectors_screen import InspectorsScreen

        self.app.push_screen(InspectorsScreen())

    def action_back(self) -> None:
        self.dismiss(None)


def scope_text(app: Any, task: TaskView) -> str:
    """范围 in words with the office's grid names and the lists' class names (存续 · 行业 H62 餐饮业 · …)."""
    office_id = app.office.id if app.office else -1
    names = {grid.id: grid.name for grid in app.reference.grids.get(office_id, [])}
    return task.scope_text(grid_name=names.get, risk_label=app.settings.inspection.rules.risk_label)


def export_publication(screen: WorkbenchScreen[Any], task_id: int, task_name: str, recorded: int) -> None:
    """Ctrl+E on the tasks or the results: where to save the publication list, then say where it went."""
    default = Path.home() / f"抽查结果公示-{task_name}-{screen.workbench.today().isoformat()}.xlsx"

    def exported(result: Any) -> None:
        if result:
            path, rows = result
            self_note = "（还没有录入结果，文件只有表头）" if rows == 0 else ""
            screen.notify(f"已导出公示名单 {rows} 条{self_note}到 {path}", timeout=8)

    context = f"任务「{task_name}」已录入的 {recorded} 条结果，按公示模板的列（企业名称、统一社会信用代码/注册号、抽查事项…）"
    screen.app.push_screen(PublicationExportDialog(context, task_id, str(default)), exported)


class PublicationExportDialog(ServiceDialog):
    """Where to save a task's publication list; dismisses with (path, rows)."""

    TITLE_TEXT = "导出公示名单"

    def __init__(self, context: str, task_id: int, default_path: str) -> None:
        super().__init__(context, (DialogField("path", "保存到", default=default_path),))
        self.task_id = task_id

    def write(self, actor: Actor, values: DialogValues) -> Any:
        if not values["path"]:
            raise ValidationFailed({"path": "请填写保存位置和文件名"})
        rules = self.workbench.settings.inspection.rules
        path, rows = self.workbench.files.export_inspection_publication(actor, self.task_id, rules, values["path"])
        return str(path), rows


class RedrawReasonDialog(ServiceDialog):
    """重抽: the reason first (it is kept with the new draw); nothing is written until F8 on the new preview."""

    TITLE_TEXT = "重抽"

    def __init__(self, summary: TaskSummary) -> None:
        super().__init__(
            f"「{summary.task.name}」已于 {summary.drawn_on} 抽取并锁定（种子 {summary.seed}）。重抽后第一次的结果保留备查；"
            "先写明理由，再看新的试抽结果，F8 确认后才记录。",
            (DialogField("reason", "重抽理由", placeholder="如：抽中户已注销、检查人员调离"),),
        )  # fmt: skip

    def write(self, actor: Actor, values: DialogValues) -> Any:
        reason = str(values["reason"]).strip()
        if not reason:
            raise ValidationFailed({"reason": "请写明重抽理由（会与新的抽取结果一起记录）"})
        if len(reason) > 300:
            raise ValidationFailed({"reason": f"重抽理由超过 300 个字（现有 {len(reason)} 个），请精简"})
        return reason
