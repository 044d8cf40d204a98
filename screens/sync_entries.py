"""The app's ways into field sync (issue 19): the palette's four commands, the import wizard's offer when the
file picked is a package, and a new laptop's first start on an empty database (導入外业包 makes it).

Each opens its dialog and, when the dialog has done something, tells the screens below to re-read: a field
package read in on the laptop also brings the office's officers, grids and settings files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from storage.audit import utc_now

if TYPE_CHECKING:
    from screens.app import WorkbenchApp

NO_OFFICE = "数据库中还没有市场监管所"
NO_OFFICE_HELP = (
    "在所里：请先在命令行建所：workbench init --office 所名称 --officer 干部甲 --officer 干部乙 --grid 片区名，"
    "再打开工作台。\n在外业笔记本上：选「导入外业包」，用所里生成的外业包建立本机的工作库。"
)


class FirstRunDialog(ModalScreen[bool]):
    """An empty database: quit (the default, Enter), or make a laptop's database from a 外业包."""

    BINDINGS = [
        Binding("escape", "answer(False)", "退出", id="first-run.quit"),
        Binding("left", "app.focus_previous", "上一个按钮", show=False, id="first-run.left"),
        Binding("right", "app.focus_next", "下一个按钮", show=False, id="first-run.right"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error-dialog"):
            yield Label(NO_OFFICE, classes="dialog-title")
            yield Static(NO_OFFICE_HELP, classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("退出", id="quit", variant="primary")
                yield Button("导入外业包", id="receive")

    def on_mount(self) -> None:
        self.query_one("#quit", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "receive")

    def action_answer(self, receive: bool) -> None:
        self.dismiss(receive)


def first_run(app: WorkbenchApp) -> None:
    def answered(receive: bool | None) -> None:
        if receive:
            receive_package(app, on_cancel=lambda: first_run(app))
        else:
            app.exit()

    app.push_screen(FirstRunDialog(), answered)


def field_package(app: WorkbenchApp) -> None:
    from screens.sync_dialogs import FieldPackageDialog

    if app.officer is not None:
        app.push_screen(FieldPackageDialog(utc_now()))


def receive_package(app: WorkbenchApp, path: Path | None = None, on_cancel: Callable[[], None] | None = None) -> None:
    """导入外业包; on a database made just now the app then starts as the package's officer."""
    from screens.sync_dialogs import ReceiveDialog

    def after(done: bool) -> None:
        if not done:
            return
        app.settings.reload()  # the office's settings files came with the package
        app.data_changed()
        if app.officer is None and dialog.received is not None:
            app.begin_as = dialog.received.officer
        app.refresh_reference()

    def closed(done: bool | None) -> None:
        if not done and on_cancel is not None:
            on_cancel()  # the first start: back to its question

    dialog = ReceiveDialog(path, after)
    app.push_screen(dialog, closed)


def return_package(app: WorkbenchApp) -> None:
    from screens.sync_dialogs import ReturnPackageDialog

    if app.officer is not None:
        app.push_screen(ReturnPackageDialog(app.officer.name, utc_now()))


def apply_package(app: WorkbenchApp, path: Path | None = None) -> None:
    """导入回传包; the conflicts it leaves open in 回传冲突处理 when the person asks (the dialog does that)."""
    from screens.sync_apply_dialog import ApplyDialog

    if app.officer is not None:
        app.push_screen(ApplyDialog(path, lambda done: app.data_changed() if done else None))


COMMANDS: dict[str, Callable[[WorkbenchApp], None]] = {
    "out": field_package, "in": lambda app: receive_package(app), "back": return_package,
    "apply": lambda app: apply_package(app),
}
"""The palette's commands (app.action_sync)."""
