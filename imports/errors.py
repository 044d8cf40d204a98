"""Errors a person meets when a file cannot be imported: what the file is and what to do."""

from __future__ import annotations

from workbench.services.errors import WorkbenchError


class UnreadableFile(WorkbenchError):
    """The file is not a table Workbench can read; the message says what it is and how to fix it."""

    title = "无法读取这个文件"


class NoHeaderFound(WorkbenchError):
    """No row near the top looks like a header; the message names the sheet that was searched."""

    title = "找不到表头"
