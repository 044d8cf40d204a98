"""Candidate lists for review: 个转企 (trading households) and 上规上限 (enterprises), each with its reasons.

Computed on demand from the latest year figures and candidates.toml; nothing is added to a pool here
(pools.enter_pool does that when a person decides, with a reason)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from storage.audit import Actor
from storage.tables import Business, YearFigures
from storage.tables_distinctions import BusinessEvent, Distinction
from workbench.domain.candidates import CandidateRules, conversion_reasons, scale_up_reason
from workbench.domain.distinctions import OPEN_STEPS
from workbench.domain.eligibility import ELIGIBLE_TIERS, NegativeEvent, check_eligibility, years_after
from workbench.domain.labels import BusinessKind, BusinessStatus
from workbench.domain.scale_thresholds import SCALE_THRESHOLDS, scale_threshold_for
from workbench.domain.size_class import SizeClass, size_class_from_bounds, size_row_for
from workbench.domain.size_table import SIZE_ROWS, Indicator, SizeRow
from workbench.services.distinctions import tiers_of
from workbench.services.pools import current_member_ids

TRADING_STATUS = BusinessStatus.ACTIVE
KIND_OF_LIST = {
    "conversion": BusinessKind.HOUSEHOLD,
    "scale_up": BusinessKind.ENTERPRISE,
    "distinction": BusinessKind.HOUSEHOLD,
}


@dataclass(frozen=True)
class CandidateRow:
    """A business proposed for a pool, why, and whether it is already in that pool."""

    pool: str
    business_uuid: str
    business_name: str
    uscc: str | None
    grid_id: int | None
    officer_id: int | None
    industry_code: str | None
    year: int | None
    revenue: int | None
    employees: int | None
    reasons: tuple[str, ...]
    in_pool: bool

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


@dataclass(frozen=True)
class _Business:
    """The columns a candidate rule reads (plain rows: ORM objects cost several times more per row)."""

    id: int
    uuid: str
    name: str
    uscc: str | None
    grid_id: int | None
    officer_id: int | None
    industry_code: str | None
    registered_on: date | None


_BUSINESS_COLUMNS: tuple[Any, ...] = tuple(
    getattr(Business, field) for field in _Business.__dataclass_fields__
)
_COLUMNS: tuple[Any, ...] = (
    *_BUSINESS_COLUMNS,
    Business.employees,
    YearFigures.year,
    YearFigures.revenue,
    YearFigures.employees,
)


@dataclass(frozen=True)
class _Figures:
    business: _Business
    year: int | None
    revenue: int | None
    employees: int | None


def candidates(
    *,
    session: Session,
    actor: Actor,
    pool: str,
    rules: CandidateRules,
    grid_id: int | None = None,
    officer_id: int | None = None,
    today: date | None = None,
) -> list[CandidateRow]:
    """The candidates of one list (`conversion`, `scale_up` or `distinction`) in the actor's office, by name."""
    members = current_member_ids(session, actor, pool)
    if pool == "distinction":
        return _distinction(session, actor, rules, today or date.today(), members, grid_id, officer_id)
    found: list[CandidateRow] = []
    narrowing = _conversion_prefilter(rules) if pool == "conversion" else _scale_up_prefilter(rules)
    for figures in _trading_with_figures(session, actor, KIND_OF_LIST[pool], grid_id, officer_id, narrowing):
        reasons = _conversion(figures, rules) if pool == "conversion" else _scale_up(figures, rules)
        if reasons:
            business = figures.business
            found.append(
                CandidateRow(
                    pool=pool,
                    business_uuid=business.uuid,
                    business_name=business.name,
                    uscc=business.uscc,
                    grid_id=business.grid_id,
                    officer_id=business.officer_id,
                    industry_code=business.industry_code,
                    year=figures.year,
                    revenue=figures.revenue,
                    employees=figures.employees,
                    reasons=tuple(reasons),
                    in_pool=business.id in members,
                )
            )
    return found


