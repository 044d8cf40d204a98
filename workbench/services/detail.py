"""Everything the detail screen shows about one business, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables import ChangeLog, Grid, Officer, YearFigures
from workbench.domain.business_fields import EDITABLE_FIELDS, field_label
from workbench.domain.reference import industry_name
from workbench.services.licenses import LicenseLine, business_licenses
from workbench.services.register import get_business


@dataclass(frozen=True)
class YearLine:
    year: int
    revenue: int | None
    tax_paid: int | None
    employees: int | None
    insured_staff: int | None


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    device: str
    action: str
    field: str
    field_label: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class BusinessDetail:
    uuid: str
    version: int
    values: dict[str, Any]
    grid_name: str
    officer_name: str
    industry_name: str
    licenses: list[LicenseLine]
    years: list[YearLine]
    history: list[HistoryLine]


def business_detail(
    *, session: Session, actor: Actor, business_uuid: str, history_limit: int = 500
) -> BusinessDetail:
    """Fields, licenses, year figures and change history (newest first) of one business."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    values = {field: getattr(business, field) for field in EDITABLE_FIELDS}
    return BusinessDetail(
        uuid=business.uuid,
        version=business.version,
        values=values,
        grid_name=_name_of(session, Grid, business.grid_id),
        officer_name=_name_of(session, Officer, business.officer_id),
        industry_name=industry_name(business.industry_code or "", business.industry_code_version) or "",
        licenses=business_licenses(session, business.id),
        years=_years(session, business.id),
        history=business_history(
            session=session, actor=actor, business_uuid=business.uuid, limit=history_limit
        ),
    )


def business_history(
    *, session: Session, actor: Actor, business_uuid: str, limit: int = 500
) -> list[HistoryLine]:
    """The change log of one business of the actor's office, newest first."""
    rows = session.exec(
        select(ChangeLog)
        .where(col(ChangeLog.entity_uuid) == business_uuid, col(ChangeLog.office_id) == actor.office_id)
        .order_by(col(ChangeLog.id).desc())
        .limit(limit)
    )
    return [
        HistoryLine(
            row.at, row.who, row.device, row.action, row.field, field_label(row.field), row.old, row.new
        )
        for row in rows
    ]


def _name_of(session: Session, model: Any, row_id: int | None) -> str:
    if row_id is None:
        return ""
    return str(session.exec(select(model.name).where(model.id == row_id)).first() or "")


def _years(session: Session, business_id: int | None) -> list[YearLine]:
    rows = session.exec(
        select(YearFigures)
        .where(col(YearFigures.business_id) == business_id, col(YearFigures.deleted_at).is_(None))
        .order_by(col(YearFigures.year).desc())
    )
    return [YearLine(row.year, row.revenue, row.tax_paid, row.employees, row.insured_staff) for row in rows]
