"""The list's export: where to save, whether to include full ID numbers, a progress bar, and where it went.

The export runs in a worker (imports.export.export_register); Esc while it runs cancels it and leaves
no file behind. A failure (file open in Excel, no write permission) is shown here, so the person can
pick another name and try again without losing the filter.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from platformdirs import user_downloads_path
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from imports.export import ExportCancelled, ExportResult, export_path, export_register
from imports.file_gateway import FileGateway
from screens.widgets.ticks import TickBox
from storage.audit import Actor
from workbench.services.errors import WorkbenchError
from workbench.services.listing import BusinessFilter

FULL_LABEL = "包含完整身份证号和手机号"
FULL_NOTE = "默认只导出身份证号、手机号的前后几位。勾选则导出完整号码，并记入变更记录（导出人、时间、终端、条件、户数）。"


def default_export_path(now: datetime, home: Path | None = None) -> Path:
    """~/Downloads (下载, as the desktop names it) or else home, /市场主体导出_YYYYMMDD_HHMM.xlsx."""
    name = f"市场主体导出_{now:%Y%m%d_%H%M}.xlsx"
    home = home or Path.home()
    downloads = user_downloads_path()
    folder = downloads if downloads.is_dir() and downloads.is_relative_to(home) else home
    return folder / name


class ExportProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class ExportDialog(ModalScreen[ExportResult | None]):
    """Asks for the file and the personal-data choice, then exports in a worker with a progress bar."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="export.cancel")]
    # Compact enough for 80x24: the checkbox without its frame, the outcome only once there is one.
    DEFAULT_CSS = """
    ExportDialog .dialog-message { margin-bottom: 0; }
    ExportDialog Checkbox { border: none; padding: 0; height: 1; margin-top: 1; }
    ExportDialog .dialog-hint { margin-top: 0; }
    ExportDialog #export-outcome { margin-top: 1; }
    ExportDialog .export-error { color: $error; }
    """

    def __init__(self, files: FileGateway, actor: Actor, flt: BusinessFilter, matching: int | None) -> None:
        super().__init__(classes="dialog-screen")
        self.files = files
        self.actor = actor
        self.flt = flt
        self.matching = matching
        self.result: ExportResult | None = None
        self.running: Worker[ExportResult | WorkbenchError] | None = None
        self.overwrite: Path | None = None
        """The existing file the person was warned about: the second press overwrites it."""
        self.stop = threading.Event()
        """Set by Esc; the export checks it every 1,000 rows. Not Worker.cancel: that lets go of the
        thread at once, and the file could still appear after "cancelled" was shown."""

    def compose(self) -> ComposeResult:
        what = "当前列表（按当前的搜索和筛选条件）"
        if self.matching is not None:
            what += f"，共 {self.matching:,} 户"
        with Vertical(classes="dialog export-dialog"):
            yield Label("导出 Excel", classes="dialog-title")
            yield Static(f"导出{what}。", classes="dialog-message")
            yield Label("保存到：", classes="export-form")
            yield Input(
                str(default_export_path(datetime.now())),
                id="export-path",
                classes="export-form",
                select_on_focus=False,
            )
            yield TickBox(FULL_LABEL, id="export-full", classes="export-form")
            yield Static(FULL_NOTE, classes="dialog-hint", id="export-note")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static("", id="export-outcome", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("导出", id="export-start", variant="primary")
                yield Button("取消", id="export-close")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#export-outcome").display = False
        self.query_one("#export-path", Input).focus()

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-start")
    def start(self) -> None:
        if self.running is not None or self.result is not None:
            return
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self._say("请填写保存位置和文件名", error=True)
            return
        target = export_path(path)
        if target.exists() and self.overwrite != target:
            self.overwrite = target
            self._say(f"「{target.name}」已存在：再按一次「导出」将覆盖它，或修改文件名", error=True)
            return
        full = self.query_one("#export-full", Checkbox).value
        bar = self.query_one(ProgressBar)
        bar.display = True
        self.query_one("#export-note").display = False  # 80x24: room for the bar and the outcome
        bar.update(total=self.matching, progress=0)
        self._say("正在导出……（Esc 取消）")
        self.query_one("#export-start", Button).disabled = True
        self.running = self._export(target, full)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", description="导出 Excel")
    def _export(self, path: Path, full: bool) -> ExportResult | WorkbenchError:
        """The result, or the Chinese error to show: an expected outcome, not a crashed worker."""

        def progress(done: int, total: int) -> None:
            if self.stop.is_set():
                raise ExportCancelled()
            self.post_message(ExportProgress(done, total))

        try:
            # export_register looked up here, at call time: a test holds the export at its first row
            return self.files.export_register(
                self.actor, self.flt, path, full_personal_data=full, progress=progress, run=export_register
            )
        except WorkbenchError as error:
            return error

    def on_export_progress(self, message: ExportProgress) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.running or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.running = None
        outcome = event.worker.result if event.state is WorkerState.SUCCESS else event.worker.error
        if isinstance(outcome, ExportResult):
            self._finished(outcome)  # also when Esc came after the last row: the file is there
        elif isinstance(outcome, ExportCancelled):
            self.dismiss(None)
            self.notify("导出已取消，没有生成文件")
        else:
            self._failed(outcome)

    def _finished(self, result: ExportResult) -> None:
        self.result = result
        self.query_one(ProgressBar).update(total=max(result.rows, 1), progress=max(result.rows, 1))
        logged = "；含完整身份证号和手机号，已记入变更记录" if result.full_personal_data else ""
        if result.rows == 0:
            self._say(f"没有符合条件的市场主体（{result.description}）：文件只有表头，0 户。\n文件在：{result.path}")
        else:
            self._say(f"已导出 {result.rows:,} 户（{result.description}）{logged}。\n文件在：{result.path}")
        self.query_one("#export-start", Button).display = False
        for widget in self.query(".export-form"):
            widget.display = False  # the path is in the outcome now; the form has done its work
        close = self.query_one("#export-close", Button)
        close.label = "完成"
        close.focus()

    def _failed(self, error: BaseException | None) -> None:
        if isinstance(error, WorkbenchError):
            text = error.message
        else:
            text = f"出现意外错误：{type(error).__name__}: {error}"
        self.query_one(ProgressBar).display = False
        self.query_one("#export-start", Button).disabled = False
        self._say(f"{text}\n可以修改文件名后再按「导出」。", error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        outcome = self.query_one("#export-outcome", Static)
        outcome.update(text)
        outcome.display = True
        outcome.set_class(error, "export-error")

    @on(Button.Pressed, "#export-close")
    def action_cancel(self) -> None:
        """Esc: cancel a running export (nothing is left behind), else close."""
        if self.running is not None:
            self.stop.set()
            self._say("正在取消……")
            return
        self.dismiss(self.result)
