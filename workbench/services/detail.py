"""Everything the detail screen shows about one business, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables import Business, ChangeLog, Grid, Officer, PeriodFigures, YearFigures
from workbench.domain.business_fields import EDITABLE_FIELDS, field_label
from workbench.domain.figure_periods import Period
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
class PeriodLine:
    """A quarter or month of a running year kept apart until the year is whole (imports.period_merge)."""

    period: Period
    revenue: int | None
    tax_paid: int | None

    @property
    def label(self) -> str:
        return self.period.label


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
    periods: list[PeriodLine] = field(default_factory=list)
    """Quarters and months of years that have no year's figures yet (they do not classify)."""


def business_detail(
    *, session: Session, actor: Actor, business_uuid: str, history_limit: int = 500
) -> BusinessDetail:
    """Fields, licenses, year figures and change history (newest first) of one business."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    values = {name: getattr(business, name) for name in EDITABLE_FIELDS}
    years = _years(session, business.id)
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
        years=years,
        history=business_history(
            session=session, actor=actor, business_uuid=business.uuid, limit=history_limit
        ),
        pending_sync=pending_count(session, actor.office_id, business.uuid),
        periods=_running_periods(session, business.id, {line.year for line in years}),
    )


def business_history(
    *, session: Session, actor: Actor, business_uuid: str, limit: int = 500
) -> list[HistoryLine]:
    """The change log of one business of the actor's office, newest first, with the changes to its year
    figures (labelled with their year: 「2024年度营业收入」)."""
    years = _figure_years(session, actor, business_uuid) | _figure_periods(session, actor, business_uuid)
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
            f"{years[row.entity_uuid]}{_FIGURE_LOG_LABELS.get(row.field, row.field)}"
            if row.entity_uuid in years else field_label(row.field),
            row.old, row.new,
        )  # fmt: skip
        for row in rows
    ]


def _figure_years(session: Session, actor: Actor, business_uuid: str) -> dict[str, str]:
    """uuid -> 「2024年度」 of every year_figures row of the business, deleted ones too (their log stays)."""
    rows = session.exec(
        select(YearFigures.uuid, YearFigures.year)
        .join(Business, col(Business.id) == col(YearFigures.business_id))
        .where(col(Business.uuid) == business_uuid, col(YearFigures.office_id) == actor.office_id)
    )
    return {uuid: f"{year}年度" for uuid, year in rows.all()}


def _figure_periods(session: Session, actor: Actor, business_uuid: str) -> dict[str, str]:
    """uuid -> 「2026年第三季度」 of every period_figures row of the business."""
    rows = session.exec(
        select(PeriodFigures.uuid, PeriodFigures.year, PeriodFigures.first_month, PeriodFigures.last_month)
        .join(Business, col(Business.id) == col(PeriodFigures.business_id))
        .where(col(Business.uuid) == business_uuid, col(PeriodFigures.office_id) == actor.office_id)
    )
    return {uuid: Period(year, first, last).label for uuid, year, first, last in rows.all()}


def _running_periods(session: Session, business_id: int | None, whole_years: set[int]) -> list[PeriodLine]:
    rows = session.exec(
        select(PeriodFigures)
        .where(col(PeriodFigures.business_id) == business_id, col(PeriodFigures.deleted_at).is_(None))
        .order_by(col(PeriodFigures.year).desc(), col(PeriodFigures.first_month))
    )
    return [PeriodLine(Period(row.year, row.first_month, row.last_month), row.revenue, row.tax_paid)
            for row in rows if row.year not in whole_years]


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
