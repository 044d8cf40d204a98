"""办完 of a visit's follow-up from 今日待办: one line of 办理情况, then it is done today."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.widgets import Input

from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from storage.audit import Actor
from workbench.services.reminders import TodoItem


class FollowUpDoneDialog(ServiceDialog):
    """Dismisses with how many follow-ups were marked done (those of the visit due that day), or None."""

    TITLE_TEXT = "走访跟进办完"
    FIELDS = (DialogField("note", "办理情况", placeholder="做了什么、结果如何（必填，Enter 保存）"),)

    def __init__(self, item: TodoItem, today: date) -> None:
        super().__init__(item.text)
        self.item = item
        self.today = today

    @on(Input.Submitted)
    def _submitted(self) -> None:
        # One line to fill in: Enter saves it, as Ctrl+S does.
        self.action_save()

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.service.finish_follow_up(
            actor, self.item, self.today, str(values.get("note") or "")
        )
