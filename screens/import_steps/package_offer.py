"""The file picked in the import wizard is a sync package (issue 19), told by its manifest sheet: rather than
map its columns as a list's, the wizard says what it is and offers the action that takes it in.

- 回传包 (a laptop's work coming back): 导入回传包 at the office (dry run first, then one commit).
- 外业包 on the laptop it was made for: 导入外业包 (refreshes this database; unsent work is kept).
- 外业包 at the office: one edited by hand in Excel or WPS and brought back; its changes are imported as a
  回传包's are (the same dry run, conflict rules and row-level errors).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from screens.widgets.dialogs import ConfirmDialog

if TYPE_CHECKING:
    from screens.import_wizard import ImportWizardScreen


def package_question(name: str, kind: str, laptop: str | None) -> tuple[str, str, str]:
    """(question, the action's button, what it runs: "apply" or "in") for a package of `kind`."""
    if kind == "return":
        return (f"「{name}」是回传包（笔记本交回的外业工作），不是登记名录。\n"
                "要导入这个回传包吗？先预览将要做的改动，确认后一次写入。", "导入回传包", "apply")
    locked = "（已用密码加密）" if kind == "encrypted" else ""
    if laptop is not None:
        return (f"「{name}」是外业包{locked}，不是登记名录。\n"
                f"要用它更新本机（{laptop}）的工作库吗？本机尚未回传的修改会保留。", "导入外业包", "in")
    return (f"「{name}」是外业包{locked}（所里发往笔记本的），不是登记名录。\n"
            "如果它是在 Excel 或 WPS 里手工改过、交回所里的，可以导入其中的改动：先预览，确认后一次写入。",
            "导入其中的改动", "apply")


def offer_package_action(wizard: ImportWizardScreen, path: Path, kind: str, laptop: str | None) -> None:
    question, yes, action = package_question(path.name, kind, laptop)

    def answered(go: bool | None) -> None:
        if not go:
            return  # back to the file step: the person picks another file
        from screens import sync_entries

        app = wizard.workbench
        wizard.dismiss(wizard.written)
        if action == "in":
            sync_entries.receive_package(app, path)
        else:
            sync_entries.apply_package(app, path)

    wizard.app.push_screen(ConfirmDialog(question, yes, "返回"), answered)
