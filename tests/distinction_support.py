"""Helpers for the distinction, pool, candidate and conversion tests: the small office, tiers, figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_tui_support import Office_, build_office

from storage.audit import Actor
from storage.tables import Business, YearFigures
from storage.tables_classification import ClassificationResult
from workbench.domain.candidates import CandidateRules
from workbench.domain.tiers import Tier

RULES = CandidateRules()
ZHANG = "鹿城区张记小吃店"
OUJIANG = "温州市瓯江贸易有限公司"
LI = "鹿城区李家便利店"


def actor_of(office: Office_, who: str = "王芳") -> Actor:
    return Actor(who=who, device="测试终端", office_id=office.office_id)


def business_id(session: Session, business_uuid: str) -> int:
    found = session.exec(select(Business.id).where(col(Business.uuid) == business_uuid)).one()
    assert found is not None
    return found


def set_tier(session: Session, office: Office_, name: str, tier: Tier) -> None:
    """A computed classification result, as the recompute writes it."""
    session.add(
        ClassificationResult(
            office_id=office.office_id,
            business_id=business_id(session, office.business_uuids[name]),
            tier=tier.value,
            computed_at=datetime.now(UTC),
        )
    )
    session.flush()


def set_figures(
    session: Session,
    office: Office_,
    name: str,
    *,
    year: int,
    revenue: int | None,
    employees: int | None = None,
    industry: str | None = None,
) -> None:
    business = session.get(Business, business_id(session, office.business_uuids[name]))
    assert business is not None and business.id is not None
    if industry is not None:
        business.industry_code = industry
        session.add(business)
    session.add(
        YearFigures(
            office_id=office.office_id,
            business_id=business.id,
            year=year,
            revenue=revenue,
            employees=employees,
        )
    )
    session.flush()


def other_office(engine: Engine) -> Office_:
    """A second office in the same database, with its own grids, officers and (differently coded) businesses."""
    import test_tui_support as support

    original = support.uscc
    support.uscc = lambda serial: original(serial + 500)  # type: ignore[assignment]
    try:
        return build_office(engine)
    finally:
        support.uscc = original


TODAY = date(2025, 6, 1)
