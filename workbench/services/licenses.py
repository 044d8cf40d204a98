"""许可证 by hand: add a licence to a business, renew it (换证), cancel it (注销); never delete one.

A renewal is a new licence whose renews_uuid names the old one; the old one becomes 已换证 with closed_on,
so its history stays and only the new one is reminded of. A cancelled licence keeps its row as 已注销.
Every write is versioned and in the change log (entity "license"). The caller commits.

Rules the form checks, each refused with one Chinese sentence under its field:
- 种类 from the office's list (service.toml license_kinds); a renewal may keep an old kind no longer listed.
- 编号 is required for every kind: every certificate in the list carries one, and without it a second
  entry of the same certificate could not be told from a new one.
- 发证日期 is required and not in the future; 有效期至 after it (empty means 长期有效); see
  workbench.domain.licenses.license_date_errors.
- A business may not hold two licences in force of the same kind and number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.tables import Business, License
from workbench.domain.labels import LicenseStatus
from workbench.domain.licenses import license_date_errors, normalise_license_number
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.register import get_business
from workbench.services.service_common import FieldReader

SCOPE_MAX = 500
PLACE_MAX = 300
NUMBER_MAX = 64


@dataclass(frozen=True)
class LicenseLine:
    """One licence as the 许可证 tab and the renewal form show it."""

    uuid: str
    version: int
    kind: str
    number: str
    issued_on: date | None
    expires_on: date | None
    status: str = LicenseStatus.VALID
    scope: str = ""
    place: str = ""
    renews_uuid: str | None = None
    closed_on: date | None = None
    business_uuid: str = ""
    business_name: str = ""
    business_address: str = ""

    @property
    def in_force(self) -> bool:
        return self.status == LicenseStatus.VALID


def business_licenses(session: Session, business_id: int | None) -> list[LicenseLine]:
    """A business's licences: those in force first (soonest expiry first), then the closed ones, latest
    closed first, so the tab opens on what still needs minding."""
    rows = session.exec(
        select(License).where(col(License.business_id) == business_id, col(License.deleted_at).is_(None))
    )
    lines = [_line(row) for row in rows]
    in_force = sorted((line for line in lines if line.in_force), key=lambda line: (line.expires_on or date.max,))
    closed = sorted((line for line in lines if not line.in_force), key=lambda line: line.closed_on or date.min,
                    reverse=True)  # fmt: skip
    return in_force + closed


def license_line(session: Session, *, actor: Actor, license_uuid: str) -> LicenseLine:
    """One licence of the actor's office with its business's name (the renewal form from the to-do)."""
    row, business = _get(session, actor, license_uuid)
    return _line(row, business)


def add_license(
    session: Session, *, actor: Actor, business_uuid: str, data: dict[str, Any], kinds: tuple[str, ...],
    today: date,
) -> License:  # fmt: skip
    """A licence in force for the business. data: kind, number, issued_on, expires_on, scope, place."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    assert business.id is not None
    values = _checked(session, business.id, data, kinds, today)
    return _insert(session, actor, business, values)


def renew_license(
    session: Session, *, actor: Actor, license_uuid: str, base_version: int, data: dict[str, Any],
    kinds: tuple[str, ...], today: date,
) -> License:  # fmt: skip
    """换证: the new licence (renews_uuid = the old one's) and the old one closed as 已换证 on the new one's
    issue day. The new one must be issued after the old one was."""
    old, business = _get(session, actor, license_uuid)
    _refuse_closed(old, "换证")
    if old.kind not in kinds:
        kinds = (*kinds, old.kind)  # an old kind since dropped from the list: its renewal keeps it
    # The old one stops counting first: a renewal that keeps its number is not a duplicate of it.
    assert business.id is not None and old.id is not None
    values = _checked(session, business.id, data, kinds, today, renewing=old)
    at = utc_now()
    closing = {"status": LicenseStatus.RENEWED, "closed_on": values["issued_on"]}
    _close(session, actor, old, base_version, closing, at)
    values["renews_uuid"] = old.uuid
    return _insert(session, actor, business, values)


def cancel_license(
    session: Session, *, actor: Actor, license_uuid: str, base_version: int, today: date
) -> License:
    """注销: the licence is closed as 已注销 today; its row and history stay."""
    row, _business = _get(session, actor, license_uuid)
    _refuse_closed(row, "注销")
    _close(session, actor, row, base_version, {"status": LicenseStatus.CANCELLED, "closed_on": today}, utc_now())
    session.expire(row)
    return row


# checks


