"""Typer's and click's own words in `--help` and errors, in Chinese like the rest of the command line.

typer.rich_utils keeps its panel titles as module constants (meant to be overridable); click names the
help option "Show this message and exit." when it builds it, so that one option gets its text here.
Typer ships its own copy of click (typer._click): its Command is the one patched.

typer.rich_utils costs ~80 ms to import and Typer imports it only to render help, an error or an abort,
so it is not imported here: the titles are set the moment Typer first imports it (a finder on
sys.meta_path), and `workbench` with no arguments never loads it.
"""

from __future__ import annotations

import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from typer._click.core import Command

from workbench.cli_errors_chinese import translate_errors

RICH_UTILS = "typer.rich_utils"
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


_TYPE_WORDS = {"<str>": "<文字>", "<path>": "<路径>", "<file>": "<文件>", "<int>": "<整数>", "<float>": "<数字>"}
"""How an option's value is named in `--help`; a flag (--dry-run) shows none: it takes no value."""


def _set_titles(rich_utils: ModuleType) -> None:
    for name, text in _TITLES.items():
        setattr(rich_utils, name, text)


def _value_names() -> None:
    """Flags show no value and the others name theirs in Chinese (typer showed --dry-run <bool>)."""
    from typer.core import TyperArgument, TyperOption

    for parameter in (TyperOption, TyperArgument):
        shown = parameter.display_type_rich
        if getattr(shown, "_chinese", False):
            continue

        def display_type_rich(self: Any, ctx: Any, shown: Any = shown) -> str | None:
            if getattr(self, "is_flag", False) or getattr(self, "count", False):
                return None
            name = shown(self, ctx)
            return _TYPE_WORDS.get(name, name) if isinstance(name, str) else name

        display_type_rich._chinese = True  # type: ignore[attr-defined]
        parameter.display_type_rich = display_type_rich  # type: ignore[method-assign]


class _TitlesOnImport:
    """A meta path finder for typer.rich_utils alone: finds it as usual, sets the titles once it has run."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != RICH_UTILS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            _set_titles(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def use_chinese() -> None:
    """Call once, before the app runs (idempotent)."""
    if RICH_UTILS in sys.modules:
        _set_titles(sys.modules[RICH_UTILS])
    elif not any(isinstance(finder, _TitlesOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _TitlesOnImport())
    from typer._click import exceptions, formatting

    translate_errors(exceptions, formatting)
    _value_names()
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
