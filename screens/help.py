"""F1: every key of every screen, generated from the action registry."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from screens.actions import SCOPE_TITLES, bindings, topic_actions
from screens.keymap import effective_key_display

KEY_WIDTH = 20
"""Cells for the key column, the same in every scope so the lists line up."""


def help_table(scope: str, keymap: Mapping[str, str] | None = None) -> Table:
    """One scope's keys (those in force: the user's keymap's where it rebinds them) and what they do."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, width=KEY_WIDTH)
    table.add_column()
    for item in topic_actions(scope):
        table.add_row(effective_key_display(item, keymap or {}), item.label)
    return table


class HelpScreen(ModalScreen[None]):
    """The key list; Esc or F1 closes it."""

    SCOPE = "help"
    BINDINGS = bindings("help")

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog"):
            yield Label("快捷键一览", classes="dialog-title")
            for scope, title in SCOPE_TITLES.items():
                if scope == "help":
                    continue
                yield Label(title, classes="help-scope")
                yield Static(help_table(scope, getattr(self.app, "keymap_in_force", {})), classes="help-keys")
            yield Static("按 Ctrl+P 打开命令面板，可输入中文或英文关键字查找命令。Esc 或 F1 关闭本帮助。",
                         classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
