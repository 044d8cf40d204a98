"""Small modal dialogs: an error with its Chinese title, and a yes/no question."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from screens.preview_gate import PreviewGate
from workbench.domain.safe_text import shown


class ErrorDialog(ModalScreen[None]):
    """Shows a WorkbenchError (or any error) so the person can read it and carry on."""

    BINDINGS = [Binding("escape,enter", "dismiss_dialog", "关闭", id="dialog.close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            # An error may quote a cell or a name: shown as typed, never read as markup.
            yield Static(Text(shown(self.message, multiline=True)), classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("确定", id="ok", variant="primary")

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_dismiss_dialog(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; Esc answers no. With `confirms_write`, the yes counts only when chosen after the
    question could be read (screens/preview_gate.py): ← Enter typed ahead of the dialog writes nothing."""

    BINDINGS = [
        Binding("escape", "answer(False)", "取消", id="confirm.no"),
        # Buttons ignore the arrow keys; in a two-button dialog people press them first, so they move between.
        Binding("left", "app.focus_previous", "上一个按钮", show=False, id="confirm.left"),
        Binding("right", "app.focus_next", "下一个按钮", show=False, id="confirm.right"),
    ]

    def __init__(self, question: str, yes: str, no: str, *, confirms_write: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes = yes
        self.no = no
        self.preview_gate = PreviewGate(self, "（确认框中的内容）") if confirms_write else None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(shown(self.question, multiline=True)), classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button(self.no, id="no", variant="primary")
            yield Static("左右方向键选择，Enter 确定，Esc 取消", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()
        if self.preview_gate is not None:
            self.preview_gate.shown()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        if answer and self.preview_gate is not None and not self.preview_gate.allows():
            return
        self.dismiss(answer)
