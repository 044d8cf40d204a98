"""The wizard's five steps: their titles, which keys each uses, what gets the focus; where profiles live."""

from __future__ import annotations

from pathlib import Path

from workbench.services.settings import OfficeSettings

TITLES = {
    "file": "选择文件",
    "mapping": "工作表和列",
    "mode": "导入方式",
    "review": "试导入",
    "result": "导入",
}
STEPS = tuple(TITLES)
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "file": (),
    "mapping": ("next", "save_profile"),
    "mode": ("next",),
    "review": ("next", "save_errors", "show_tab"),
    "result": ("next",),
}
"""The wizard's keys that mean something on each step (Esc always does); the others are hidden there."""
MISSING_COLUMNS = "缺少必需的列（名称，以及统一社会信用代码或注册号），请先在列对应中指定。"
FOCUS = {"file": "#import-tree", "mapping": "#import-columns", "mode": "#import-mode"}


def step_title(step: str, list_title: str = "登记名录") -> str:
    """「导入登记名录  第 2 步（共 5 步）：工作表和列」; a 经营数据 list skips step 3 (it has no choices)."""
    return f"导入{list_title}  第 {STEPS.index(step) + 1} 步（共 {len(STEPS)} 步）：{TITLES[step]}"


def profile_folder() -> Path:
    """Where named column mappings are kept by default: the user's settings' folder (the wizard asks the
    app's settings object; this is for callers without an app)."""
    return OfficeSettings.of_this_user().import_profiles
