"""The policy indicators (issue 18, docs/rules.md 月报口径): 活跃度 at the period end and the 三年存活率 of
registration cohorts, counted in the database. A figure whose data is missing is None with a reason
(暂无数据), never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session

from storage.tables import Business, PeriodFigures, YearFigures
from storage.tables_distinctions import Conversion
from storage.tables_service import Visit
from workbench.domain.labels import BusinessStatus
from workbench.domain.report_definitions import NO_DATA, ReportTargets
from workbench.domain.report_periods import Month, latest_full_cohort
from workbench.services.report_dates import LIVE, B, Dates, count_if, office_businesses
from workbench.services.report_flows import FlowFigures
from workbench.services.report_transaction import grouped_by_hashing, prepare_for_counting

Y: Any = YearFigures.__table__  # type: ignore[attr-defined]
P: Any = PeriodFigures.__table__  # type: ignore[attr-defined]
V: Any = Visit.__table__  # type: ignore[attr-defined]
C: Any = Conversion.__table__  # type: ignore[attr-defined]
TRADING_FINDING = "正常经营"


@dataclass(frozen=True)
class Rate:
    """numerator / denominator, or None with the reason it cannot be told."""

    numerator: int
    denominator: int
    missing_reason: str = ""

    @property
    def value(self) -> float | None:
        if self.missing_reason or self.denominator == 0:
            return None
        return self.numerator / self.denominator

    @property
    def reason(self) -> str:
        if self.missing_reason:
            return self.missing_reason
        return f"{NO_DATA}：没有可计算的户" if self.denominator == 0 else ""


@dataclass(frozen=True)
class Cohort:
    year: int
    registered: int  # 成立 in the year, registered here
    moved_out: int  # left the jurisdiction before the check day: out of the denominator
    unknown: int  # left on a day nobody recorded: out of the denominator
    rate: Rate  # survivors / (registered − moved_out − unknown)


def lookback_start(day: date, months: int) -> date:
    """The first day of the look-back window that ends on `day` (12 months to 31 Oct: from 1 Nov a year before)."""
    index = day.year * 12 + day.month - 1 - months + 1
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class ActivityTest:
    """What makes a business 活跃 at the month's end, as an SQL flag the stock-and-flow pass groups by (so the
    rate costs no scan of its own), and why it cannot be told when the office has no data for it."""

    flag: Any
    missing_reason: str
    suspended: Any = None  # in a 歇业 period at the month's end: why a present 户 is not 活跃 (the dashboard's list)
    window: tuple[date, date] | None = None  # the look-back window for signs of trading


def activity_test(session: Session, office_id: int, month: Month, targets: ReportTargets) -> ActivityTest:
    end = month.last
    start = lookback_start(end, targets.active_lookback_months)
    years = list(range(start.year, end.year + 1))
    # A quarter or month of a tax list (period_figures) is a sign when its months meet the window: a running
    # year's quarters are kept there, not in year_figures, until the year is whole.
    in_window = and_(P.c.office_id == office_id, P.c.deleted_at.is_(None),
                     P.c.year * 12 + P.c.last_month >= start.year * 12 + start.month,
                     P.c.year * 12 + P.c.first_month <= end.year * 12 + end.month)  # fmt: skip
    has_figures = session.execute(
        select(exists().where(Y.c.office_id == office_id, Y.c.deleted_at.is_(None), Y.c.year.in_(years)))
    ).scalar() or session.execute(select(exists().where(in_window))).scalar()
    has_visits = session.execute(
        select(exists().where(V.c.office_id == office_id, V.c.deleted_at.is_(None), V.c.visited_on >= start, V.c.visited_on <= end))
    ).scalar()
    suspended = and_(
        B.c.suspended.is_(True),
        or_(B.c.suspended_from.is_(None), B.c.suspended_from <= end),
        or_(B.c.suspended_until.is_(None), B.c.suspended_until >= end),
    )
    # The businesses with a sign of trading, found once from the two small tables (the database keeps the list
    # as a temporary index), not probed business by business.
    trading_ids = union_all(  # not UNION: IN keeps each id once anyway, and UNION de-duplicated 600,000 ids first
        select(Y.c.business_id).where(
            Y.c.office_id == office_id, Y.c.deleted_at.is_(None), Y.c.year.in_(years), Y.c.revenue > 0
        ),
        select(P.c.business_id).where(in_window, P.c.revenue > 0),
        select(V.c.business_id).where(
            V.c.office_id == office_id, V.c.deleted_at.is_(None), V.c.finding == TRADING_FINDING,
            V.c.visited_on >= start, V.c.visited_on <= end,
        ),
    )
    trading = B.c.id.in_(select(trading_ids.subquery().c.business_id))
    # PostgreSQL hashes that list (some 60 % of an office) only when it fits work_mem: 256 MB, for this
    # transaction only (report_transaction).
    prepare_for_counting(session)
    missing = ""
    if not has_figures and not has_visits:
        missing = f"{NO_DATA}：{start:%Y-%m}至{end:%Y-%m}本所没有经营数据，也没有走访记录，无法判断哪些户在经营"
    return ActivityTest(and_(~suspended, trading), missing, suspended, (start, end))


def active_rates(flows: FlowFigures, test: ActivityTest) -> tuple[Rate, dict[int | None, Rate]]:
    """活跃度 of the office and per grid at the month's end, from a stock-and-flow pass made with the test."""
    def rate(counts: Mapping[str, int]) -> Rate:
        return Rate(counts.get("active.end", 0), counts.get("stock.end", 0), test.missing_reason)

    return rate(flows.total), {grid_id: rate(counts) for grid_id, counts in flows.by_grid.items()}


