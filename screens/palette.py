"""The command palette in Chinese: Textual's own words in it (its keys, 「No matches found」) replaced.

TEXTUAL_WORDS also serves the footer: the few Textual bindings that show a word there (a Select's open
list: 「Esc Dismiss menu」) are shown in Chinese.
"""

from __future__ import annotations

from typing import ClassVar

from rich.align import Align
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

TEXTUAL_WORDS: dict[str, str] = {
    "Dismiss menu": "关闭菜单",
    "Exit the command palette": "关闭命令面板",
    "Show menu": "展开菜单",
    "palette": "命令面板",
    "Quit": "退出",
}
"""Textual's English descriptions of its own keys -> what staff read."""

NO_MATCHES = "未找到匹配的命令（可输入中文或英文关键字，如「导入」「import」）"
PLACEHOLDER = "输入命令：中文或英文关键字均可（Esc 关闭）"


class WorkbenchPalette(CommandPalette):
    """Textual's palette with its key descriptions and its 「no matches」 line in Chinese."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+end,shift+end", "command_list('last')", "到最后一条", show=False, id="palette.last"),
        Binding("ctrl+home,shift+home", "command_list('first')", "到第一条", show=False, id="palette.first"),
        Binding("down", "cursor_down", "下一条", show=False, id="palette.down"),
        Binding("escape", "escape", "关闭命令面板", id="palette.close"),
        Binding("pagedown", "command_list('page_down')", "下一页", show=False, id="palette.page-down"),
        Binding("pageup", "command_list('page_up')", "上一页", show=False, id="palette.page-up"),
        Binding("up", "command_list('cursor_up')", "上一条", show=False, id="palette.up"),
    ]

    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's own countdown, with the line in Chinese: after a moment without a single match for what
        was typed, one line says so (never while the box is empty: that lists every command)."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
