"""The one registry of keys: it feeds every screen's BINDINGS, the help screen and the command palette."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

SCOPE_TITLES: dict[str, str] = {
    "app": "任何界面",
    "list": "市场主体列表",
    "detail": "主体详情",
    "form": "新增 / 编辑",
    "help": "帮助",
}


@dataclass(frozen=True)
class KeyAction:
    """One key of one scope: what it does in Chinese, and the Latin keyword the palette also matches."""

    scope: str
    keys: str
    action: str
    label: str
    keyword: str = ""
    show: bool = True
    priority: bool = False
    bound: bool = True
    """False for keys a widget handles itself (Enter in the table, Tab): listed in help, not bound."""
    short: str = ""
    """The footer's shorter word, where the label is too long for 80 columns."""
    display: str = ""
    """How help shows the keys, where naming each one would be too long."""

    @property
    def binding_id(self) -> str:
        name = self.keyword or self.action
        return f"{self.scope}.{name.replace(' ', '-')}"

    @property
    def palette_title(self) -> str:
        return f"{self.label} ({self.keyword})"

    @property
    def key_display(self) -> str:
        if self.display:
            return self.display
        return " / ".join(_key_name(key) for key in self.keys.split(","))


KEY_ACTIONS: tuple[KeyAction, ...] = (
    KeyAction("app", "f1", "help", "帮助", "help"),
    KeyAction("app", "f2", "switch_officer", "切换使用人", "officer", short="使用人"),
    KeyAction("app", "ctrl+n", "new_business", "新增市场主体", "new", short="新增"),
    KeyAction("app", "ctrl+p", "command_palette", "命令面板", show=False),
    KeyAction("app", "ctrl+q", "quit", "退出", "quit", show=False, priority=True),
    KeyAction("list", "f3", "focus_search", "搜索", "search"),
    KeyAction("list", "enter", "", "打开选中的主体", bound=False),
    KeyAction("list", "f4", "edit_selected", "编辑选中的主体", "edit", short="编辑"),
    KeyAction("list", "f5", "refresh", "刷新", "refresh", show=False),
    KeyAction("list", "f6", "cycle_sort", "切换排序", "sort", short="排序"),
    KeyAction("list", "f7", "previous_page", "上一页", "previous page", show=False),
    KeyAction("list", "f8", "next_page", "下一页", "next page", show=False),
    KeyAction("list", "f9", "toggle_mine", "只看我的", "mine", show=False),
    KeyAction("list", "ctrl+r", "clear_filters", "清空条件", "reset", show=False),
    KeyAction("list", "down", "focus_results", "从搜索框进入列表", show=False),
    KeyAction("list", "up,down,pageup,pagedown", "", "在列表中移动，到本页边缘时自动翻页", bound=False,
              display="方向键 / PgUp / PgDn"),
    KeyAction("detail", "escape", "back", "返回列表", "back", short="返回"),
    KeyAction("detail", "f4", "edit", "编辑", "edit"),
    KeyAction("detail", "f5", "refresh", "刷新", "refresh", show=False),
    KeyAction("detail", "1", "show_tab('basic')", "基本信息", "basic", show=False),
    KeyAction("detail", "2", "show_tab('licenses')", "许可证", "licenses", show=False),
    KeyAction("detail", "3", "show_tab('figures')", "经营数据", "figures", show=False),
    KeyAction("detail", "4", "show_tab('history')", "变更记录", "history", show=False),
    KeyAction("form", "ctrl+s", "save", "保存", "save", priority=True),
    KeyAction("form", "escape", "cancel", "取消（有未保存的修改时先确认）", "cancel", short="取消"),
    KeyAction("form", "tab,shift+tab", "", "下一项 / 上一项", bound=False),
    KeyAction("help", "escape,f1", "close", "关闭帮助", "close"),
)

_KEY_NAMES = {
    "escape": "Esc", "enter": "Enter", "pageup": "PgUp", "pagedown": "PgDn", "up": "方向键上",
    "down": "方向键下", "tab": "Tab", "shift+tab": "Shift+Tab",
}


def _key_name(key: str) -> str:
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    return "+".join(part.capitalize() if len(part) > 1 else part.upper() for part in key.split("+"))


def bindings(scope: str) -> list[BindingType]:
    """The Textual bindings of one scope, each with an id users can remap."""
    return [
        Binding(item.keys, item.action, item.short or item.label, show=item.show, priority=item.priority,
                key_display=item.key_display, id=item.binding_id)
        for item in KEY_ACTIONS if item.scope == scope and item.bound
    ]


def scope_actions(scope: str) -> list[KeyAction]:
    return [item for item in KEY_ACTIONS if item.scope == scope]


def palette_actions(scopes: tuple[str, ...]) -> list[KeyAction]:
    """Bound actions with a keyword, of the given scopes: what the command palette offers."""
    return [item for item in KEY_ACTIONS if item.scope in scopes and item.bound and item.keyword]
