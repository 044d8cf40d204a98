"""The dialog after a SaveConflict: what the other person saved next to what you typed, and three ways on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

ConflictChoice = Literal["discard", "overwrite", "back"]


@dataclass(frozen=True)
class ConflictLine:
    """One field: its value when the form opened, what the other person saved, and what you typed."""

    label: str
    opened: str
    theirs: str
    mine: str


def conflict_table(lines: list[ConflictLine]) -> Table:
    # No box lines: Rich's box drawing is East Asian ambiguous width and misaligns in some terminals.
    table = Table(box=None, expand=True, header_style="bold underline", padding=(0, 1))
    for title in ("字段", "打开时", "对方保存的", "您填写的"):
        table.add_column(title, overflow="fold")
    for line in lines:
        table.add_row(
            line.label, line.opened,
            Text(line.theirs, style="bold yellow" if line.theirs != line.opened else ""),
            Text(line.mine, style="bold cyan" if line.mine != line.opened else ""),
        )
    return table


class ConflictDialog(ModalScreen[ConflictChoice]):
    """放弃我的修改 / 覆盖保存 / 返回继续编辑; Esc goes back to editing."""

    BINDINGS = [Binding("escape", "choose('back')", "返回继续编辑", id="conflict.back")]

    def __init__(self, title: str, message: str, lines: list[ConflictLine]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog conflict-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.message, classes="dialog-message")
            with VerticalScroll(id="conflict-lines"):
                yield Static(conflict_table(self.lines))
            with Horizontal(classes="dialog-buttons"):
                yield Button("放弃我的修改", id="discard", variant="error")
                yield Button("覆盖保存", id="overwrite", variant="warning")
                yield Button("返回继续编辑", id="back", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#back", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(str(event.button.id))

    def action_choose(self, choice: str) -> None:
        if choice in ("discard", "overwrite", "back"):
            self.dismiss(choice)  # type: ignore[arg-type]
