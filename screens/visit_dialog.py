"""Record a 走访 fast: the finding, notes, what changed at the door (phone, address, employees), a follow-up.

The phone, address and employee lines start with what is on record; only lines the officer changes are sent
as observed changes, and the service applies them through the normal business edit (so the change log shows).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from storage.audit import Actor
from workbench.domain.service_lists import VISIT_OBSERVABLE_FIELDS
from workbench.services.service_common import ServiceSettings

FOLLOW_UP_FIELDS = ("follow_up_action", "follow_up_due")


class VisitDialog(ServiceDialog):
    """Dismisses with the new visit's uuid, or None."""

    TITLE_TEXT = "记录走访"

    def __init__(
        self,
        business_uuid: str,
        business_name: str,
        *,
        business_version: int | None,
        on_record: dict[str, Any],
        today: date,
        officer_name: str,
        officer_id: int | None,
        settings: ServiceSettings,
    ) -> None:
        findings = settings.lists.visit_findings
        self.on_record = {field: _text(on_record.get(field)) for field in VISIT_OBSERVABLE_FIELDS}
        fields = (
            DialogField("finding", "走访结果", tuple((name, name) for name in findings), default=findings[0]),
            DialogField("notes", "情况记录", placeholder="看到的情况、经营者反映的问题"),
            DialogField("visited_on", "走访日期", default=today.isoformat()),
            DialogField("officers_present", "在场干部", default=officer_name, placeholder="多人用、分开"),
            DialogField("purpose", "走访目的", default="日常走访"),
            *(
                DialogField(field, f"{label}", default=self.on_record[field], placeholder="与登记不同时改写")
                for field, label in VISIT_OBSERVABLE_FIELDS.items()
            ),
            DialogField("follow_up_action", "跟进事项", placeholder="需要回头办的事，可不填"),
            DialogField("follow_up_due", "跟进期限", placeholder=f"如 {today + timedelta(days=14)}"),
        )
        super().__init__(f"「{business_name}」    联系电话等三项改写后，保存时一并更新主体信息", fields)
        self.business_uuid = business_uuid
        self.business_version = business_version
        self.settings = settings
        self.officer_id = officer_id

    def write(self, actor: Actor, values: DialogValues) -> Any:
        observed = {
            field: values[field]
            for field in VISIT_OBSERVABLE_FIELDS
            if values[field] and values[field] != self.on_record[field]
        }
        data = {
            key: value
            for key, value in values.items()
            if key not in VISIT_OBSERVABLE_FIELDS and key not in FOLLOW_UP_FIELDS
        }
        data["officer_id"] = self.officer_id
        if values["follow_up_action"] or values["follow_up_due"]:
            data["follow_ups"] = [{"action": values["follow_up_action"], "due_on": values["follow_up_due"]}]
        return self.workbench.gateway.service.record_visit(
            actor,
            self.business_uuid,
            data=data,
            observed=observed,
            base_version=self.business_version if observed else None,
            settings=self.settings,
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        """The service names a follow-up by its number; here there is one, under 跟进事项."""
        moved = {
            ("follow_up_action" if key.startswith("follow_ups.") else key): text
            for key, text in errors.items()
        }
        super().show_errors(moved)


def _text(value: Any) -> str:
    return "" if value is None else str(value)
