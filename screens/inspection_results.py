"""The results of a task's draw in force: every drawn business, its inspectors, its result and its publication.

Enter records (or changes) the highlighted business's result (screens.inspection_result_dialog); P records
that the results went public on a day (the to-do's 抽查公示 lines leave with it); Ctrl+E exports the
publication list. A result not public by its 公示期限 shows 逾期 in red, as on the to-do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from screens.actions import bindings
from screens.base import HoldsKeysWhileLoading
from screens.format import fit_cells
from screens.inspection_screen import export_publication
from screens.key_order import release_keys
from screens.latest_read import LatestRead
from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain.inspection_rules import InspectionRules
from workbench.domain.values import parse_date
from workbench.services.errors import ValidationFailed
from workbench.services.inspection_lists import ResultLine
from workbench.services.inspection_tasks import TaskView


class ResultsLoaded(Message):
    def __init__(self, lines: list[ResultLine], asked: int) -> None:
        super().__init__()
        self.lines = lines
        self.asked = asked


def publication_state(line: ResultLine, today: date) -> Text:
    """已公示 06-01 / 逾期 (past its 公示期限, red) / 待公示 (期限) / - before a result."""
    if line.result_uuid is None or line.publish_by is None:
        return Text("-")
    if line.published_on is not None:
        return Text(f"已公示 {line.published_on:%m-%d}", "green")
    if line.publish_by < today:
        return Text(f"逾期 {line.publish_by:%m-%d}", "bold red")
    return Text(f"待公示 {line.publish_by:%m-%d}", "yellow")


class ResultsScreen(HoldsKeysWhileLoading):
    SCOPE = "inspect_results"
    BINDINGS = bindings("inspect_results")
    AUTO_FOCUS = "#results-lines"
    DEFAULT_CSS = """
    #results-status { height: auto; max-height: 3; padding: 0 1; background: $panel; }
    #results-lines { height: 1fr; }
    """

    def __init__(self, task: TaskView) -> None:
        super().__init__()
        self.inspection_task = task
        self.lines: list[ResultLine] = []
        self.seen_data_version = -1
        self.loading = False
        self.reads = LatestRead()
        """F5 or a save during a read starts another: only the last one is shown, and lets the held keys go."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("正在读取抽中的名单…", id="results-status")
        yield TextTable(id="results-lines", cursor_type="row", zebra_stripes=True)
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.sub_title = f"抽查结果：{self.inspection_task.name}"
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self.action_refresh()

    @property
    def rules(self) -> InspectionRules:
        return self.workbench.settings.inspection.rules

    def action_refresh(self) -> None:
        self.seen_data_version = self.workbench.data_version
        self.loading = True
        self._load(self.reads.ask(), self.workbench.actor, self.rules)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inspect-results", description="读取抽查结果")
    def _load(self, asked: int, actor: Actor, rules: InspectionRules) -> None:
        lines = self.workbench.gateway.inspection.results(actor, self.inspection_task.id, rules)
        self.post_message(ResultsLoaded(lines, asked))

    def on_results_loaded(self, message: ResultsLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # a slower earlier read: the keys held wait for the last one
        table = self.query_one("#results-lines", DataTable)
        keep = table.cursor_row
        self.lines = message.lines
        today = self.workbench.today()
        table.clear(columns=True)
        spare = max(0, self.size.width - 80)  # a wider terminal: longer names and both inspectors first
        name_cells, drawn_cells = 20 + min(12, spare // 3), 10 + min(4, spare // 6)
        result_cells = max(10, self.size.width - 4 - name_cells - drawn_cells - 10 - 12 - 2 * 6 - 2)
        for label, width in (("序号", 4), ("市场主体", name_cells), ("抽中人员", drawn_cells), ("检查结果", result_cells),
                             ("检查日期", 10), ("公示", 12)):  # fmt: skip
            table.add_column(label, width=width)
        for line in self.lines:
            table.add_row(
                str(line.position), fit_cells(line.business_name, name_cells), fit_cells(line.drawn, drawn_cells),
                fit_cells(self._result_text(line, result_cells) or "（未录入）", result_cells),
                line.inspected_on.isoformat() if line.inspected_on else "", publication_state(line, today),
                key=line.business_uuid,
            )  # fmt: skip
        if self.lines:
            table.move_cursor(row=min(keep, len(self.lines) - 1))
        recorded = sum(1 for line in self.lines if line.result_uuid)
        published = sum(1 for line in self.lines if line.published_on)
        late = sum(1 for line in self.lines if line.result_uuid and not line.published_on and line.publish_by
                   and line.publish_by < today)  # fmt: skip
        text = Text(f"抽中 {len(self.lines):,} 户，已录入 {recorded:,} 户，已公示 {published:,} 户")
        if late:
            text.append(f"，{late:,} 户已过公示期限未公示", "bold red")
        text.append("\nEnter 录入/修改结果    P 记为已公示    Ctrl+E 导出公示名单", "dim")
        self.query_one("#results-status", Static).update(text)
        self.loading = False
        release_keys(self.app)

    def _result_text(self, line: ResultLine, cells: int) -> str:
        """The labels where they fit, else the codes (B、E), which staff know from the publicity system."""
        text = line.result
        if text and len(text) * 2 > cells:
            labels = text.split("；")
            text = "、".join(code.code for code in self.rules.results if code.label in labels)
        return text + (f"；{line.follow_up}" if line.follow_up else "")

    def selected(self) -> ResultLine | None:
        table = self.query_one("#results-lines", DataTable)
        if not self.lines or table.row_count == 0:
            return None
        return self.lines[min(max(table.cursor_row, 0), len(self.lines) - 1)]

    @on(DataTable.RowSelected, "#results-lines")
    def _record(self) -> None:
        from screens.inspection_result_dialog import ResultDialog

        line = self.selected()
        if line is not None:
            self.app.push_screen(ResultDialog(self.inspection_task, line, self.rules, self.workbench.today()), self._after)

    def _after(self, result: Any) -> None:
        if result:
            self.notify(str(result))
            self.action_refresh()

    def action_mark_published(self) -> None:
        waiting = sum(1 for line in self.lines if line.result_uuid and not line.published_on)
        if not waiting:
            self.notify("没有待公示的结果（先录入结果；已公示的不再重复记录）", severity="warning")
            return
        self.app.push_screen(PublishedDialog(self.inspection_task, waiting, self.workbench.today()), self._after)

    def action_export(self) -> None:
        recorded = sum(1 for line in self.lines if line.result_uuid)
        export_publication(self, self.inspection_task.id, self.inspection_task.name, recorded)

    def action_back(self) -> None:
        self.dismiss(None)


class PublishedDialog(ServiceDialog):
    """The day the task's results went public in the publicity system; dismisses with a sentence."""

    TITLE_TEXT = "记为已公示"
    CONFIRMS_PREVIEW = True  # ready to save as it opens (today's date): a Ctrl+S typed ahead must not mark them

    def __init__(self, task: TaskView, waiting: int, today: date) -> None:
        super().__init__(
            f"任务「{task.name}」有 {waiting} 条结果尚未记为公示。在公示系统公示后，写明公示日期：",
            (DialogField("on", "公示日期", default=today.isoformat()),),
        )
        self.inspection_task = task
        self.today = today

    def write(self, actor: Actor, values: DialogValues) -> Any:
        try:
            on = parse_date(str(values["on"]))
        except ValueError:
            on = None
        if on is None:
            raise ValidationFailed({"on": f"公示日期「{values['on']}」不是日期，请写成如 {self.today}"})
        if on > self.today:
            raise ValidationFailed({"on": f"公示日期 {on} 在今天之后，请核对"})
        marked = self.workbench.gateway.inspection.mark_published(actor, self.inspection_task.id, on)
        return f"已把 {marked} 条结果记为 {on} 公示"
