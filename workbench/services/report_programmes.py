"""The monthly report's classification and programme figures (issue 18): the 三型 distribution and who
moved between tiers this month, size classes, 名特优新 by category and year, pools with entries and exits,
个转企 by method, and the 上规上限 candidates. Every count is a GROUP BY in the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from storage.tables_classification import ClassificationHistory, ClassificationResult
from storage.tables_distinctions import Conversion, Distinction, PoolMembership
from workbench.domain.labels import BusinessStatus
from workbench.domain.report_periods import Month, Span
from workbench.services.report_dates import B, count_if, every_office_business

R: Any = ClassificationResult.__table__  # type: ignore[attr-defined]
H: Any = ClassificationHistory.__table__  # type: ignore[attr-defined]
D: Any = Distinction.__table__  # type: ignore[attr-defined]
P: Any = PoolMembership.__table__  # type: ignore[attr-defined]
C: Any = Conversion.__table__  # type: ignore[attr-defined]


@dataclass
class ProgrammeFigures:
    tiers: Counter[str | None] = field(default_factory=Counter)  # effective tier of live households; None: not yet classified
    tiers_by_grid: dict[int | None, Counter[str | None]] = field(default_factory=dict)
    sizes: Counter[str | None] = field(default_factory=Counter)
    moves: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)  # (from, to) this month
    distinctions: Counter[tuple[str, int]] = field(default_factory=Counter)  # (category, year recognised)
    pools: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # pool -> (members at end, entered, left)
    conversions_month: Counter[str] = field(default_factory=Counter)  # method -> count
    conversions_ytd: Counter[str] = field(default_factory=Counter)


def programme_figures(session: Session, office_id: int, month: Month, ytd: Span) -> ProgrammeFigures:
    figures = ProgrammeFigures()
    _tiers_and_sizes(session, office_id, figures)
    figures.moves = tier_moves(session, office_id, month)
    for category, recognised_on in session.execute(
        select(D.c.category, D.c.recognised_on).where(
            D.c.office_id == office_id, D.c.deleted_at.is_(None), D.c.recognised_on.is_not(None),
            D.c.recognised_on <= month.last,
        )
    ):
        figures.distinctions[(category, _as_date(recognised_on).year)] += 1
    first, last = month.first, month.last
    member = and_(P.c.entered_on <= last, or_(P.c.left_on.is_(None), P.c.left_on > last))
    for pool, members, entered, left in session.execute(
        select(
            P.c.pool,
            count_if(member),
            count_if(and_(P.c.entered_on >= first, P.c.entered_on <= last)),
            count_if(and_(P.c.left_on >= first, P.c.left_on <= last)),
        )
        .where(P.c.office_id == office_id, P.c.deleted_at.is_(None))
        .group_by(P.c.pool)
    ):
        figures.pools[pool] = (int(members or 0), int(entered or 0), int(left or 0))
    for method, in_month, in_year in session.execute(
        select(
            C.c.method,
            count_if(and_(C.c.converted_on >= first, C.c.converted_on <= last)),
            count_if(and_(C.c.converted_on >= ytd.first, C.c.converted_on <= ytd.last)),
        )
        .where(C.c.office_id == office_id, C.c.deleted_at.is_(None))
        .group_by(C.c.method)
    ):
        figures.conversions_month[method] = int(in_month or 0)
        figures.conversions_ytd[method] = int(in_year or 0)
    return figures


def _tiers_and_sizes(session: Session, office_id: int, figures: ProgrammeFigures) -> None:
    """Today's classification of the businesses that are 存续 (the classification keeps no past state)."""
    effective = func.coalesce(R.c.override_tier, R.c.tier)
    joined = B.outerjoin(R, and_(R.c.business_id == B.c.id, R.c.deleted_at.is_(None)))
    live = and_(every_office_business(office_id), B.c.status == BusinessStatus.ACTIVE.value)
    rows = session.execute(
        select(B.c.grid_id, B.c.kind, effective, R.c.size_class, func.count())
        .select_from(joined)
        .where(live)
        .group_by(B.c.grid_id, B.c.kind, effective, R.c.size_class)
    )
    for grid_id, kind, tier, size_class, count in rows:
        figures.sizes[size_class] += count
        if kind != "individual":
            continue  # 三型 is for 个体工商户 only
        figures.tiers[tier] += count
        figures.tiers_by_grid.setdefault(grid_id, Counter())[tier] += count


def tier_moves(session: Session, office_id: int, month: Month) -> Counter[tuple[str | None, str | None]]:
    """(tier before the month, tier at its end) for every household whose tier changed in the month: the
    history row before the month's first, and the month's last (a move and back again is no move)."""
    start = datetime.combine(month.first, time.min, tzinfo=UTC)
    end = datetime.combine(month.last + timedelta(days=1), time.min, tzinfo=UTC)
    previous = func.lag(H.c.tier).over(partition_by=H.c.business_id, order_by=H.c.id)
    ranked = (
        select(H.c.business_id, H.c.id, H.c.at, H.c.tier, previous.label("before"))
        .where(H.c.office_id == office_id, H.c.deleted_at.is_(None))
        .where(H.c.business_id.in_(select(H.c.business_id).where(H.c.office_id == office_id, H.c.at >= start, H.c.at < end)))
        .subquery()
    )
    first_before: dict[int, str | None] = {}
    last_after: dict[int, str | None] = {}
    for business_id, _id, _at, tier, before in session.execute(
        select(ranked).where(ranked.c.at >= start, ranked.c.at < end).order_by(ranked.c.business_id, ranked.c.id)
    ):
        first_before.setdefault(business_id, before)
        last_after[business_id] = tier
    moves: Counter[tuple[str | None, str | None]] = Counter()
    for business_id, tier in last_after.items():
        if first_before[business_id] != tier:
            moves[(first_before[business_id], tier)] += 1
    return moves


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
