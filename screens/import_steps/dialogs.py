"""The wizard's small dialogs: which field a column holds, and the name to save a mapping under."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from imports.columns import IGNORE, SYNONYMS, import_label
from screens.format import plain

NOT_IMPORTED = "不导入"


def field_choices() -> list[tuple[str, str]]:
    """(field, Chinese label) for every field an import can fill, then 不导入."""
    names = list(SYNONYMS)
    # 登记状态 before the dates of its changes (注销日期, 吊销日期…): the status is what a person looks for first
    names.remove("status")
    names.insert(names.index("deregistered_on"), "status")
    return [(name, import_label(name)) for name in names] + [(IGNORE, NOT_IMPORTED)]


class FieldPicker(ModalScreen[str | None]):
    """Choose what column 「header」 holds; answers the field name, IGNORE for 不导入, None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="import.field-cancel")]

    def __init__(self, column: str, header: str, current: str | None) -> None:
        super().__init__(classes="dialog-screen")
        self.column = column
        self.header = header
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(plain(f"{self.column} 列「{self.header}」导入为"), classes="dialog-title")  # the file's header
            yield OptionList(
                *[Option(label, id=name or "-") for name, label in field_choices()], id="import-field-options"
            )
            yield Static("方向键选择，Enter 确认，Esc 不改", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = [name for name, _label in field_choices()]
        if self.current is not None and self.current in names:
            options.highlighted = names.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(IGNORE if event.option.id == "-" else event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ProfileNameDialog(ModalScreen[str | None]):
    """Ask the name to save the confirmed column mapping under (e.g. 县局登记名录)."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="import.profile-cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__(classes="dialog-screen")
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("保存列对应方案", classes="dialog-title")
            yield Static("下次导入同样格式的文件时，可在「列对应方案」中直接选用。", classes="dialog-message")
            yield Input(self.suggestion, placeholder="方案名称", id="import-profile-name")
            yield Static("Enter 保存，Esc 取消", classes="dialog-hint")

    @on(Input.Submitted)
    def _named(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
