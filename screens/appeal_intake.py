"""诉求登记: channel, category, description, for a business or a person not yet registered.

A duplicate (same business, same category, still open) is not created: the dialog offers the existing one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from storage.audit import Actor
from workbench.services.gateway.service_desk import Intake as IntakeResult
from workbench.services.service_common import ServiceSettings

__all__ = ["AppealIntakeDialog", "DuplicateDialog", "IntakeResult"]


class AppealIntakeDialog(ServiceDialog):
    """Dismisses with an IntakeResult, or None when nothing was saved."""

    TITLE_TEXT = "登记诉求"

    def __init__(
        self,
        settings: ServiceSettings,
        today: date,
        *,
        business_uuid: str | None = None,
        business_name: str = "",
        officers: list[tuple[str, int]] | None = None,
    ) -> None:
        lists = settings.lists
        categories = tuple(
            (f"{name}（{days}个工作日）", name) for name, days in lists.appeal_categories.items()
        )
        fields: list[DialogField] = []
        if business_uuid is None:
            fields += [
                DialogField("person_name", "诉求人", placeholder="尚未登记的个人或单位名称"),
                DialogField("person_phone", "联系电话"),
            ]
        fields += [
            DialogField(
                "channel",
                "来源渠道",
                tuple((name, name) for name in lists.appeal_channels),
                default=lists.appeal_channels[0],
            ),
            DialogField("category", "诉求类别", categories, default=next(iter(lists.appeal_categories))),
            DialogField("description", "诉求内容", placeholder="企业或群众反映的问题"),
            DialogField("received_on", "受理日期", default=today.isoformat()),
            DialogField("officer_id", "承办干部", tuple(officers or ()), blank=True),
        ]
        context = f"「{business_name}」" if business_uuid else "诉求人尚未登记为市场主体"
        super().__init__(f"{context}    期限按类别的工作日数计算（含法定节假日与调休）", tuple(fields))
        self.business_uuid = business_uuid
        self.settings = settings
        self.today = today

    def write(self, actor: Actor, values: DialogValues) -> Any:
        data = {**values, "business_uuid": self.business_uuid}
        return self.workbench.gateway.service.open_appeal(actor, data, settings=self.settings, today=self.today)


class DuplicateDialog(ModalScreen[bool]):
    """「打开已有诉求」 or go back; Enter opens the existing one."""

    BINDINGS = [Binding("escape", "answer(False)", "返回", id="duplicate.back")]

    def __init__(self, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("已有同类未办结的诉求", classes="dialog-title")
            yield Static(self.message, classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("打开已有诉求", id="open-existing", variant="primary")
                yield Button("返回", id="back")

    def on_mount(self) -> None:
        self.query_one("#open-existing", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "open-existing")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
