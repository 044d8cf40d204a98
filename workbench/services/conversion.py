"""个转企 events (docs/rules.md §4): 直接变更 keeps the business row, its code and 成立日期 and changes its kind
through the normal edit path; 注销+设立 marks the household deregistered and links the new enterprise.
Both are recorded as conversion rows that reports count by method."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from storage.audit import Actor, log_changes, stamp_values, utc_now
from storage.tables import Business
from storage.tables_distinctions import Conversion, PoolMembership
from workbench.domain.candidates import CONVERSION_METHOD_LABELS
from workbench.domain.labels import BusinessKind, BusinessStatus
from workbench.services.errors import ValidationFailed
from workbench.services.pools import leave_pool
from workbench.services.register import get_business, update_business

ENTERPRISE_KINDS = (BusinessKind.ENTERPRISE,)


@dataclass(frozen=True)
class ConversionRow:
    uuid: str
    method: str
    converted_on: date
    business_uuid: str
    business_name: str
    old_business_name: str | None
    old_uscc: str | None
    new_uscc: str | None
    old_kind: str
    new_kind: str


def convert_directly(
    *,
    session: Session,
    actor: Actor,
    business_uuid: str,
    base_version: int,
    converted_on: date,
    new_name: str | None = None,
    note: str = "",
) -> Conversion:
    """直接变更: same row, same code and 成立日期; kind (and name, if given) change through update_business."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    _refuse_not_household(business)
    old_kind, uscc = business.kind, business.uscc
    changes: dict[str, Any] = {"kind": BusinessKind.ENTERPRISE}
    if new_name and new_name.strip():
        changes["name"] = new_name.strip()
    update_business(
        session=session, actor=actor, business_uuid=business_uuid, base_version=base_version, changes=changes
    )
    assert business.id is not None
    conversion = _record(
        session, actor, business.id, None, "direct_change", converted_on, uscc, uscc, old_kind, note
    )
    _leave_conversion_pool(session, actor, business.id, converted_on, "direct_change")
    return conversion


def convert_by_new_establishment(
    *,
    session: Session,
    actor: Actor,
    old_business_uuid: str,
    old_base_version: int,
    new_business_uuid: str,
    converted_on: date,
    note: str = "",
) -> Conversion:
    """注销+设立: the household is marked 注销 (through update_business) and linked to the new enterprise."""
    old = get_business(session=session, actor=actor, business_uuid=old_business_uuid)
    new = get_business(session=session, actor=actor, business_uuid=new_business_uuid)
    _refuse_not_household(old)
    if new.kind not in ENTERPRISE_KINDS:
        raise ValidationFailed(
            {"new_business": f"新设主体「{new.name}」登记为个体工商户，请先把主体类型改为企业"}
        )
    if old.id == new.id:
        raise ValidationFailed({"new_business": "注销+设立须选择另一户新设企业；同一户请用「直接变更」"})
    old_kind = old.kind
    update_business(
        session=session,
        actor=actor,
        business_uuid=old_business_uuid,
        base_version=old_base_version,
        changes={"status": BusinessStatus.DEREGISTERED, "deregistered_on": converted_on},
    )
    assert old.id is not None and new.id is not None
    conversion = _record(
        session,
        actor,
        new.id,
        old.id,
        "deregister_and_establish",
        converted_on,
        old.uscc,
        new.uscc,
        old_kind,
        note,
        new_kind=new.kind,
    )
    _leave_conversion_pool(session, actor, old.id, converted_on, "deregister_and_establish")
    return conversion


def conversion_refusal(name: str, kind: str) -> str | None:
    """Why this business cannot be converted (only a household can), or None: the one wording, for the
    service's refusal and for the app, which says it before opening the dialog."""
    return f"「{name}」不是个体工商户，不能办理个转企" if kind != BusinessKind.HOUSEHOLD else None


def _refuse_not_household(business: Business) -> None:
    if refusal := conversion_refusal(business.name, business.kind):
        raise ValidationFailed({"kind": refusal})


def _record(
    session: Session,
    actor: Actor,
    business_id: int,
    old_business_id: int | None,
    method: str,
    converted_on: date,
    old_uscc: str | None,
    new_uscc: str | None,
    old_kind: str,
    note: str,
    new_kind: str = BusinessKind.ENTERPRISE,
) -> Conversion:
    at = utc_now()
    values: dict[str, Any] = {
        "business_id": business_id,
        "old_business_id": old_business_id,
        "method": method,
        "converted_on": converted_on,
        "old_uscc": old_uscc,
        "new_uscc": new_uscc,
        "old_kind": old_kind,
        "new_kind": new_kind,
        "note": note.strip()[:300],
    }
    conversion = Conversion(office_id=actor.office_id, **values, **stamp_values(actor, at))
    session.add(conversion)
    session.flush()
    log_changes(
        session,
        actor,
        "conversion",
        conversion.uuid,
        "create",
        {field: (None, value) for field, value in values.items() if value not in (None, "")},
        at,
    )
    return conversion


def _leave_conversion_pool(session: Session, actor: Actor, business_id: int, on: date, method: str) -> None:
    """A household that converted has done what the 个转企培育库 was for: its stay ends, with that reason."""
    current = session.exec(
        select(PoolMembership).where(
            col(PoolMembership.business_id) == business_id,
            col(PoolMembership.office_id) == actor.office_id,
            col(PoolMembership.pool) == "conversion",
            col(PoolMembership.left_on).is_(None),
            col(PoolMembership.deleted_at).is_(None),
        )
    ).first()
    if current is not None:
        leave_pool(
            session=session,
            actor=actor,
            membership_uuid=current.uuid,
            base_version=current.version,
            left_on=max(on, current.entered_on),
            reason=f"已完成个转企（{CONVERSION_METHOD_LABELS[method]}）",
        )


def conversions(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> list[ConversionRow]:
    """The office's 个转企 events in date order, optionally within [since, until]."""
    statement = (
        select(Conversion, Business)
        .join(Business, col(Business.id) == col(Conversion.business_id))
        .where(col(Conversion.office_id) == actor.office_id, col(Conversion.deleted_at).is_(None))
        .order_by(col(Conversion.converted_on), col(Conversion.id))
    )
    if since is not None:
        statement = statement.where(col(Conversion.converted_on) >= since)
    if until is not None:
        statement = statement.where(col(Conversion.converted_on) <= until)
    rows: list[ConversionRow] = []
    for conversion, business in session.exec(statement).all():
        old = session.get(Business, conversion.old_business_id) if conversion.old_business_id else None
        rows.append(
            ConversionRow(
                uuid=conversion.uuid,
                method=conversion.method,
                converted_on=conversion.converted_on,
                business_uuid=business.uuid,
                business_name=business.name,
                old_business_name=old.name if old else None,
                old_uscc=conversion.old_uscc,
                new_uscc=conversion.new_uscc,
                old_kind=conversion.old_kind,
                new_kind=conversion.new_kind,
            )
        )
    return rows


def conversion_counts(*, session: Session, actor: Actor, since: date, until: date) -> dict[str, int]:
    """个转企 events per method in [since, until], every method present (0 when none): for reports."""
    found = dict(
        session.exec(
            select(Conversion.method, func.count())
            .where(
                col(Conversion.office_id) == actor.office_id,
                col(Conversion.deleted_at).is_(None),
                col(Conversion.converted_on) >= since,
                col(Conversion.converted_on) <= until,
            )
            .group_by(col(Conversion.method))
        ).all()
    )
    return {method: int(found.get(method, 0)) for method in CONVERSION_METHOD_LABELS}