def _conversion(figures: _Figures, rules: CandidateRules) -> list[str]:
    row = size_row_for(figures.business.industry_code)
    ceiling = row.micro_upper_revenue_wan if row else None
    size = _size_class(row, figures) if row else None
    return conversion_reasons(
        rules=rules,
        revenue=figures.revenue,
        employees=figures.employees,
        micro_revenue_ceiling=ceiling * 10_000 if ceiling else None,
        reaches_small=size.label if size is not None and size is not SizeClass.MICRO else None,
    )


def _size_class(row: SizeRow, figures: _Figures) -> SizeClass | None:
    """The lowest class the known indicators give (as classify_size, without building its explanation)."""
    known = {
        Indicator.EMPLOYEES: figures.employees,
        Indicator.REVENUE: figures.revenue / 10_000 if figures.revenue is not None else None,
    }
    classes = [
        size_class_from_bounds(bounds, value)
        for bounds in row.bounds
        if (value := known.get(bounds.indicator)) is not None
    ]
    return min(classes, key=lambda found: found.rank) if classes else None


def _scale_up(figures: _Figures, rules: CandidateRules) -> list[str]:
    reason = scale_up_reason(
        rules=rules, revenue=figures.revenue, threshold=scale_threshold_for(figures.business.industry_code)
    )
    return [reason] if reason else []


def _conversion_prefilter(rules: CandidateRules) -> Any:
    """A condition every 个转企 candidate meets, so SQL skips the households that cannot be one.

    Reaching the 小型 bound needs revenue at or above a row's 小型 bound (itself the 微型 ceiling, above the
    share) or employees at or above a row's 小型 bound (the lowest, 批发 5, caps the employee test)."""
    ceilings = [row.micro_upper_revenue_wan for row in SIZE_ROWS if row.micro_upper_revenue_wan]
    revenue_bar = min(ceilings) * 10_000 * min(rules.micro_upper_percent, 100) / 100 if ceilings else 0
    small_staff = [
        bounds.small for row in SIZE_ROWS for bounds in row.bounds if bounds.indicator is Indicator.EMPLOYEES
    ]
    staff_bar = (
        min([rules.min_employees, *small_staff])
        if rules.use_small_enterprise_lower_bound
        else rules.min_employees
    )
    staff = func.coalesce(col(YearFigures.employees), col(Business.employees))
    return or_(col(YearFigures.revenue) >= revenue_bar, staff >= staff_bar)


def _scale_up_prefilter(rules: CandidateRules) -> Any:
    """The lowest 规上/限上 revenue bar at the configured share: below it no industry makes a candidate."""
    lowest = min(threshold.revenue for threshold in SCALE_THRESHOLDS.values() if threshold.revenue)
    return col(YearFigures.revenue) >= lowest * min(rules.scale_up_percent, 100) / 100


def _trading_with_figures(
    session: Session,
    actor: Actor,
    kind: str,
    grid_id: int | None,
    officer_id: int | None,
    narrowing: Any = None,
) -> Iterator[_Figures]:
    """Trading businesses of one kind with their latest year figures (employees fall back to the register);
    `narrowing` is an extra SQL condition that cheaply drops rows no rule can pick."""
    # Sorted after the filter, not read in the name index's order: walking 1,000,000 rows by name to keep the
    # 10,000 of one kind cost 5x as much at 1M businesses on SQLite (name || '' hides the index; same order).
    statement = _latest_figures(actor, kind, _COLUMNS, narrowing).order_by(col(Business.name) + "", col(Business.id))
    if grid_id is not None:
        statement = statement.where(col(Business.grid_id) == grid_id)
    if officer_id is not None:
        statement = statement.where(col(Business.officer_id) == officer_id)
    width = len(_BUSINESS_COLUMNS)
    for row in session.execute(statement):
        registered_employees, year, revenue, employees = row[width:]
        yield _Figures(
            _Business(*row[:width]),
            year,
            revenue,
            employees if employees is not None else registered_employees,
        )


