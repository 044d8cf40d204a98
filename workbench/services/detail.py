"""Everything the detail screen shows about one business, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables import Business, ChangeLog, Grid, Officer, YearFigures
from workbench.domain.business_fields import EDITABLE_FIELDS, field_label
from workbench.domain.figures import FIGURE_LABELS
from workbench.domain.reference import industry_name
from workbench.services.licenses import LicenseLine, business_licenses
from workbench.services.register import get_business
from workbench.services.sync_marks import pending_count

_FIGURE_LOG_LABELS = {**FIGURE_LABELS, "year": "经营数据", "source": "来源", "deleted_at": "删除标记", "": "经营数据"}


@dataclass(frozen=True)
class YearLine:
    year: int
    revenue: int | None
    tax_paid: int | None
    employees: int | None
    insured_staff: int | None
    uuid: str = ""
    version: int = 0
    source: str = ""


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
    first_loan_on: date | None
    first_loan_bank: str
    licenses: list[LicenseLine]
    years: list[YearLine]
    history: list[HistoryLine]
    pending_sync: int = 0  # 待处理冲突: decisions a return package left on this business (sync_review)


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
        first_loan_on=business.first_loan_on,
        first_loan_bank=business.first_loan_bank or "",
        licenses=business_licenses(session, business.id),
        years=_years(session, business.id),
        history=business_history(
            session=session, actor=actor, business_uuid=business.uuid, limit=history_limit
        ),
        pending_sync=pending_count(session, actor.office_id, business.uuid),
    )


def business_history(
    *, session: Session, actor: Actor, business_uuid: str, limit: int = 500
) -> list[HistoryLine]:
    """The change log of one business of the actor's office, newest first, with the changes to its year
    figures (labelled with their year: 「2024年度营业收入」)."""
    years = _figure_years(session, actor, business_uuid)
    rows = session.exec(
        select(ChangeLog)
        .where(col(ChangeLog.entity_uuid).in_([business_uuid, *years]), col(ChangeLog.office_id) == actor.office_id)
        .order_by(col(ChangeLog.id).desc())
        .limit(limit)
    )
    return [
        HistoryLine(
            row.at, row.who, row.device, row.action,
            row.field or ("year_figures" if row.entity_uuid in years else ""),
            f"{years[row.entity_uuid]}年度{_FIGURE_LOG_LABELS.get(row.field, row.field)}"
            if row.entity_uuid in years else field_label(row.field),
            row.old, row.new,
        )  # fmt: skip
        for row in rows
    ]


def _figure_years(session: Session, actor: Actor, business_uuid: str) -> dict[str, int]:
    """uuid -> year of every year_figures row of the business, deleted ones too (their log stays)."""
    rows = session.exec(
        select(YearFigures.uuid, YearFigures.year)
        .join(Business, col(Business.id) == col(YearFigures.business_id))
        .where(col(Business.uuid) == business_uuid, col(YearFigures.office_id) == actor.office_id)
    )
    return dict(rows.all())


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
    return [
        YearLine(row.year, row.revenue, row.tax_paid, row.employees, row.insured_staff, row.uuid, row.version,
                 row.source)
        for row in rows
    ]  # fmt: skip
