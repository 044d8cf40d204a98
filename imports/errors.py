"""Errors a person meets when a file cannot be imported: what the file is and what to do."""

from __future__ import annotations

from workbench.services.errors import WorkbenchError


class UnreadableFile(WorkbenchError):
    """The file is not a table Workbench can read; the message says what it is and how to fix it."""

    title = "无法读取这个文件"


class NoHeaderFound(WorkbenchError):
    """No row near the top looks like a header; the message names the sheet that was searched."""

    title = "找不到表头"


class ImportCancelled(WorkbenchError):
    """The person stopped the dry run or the commit; nothing was written."""

    title = "导入已取消"

    def __init__(self, message: str = "导入已取消，数据库没有任何改动") -> None:
        super().__init__(message)


class ImportConflict(WorkbenchError):
    """Rows changed in the register after the dry run (or codes taken meanwhile): nothing was written.

    `conflicts` holds one Chinese sentence per row; the person runs the dry run again and reviews.
    """

    title = "导入期间数据已被修改"

    def __init__(self, conflicts: list[str]) -> None:
        shown = "；".join(conflicts[:5]) + (f"；等共 {len(conflicts)} 行" if len(conflicts) > 5 else "")
        super().__init__(
            f"预览之后，登记簿中有数据被他人修改，为避免覆盖，本次导入未写入任何内容。{shown}。"
            "请重新预览后再导入。"
        )
        self.conflicts = conflicts


class PlanNotCommittable(WorkbenchError):
    """The plan cannot be committed as it stands (another office's actor, rows awaiting confirmation ...)."""

    title = "无法导入"
