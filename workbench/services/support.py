"""Support records (帮扶): record one on a business, list and filter them; a first loan marks 首贷户."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.tables import Business
from storage.tables_service import SupportRecord
from workbench.domain.service_lists import FIRST_LOAN
from workbench.domain.values import parse_money
from workbench.services.errors import NotFound, SaveConflict
from workbench.services.register import get_business
from workbench.services.service_common import (
    DEFAULT_SETTINGS,
    FieldReader,
    ServiceSettings,
    grid_names,
    office_officer,
    officer_names,
)

SUPPORT_FIELDS = ("kind", "given_on", "officer_id", "basis", "content", "amount_yuan", "partner", "outcome")


@dataclass(frozen=True)
class SupportFilters:
    """Every field optional: kind (support type), period given_from..given_until, officer, grid, business."""

    kind: str | None = None
    given_from: date | None = None
    given_until: date | None = None
    officer_id: int | None = None
    grid_id: int | None = None
    business_uuid: str | None = None


@dataclass(frozen=True)
class SupportLine:
    uuid: str
    version: int
    business_uuid: str
    business_name: str
    grid_name: str
    kind: str
    given_on: date
    officer_id: int | None
    officer_name: str
    basis: str
    content: str
    amount_yuan: int | None
    partner: str
    outcome: str


def record_support(
    session: Session,
    *,
    actor: Actor,
    business_uuid: str,
    data: dict[str, Any],
    settings: ServiceSettings = DEFAULT_SETTINGS,
) -> SupportRecord:
    """Validate and insert a support record; a 融资/首贷 also sets the business's first-loan date and bank.

    data: kind, given_on, officer_id, basis, content, amount_yuan (元/万元 text too), partner, outcome.
    The caller commits.
    """
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    clean = _validated(session, actor, data, settings)
    at = utc_now()
    assert business.id is not None
    record = SupportRecord(
        office_id=actor.office_id, business_id=business.id, **clean, **stamp_values(actor, at)
    )
    session.add(record)
    session.flush()
    changes = {field: (None, value) for field, value in clean.items() if value not in (None, "")}
    log_changes(session, actor, "support_record", record.uuid, "create", changes, at)
    if clean["kind"] == FIRST_LOAN and business.first_loan_on is None:
        _mark_first_loan(session, actor, business, clean["given_on"], clean["partner"])
    return record


def delete_support(session: Session, *, actor: Actor, support_uuid: str, base_version: int) -> None:
    """Tombstone a support record entered by mistake (the first-loan mark stays: clear it by editing)."""
    record = _get(session, actor, support_uuid)
    at = utc_now()
    assert record.id is not None
    try:
        guarded_update(
            session, SupportRecord, record.id, base_version, {"deleted_at": at, "updated_at": at}, actor
        )
    except VersionConflict:
        message = f"该帮扶记录已被{record.updated_by or '其他终端'}修改（当前版本 {record.version}），请刷新后再删除"
        raise SaveConflict(
            message, {"kind": record.kind, "given_on": record.given_on}, record.version
        ) from None
    log_changes(session, actor, "support_record", record.uuid, "delete", {}, at)


def list_support(
    session: Session, *, actor: Actor, filters: SupportFilters | None = None, limit: int = 2000
) -> list[SupportLine]:
    """Support records of the actor's office, newest first, filtered."""
    filters = filters or SupportFilters()
    query = (
        select(SupportRecord, Business)
        .join(Business, col(Business.id) == col(SupportRecord.business_id))
        .where(col(SupportRecord.office_id) == actor.office_id, col(SupportRecord.deleted_at).is_(None))
    )
    if filters.kind:
        query = query.where(col(SupportRecord.kind) == filters.kind)
    if filters.given_from:
        query = query.where(col(SupportRecord.given_on) >= filters.given_from)
    if filters.given_until:
        query = query.where(col(SupportRecord.given_on) <= filters.given_until)
    if filters.officer_id is not None:
        query = query.where(col(SupportRecord.officer_id) == filters.officer_id)
    if filters.grid_id is not None:
        query = query.where(col(Business.grid_id) == filters.grid_id)
    if filters.business_uuid:
        query = query.where(col(Business.uuid) == filters.business_uuid)
    rows = list(
        session.exec(
            query.order_by(col(SupportRecord.given_on).desc(), col(SupportRecord.id).desc()).limit(limit)
        )
    )
    officers = officer_names(session, {record.officer_id for record, _business in rows})
    grids = grid_names(session, {business.grid_id for _record, business in rows})
    return [_line(record, business, officers, grids) for record, business in rows]


def _line(
    record: SupportRecord, business: Business, officers: dict[int, str], grids: dict[int, str]
) -> SupportLine:
    return SupportLine(
        uuid=record.uuid,
        version=record.version,
        business_uuid=business.uuid,
        business_name=business.name,
        grid_name=grids.get(business.grid_id or 0, ""),
        kind=record.kind,
        given_on=record.given_on,
        officer_id=record.officer_id,
        officer_name=officers.get(record.officer_id or 0, ""),
        basis=record.basis,
        content=record.content,
        amount_yuan=record.amount_yuan,
        partner=record.partner,
        outcome=record.outcome,
    )


def _validated(
    session: Session, actor: Actor, data: dict[str, Any], settings: ServiceSettings
) -> dict[str, Any]:
    read = FieldReader(data)
    clean = {
        "kind": read.choice("kind", "帮扶类型", settings.lists.support_types),
        "given_on": read.day("given_on", "帮扶日期", required=True),
        "officer_id": data.get("officer_id"),
        "basis": read.text("basis", "依据", max_length=300),
        "content": read.text("content", "帮扶内容"),
        "amount_yuan": read.parsed("amount_yuan", "金额", parse_money),
        "partner": read.text("partner", "合作单位", max_length=100),
        "outcome": read.text("outcome", "成效", max_length=300),
    }
    if clean["kind"] == FIRST_LOAN and not clean["partner"]:
        read.errors["partner"] = "首贷须填写放贷银行（合作单位）"
    read.done()
    office_officer(session, actor, clean["officer_id"], "帮扶干部")
    return clean


def _mark_first_loan(session: Session, actor: Actor, business: Business, on: date, bank: str) -> None:
    """Through a version-checked update, logged as an edit of the business (the change log shows it)."""
    at = utc_now()
    assert business.id is not None
    old_bank = business.first_loan_bank  # read before the update refreshes the object
    values = {"first_loan_on": on, "first_loan_bank": bank, "updated_at": at}
    guarded_update(session, Business, business.id, business.version, values, actor)
    log_changes(
        session,
        actor,
        "business",
        business.uuid,
        "update",
        {"first_loan_on": (None, on), "first_loan_bank": (old_bank, bank)},
        at,
    )
    session.expire(business)


def _get(session: Session, actor: Actor, support_uuid: str) -> SupportRecord:
    record = session.exec(
        select(SupportRecord).where(
            col(SupportRecord.uuid) == support_uuid,
            col(SupportRecord.office_id) == actor.office_id,
            col(SupportRecord.deleted_at).is_(None),
        )
    ).first()
    if record is None:
        raise NotFound("该帮扶记录不存在或已被删除")
    return record
