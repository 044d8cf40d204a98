"""A task's draw: the preview (nothing written) in a worker, then F8 records and locks exactly what was shown.

The preview draws with a new seed; the confirmation draws again with that seed, so what is recorded is what
was on screen (the generator is deterministic, docs/rules.md §5.3). F8 counts only once the preview has been
on screen long enough to be read (screens/preview_gate.py): an F8 typed ahead never confirms an unseen draw.
A draw where recusal leaves some business without valid inspectors names each such business and cannot be
confirmed, and a list whose inspectors cannot serve any business says why once, with I to open it. A 重抽
carries the reason given before it.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.format import fit_cells
from screens.inspection_screen import scope_text
from screens.key_order import TypedEvent, release_keys
from screens.preview_gate import PreviewGate
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain.inspection_rules import InspectionRules
from workbench.services.inspection_draws import DrawReport
from workbench.services.inspection_tasks import TaskView


class DrawDone(Message):
    def __init__(self, report: DrawReport, confirmed: bool) -> None:
        super().__init__()
        self.report = report
        self.confirmed = confirmed


def draw_summary(report: DrawReport, rules: InspectionRules, scope: str = "") -> str:
    """范围 in words (when given); 名录库 N 户，种子 S; each class's quota; the inspectors who could not be drawn
    and why."""
    classes = "；".join(f"{rules.risk_label(cls)} {members:,} 户中抽 {drawn:,} 户"
                       for cls, (members, drawn) in sorted(report.quotas.items()))  # fmt: skip
    text = f"范围：{scope}\n" if scope else ""
    text += f"名录库 {report.population_count:,} 户，种子 {report.seed}：{classes}"
    if not report.shortage:  # nobody paired: 共抽中 0 户 would read as an empty scope
        text += f"，共抽中 {len(report.lines):,} 户"
    if report.excluded:
        text += "\n不能参加抽取的检查人员：" + "；".join(f"{name}（{why}）" for name, why in report.excluded)
    return text


class DrawScreen(WorkbenchScreen[None]):
    SCOPE = "inspect_draw"
    BINDINGS = bindings("inspect_draw")
    AUTO_FOCUS = "#draw-lines"
    DEFAULT_CSS = """
    #draw-status { height: auto; max-height: 7; padding: 0 1; background: $panel; }
    #draw-lines { height: 1fr; }
    """

    def __init__(self, task: TaskView, redraw_reason: str = "") -> None:
        super().__init__()
        self.inspection_task = task
        self.redraw_reason = redraw_reason
        self.preview: DrawReport | None = None
        self.busy = False
        self.confirmed = False
        self.preview_gate = PreviewGate(self, "（试抽结果）")
        self.seen_data_version: int | None = None
        """The app's data version when I opened the 检查人员名录 (None: never opened from here)."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="draw-status")
        yield TextTable(id="draw-lines", cursor_type="row", zebra_stripes=True)
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.sub_title = f"{'重抽' if self.redraw_reason else '抽取'}：{self.inspection_task.name}"
        self._start(seed=None)

    @property
    def rules(self) -> InspectionRules:
        return self.workbench.settings.inspection.rules

    def _start(self, seed: str | None) -> None:
        self.busy = True
        self.preview_gate.hidden()
        verb = "正在记录抽取结果" if seed is not None else "正在抽取"
        self.query_one("#draw-status", Static).update(f"{verb}…（任务「{self.inspection_task.name}」，{self.inspection_task.ratio_text()}）")
        loaded = self.workbench.settings.inspection
        self._run(self.workbench.actor, loaded.rules, loaded.version, seed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inspect-draw", description="双随机抽取")
    def _run(self, actor: Actor, rules: InspectionRules, version: str, seed: str | None) -> None:
        desk = self.workbench.gateway.inspection
        if seed is None:
            self.post_message(DrawDone(desk.preview(actor, self.inspection_task.id, rules), confirmed=False))
            return
        report = desk.confirm(actor, self.inspection_task.id, rules, seed, rules_version=version, redraw_reason=self.redraw_reason)
        self.post_message(DrawDone(report, confirmed=report.draw_uuid is not None))

    def on_draw_done(self, message: DrawDone) -> None:
        self.busy = False
        report = message.report
        status = Text(draw_summary(report, self.rules, scope_text(self.workbench, self.inspection_task)))
        if self.redraw_reason:
            status.append(f"\n重抽理由：{self.redraw_reason}")
        table = self.query_one("#draw-lines", DataTable)
        table.clear(columns=True)
        if report.shortage:
            self.preview = None
            status.append(f"\n无法抽取：{report.shortage}。请按 I 打开检查人员名录补全，回到这里即重新试抽", "bold red")
            table.add_column("", width=max(20, self.size.width - 4))
            table.add_row("（没有配对：先补全检查人员名录）")
        elif report.problems:
            self.preview = None
            status.append(f"\n有 {len(report.problems)} 户因回避无法匹配检查人员，不能确认；请补充检查人员或调整任务后再抽",
                          "bold red")  # fmt: skip
            table.add_column("无法抽取的原因（每户一句）", width=max(20, self.size.width - 4))
            for sentence in report.problems:
                table.add_row(sentence, height=None)  # wrapped: the reason is at the sentence's end
        else:
            self._show_lines(report)
            if message.confirmed:
                self.preview = None
                self.confirmed = True
                self.workbench.data_changed()
                done = "已重抽并锁定" if report.replaced_uuid else "已抽取并锁定"
                status.append(f"\n{done} {len(report.lines):,} 户。Esc 返回任务列表，Enter 录入结果", "bold green")
            else:
                self.preview = report
                status.append("\n以上为试抽，尚未记录。", "bold")
                status.append("  F8 确认抽取并锁定    Esc 返回（不记录）", "dim")
        self.query_one("#draw-status", Static).update(status)
        if self.preview is not None:
            self.preview_gate.shown()
        release_keys(self.app)

    def holds_key(self, event: TypedEvent) -> bool:
        """Enter typed while the draw is being recorded waits for it (then opens the results). F8 is never held:
        a confirming key kept for later would confirm a preview nobody saw (screens/preview_gate.py)."""
        return self.busy and isinstance(event, events.Key) and event.key == "enter"

    def _show_lines(self, report: DrawReport) -> None:
        table = self.query_one("#draw-lines", DataTable)
        skipped_cells = max(12, self.size.width - 5 - 24 - 8 - 14 - 2 * 5 - 2)
        for label, width in (("序号", 5), ("市场主体", 24), ("风险", 8), ("检查人员", 14), ("回避记录", skipped_cells)):
            table.add_column(label, width=width)
        for line in report.lines:
            skipped = "；".join(f"{name}（{why}）" for name, why in line.skipped) or "-"
            table.add_row(
                str(line.position), fit_cells(line.business.name, 24), fit_cells(self.rules.risk_label(line.risk_class), 8),
                fit_cells("、".join(line.inspectors), 14), fit_cells(skipped, skipped_cells),
            )  # fmt: skip
        if not report.lines:
            table.add_row("", "（范围内没有市场主体，没有抽中）", "", "", "")

    def action_confirm(self) -> None:
        """F8: record the draw shown (its seed), once the preview has been seen."""
        if self.busy:
            if self.preview is None:
                self.notify("请先看完预览再确认（正在抽取）", severity="warning")
            return
        if self.preview is None:
            why = "已确认" if self.confirmed else "这次试抽不能确认（见上方原因）"
            self.notify(why, severity="warning")
            return
        if not self.preview_gate.allows():
            return
        self._start(seed=self.preview.seed)

    @on(DataTable.RowSelected, "#draw-lines")
    def _to_results(self) -> None:
        """Enter after the draw is confirmed: straight on to recording its results."""
        if self.confirmed:
            from screens.inspection_results import ResultsScreen

            self.app.switch_screen(ResultsScreen(self.inspection_task))

    def worker_failed(self, _worker: Any, error: BaseException) -> None:
        self.busy = False
        release_keys(self.app)
        self.query_one("#draw-status", Static).update("没有完成，没有记录任何抽取结果。")
        self.workbench.show_error(error)

    def action_inspectors(self) -> None:
        """I: the 检查人员名录; back here with a change, the preview is drawn again."""
        from screens.inspectors_screen import InspectorsScreen

        self.seen_data_version = self.workbench.data_version
        self.app.push_screen(InspectorsScreen())

    def on_screen_resume(self) -> None:
        opened, self.seen_data_version = self.seen_data_version, None
        if opened is not None and opened != self.workbench.data_version and not self.confirmed and not self.busy:
            self._start(seed=None)

    def action_back(self) -> None:
        self.dismiss(None)
