"""导入回传包 at the office (issue 19), as `workbench sync apply` does it: the package read and its dry run shown
first (what will be inserted, applied, merged, in conflict), then a confirm that counts only once the dry run
could be read (screens/preview_gate.py), then one commit with a progress bar. What waits for a person opens in
回传冲突处理 (screens/sync_review.py).

A 外业包 edited by hand in Excel or WPS is read the same way, as changes against the values it carried; its
row-level problems (sheet, row, column, value, reason) are listed and nothing is imported until they are put
right.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Input, Static

from screens.import_steps.file_step import PathSuggester
from screens.preview_gate import TOO_EARLY, PreviewGate
from screens.sync_job import Progress, SyncJobDialog, form_row, typed_password, typed_path
from screens.widgets.dialogs import ConfirmDialog
from workbench.services.sync_plan import OUTCOME_LABELS, row_detail
from workbench.services.sync_tables import TABLE_LABELS

if TYPE_CHECKING:
    from screens.app import WorkbenchApp
    from workbench.domain.sync_model import ReturnPackage
    from workbench.services.sync_apply import ApplyResult
    from workbench.services.sync_plan import SyncPlan

SHOWN_LINES = 200  # the dry run's lines in the dialog; the summary counts all of them


def preview_lines(plan: SyncPlan, package: ReturnPackage) -> list[str]:
    """Each row that will change something, in Chinese (as the CLI's dry run lists them), then every problem."""
    lines: list[str] = []
    shown = [row for row in plan.rows if row.outcome != "same"]
    for row in shown[:SHOWN_LINES]:
        detail = row_detail(row)
        lines.append(f"{row.where}  {TABLE_LABELS[row.change.table]}：{OUTCOME_LABELS[row.outcome]}"
                     + (f"（{detail}）" if detail else ""))
    if len(shown) > SHOWN_LINES:
        lines.append(f"……另有 {len(shown) - SHOWN_LINES} 行")
    lines += [f"错误：{error}" for error in plan.errors]  # the package's unreadable cells are the plan's first errors
    return lines


def waiting_items(plan: SyncPlan) -> int:
    """Conflicts and merge offers: what a person decides in 回传冲突处理 after the commit."""
    return sum(len(row.conflicts) for row in plan.rows) + plan.counts()["offer"]


class ApplyDialog(SyncJobDialog):
    """Answers True when the package was applied; 处理冲突 then puts 回传冲突处理 in its place."""

    HEADING = "导入回传包（所里）"
    INTRO = "先预览将要新增、更新、合并和有冲突的内容，确认后一次写入；两边都改过的同一项列为冲突，由人决定。"
    START = "预览"
    WORKING = "正在读取回传包并试导入……"
    HINT = "（输入路径时按右方向键补全）"
    BINDINGS = [
        *SyncJobDialog.BINDINGS,
        Binding("f8", "confirm", "确认导入", id="sync-apply.confirm"),
    ]
    DEFAULT_CSS = """
    ApplyDialog #sync-preview { height: auto; max-height: 9; margin-top: 1; }
    """

    def __init__(self, path: Path | None = None, after: Callable[[bool], None] | None = None) -> None:
        super().__init__(after)
        self.path = path
        self.package: ReturnPackage | None = None
        self.plan: SyncPlan | None = None
        self.applying = False
        self.waiting = 0
        self.preview_gate = PreviewGate(self, "（试导入结果）")

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def form(self) -> ComposeResult:
        typed = str(self.path) if self.path else str(Path.home()) + "/"
        yield form_row("回传包", Input(typed, id="sync-path", compact=True, select_on_focus=False,
                                     suggester=PathSuggester()))
        yield form_row("密码", Input(password=True, id="sync-password", compact=True,
                                     placeholder="手工改过的外业包加密时才需要"))
        with VerticalScroll(id="sync-preview"):
            yield Static("", id="sync-preview-lines")

    def on_mount(self) -> None:  # the frame's own on_mount runs too (Textual calls each class's handler)
        self.query_one("#sync-preview").display = False

    def first_focus(self) -> None:
        self.query_one("#sync-path", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if self.plan is None:
            self.start()

    def pressed_start(self) -> None:
        if self.done and self.waiting:
            from screens.sync_review import SyncReviewScreen

            if self.after is not None:
                self.after(True)
            self.app.switch_screen(SyncReviewScreen())  # in the dialog's place: Esc there goes back below it
        elif self.plan is not None:
            self.action_confirm()
        else:
            self.start()

    def job(self) -> Callable[[Progress], Any] | None:
        path, password = typed_path(self), typed_password(self)
        if path is None:
            return None
        app = self.workbench
        files, sync, actor, lists = app.files, app.gateway.sync, app.actor, app.settings.service.lists

        def dry_run(progress: Progress) -> tuple[ReturnPackage, SyncPlan]:
            progress(0, 2)
            package = files.read_office_package(path, password)
            progress(1, 2)
            return package, sync.dry_run(actor, package, lists)

        self.preview_gate.hidden()
        return dry_run

    def succeeded(self, outcome: Any) -> None:
        if self.applying:
            self.applying = False
            super().succeeded(outcome)
            return
        self.package, self.plan = outcome
        self._show_preview()

    def _show_preview(self) -> None:
        assert self.plan is not None and self.package is not None
        plan, package = self.plan, self.package
        self.query_one("#sync-progress").display = False
        for widget in self.query(".sync-form"):
            widget.display = False
        self.query_one("#sync-intro").display = False
        self.query_one("#sync-preview").display = True
        text = Text(plan.summary(), style="bold")  # the counts first, then each row that changes something
        lines = preview_lines(plan, package)
        if lines:
            text.append("\n" + "\n".join(lines), style="not bold")
        self.query_one("#sync-preview-lines", Static).update(text)
        start = self.query_one("#sync-start", Button)
        blocked = plan.applied_before is not None or bool(plan.errors) or bool(package.problems)
        if plan.applied_before is not None:
            self.say("同一个回传包只导入一次：不需要再做什么。")
        elif blocked:
            self.say("数据有误，整包不会导入：请在笔记本上改正后重新生成回传包。", error=True)
        else:
            self.say("看完后按 F8 或「确认导入」一次写入；Esc 不导入。")
        if blocked:
            start.display = False
            self.done = plan.applied_before is not None
            close = self.query_one("#sync-close", Button)
            close.label = "完成" if self.done else "关闭"
            close.focus()
            return
        start.label = "确认导入"
        start.disabled = False
        start.focus()
        self.preview_gate.shown()

    def action_confirm(self) -> None:
        plan, package = self.plan, self.package
        if self.applying or self.done:
            return
        if plan is None or package is None:
            if self.running is not None:  # typed ahead of the dry run: said, never kept for later
                self.notify(f"{TOO_EARLY}（试导入还没有完成）", severity="warning")
            return
        if not self.preview_gate.allows():
            return
        question = f"{plan.summary()}\n\n确认导入这个回传包？全部写入，或一条都不写。"

        def answered(yes: bool | None) -> None:
            if yes:
                self._apply(package)

        self.app.push_screen(ConfirmDialog(question, "确认导入", "返回", confirms_write=True), answered)

    def _apply(self, package: ReturnPackage) -> None:
        assert self.plan is not None
        self.applying = True
        self.waiting = waiting_items(self.plan)
        sync, actor, lists = self.workbench.gateway.sync, self.workbench.actor, self.workbench.settings.service.lists
        self.query_one("#sync-preview").display = False
        bar = self.query_one("#sync-progress")
        bar.display = True
        self.say("正在写入……")
        self.query_one("#sync-start", Button).disabled = True
        self.running = self._run(lambda progress: sync.apply(actor, package, progress, lists))

    def finished(self, result: ApplyResult) -> None:
        self.workbench.data_changed()
        text = result.message
        if self.waiting:
            text += f"\n有 {self.waiting} 项等待人工处理：按 Enter（「处理冲突」）打开回传冲突处理逐项决定。"
            start = self.query_one("#sync-start", Button)
            start.label = "处理冲突"
            start.display = True
            start.disabled = False
            start.focus()
        self.say(text)

    def failed(self) -> None:
        """A failed commit wrote nothing and its dry run may be stale: back to the form, to preview again."""
        if not self.applying:
            return
        self.applying = False
        self.plan = self.package = None
        for widget in self.query(".sync-form"):
            widget.display = True
        start = self.query_one("#sync-start", Button)
        start.label = self.START
