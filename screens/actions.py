"""The registry of the screens' keys: it feeds every screen's BINDINGS, the help screen and the command palette.

The service dialogs (screens.service_dialog) take theirs from here too. The other modal dialogs (confirm,
error, conflict, export, the pickers, 规模测算, the duplicate appeal question) declare their one or few keys
(Esc, and the arrows between buttons) beside their code, each with a binding id; F1 does not list those.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

SCOPE_TITLES: dict[str, str] = {
    "app": "任何界面",
    "list": "市场主体列表",
    "detail": "主体详情",
    "form": "新增 / 编辑",
    "todo": "今日待办",
    "timeline": "主体详情 · 时间线",
    "licenses": "主体详情 · 许可证",
    "support": "帮扶台账",
    "appeals": "诉求一览",
    "appeal": "诉求办理",
    "visit": "今日走访路线",
    "import": "导入登记名录",
    "distinctions": "名特优新",
    "pools": "培育库",
    "candidates": "候选名单（个转企 / 上规上限 / 名特优新）",
    "figures": "主体详情 · 经营数据",
    "classification": "主体详情 · 分型分类",
    "classify": "重新分型",
    "staff": "干部与网格",
    "settings": "设置",
    "dashboard": "统计看板",
    "drill": "统计看板 · 逐户明细",
    "help": "帮助",
    "sync": "回传冲突处理",
    "inspect": "双随机抽查",
    "inspect_draw": "双随机抽查 · 抽取预览",
    "inspect_results": "双随机抽查 · 抽查结果",
    "inspectors": "双随机抽查 · 检查人员名录",
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
    topic: str = ""
    """The help section it is listed under, when not its scope's (an app key about the settings)."""
    palette: bool = False
    """Offered by the command palette though no key is bound to it (the 外业包 / 回传包 commands, used once a
    trip: not worth a key of their own); help lists it as reached through the palette."""
    everywhere: bool = False
    """Offered by the command palette on every screen, though its key is one screen's (帮扶台账 is F7 on
    the to-do); its action is the app's, so it runs wherever the palette was opened."""

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
        return key_names(self.keys)


def key_names(keys: str) -> str:
    """The keys of a binding ("f4,ctrl+e") as help shows them: F4 / Ctrl+E."""
    return " / ".join(_key_name(key) for key in keys.split(","))