def _latest_figures(actor: Actor, kind: str, columns: tuple[Any, ...], narrowing: Any) -> Any:
    """The office's trading businesses of one kind joined to their latest year's figures (outer join)."""
    newer = aliased(YearFigures)
    latest_year = (
        select(func.max(newer.year))
        .where(col(newer.business_id) == col(Business.id), col(newer.deleted_at).is_(None))
        .correlate(Business)
        .scalar_subquery()
    )
    statement = (
        sa_select(*columns)
        .select_from(Business)
        .outerjoin(
            YearFigures,
            (col(YearFigures.business_id) == col(Business.id))
            & (col(YearFigures.year) == latest_year)
            & col(YearFigures.deleted_at).is_(None),
        )
        .where(
            col(Business.office_id) == actor.office_id,
            col(Business.deleted_at).is_(None),
            col(Business.kind) == kind,
            col(Business.status) == TRADING_STATUS,
            col(Business.suspended).is_(False),
        )
    )
    return statement if narrowing is None else statement.where(narrowing)


def scale_up_count(*, session: Session, actor: Actor, rules: CandidateRules) -> int:
    """How many 上规上限 candidates the list shows (the monthly report's line): the same rows and the same test
    as candidates(pool="scale_up"), reading only each one's industry and revenue, unsorted, no rows built (at
    1,000,000 businesses the list's 42,000 enterprises cost ~0.4 CPU-s more as full rows sorted by name)."""
    statement = _latest_figures(
        actor, KIND_OF_LIST["scale_up"], (Business.industry_code, YearFigures.revenue), _scale_up_prefilter(rules)
    )
    return sum(
        1
        for industry_code, revenue in session.execute(statement)
        if scale_up_reason(rules=rules, revenue=revenue, threshold=scale_threshold_for(industry_code))
    )


def _distinction(
    session: Session,
    actor: Actor,
    rules: CandidateRules,
    today: date,
    members: set[int],
    grid_id: int | None,
    officer_id: int | None,
) -> list[CandidateRow]:
    """Trading households that pass the 名特优新 check today and have no application under way or recognised."""
    tiers = {key: tier for key, tier in tiers_of(session, actor, None).items() if tier in ELIGIBLE_TIERS}
    events = _events_by_business(session, actor)
    taken = _with_distinction(session, actor)
    found: list[CandidateRow] = []
    trading_since = col(Business.registered_on) <= years_after(today, -rules.min_trading_years)
    for figures in _trading_with_figures(session, actor, BusinessKind.HOUSEHOLD, grid_id, officer_id, trading_since):
        business = figures.business
        if business.id in taken or business.id not in tiers:
            continue
        check = check_eligibility(
            tier=tiers[business.id],
            registered_on=business.registered_on,
            events=events.get(business.id, []),
            on=today,
            min_trading_years=rules.min_trading_years,
        )
        if check.passed:
            found.append(
                CandidateRow(
                    pool="distinction",
                    business_uuid=business.uuid,
                    business_name=business.name,
                    uscc=business.uscc,
                    grid_id=business.grid_id,
                    officer_id=business.officer_id,
                    industry_code=business.industry_code,
                    year=figures.year,
                    revenue=figures.revenue,
                    employees=figures.employees,
                    reasons=check.reasons,
                    in_pool=business.id in members,
                )
            )
    return found


def _events_by_business(session: Session, actor: Actor) -> dict[int, list[NegativeEvent]]:
    found: dict[int, list[NegativeEvent]] = defaultdict(list)
    for row in session.exec(
        select(BusinessEvent).where(
            col(BusinessEvent.office_id) == actor.office_id, col(BusinessEvent.deleted_at).is_(None)
        )
    ):
        found[row.business_id].append(NegativeEvent(row.kind, row.occurred_on, row.repaired_on))
    return found


def _with_distinction(session: Session, actor: Actor) -> set[int]:
    return set(
        session.exec(
            select(Distinction.business_id).where(
                col(Distinction.office_id) == actor.office_id,
                col(Distinction.deleted_at).is_(None),
                col(Distinction.step).in_([*OPEN_STEPS, "recognised", "returned"]),
            )
        ).all()
    )