def _checked(
    session: Session, business_id: int, data: dict[str, Any], kinds: tuple[str, ...], today: date,
    renewing: License | None = None,
) -> dict[str, Any]:  # fmt: skip
    reader = FieldReader(data)
    kind = reader.choice("kind", "许可证种类", kinds)
    number = normalise_license_number(data.get("number"))
    if not number:
        reader.errors["number"] = "请填写许可证编号（证上印的编号）"
    elif len(number) > NUMBER_MAX:
        reader.errors["number"] = f"许可证编号最多 {NUMBER_MAX} 个字符（现有 {len(number)} 个），请核对"
    issued_on = reader.day("issued_on", "发证日期", required=True)
    expires_on = reader.day("expires_on", "有效期至")
    scope = reader.text("scope", "许可项目", max_length=SCOPE_MAX)
    place = reader.text("place", "经营场所", max_length=PLACE_MAX)
    for name, message in license_date_errors(issued_on, expires_on, today).items():
        reader.errors.setdefault(name, message)
    if renewing is not None and issued_on and renewing.issued_on and issued_on <= renewing.issued_on:
        reader.errors.setdefault(
            "issued_on", f"新证的发证日期应晚于原证的发证日期「{renewing.issued_on}」，请核对"
        )
    if kind and number and "number" not in reader.errors:
        twin = _twin_in_force(session, business_id, kind, number, renewing)
        if twin is not None:
            reader.errors["number"] = (
                f"该户已有编号为「{number}」的{kind}（有效期至 {twin.expires_on or '长期'}），不能重复登记；"
                "换发新证请在原证上办理换证"
            )
    reader.done()
    return {"kind": kind, "number": number, "issued_on": issued_on, "expires_on": expires_on,
            "scope": scope, "place": place}  # fmt: skip


def _twin_in_force(
    session: Session, business_id: int, kind: str, number: str, renewing: License | None
) -> License | None:
    query = select(License).where(
        col(License.business_id) == business_id,
        col(License.kind) == kind,
        col(License.number) == number,
        col(License.status) == LicenseStatus.VALID,
        col(License.deleted_at).is_(None),
    )
    if renewing is not None:
        query = query.where(col(License.id) != renewing.id)
    return session.exec(query).first()


def _refuse_closed(row: License, doing: str) -> None:
    if row.status == LicenseStatus.RENEWED:
        raise ValidationFailed(
            {"license": f"这张{row.kind}已于 {row.closed_on} 换证，不能再{doing}；请对换发的新证办理"}
        )
    if row.status == LicenseStatus.CANCELLED:
        raise ValidationFailed({"license": f"这张{row.kind}已于 {row.closed_on} 注销，不能再{doing}"})


# reading and writing


def _get(session: Session, actor: Actor, license_uuid: str) -> tuple[License, Business]:
    found = session.exec(
        select(License, Business)
        .join(Business, col(Business.id) == col(License.business_id))
        .where(
            col(License.uuid) == license_uuid,
            col(Business.office_id) == actor.office_id,
            col(License.deleted_at).is_(None),
            col(Business.deleted_at).is_(None),
        )
    ).first()
    if found is None:
        raise NotFound("这张许可证不存在或已被删除（或不属于本所的市场主体）")
    return found


def _insert(session: Session, actor: Actor, business: Business, values: dict[str, Any]) -> License:
    at = utc_now()
    assert business.id is not None
    row = License(office_id=business.office_id, business_id=business.id, **values, **stamp_values(actor, at))
    session.add(row)
    session.flush()
    changes: dict[str, tuple[Any, Any]] = {"status": (None, LicenseStatus.VALID)}
    changes |= {field: (None, value) for field, value in values.items() if value not in (None, "")}
    log_changes(session, actor, "license", row.uuid, "create", changes, at)
    return row


def _close(
    session: Session, actor: Actor, row: License, base_version: int, values: dict[str, Any], at: Any
) -> None:
    assert row.id is not None
    changes = {field: (getattr(row, field), value) for field, value in values.items()}
    try:
        guarded_update(session, License, row.id, base_version, {**values, "updated_at": at}, actor)
    except VersionConflict:
        session.refresh(row)
        raise SaveConflict(
            f"这张{row.kind}已被{row.updated_by or '其他终端'}修改，请刷新后再办理", {}, row.version
        ) from None
    log_changes(session, actor, "license", row.uuid, "update", changes, at)


def _line(row: License, business: Business | None = None) -> LicenseLine:
    return LicenseLine(
        row.uuid, row.version, row.kind, row.number, row.issued_on, row.expires_on, row.status, row.scope,
        row.place, row.renews_uuid, row.closed_on, business.uuid if business else "",
        business.name if business else "", business.address if business else "",
    )  # fmt: skip
