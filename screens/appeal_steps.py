"""One step of an appeal in a small dialog: 分派, 办理记录, 答复, 办结, 回访, 重新办理."""

from __future__ import annotations

from datetime import date
from typing import Any

from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from storage.audit import Actor
from workbench.domain import appeal_states as states
from workbench.services.gateway.service_desk import AppealStep
from workbench.services.service_common import ServiceSettings


def step_fields(
    action: str, settings: ServiceSettings, officers: list[tuple[str, int]], officer_id: int | None
) -> tuple[DialogField, ...]:
    """The fields each action asks for; every action can carry a note."""
    if action == states.ASSIGN:
        return (
            DialogField("officer_id", "承办干部", tuple(officers), default=officer_id),
            DialogField("note", "说明", placeholder="可不填"),
        )
    if action == states.REPLY:
        return (DialogField("reply", "答复内容", placeholder="答复诉求人的内容（办结前必须答复）"),)
    if action == states.FOLLOW_UP:
        levels = settings.lists.satisfaction_levels
        return (
            DialogField(
                "satisfaction", "满意度", tuple((level, level) for level in levels), default=levels[0]
            ),
            DialogField("note", "回访情况", placeholder="可不填"),
        )
    if action == states.REOPEN:
        return (DialogField("reason", "重新办理原因"),)
    if action == states.CLOSE:
        return (DialogField("note", "办结说明", placeholder="可不填"),)
    return (DialogField("note", "办理记录"),)


class AppealStepDialog(ServiceDialog):
    """Dismisses with the appeal's uuid once the step is saved, or None."""

    def __init__(
        self,
        action: str,
        *,
        appeal_uuid: str,
        base_version: int,
        context: str,
        today: date,
        settings: ServiceSettings,
        officers: list[tuple[str, int]],
        officer_id: int | None,
    ) -> None:
        super().__init__(context, step_fields(action, settings, officers, officer_id))
        self.TITLE_TEXT = f"诉求{states.ACTION_LABELS[action]}"
        self.action = action
        self.appeal_uuid = appeal_uuid
        self.base_version = base_version
        self.today = today
        self.settings = settings

    def write(self, actor: Actor, values: DialogValues) -> Any:
        step = AppealStep(
            self.action,
            self.appeal_uuid,
            self.base_version,
            self.today,
            note=str(values.get("note") or ""),
            officer_id=values.get("officer_id"),
            reply=str(values.get("reply") or ""),
            satisfaction=str(values.get("satisfaction") or ""),
            reason=str(values.get("reason") or ""),
        )
        return self.workbench.gateway.service.appeal_step(actor, step, self.settings)
