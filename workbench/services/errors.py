"""Typed errors with a Chinese title and message: the UI shows them in a dialog, the CLI prints them."""

from __future__ import annotations


class WorkbenchError(Exception):
    """An error a person can act on."""

    title = "操作未完成"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(WorkbenchError):
    title = "找不到记录"


class ValidationFailed(WorkbenchError):
    """Field -> Chinese message for every field that is wrong."""

    title = "请检查填写的内容"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


class DuplicateCode(ValidationFailed):
    title = "信用代码重复"


class SaveConflict(WorkbenchError):
    """Another terminal saved the same record first: `theirs` holds field -> their saved value."""

    title = "记录已被他人修改"

    def __init__(self, message: str, theirs: dict[str, object], current_version: int) -> None:
        super().__init__(message)
        self.theirs = theirs
        self.current_version = current_version


class PossibleDuplicate(WorkbenchError):
    """A new business looks like one already registered (same name and address): a warning the person may
    confirm past (the save is repeated with the warning acknowledged), not a refusal."""

    title = "可能重复登记"
