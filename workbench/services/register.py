"""The register: create, edit and tombstone businesses; every change goes to the change log."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.search import search_fields
from storage.tables import Business, Grid, Officer
from workbench.domain.business_fields import EDITABLE_FIELDS, SEARCH_SOURCES, STATUS_DATE_FIELDS
from workbench.services.business_validation import validate_business
from workbench.services.errors import (
    DuplicateCode,
    NotFound,
    PossibleDuplicate,
    SaveConflict,
    ValidationFailed,
)


def create_business(
    *, session: Session, actor: Actor, data: dict[str, Any], by_hand: bool = False, same_as_confirmed: bool = False
) -> Business:
    """Validate and insert a business, logging every given field; the caller commits. The fields it takes
    and their defaults are workbench.domain.business_fields.BUSINESS_ROW's.

    `by_hand` (the form): the kind's required fields are asked for, and a business with the same name and
    address as one already registered raises PossibleDuplicate unless `same_as_confirmed`."""
    clean = _validated(
        {"name": None} | {field: value for field, value in data.items() if field in EDITABLE_FIELDS},
        new_by_hand=by_hand,
    )
    _refuse_foreign_assignment(session, actor, clean)
    _refuse_duplicate_code(session, clean.get("uscc"), None, actor.office_id)
    if by_hand and not same_as_confirmed:
        _warn_same_name_and_address(session, actor.office_id, clean)
    at = utc_now()
    business = Business(office_id=actor.office_id, **clean, **stamp_values(actor, at))
    business.sqlmodel_update(search_fields(business.name, business.operator, business.address))
    session.add(business)
    session.flush()
    changes = {field: (None, value) for field, value in clean.items() if value not in (None, "", False)}
    log_changes(session, actor, "business", business.uuid, "create", changes, at)
    return business


def update_business(
    *,
    session: Session,
    actor: Actor,
    business_uuid: str,
    base_version: int,
    changes: dict[str, Any],
) -> Business:
    """Apply the changed fields if nobody saved since base_version; otherwise raise SaveConflict."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    clean = _validated({field: value for field, value in changes.items() if field in EDITABLE_FIELDS})
    _date_the_status_change(business, clean)
    diff = {
        field: (getattr(business, field), value)
        for field, value in clean.items()
        if getattr(business, field) != value
    }
    if not diff:
        return business
    _refuse_foreign_assignment(session, actor, {field: new for field, (_old, new) in diff.items()})
    if "uscc" in diff:
        _refuse_duplicate_code(session, clean["uscc"], business.id, actor.office_id)
    values = {field: new for field, (_old, new) in diff.items()}
    if any(field in diff for field in SEARCH_SOURCES):
        merged = {field: values.get(field, getattr(business, field)) for field in SEARCH_SOURCES}
        values.update(search_fields(merged["name"], merged["operator"], merged["address"]))
    at = utc_now()
    assert business.id is not None
    try:
        guarded_update(session, Business, business.id, base_version, {**values, "updated_at": at}, actor)
    except VersionConflict:
        session.expire(business)
        raise _conflict(business, base_version) from None
    log_changes(session, actor, "business", business.uuid, "update", diff, at)
    session.expire(business)
    return business


def _date_the_status_change(business: Business, clean: dict[str, Any]) -> None:
    """A new 注销 / 吊销 / 撤销 / 迁出 status carries its day in its date column (STATUS_DATE_FIELDS): the date
    the person gave with it, else today. Saved with the status, in the same row version and change log, so
    the monthly report counts the exit in the month it happened."""
    status = clean.get("status")
    field = STATUS_DATE_FIELDS.get(status) if status is not None and status != business.status else None
    if field is not None and clean.get(field) is None:
        clean[field] = date.today()


def delete_business(*, session: Session, actor: Actor, business_uuid: str, base_version: int) -> None:
    """Tombstone: the row stays, marked deleted, so other machines learn of the delete."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    assert business.id is not None
    at = utc_now()
    try:
        guarded_update(
            session, Business, business.id, base_version, {"deleted_at": at, "updated_at": at}, actor
        )
    except VersionConflict:
        session.expire(business)
        raise _conflict(business, base_version) from None
    log_changes(session, actor, "business", business.uuid, "delete", {}, at)


def get_business(*, session: Session, actor: Actor, business_uuid: str) -> Business:
    """A live business of the actor's office, or NotFound (another office's rows are invisible)."""
    business = session.exec(
        select(Business).where(
            col(Business.uuid) == business_uuid,
            col(Business.office_id) == actor.office_id,
            col(Business.deleted_at).is_(None),
        )
    ).first()
    if business is None:
        raise NotFound("该市场主体不存在或已被删除")
    return business


def _validated(values: dict[str, Any], *, new_by_hand: bool = False) -> dict[str, Any]:
    clean, errors = validate_business(values, new_by_hand=new_by_hand)
    if errors:
        raise ValidationFailed(errors)
    return clean


def _refuse_foreign_assignment(session: Session, actor: Actor, values: dict[str, Any]) -> None:
    """A business may only be put in a grid, or with an officer, of its own office."""
    errors: dict[str, str] = {}
    for field, model, what in (("grid_id", Grid, "网格"), ("officer_id", Officer, "包联干部")):
        row_id = values.get(field)
        if row_id is None:
            continue
        row: Any = session.get(model, row_id)
        if row is None or row.office_id != actor.office_id or row.deleted_at is not None:
            errors[field] = f"所选{what}不属于本所，请重新选择"
    if errors:
        raise ValidationFailed(errors)


def _refuse_duplicate_code(session: Session, uscc: str | None, own_id: int | None, office_id: int) -> None:
    if not uscc:
        return
    holder = session.exec(
        select(Business).where(col(Business.uscc) == uscc, col(Business.deleted_at).is_(None))
    ).first()
    if holder is None or holder.id == own_id:
        return
    whose = f"「{holder.name}」" if holder.office_id == office_id else "其他所的一户市场主体"
    raise DuplicateCode({"uscc": f"统一社会信用代码 {uscc} 已登记在{whose}名下，不能重复使用"})


def _warn_same_name_and_address(session: Session, office_id: int, clean: dict[str, Any]) -> None:
    """A live business of the office with this name at this address (spaces aside: 五马街 12 号 is 五马街12号)."""
    address = _without_spaces(clean.get("address"))
    if not address:
        return
    namesakes = session.exec(
        select(Business).where(
            col(Business.office_id) == office_id,
            col(Business.name) == clean.get("name"),
            col(Business.deleted_at).is_(None),
        )
    ).all()
    first = next((business for business in namesakes if _without_spaces(business.address) == address), None)
    if first is not None:
        code = first.uscc or first.reg_no
        which = f"统一社会信用代码 {first.uscc}" if first.uscc else (f"注册号 {code}" if code else "未填信用代码")
        raise PossibleDuplicate(f"名称和地址与「{first.name}」（{which}）相同，请确认不是重复登记")


def _without_spaces(text: Any) -> str:
    return "".join(str(text or "").split())


def _conflict(business: Business, base_version: int) -> SaveConflict:
    """Carries every current value, so the screen can show all that the other person changed."""
    theirs = {field: getattr(business, field) for field in EDITABLE_FIELDS}
    who = business.updated_by or "其他终端"
    message = (
        f"「{business.name}」已被{who}在您打开之后修改并保存（您的版本 {base_version}，"
        f"当前版本 {business.version}）。请查看对方的修改后再决定是否覆盖。"
    )
    return SaveConflict(message, theirs, business.version)
