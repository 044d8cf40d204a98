"""Record a 帮扶 from the business detail in a few keys: the type last used and today are already filled in."""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from textual.app import App

from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from storage.audit import Actor
from workbench.domain.service_lists import DEFAULT_LISTS, FIRST_LOAN

LAST_KIND: WeakKeyDictionary[App[Any], str] = WeakKeyDictionary()
"""The support type this app last saved: staff record runs of the same kind (a training, a loan campaign)."""


class SupportDialog(ServiceDialog):
    """Dismisses with the new record's uuid, or None."""

    TITLE_TEXT = "记录帮扶"

    def __init__(
        self,
        business_uuid: str,
        business_name: str,
        *,
        kind: str | None,
        today: str,
        officers: list[tuple[str, int]],
        officer_id: int | None,
        support_types: tuple[str, ...] = DEFAULT_LISTS.support_types,
    ) -> None:
        fields = (
            DialogField(
                "kind",
                "帮扶类型",
                tuple((name, name) for name in support_types),
                default=kind if kind in support_types else support_types[0],
            ),
            DialogField("given_on", "日期", default=today, placeholder="如 2025-06-01"),
            DialogField("officer_id", "经办干部", tuple(officers), default=officer_id, blank=True),
            DialogField("amount_yuan", "金额", placeholder="元，如 500000 或 50万（贷款、补贴时填）"),
            DialogField("partner", "合作机构", placeholder="银行、协会等；首贷填放款银行"),
            DialogField("basis", "政策依据", placeholder="如 小微企业首贷培育工作方案"),
            DialogField("content", "帮扶内容"),
            DialogField("outcome", "成效"),
        )
        hint = f"「{business_name}」    类型选「{FIRST_LOAN}」时，保存后标记为首贷户（日期、银行取自本条）"
        super().__init__(hint, fields)
        self.business_uuid = business_uuid

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.service.record_support(actor, self.business_uuid, values)

    def saved(self, result: Any) -> None:
        kind = self.read().get("kind")
        if kind:
            LAST_KIND[self.app] = str(kind)


def last_kind(app: App[Any]) -> str | None:
    return LAST_KIND.get(app)