KEY_ACTIONS: tuple[KeyAction, ...] = (
    KeyAction("app", "f1", "help", "帮助", "help"),
    KeyAction("app", "f2", "switch_officer", "切换使用人", "officer", short="使用人"),
    KeyAction("app", "ctrl+n", "new_business", "新增市场主体", "new", short="新增"),
    KeyAction("app", "ctrl+t", "todo", "今日待办", "todo", short="待办"),
    KeyAction("app", "ctrl+o", "import_register", "导入登记名录 Excel", "import", short="导入"),
    KeyAction("app", "ctrl+b", "distinctions", "名特优新（在主体详情中：该户的）", "distinctions", show=False),
    KeyAction("app", "ctrl+g", "pools", "培育库", "pools", show=False),
    KeyAction("app", "ctrl+y", "candidates", "候选名单（个转企 / 上规上限 / 名特优新）", "candidates", show=False),
    KeyAction("app", "ctrl+l", "size_calculator", "规模测算（大中小微）", "size", show=False),
    KeyAction("app", "ctrl+j", "dashboard", "统计看板（月报指标、目标与图表）", "dashboard statistics", short="看板",
              show=False),
    KeyAction("app", "ctrl+f", "reclassify", "重新分型与分布统计（先试算，确认后写入）", "classify", show=False),
    # priority: the list's search box has the focus, and Input binds ctrl+k to "delete to the end"
    KeyAction("app", "ctrl+k", "staff", "干部与网格（新增、修改、调离）", "staff", show=False, priority=True),
    # Ctrl+Z: the one Ctrl+letter no widget or terminal convention here uses (Ctrl+U/X/A edit a text box)
    KeyAction("app", "ctrl+z", "inspection", "双随机抽查（抽查任务、抽取、结果与公示）", "inspection random",
              show=False),
    KeyAction("app", "ctrl+p", "command_palette", "命令面板", show=False),
    KeyAction("app", "ctrl+q", "quit", "退出", "quit", priority=True),
    KeyAction("app", "f10", "reload_settings", "重新载入设置（规则文件、服务清单、节假日、快捷键）", "reload settings",
              show=False, topic="settings"),
    KeyAction("list", "f3", "focus_search", "搜索", "search"),
    KeyAction("list", "enter", "", "打开选中的主体", bound=False),
    KeyAction("list", "f4", "edit_selected", "编辑选中的主体", "edit", short="编辑"),
    KeyAction("list", "f5", "refresh", "刷新", "refresh", show=False),
    KeyAction("list", "f6", "cycle_sort", "切换排序", "sort", short="排序"),
    KeyAction("list", "f7", "previous_page", "上一页", "previous page", show=False),
    KeyAction("list", "f8", "next_page", "下一页", "next page", show=False),
    KeyAction("list", "f9", "toggle_mine", "只看我的", "mine", show=False),
    KeyAction("list", "ctrl+r", "clear_filters", "清空条件", "reset", show=False),
    # priority: the search box has the focus, and Input binds ctrl+e to "cursor to end"
    KeyAction("list", "ctrl+e", "export", "导出当前列表到 Excel", "export", show=False, priority=True),
    KeyAction("list", "down", "focus_results", "从搜索框进入列表", show=False),
    KeyAction("list", "ctrl+w", "reassign", "批量改派（已标记的行；没有标记时：当前搜索和筛选的全部结果）", "reassign",
              show=False),
    KeyAction("list", "space", "", "标记 / 取消标记选中的主体（批量改派用）；Esc 清除标记", bound=False),
    KeyAction("list", "shift+down,shift+up", "", "向下 / 向上扩展标记", bound=False),
    KeyAction("list", "up,down,pageup,pagedown", "", "在列表中移动，到本页边缘时自动翻页", bound=False,
              display="方向键 / PgUp / PgDn"),
    KeyAction("detail", "escape", "back", "返回列表", "back", short="返回"),
    KeyAction("detail", "f4", "edit", "编辑", "edit"),
    KeyAction("detail", "f5", "refresh", "刷新", "refresh", show=False),
    KeyAction("detail", "1", "show_tab('basic')", "基本信息", "basic", show=False),
    KeyAction("detail", "2", "show_tab('licenses')", "许可证", "licenses", show=False),
    KeyAction("detail", "3", "show_tab('figures')", "经营数据", "figures", show=False),
    KeyAction("detail", "4", "show_tab('history')", "变更记录", "history", show=False),
    KeyAction("detail", "5", "show_tab('classification')", "分型分类", "classification", show=False),
    KeyAction("detail", "6", "show_tab('timeline')", "时间线", "timeline", show=False),
    KeyAction("detail", "b", "app.add_support", "新增帮扶（记录对该户的帮扶）", "support", short="帮扶",
              everywhere=True),
    KeyAction("detail", "s", "app.add_appeal", "登记诉求", "appeal", short="诉求", everywhere=True),
    KeyAction("detail", "z", "add_visit", "记录走访", "visit", short="走访"),
    KeyAction("detail", "c", "app.sync_review", "处理该户的回传冲突（有「待处理冲突」标记时）", show=False),
    KeyAction("detail", "g", "app.convert", "个转企登记（直接变更 / 注销+设立）", "convert", show=False),
    KeyAction("form", "ctrl+s", "save", "保存", "save", priority=True),
    KeyAction("form", "escape", "cancel", "取消（有未保存的修改时先确认）", "cancel", short="取消"),
    KeyAction("form", "tab,shift+tab", "", "下一项 / 上一项", bound=False),
    KeyAction("todo", "enter", "", "打开选中事项所涉的记录（主体、诉求）", bound=False),
    KeyAction("todo", "escape", "to_list", "市场主体列表（在待办中直接打字也会开始搜索）", "list", short="主体列表"),
    KeyAction("todo", "f3", "to_list", "搜索市场主体", "search", show=False),
    KeyAction("todo", "f4", "edit", "编辑选中事项所涉的主体", "edit", show=False),
    KeyAction("todo", "ctrl+d", "finish_item", "选中事项已办：走访跟进办完（写明办理情况）/ 许可证已换证（录入新证）",
              "done", show=False),
    KeyAction("todo", "f6", "app.route", "今日走访路线", "route", short="走访路线", everywhere=True),
    KeyAction("todo", "f7", "app.support_list", "帮扶台账", "support list", short="帮扶台账", everywhere=True),
    KeyAction("todo", "f8", "app.appeal_list", "诉求一览", "appeals", short="诉求一览", everywhere=True),
    KeyAction("todo", "f9", "toggle_whole_office", "只看我的 / 全所", "whole office", show=False),
    KeyAction("todo", "f5", "refresh", "刷新", "refresh", show=False),
    KeyAction("todo", "ctrl+r", "app.sync_review", "回传冲突处理（外业回传包留下的冲突与疑似同一户）", "sync conflicts",
              short="回传冲突", everywhere=True, show=False),
    # 许可证 (issue 15): the tab's own keys, on the highlighted licence
    KeyAction("licenses", "n", "add_license", "登记许可证", "add license", short="登记"),
    KeyAction("licenses", "r", "renew_license", "换证（录入换发的新证，原证记为已换证）", "renew license", short="换证"),
    KeyAction("licenses", "x", "cancel_license", "注销许可证（先确认）", "cancel license", short="注销"),
    KeyAction("timeline", "f6", "cycle_kind", "按类别筛选时间线（全部、帮扶、诉求、走访 ...）", "filter timeline",
              short="筛选"),
    KeyAction("timeline", "u", "undo_done", "撤销选中的「跟进办完」（跟进回到待办）", "undo done", show=False),
    KeyAction("support", "escape", "back", "返回", "back"),
    KeyAction("support", "ctrl+e", "export", "导出 Excel", "export", priority=True, short="导出"),
    KeyAction("support", "enter", "", "打开该帮扶所属的主体", bound=False),
    KeyAction("support", "ctrl+r", "clear_filters", "清空条件", "reset", show=False),
    KeyAction("appeals", "escape", "back", "返回", "back"),
    KeyAction("appeals", "enter", "", "打开选中的诉求", bound=False),
    KeyAction("appeals", "s", "new_appeal", "登记诉求（未登记的个人）", "new appeal", short="登记"),
    KeyAction("appeals", "f9", "toggle_closed", "显示 / 隐藏已办结", "closed", short="已办结"),
    KeyAction("appeal", "escape", "back", "返回", "back"),
    KeyAction("appeal", "f3", "act('assign')", "分派", "assign"),
    KeyAction("appeal", "j", "act('note')", "添加办理记录", "note", short="办理记录"),
    KeyAction("appeal", "f6", "act('reply')", "答复", "reply"),
    KeyAction("appeal", "f7", "act('close')", "办结", "close"),
    KeyAction("appeal", "f8", "act('follow_up')", "回访（满意度）", "follow up", short="回访"),
    KeyAction("appeal", "f9", "act('reopen')", "重新办理", "reopen"),
    KeyAction("appeal", "f5", "refresh", "刷新", "refresh", show=False),
    KeyAction("visit", "enter", "", "为选中的主体记录走访", bound=False),
    KeyAction("visit", "escape", "back", "返回", "back"),
    KeyAction("visit", "f3", "open_business", "查看主体详情", "business", short="主体详情"),
    KeyAction("visit", "f6", "cycle_grid", "切换网格", "grid", short="网格"),
    KeyAction("visit", "ctrl+e", "export", "导出路线到 Excel（可打印）", "export print", priority=True, short="导出"),
    # import wizard (issue 3): one scope for all five steps; keys a step has no use for are hidden there
    KeyAction("import", "escape", "back", "上一步（正在读取、试导入或导入时：取消）", "back", short="上一步"),
    KeyAction("import", "f8", "next", "下一步（试导入、确认导入）", "next", short="下一步"),
    KeyAction("import", "enter", "", "选择文件；在列对应表中：修改该列导入为哪个字段", bound=False),
    KeyAction("import", "ctrl+s", "save_profile", "保存列对应方案", "save mapping", short="存方案"),
    KeyAction("import", "ctrl+e", "save_errors", "保存错误行工作簿（可在 Excel 中改正后重新导入）", "error workbook",
              short="错误行"),
    KeyAction("import", "1", "show_tab('invalid')", "试导入结果：有错误的行", "invalid rows", show=False),
    KeyAction("import", "2", "show_tab('updates')", "试导入结果：将更新的字段（原值 / 新值）", "updates", show=False),
    KeyAction("import", "3", "show_tab('duplicates')", "试导入结果：库里疑似重复的主体", "duplicates", show=False),
    KeyAction("import", "4", "show_tab('names')", "试导入结果：按名称 + 经营者对应的行", "name matches",
              show=False),
    # 名特优新, 培育库, 候选名单 (issue 5)
    KeyAction("distinctions", "escape", "back", "返回", "back"),
    KeyAction("distinctions", "n", "apply", "申报名特优新", "apply", short="申报"),
    KeyAction("distinctions", "f8", "step('next')", "推进到下一环节", "next step", short="下一步"),
    KeyAction("distinctions", "f7", "step('returned')", "退回（写明原因）", "return", short="退回"),
    KeyAction("distinctions", "f9", "step('rejected')", "不予认定（写明原因）", "reject", short="不予认定"),
    KeyAction("distinctions", "x", "step('exited')", "退出认定（写明原因）", "exit", short="退出认定"),
    KeyAction("distinctions", "c", "clear_review", "复核通过，保留认定", "keep", short="复核保留"),
    KeyAction("distinctions", "j", "record_event", "记录负面清单事件（处罚、事故、失信）", "negative event",
              short="负面事件"),
    KeyAction("distinctions", "r", "repair", "登记信用修复（负面清单事件已修复）", "repair", show=False),
    KeyAction("distinctions", "f6", "toggle_review", "只看待复核 / 全部", "review", show=False),
    KeyAction("distinctions", "f5", "refresh", "刷新（并重读规则文件）", "refresh", show=False),
    KeyAction("pools", "escape", "back", "返回", "back"),
    KeyAction("pools", "enter", "", "打开选中的主体", bound=False),
    KeyAction("pools", "f6", "cycle_pool", "切换培育库", "switch pool", short="切换"),
    KeyAction("pools", "o", "leave", "移出培育库（写明原因）", "leave pool", short="出库"),
    KeyAction("pools", "ctrl+e", "export", "导出 Excel", "export", priority=True, short="导出"),
    KeyAction("pools", "f5", "refresh", "刷新", "refresh", show=False),
    KeyAction("dashboard", "escape", "back", "返回", "back"),
    # priority: the table would take PageUp / PageDown to scroll; ↑↓ still move through its lines
    KeyAction("dashboard", "pageup", "previous_month", "上一个月", "previous month", short="上月", priority=True),
    KeyAction("dashboard", "pagedown", "next_month", "下一个月", "next month", short="下月", priority=True),
    KeyAction("dashboard", "f6", "cycle_grid", "按网格看（依次切换，回到全所）", "grid", short="网格"),
    KeyAction("dashboard", "f7", "cycle_officer", "按包联干部看（依次切换，回到全所）", "officer", short="干部"),
    KeyAction("dashboard", "enter", "", "查看选中指标背后的逐户明细", bound=False),
    *(
        KeyAction("dashboard", str(number), f"chart({number})", f"看第 {number} 张图（80 列时一次显示一张）",
                  f"chart {number}", show=False)
        for number in range(1, 5)
    ),
    KeyAction("dashboard", "f5", "refresh", "重新统计", "refresh", show=False),
    KeyAction("drill", "escape", "back", "返回统计看板", "back"),
    KeyAction("drill", "enter", "", "在市场主体列表中找到选中的户", bound=False),
    KeyAction("candidates", "escape", "back", "返回", "back"),
    KeyAction("candidates", "enter", "", "打开选中的主体（经营数据、分型）", bound=False),
    KeyAction("candidates", "a", "add_to_pool", "加入培育库（确认入库理由）", "add to pool", short="入库"),
    KeyAction("candidates", "f6", "cycle_list", "切换候选名单", "switch list", short="切换"),
    KeyAction("candidates", "ctrl+e", "export", "导出 Excel", "export", priority=True, short="导出"),
    KeyAction("candidates", "f5", "refresh", "重新计算（并重读规则文件）", "refresh", show=False),
    # 经营数据 (issue 15): the detail tab's own keys; F4 edits the highlighted year there, as F4 edits everywhere
    KeyAction("figures", "n", "add_figures", "新增一个年度的经营数据", "add figures", short="新增"),
    KeyAction("figures", "f4", "edit_figures", "修改选中年度的经营数据", "edit figures", short="修改"),
    KeyAction("figures", "enter", "", "修改选中年度的经营数据", bound=False),
    KeyAction("figures", "d", "delete_figures", "删除选中年度的经营数据（先确认）", "delete figures",
              short="删除"),
    # 分型分类 (issue 5): the detail tab's own keys, and the recompute screen
    KeyAction("classification", "r", "override", "人工认定分型（写明理由）", "override tier", short="人工认定"),
    KeyAction("classification", "u", "clear_override", "取消人工认定", "clear override", short="取消认定"),
    KeyAction("staff", "escape", "back", "返回", "back"),
    KeyAction("staff", "a", "add_officer", "新增包联干部", "add officer", short="新增干部"),
    KeyAction("staff", "g", "add_grid", "新增网格", "add grid", short="新增网格"),
    KeyAction("staff", "f4", "edit", "修改选中的干部或网格", "edit", short="修改"),
    KeyAction("staff", "enter", "", "修改选中的干部或网格", bound=False),
    KeyAction("staff", "d", "toggle_active", "调离 / 恢复在岗", "leave or return", short="调离/恢复"),
    KeyAction("staff", "tab", "", "在干部表和网格表之间切换", bound=False),
    KeyAction("classify", "escape", "back", "返回", "back"),
    KeyAction("classify", "f8", "commit", "确认写入（按试算结果重新分型）", "commit", short="确认写入"),
    KeyAction("classify", "f5", "refresh", "重读规则文件并重新试算", "refresh", short="重新试算"),
    KeyAction("classify", "f6", "toggle_by", "分布：按网格 / 按包联干部", "by grid or officer", short="网格/干部"),
    KeyAction("classify", "f7", "toggle_measure", "分布：三型 / 规模", "tiers or sizes", short="三型/规模"),
    # 双随机抽查 (issue 20): the tasks, a draw's preview, the results of a draw
    KeyAction("inspect", "escape", "back", "返回", "back"),
    KeyAction("inspect", "enter", "", "未抽取的任务：抽取预览；已抽取的：录入抽查结果", bound=False),
    KeyAction("inspect", "n", "new_task", "新建抽查任务", "new task", short="新建"),
    KeyAction("inspect", "d", "draw", "抽取（先显示试抽结果，F8 确认后锁定）", "draw", short="抽取"),
    KeyAction("inspect", "r", "redraw", "重抽已锁定的任务（须写明理由，第一次的结果保留）", "redraw", short="重抽"),
    KeyAction("inspect", "ctrl+e", "export", "导出选中任务的公示名单（公示模板格式）", "export publication",
              priority=True, short="导出公示"),
    KeyAction("inspect", "i", "inspectors", "检查人员名录（执法证、在岗、回避关系）", "inspectors", short="检查人员"),
    KeyAction("inspect", "f5", "refresh", "刷新", "refresh", show=False),
    KeyAction("inspect_draw", "escape", "back", "返回（不记录）", "back", short="返回"),
    KeyAction("inspect_draw", "f8", "confirm", "确认抽取并锁定（按屏幕上的试抽结果）", "confirm draw", short="确认抽取"),
    KeyAction("inspect_draw", "i", "inspectors", "检查人员名录（补全后回来重新试抽）", "inspectors", short="检查人员"),
    KeyAction("inspect_results", "escape", "back", "返回", "back"),
    KeyAction("inspect_results", "enter", "", "录入 / 修改选中户的抽查结果", bound=False),
    KeyAction("inspect_results", "p", "mark_published", "记为已公示（在公示系统公示后，写明公示日期）", "published",
              short="已公示"),
    KeyAction("inspect_results", "ctrl+e", "export", "导出公示名单（公示模板格式）", "export publication",
              priority=True, short="导出公示"),
    KeyAction("inspect_results", "f5", "refresh", "刷新", "refresh", show=False),
    KeyAction("inspectors", "escape", "back", "返回", "back"),
    KeyAction("inspectors", "a", "add", "新增检查人员", "add inspector", short="新增"),
    KeyAction("inspectors", "f4", "edit", "修改选中的检查人员", "edit inspector", short="修改"),
    KeyAction("inspectors", "enter", "", "修改选中的检查人员", bound=False),
    KeyAction("inspectors", "d", "toggle_active", "在岗 / 停用（先确认）", "active or stopped", short="在岗/停用"),
    KeyAction("inspectors", "r", "add_recusal", "为选中的人登记回避关系", "add recusal", short="登记回避"),
    KeyAction("inspectors", "x", "remove_recusal", "删除选中的回避关系（先确认）", "remove recusal", short="删除回避"),
    KeyAction("inspectors", "tab", "", "在人员表和回避表之间切换", bound=False),
    KeyAction("inspectors", "f5", "refresh", "刷新", "refresh", show=False),
    KeyAction("help", "escape,f1", "close", "关闭帮助", "close"),
    *(
        KeyAction("app", "", action, label, keyword, bound=False, palette=True, display="命令面板", topic="sync")
        for action, label, keyword in (
            ("sync('out')", "生成外业包（所里：一名干部的主体带到笔记本上）", "sync out field package"),
            ("sync('in')", "导入外业包（笔记本：建立或更新本机的工作库）", "sync in field package"),
            ("sync('back')", "生成回传包（笔记本：外出所做的一切交回所里）", "sync back return package"),
            ("sync('apply')", "导入回传包（所里：先预览，确认后写入，冲突逐项处理）", "sync apply return package"),
        )
    ),
    KeyAction("sync", "escape", "back", "返回", "back"),
    KeyAction("sync", "o", "decide('o')", "保留本所值", "keep office value", short="保留本所"),
    KeyAction("sync", "l", "decide('l')", "采用外业值", "take laptop value", short="采用外业"),
    KeyAction("sync", "b", "decide('b')", "两者都保留（本所值有效，外业值记为备注）", "keep both", short="都保留"),
    KeyAction("sync", "m", "decide('m')", "疑似同一户：合并为一户", "merge", short="合并"),
    KeyAction("sync", "s", "decide('s')", "疑似同一户：是两户，单独登记", "separate", short="两户"),
    KeyAction("sync", "f5", "refresh", "刷新", "refresh", show=False),
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


def topic_actions(topic: str) -> list[KeyAction]:
    """What help lists under one section: the scope's keys, less those listed under another topic."""
    return [item for item in KEY_ACTIONS if (item.topic or item.scope) == topic]


def palette_actions(scopes: tuple[str, ...]) -> list[KeyAction]:
    """What the command palette offers: bound actions with a keyword of the given scopes, and the global
    commands (`everywhere`) of every screen."""
    return [
        item
        for item in KEY_ACTIONS
        if (item.bound or item.palette) and item.keyword and (item.scope in scopes or item.everywhere)
    ]
