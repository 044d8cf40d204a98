"""Typer's and click's own words in `--help` and errors, in Chinese like the rest of the command line.

typer.rich_utils keeps its panel titles as module constants (meant to be overridable); click names the
help option "Show this message and exit." when it builds it, so that one option gets its text here.
Typer ships its own copy of click (typer._click): its Command is the one patched.
"""

from __future__ import annotations

from typing import Any

import typer.rich_utils as rich_utils
from typer._click.core import Command

_TITLES = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "RICH_HELP": "用 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}
HELP_TEXT = "显示本帮助并退出"


def use_chinese() -> None:
    """Call once, before the app runs (idempotent)."""
    for name, text in _TITLES.items():
        setattr(rich_utils, name, text)
    original = Command.get_help_option
    if getattr(original, "_chinese", False):
        return

    def get_help_option(self: Command, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    get_help_option._chinese = True  # type: ignore[attr-defined]
    Command.get_help_option = get_help_option  # type: ignore[method-assign]