def survival_cohorts(
    session: Session, office_id: int, month: Month, targets: ReportTargets, count: int = 5
) -> list[Cohort]:
    """The `count` newest cohorts whose check day (成立 + N years) all fell by the month's end, newest first."""
    dates = Dates(session.get_bind().dialect.name)
    years = targets.survival_years
    newest = latest_full_cohort(month.last, years)
    check = dates.years_after(B.c.registered_on, years)
    moved_out, unknown, survived, counted = _fates(B.c.status, dates.moved_out, dates.gone, check)
    oldest = newest - count + 1
    # Every cohort in one pass grouped by the year of 成立 (five scans of the register before; at 1,000,000
    # businesses on PostgreSQL that was half the report's time).
    cohort_year = (  # SQLite keeps dates as ISO text: its first four characters, cheaper than strftime
        func.substr(B.c.registered_on, 1, 4) if dates.dialect == "sqlite" else func.extract("year", B.c.registered_on)
    )
    in_cohorts = and_(
        office_businesses(office_id),
        B.c.moved_in_on.is_(None),
        B.c.registered_on >= date(oldest, 1, 1),
        B.c.registered_on <= date(newest, 12, 31),
    )
    # Each business's days worked out once (a subquery both engines keep as it is: OFFSET 0), then counted:
    # written in place, the exit day with its change-log fall-back was evaluated once per condition naming it.
    days = (
        select(cohort_year.label("year"), B.c.status, dates.moved_out.label("moved_out"), dates.gone.label("gone"),
               check.label("check_day"))
        .where(in_cohorts)
        .offset(0)
        .subquery("cohort_days")
    )  # fmt: skip
    day_moved_out, day_unknown, day_survived, day_counted = _fates(days.c.status, days.c.moved_out, days.c.gone, days.c.check_day)
    with grouped_by_hashing(session):  # five groups: PostgreSQL sorted the 300,000 members into them
        rows = session.execute(
            select(days.c.year, func.count(), count_if(day_moved_out), count_if(day_unknown),
                   count_if(and_(day_counted, day_survived)))
            .group_by(days.c.year)
        ).all()  # fmt: skip
    counts = {
        int(year): (int(registered or 0), int(gone_away or 0), int(unknown_count or 0), int(survivors or 0))
        for year, registered, gone_away, unknown_count, survivors in rows
    }
    # Households closed by 个转企「注销+设立」 whose enterprise was still there on their day: found from the
    # conversions (few) towards the businesses, never by probing every business for a conversion.
    rescued = {
        int(year): int(found or 0)
        for year, found in session.execute(
            select(cohort_year, func.count(func.distinct(B.c.id)))
            .select_from(C.join(B, B.c.id == C.c.old_business_id))
            .where(in_cohorts, C.c.deleted_at.is_(None), counted, ~survived, _still_there(C.c.business_id, check))
            .group_by(cohort_year)
        )
    }
    cohorts: list[Cohort] = []
    for year in range(newest, oldest - 1, -1):
        registered, gone_away, unknown_count, survivors = counts.get(year, (0, 0, 0, 0))
        denominator = registered - gone_away - unknown_count
        reason = "" if registered else f"{NO_DATA}：{year}年没有在本所成立的户"
        survived_count = survivors + rescued.get(year, 0)
        cohorts.append(Cohort(year, registered, gone_away, unknown_count, Rate(survived_count, denominator, reason)))
    return cohorts


def _fates(status: Any, moved_out_day: Any, gone_day: Any, check: Any) -> tuple[Any, Any, Any, Any]:
    """For a cohort member: 迁出 by the check day (out of the denominator), gone on a day nobody recorded (out
    too), 存续 on the check day, and counted at all."""
    moved_out = and_(status == BusinessStatus.MOVED_OUT.value, or_(moved_out_day.is_(None), moved_out_day <= check))
    unknown = and_(status != LIVE, status != BusinessStatus.MOVED_OUT.value, gone_day.is_(None))
    survived = or_(status == LIVE, gone_day > check)
    return moved_out, unknown, survived, and_(~moved_out, ~unknown)


def _still_there(business_id: Any, check: Any) -> Any:
    """The business (the enterprise a 注销+设立 set up) was 存续 on the check day: a primary-key look-up."""
    new: Any = aliased(Business.__table__, name="converted_to")  # type: ignore[attr-defined]
    return exists().where(
        new.c.id == business_id,
        or_(
            new.c.status.in_((LIVE, BusinessStatus.MOVED_OUT.value)),
            func.coalesce(new.c.revoked_on, new.c.deregistered_on, new.c.cancelled_on) > check,
        ),
    )
