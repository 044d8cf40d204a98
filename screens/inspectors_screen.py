"""检查人员名录 (I on the 双随机 screen): the 执法检查人员名录库 and each person's 回避 relations.

The upper table is the list (本所 first): unit (本所, or the partner department), the 包联干部 they are, 执法证号 and 有效期至 marked
已过期 / 即将到期 (within 30 days), 门类, 在岗. The lower one holds the highlighted person's relations.
A adds a person, Enter (F4) edits, D is 在岗 / 停用, R records a relation, X removes the highlighted one;
停用 and the removal are asked first. Every write is one gateway call (one transaction, in the change log).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Label, Static

from screens.actions import bindings
from screens.base import HoldsKeysWhileLoading
from screens.format import fit_cells
from screens.key_order import release_keys
from screens.latest_read import LatestRead
from screens.service_dialog import officer_choices
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.services.inspector_edits import InspectorRow, RecusalLine

SOON_DAYS = 30
SHORT_CODE = 18


class InspectorsLoaded(Message):
    def __init__(self, rows: list[InspectorRow], asked: int) -> None:
        super().__init__()
        self.rows = rows
        self.asked = asked


class InspectorsWritten(Message):
    def __init__(self, sentence: str) -> None:
        super().__init__()
        self.sentence = sentence


def expiry_cell(expires: date | None, today: date) -> Text:
    """有效期至, marked 已过期 (red) or 即将到期 (within 30 days, yellow); 未填 when there is none."""
    if expires is None:
        return Text("未填", "red")
    if expires < today:
        return Text(f"{expires} 已过期", "bold red")
    if expires <= today + timedelta(days=SOON_DAYS):
        return Text(f"{expires} 即将到期", "yellow")
    return Text(expires.isoformat())


class InspectorsScreen(HoldsKeysWhileLoading):
    SCOPE = "inspectors"
    BINDINGS = bindings("inspectors")
    AUTO_FOCUS = "#inspectors-people"
    DEFAULT_CSS = """
    InspectorsScreen Label.inspectors-title { padding: 0 1; text-style: bold; color: $accent; }
    #inspectors-people { height: 2fr; }
    #inspectors-recusals { height: 1fr; }
    #inspectors-status { height: auto; max-height: 3; padding: 0 1; background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[InspectorRow] = []
        self.loading = False
        self.reads = LatestRead()
        """A save during a read starts another: only the last one is shown, and lets the held keys go."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Label("检查人员（执法检查人员名录库）", classes="inspectors-title")
        yield TextTable(id="inspectors-people", cursor_type="row", zebra_stripes=True)
        yield Label("回避关系", id="inspectors-recusals-title", classes="inspectors-title")
        yield TextTable(id="inspectors-recusals", cursor_type="row", zebra_stripes=True)
        yield Static("正在读取检查人员名录…", id="inspectors-status")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.sub_title = "检查人员名录"
        self.action_refresh()

    def action_refresh(self) -> None:
        self.loading = True
        self._load(self.reads.ask(), self.workbench.actor)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inspectors", description="读取检查人员名录")
    def _load(self, asked: int, actor: Actor) -> None:
        self.post_message(InspectorsLoaded(self.workbench.gateway.inspection.inspectors(actor), asked))

    def on_inspectors_loaded(self, message: InspectorsLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # a slower earlier read (before a save): the keys held wait for the last one
        table = self.query_one("#inspectors-people", DataTable)
        keep = table.cursor_row
        self.rows = message.rows
        today = self.workbench.today()
        table.clear(columns=True)
        # 7 columns of 2 cells' padding and the scroll bar; the unit and 门类 share what is left. The unit reads
        # 本所 for the office's own people (本所/外单位 at a glance), the department for the others.
        spare = max(12, self.size.width - 2 - 7 * 2 - (6 + 6 + 14 + 19 + 4))
        unit_cells, line_cells = spare - spare // 3, spare // 3
        widths = (("姓名", 6), ("单位", unit_cells), ("包联", 6), ("执法证号", 14), ("有效期至", 19), ("门类", line_cells),
                  ("在岗", 4))  # fmt: skip
        for label, width in widths:
            table.add_column(label, width=width)
        for row in self.rows:
            line = row.line
            table.add_row(
                fit_cells(line.name, 6), "本所" if line.own_office else fit_cells(line.unit, unit_cells),
                fit_cells(row.officer_name or "-", 6), fit_cells(line.cert_no, 14) if line.cert_no else Text("未填", "red"),
                expiry_cell(line.cert_expires_on, today), fit_cells(line.line or "-", line_cells),
                "在岗" if line.active else Text("停用", "dim"), key=line.uuid,
            )  # fmt: skip
        if not self.rows:
            table.add_row("（名录还是空的：按 A 新增）", "", "", "", "", "", "")
        else:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        self._show_person()
        self.loading = False
        release_keys(self.app)

    @on(DataTable.RowHighlighted, "#inspectors-people")
    def _show_person(self) -> None:
        """The highlighted person's relations below, and in the status line whether they can be drawn today."""
        row = self.selected()
        relations = self.query_one("#inspectors-recusals", DataTable)
        relations.clear(columns=True)
        name_cells = max(12, (self.size.width - 2 - 4 * 2 - SHORT_CODE - 12) * 3 // 5)
        note_cells = max(8, self.size.width - 2 - 4 * 2 - SHORT_CODE - 12 - name_cells)
        for label, width in (("市场主体", name_cells), ("代码", SHORT_CODE), ("回避原因", 12), ("说明", note_cells)):
            relations.add_column(label, width=width)
        status = self.query_one("#inspectors-status", Static)
        if row is None:
            self.query_one("#inspectors-recusals-title", Label).update("回避关系")
            status.update("A 新增检查人员：本所人员和参加联合抽查部门的人员，写明执法证号和有效期")
            return
        line = row.line
        self.query_one("#inspectors-recusals-title", Label).update(f"{line.name} 的回避关系（{len(row.recusals)} 户）")
        for relation in row.recusals:
            relations.add_row(fit_cells(relation.business_name, name_cells), relation.business_code or "-", relation.kind,
                              fit_cells(relation.note or "-", note_cells), key=relation.uuid)  # fmt: skip
        if not row.recusals:
            relations.add_row("（没有登记：按 R 登记）", "", "", "")
        problem = line.drawable_problem(self.workbench.today())
        can = "今天可以抽到" if problem is None else f"不能抽到：{problem}"
        who = f"{'本所' if line.own_office else '外单位'}，{line.unit}" + (f"，门类 {line.line}" if line.line else "")
        status.update(f"{line.name}（{who}）{can}\nEnter 修改  D 在岗/停用  R 登记回避  Tab 回避表，X 删除回避")

    def selected(self) -> InspectorRow | None:
        table = self.query_one("#inspectors-people", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    def selected_recusal(self) -> RecusalLine | None:
        row = self.selected()
        table = self.query_one("#inspectors-recusals", DataTable)
        if row is None or not row.recusals:
            return None
        return row.recusals[min(max(table.cursor_row, 0), len(row.recusals) - 1)]

    # the keys

    def _officers(self, row: InspectorRow | None) -> list[tuple[str, int]]:
        choices = officer_choices(self.workbench)
        if row is not None and row.line.officer_id is not None and all(i != row.line.officer_id for _n, i in choices):
            choices.append((row.officer_name or "（已调离）", row.line.officer_id))  # an officer who left stays linked
        return choices

    def action_add(self) -> None:
        from screens.inspector_dialogs import InspectorDialog

        self.app.push_screen(InspectorDialog(self._officers(None), None), self._saved)

    def action_edit(self) -> None:
        from screens.inspector_dialogs import InspectorDialog

        row = self.selected()
        if row is None:
            self.notify("名录还是空的：按 A 新增检查人员", severity="warning")
            return
        self.app.push_screen(InspectorDialog(self._officers(row), row.line), self._saved)

    @on(DataTable.RowSelected, "#inspectors-people")
    def _selected(self) -> None:
        self.action_edit()

    def action_add_recusal(self) -> None:
        from screens.inspector_dialogs import RecusalDialog

        row = self.selected()
        if row is None:
            self.notify("请先选中一名检查人员（名录还是空的：按 A 新增）", severity="warning")
            return
        self.app.push_screen(RecusalDialog(row.line), self._saved)

    def action_toggle_active(self) -> None:
        row = self.selected()
        if row is None:
            return
        line = row.line
        if line.active:
            question, yes = f"停用「{line.name}」？\n停用后不会再被抽到，已抽定的任务不受影响。", "停用"
        else:
            question, yes = f"让「{line.name}」恢复在岗？\n执法证有效的话，以后的抽取会抽到他。", "恢复在岗"

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._toggle(self.workbench.actor, row)

        self.app.push_screen(ConfirmDialog(question, yes, "返回", confirms_write=True), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inspectors-write", description="保存在岗状态")
    def _toggle(self, actor: Actor, row: InspectorRow) -> None:
        self.workbench.gateway.inspection.set_inspector_active(actor, row.line, not row.line.active)
        self.post_message(InspectorsWritten(f"「{row.line.name}」已{'停用' if row.line.active else '恢复在岗'}"))

    def action_remove_recusal(self) -> None:
        row, relation = self.selected(), self.selected_recusal()
        if row is None or relation is None:
            self.notify("选中的人没有回避关系可删除", severity="warning")
            return
        question = f"删除 {row.line.name} 与「{relation.business_name}」的回避关系（{relation.kind}）？\n删除后可能会派他去查这户。"

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._remove(self.workbench.actor, relation, row.line.name)

        self.app.push_screen(ConfirmDialog(question, "删除", "返回", confirms_write=True), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inspectors-write", description="删除回避关系")
    def _remove(self, actor: Actor, relation: RecusalLine, name: str) -> None:
        self.workbench.gateway.inspection.remove_recusal(actor, relation)
        self.post_message(InspectorsWritten(f"已删除 {name} 与「{relation.business_name}」的回避关系"))

    def on_inspectors_written(self, message: InspectorsWritten) -> None:
        self.notify(message.sentence)
        self.workbench.data_changed()
        self.action_refresh()

    def _saved(self, result: Any) -> None:
        if result:
            self.notify(f"已保存：{result}")
            self.action_refresh()

    def action_back(self) -> None:
        self.dismiss(None)
