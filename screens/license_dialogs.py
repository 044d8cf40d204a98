"""许可证 dialogs: add a licence, renew one (换证, the form opened on the old one), cancel one (注销).

The 许可证 tab of the business detail and the to-do's 已换证 key open them; each saves with one call of the
gateway's licence desk. The kinds are the office's list (service.toml license_kinds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from screens.service_dialog import DialogField, DialogValues, ServiceDialog, settings_of
from screens.widgets.dialogs import ConfirmDialog
from storage.audit import Actor
from workbench.services.licenses import LicenseLine

if TYPE_CHECKING:
    from screens.app import WorkbenchApp

NUMBER_HINT = "证上印的编号，如 JY13303020012345"
ISSUED_HINT = "如 2026-05-01"
EXPIRES_HINT = "如 2031-04-30；长期有效的不填"
SCOPE_HINT = "如 预包装食品销售、热食类食品制售"


def _fields(kinds: tuple[str, ...], *, kind: str, number: str, scope: str, place: str) -> tuple[DialogField, ...]:
    return (
        DialogField("kind", "种类", tuple((name, name) for name in kinds), default=kind),
        DialogField("number", "编号", default=number, placeholder=NUMBER_HINT),
        DialogField("issued_on", "发证日期", placeholder=ISSUED_HINT),
        DialogField("expires_on", "有效期至", placeholder=EXPIRES_HINT),
        DialogField("scope", "许可项目", default=scope, placeholder=SCOPE_HINT),
        DialogField("place", "经营场所", default=place),
    )


class LicenseDialog(ServiceDialog):
    """登记许可证 for one business; dismisses with the new licence's uuid, or None."""

    TITLE_TEXT = "登记许可证"

    def __init__(self, business_uuid: str, business_name: str, *, address: str, kinds: tuple[str, ...]) -> None:
        context = f"「{business_name}」    经营场所先按登记住所填好，证上不同时请改"
        super().__init__(context, _fields(kinds, kind=kinds[0] if kinds else "", number="", scope="", place=address))
        self.business_uuid = business_uuid
        self.kinds = kinds

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.licenses.add(
            actor, self.business_uuid, values, kinds=self.kinds, today=self.workbench.today()
        )


class RenewalDialog(ServiceDialog):
    """换证: the new licence, opened on the old one's kind, number, 许可项目 and 经营场所 (the registered address
    when the old one has none); the number may change on the new certificate. Dismisses with the new
    licence's uuid, or None."""

    TITLE_TEXT = "换证：录入换发的新证"

    def __init__(self, old: LicenseLine, *, kinds: tuple[str, ...]) -> None:
        kinds = kinds if old.kind in kinds else (old.kind, *kinds)
        until = f"有效期至 {old.expires_on}" if old.expires_on else "长期有效"
        who = f"「{old.business_name}」的" if old.business_name else ""
        context = f"原证：{who}{old.kind} {old.number}（{until}）。保存后原证记为已换证，不再提醒到期"
        super().__init__(context, _fields(kinds, kind=old.kind, number=old.number, scope=old.scope,
                                         place=old.place or old.business_address))
        self.old = old
        self.kinds = kinds

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.licenses.renew(
            actor, self.old, values, kinds=self.kinds, today=self.workbench.today()
        )



def add_license(app: WorkbenchApp, business_uuid: str, business_name: str, address: str) -> None:
    def saved(result: Any) -> None:
        if result:
            app.notify(f"已为「{business_name}」登记许可证")

    kinds = settings_of(app).lists.license_kinds
    app.push_screen(LicenseDialog(business_uuid, business_name, address=address, kinds=kinds), saved)


def renew_license(app: WorkbenchApp, old: LicenseLine) -> None:
    def saved(result: Any) -> None:
        if result:
            app.notify(f"已登记换发的新证；原证 {old.kind} {old.number} 记为已换证，不再提醒")

    app.push_screen(RenewalDialog(old, kinds=settings_of(app).lists.license_kinds), saved)


def confirm_cancel(app: WorkbenchApp, line: LicenseLine, cancel: Any) -> None:
    """Ask before 注销; `cancel(line)` does it when the answer is yes."""
    question = (
        f"注销{line.kind} {line.number}？\n注销后不再提醒到期；记录保留，显示为已注销，不能撤回。"
    )

    def answered(yes: bool | None) -> None:
        if yes:
            cancel(line)

    app.push_screen(ConfirmDialog(question, "注销", "不注销", confirms_write=True), answered)
