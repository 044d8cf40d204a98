"""The frame of the field-sync dialogs (issue 19): a small form, the work in a thread worker with a progress
bar (the screen keeps answering keys), and the outcome or the one Chinese sentence of what went wrong.

The work itself is one FileGateway call (imports.file_gateway): the dialogs never see the database. A typed
error (a wrong file, another office's package, a wrong password, a newer schema) is an expected outcome, shown
in the dialog so the person can pick another file and try again; anything else is an unexpected error.
Esc while the work runs is refused with a word: a package half-written or half-read is not left behind (the
gateway's writes are all or nothing), but the person should wait and see which it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from screens.format import paragraph_text
from workbench.services.errors import WorkbenchError

Progress = Callable[[int, int], None]


class SyncProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


def home_file(name: str, home: Path | None = None) -> Path:
    """Packages go to the home folder by default: where a person finds them to copy onto a USB stick."""
    return (home or Path.home()) / name


def form_row(label: str, widget: Any) -> Horizontal:
    return Horizontal(Label(label), widget, classes="sync-row sync-form")


def typed_path(dialog: SyncJobDialog) -> Path | None:
    typed = dialog.query_one("#sync-path", Input).value.strip()
    if not typed:
        dialog.say("请填写文件名", error=True)
        return None
    path = Path(typed).expanduser()
    dialog.file_name = path.name
    return path


def typed_password(dialog: SyncJobDialog) -> str | None:
    return dialog.query_one("#sync-password", Input).value or None


class SyncJobDialog(ModalScreen[bool]):
    """Answers True when something was written or read in (screens below then re-read), else False."""

    HEADING = ""
    INTRO = ""
    START = "开始"
    WORKING = "正在处理……"
    HINT = ""
    BINDINGS = [Binding("escape", "close", "关闭", id="sync-job.close")]
    DEFAULT_CSS = """
    SyncJobDialog .dialog { width: 76; }
    SyncJobDialog .dialog-message { margin-bottom: 0; }
    SyncJobDialog .sync-row { height: 1; margin-top: 1; }
    SyncJobDialog .sync-row Label { width: 10; }
    SyncJobDialog .sync-row Input, SyncJobDialog .sync-row Select { width: 1fr; }
    SyncJobDialog #sync-outcome { margin-top: 1; }
    SyncJobDialog .sync-error { color: $error; }
    SyncJobDialog ProgressBar { margin-top: 1; }
    """

    def __init__(self, after: Callable[[bool], None] | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.after = after
        """Called with `done` as the dialog closes: the app's follow-up (re-read, start as the package's officer).
        Run by the dialog itself, not as a push_screen callback: that one belongs to the screen the dialog was
        opened from, and the import wizard is gone by then when it hands a package over."""
        self.running: Worker[Any] | None = None
        self.done = False
        """Something was written or read in: the screens below re-read when the dialog closes."""
        self.file_name = ""
        """The file the work reads or writes (set by `job`): an error that does not name it is prefixed with it."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog sync-dialog"):
            yield Label(self.HEADING, classes="dialog-title")
            yield Static(self.INTRO, classes="dialog-message", id="sync-intro")
            yield from self.form()
            yield Static(f"Tab 下一项，Enter {self.START}，Esc 取消{self.HINT}", classes="dialog-hint sync-form")
            yield ProgressBar(id="sync-progress", show_eta=False)
            yield Static("", id="sync-outcome", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.START, id="sync-start", variant="primary")
                yield Button("取消", id="sync-close")

    def form(self) -> ComposeResult:
        """The dialog's own fields, each a `.sync-row` (a label and its input) marked `.sync-form`."""
        yield from ()

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#sync-outcome").display = False
        self.first_focus()

    def first_focus(self) -> None:
        self.query_one("#sync-start", Button).focus()

    # the work

    def job(self) -> Callable[[Progress], Any] | None:
        """The work for the form as filled in (run in a thread), or None after saying what is missing."""
        raise NotImplementedError

    def finished(self, result: Any) -> None:
        """Show what the work did (the form is gone by now)."""
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "sync-start":
            self.pressed_start()
        elif event.button.id == "sync-close":
            self.action_close()

    def pressed_start(self) -> None:
        """The main button: 生成 / 导入 / 预览 (a dialog with more steps goes on from there)."""
        self.start()

    def start(self) -> None:
        if self.running is not None or self.done:
            return
        job = self.job()
        if job is None:
            return
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.say(self.WORKING)
        self.query_one("#sync-start", Button).disabled = True
        self.running = self._run(job)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync-job", description="外业同步")
    def _run(self, job: Callable[[Progress], Any]) -> Any:
        """The result, or the Chinese error to show: an expected outcome, not a crashed worker."""

        def progress(done: int, total: int) -> None:
            self.post_message(SyncProgress(done, total))

        try:
            return job(progress)
        except WorkbenchError as error:
            return error

    def on_sync_progress(self, message: SyncProgress) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.running or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.running = None
        outcome = event.worker.result if event.state is WorkerState.SUCCESS else event.worker.error
        bar = self.query_one(ProgressBar)
        if isinstance(outcome, BaseException):
            bar.display = False
            self.query_one("#sync-start", Button).disabled = False
            text = outcome.message if isinstance(outcome, WorkbenchError) else (
                f"出现意外错误：{type(outcome).__name__}: {outcome}。请把这段文字告诉维护人员"
            )
            if self.file_name and self.file_name not in text:
                text = f"「{self.file_name}」：{text}"  # every refusal names the file the person chose
            self.say(text, error=True)
            self.failed()
            return
        bar.update(total=1, progress=1)
        self.succeeded(outcome)

    def succeeded(self, outcome: Any) -> None:
        """The work is done: the form gives way to what it did."""
        self.done = True
        for widget in self.query(".sync-form"):
            widget.display = False  # the outcome names the file now; the form has done its work
        self.query_one("#sync-intro").display = False
        self.query_one("#sync-start", Button).display = False
        close = self.query_one("#sync-close", Button)
        close.label = "完成"
        close.focus()
        self.finished(outcome)

    def failed(self) -> None:
        """The work stopped with an error (shown): a dialog with more steps puts itself back."""

    def say(self, text: str, *, error: bool = False) -> None:
        outcome = self.query_one("#sync-outcome", Static)
        outcome.update(paragraph_text(text))  # 「共 2 条」 wraps as 「共2条」 would, not at its spaces
        outcome.display = True
        outcome.set_class(error, "sync-error")

    def action_close(self) -> None:
        if self.running is not None:
            self.notify("正在处理，请稍候（完成后再关闭）", severity="warning")
            return
        if self.after is not None:
            self.after(self.done)
        self.dismiss(self.done)
