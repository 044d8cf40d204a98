"""培育库 memberships: entering and leaving with dates and reasons, each written to the change log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.tables import Business
from storage.tables_distinctions import PoolMembership
from workbench.domain.candidates import POOL_LABELS
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.register import get_business


@dataclass(frozen=True)
class MemberRow:
    """One stay of one business in a pool, with what the list screen shows and filters on."""

    uuid: str
    version: int
    pool: str
    business_uuid: str
    business_name: str
    uscc: str | None
    kind: str
    grid_id: int | None
    officer_id: int | None
    entered_on: date
    entry_reason: str
    left_on: date | None
    exit_reason: str


def enter_pool(
    *, session: Session, actor: Actor, business_uuid: str, pool: str, entered_on: date, reason: str
) -> PoolMembership:
    """Put a business in a pool with a reason; refused when it is already in it. The caller commits."""
    errors: dict[str, str] = {}
    if pool not in POOL_LABELS:
        errors["pool"] = "请选择培育库：个转企 / 名特优新 / 上规上限"
    if not reason.strip():
        errors["reason"] = "请写明入库理由"
    if errors:
        raise ValidationFailed(errors)
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    assert business.id is not None
    current = _current(session, actor, business.id, pool)
    if current is not None:
        raise ValidationFailed(
            {"pool": f"「{business.name}」已在{POOL_LABELS[pool]}中（{current.entered_on.isoformat()} 入库）"}
        )
    at = utc_now()
    values: dict[str, Any] = {
        "business_id": business.id,
        "pool": pool,
        "entered_on": entered_on,
        "entry_reason": reason.strip()[:300],
    }
    membership = PoolMembership(office_id=actor.office_id, **values, **stamp_values(actor, at))
    session.add(membership)
    session.flush()
    log_changes(
        session,
        actor,
        "pool_membership",
        membership.uuid,
        "create",
        {field: (None, value) for field, value in values.items()},
        at,
    )
    return membership


def leave_pool(
    *, session: Session, actor: Actor, membership_uuid: str, base_version: int, left_on: date, reason: str
) -> PoolMembership:
    """Take a business out of a pool on a day, with a reason; the stay stays in history. The caller commits."""
    membership = _membership(session, actor, membership_uuid)
    errors: dict[str, str] = {}
    if membership.left_on is not None:
        errors["left_on"] = f"已于 {membership.left_on.isoformat()} 出库"
    elif left_on < membership.entered_on:
        errors["left_on"] = f"出库日期不能早于入库日期 {membership.entered_on.isoformat()}"
    if not reason.strip():
        errors["reason"] = "请写明出库理由"
    if errors:
        raise ValidationFailed(errors)
    values = {"left_on": left_on, "exit_reason": reason.strip()[:300]}
    diff = {field: (getattr(membership, field), value) for field, value in values.items()}
    at = utc_now()
    assert membership.id is not None
    try:
        guarded_update(
            session, PoolMembership, membership.id, base_version, {**values, "updated_at": at}, actor
        )
    except VersionConflict:
        session.expire(membership)
        raise SaveConflict("这条入库记录已被他人修改，请刷新后再操作", {}, membership.version) from None
    log_changes(session, actor, "pool_membership", membership.uuid, "update", diff, at)
    session.expire(membership)
    return membership


def pool_members(
    *,
    session: Session,
    actor: Actor,
    pool: str,
    grid_id: int | None = None,
    officer_id: int | None = None,
    include_left: bool = False,
) -> list[MemberRow]:
    """Members of one pool of the actor's office (current only, unless include_left), newest first."""
    statement = (
        select(PoolMembership, Business)
        .join(Business, col(Business.id) == col(PoolMembership.business_id))
        .where(
            col(PoolMembership.office_id) == actor.office_id,
            col(PoolMembership.pool) == pool,
            col(PoolMembership.deleted_at).is_(None),
        )
        .order_by(col(PoolMembership.entered_on).desc(), col(PoolMembership.id).desc())
    )
    if not include_left:
        statement = statement.where(col(PoolMembership.left_on).is_(None))
    if grid_id is not None:
        statement = statement.where(col(Business.grid_id) == grid_id)
    if officer_id is not None:
        statement = statement.where(col(Business.officer_id) == officer_id)
    return [_row(membership, business) for membership, business in session.exec(statement).all()]


def memberships_of(*, session: Session, actor: Actor, business_uuid: str) -> list[MemberRow]:
    """Every stay of one business in any pool, current and past: its pool history."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    rows = session.exec(
        select(PoolMembership)
        .where(
            col(PoolMembership.business_id) == business.id,
            col(PoolMembership.office_id) == actor.office_id,
            col(PoolMembership.deleted_at).is_(None),
        )
        .order_by(col(PoolMembership.entered_on), col(PoolMembership.id))
    ).all()
    return [_row(membership, business) for membership in rows]


def current_member_ids(session: Session, actor: Actor, pool: str) -> set[int]:
    """Business ids now in a pool: candidate lists mark them."""
    return set(
        session.exec(
            select(PoolMembership.business_id).where(
                col(PoolMembership.office_id) == actor.office_id,
                col(PoolMembership.pool) == pool,
                col(PoolMembership.left_on).is_(None),
                col(PoolMembership.deleted_at).is_(None),
            )
        ).all()
    )


def _current(session: Session, actor: Actor, business_id: int, pool: str) -> PoolMembership | None:
    return session.exec(
        select(PoolMembership).where(
            col(PoolMembership.business_id) == business_id,
            col(PoolMembership.office_id) == actor.office_id,
            col(PoolMembership.pool) == pool,
            col(PoolMembership.left_on).is_(None),
            col(PoolMembership.deleted_at).is_(None),
        )
    ).first()


def _membership(session: Session, actor: Actor, membership_uuid: str) -> PoolMembership:
    membership = session.exec(
        select(PoolMembership).where(
            col(PoolMembership.uuid) == membership_uuid,
            col(PoolMembership.office_id) == actor.office_id,
            col(PoolMembership.deleted_at).is_(None),
        )
    ).first()
    if membership is None:
        raise NotFound("该入库记录不存在或已被删除")
    return membership


def _row(membership: PoolMembership, business: Business) -> MemberRow:
    return MemberRow(
        uuid=membership.uuid,
        version=membership.version,
        pool=membership.pool,
        business_uuid=business.uuid,
        business_name=business.name,
        uscc=business.uscc,
        kind=business.kind,
        grid_id=business.grid_id,
        officer_id=business.officer_id,
        entered_on=membership.entered_on,
        entry_reason=membership.entry_reason,
        left_on=membership.left_on,
        exit_reason=membership.exit_reason,
    )
