"""今日走访路线: the day's stops of one officer — the businesses where something is due at the door (a visit's
follow-up, a 歇业 period that has ended) — grouped by street or community, in natural address order.

Not the officer's whole list (that is the register list's 只看我的): a route holds what is due that day,
overdue included, so a follow-up missed yesterday is still on today's walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables import Business, Grid
from storage.tables_service import Visit, VisitFollowUp
from workbench.domain.address_order import local_part, natural_key, route_area
from workbench.domain.labels import BusinessStatus
from workbench.services.service_common import actor_officer_id

STOPS_AT_MOST = 300
"""A day's walk is tens of doors: beyond this the route says so and the to-do lists the rest."""


@dataclass(frozen=True)
class RouteStop:
    """One door on the day's route, with what is due there and what the officer needs at the door."""

    business_uuid: str
    business_version: int
    name: str
    operator: str
    phone: str
    address: str
    grid_name: str
    last_visited_on: date | None
    area: str = ""
    """The street or community (五马街道 府前街): the route's groups."""
    reasons: tuple[str, ...] = field(default=())
    """What is due here: 「跟进：复查经营状况（期限 2026-12-13）」, 「歇业期已于 … 届满，核实是否恢复营业」."""

    @property
    def street_address(self) -> str:
        return local_part(self.address)


def day_route(
    session: Session,
    *,
    actor: Actor,
    day: date,
    grid_id: int | None = None,
    officer_id: int | None = None,
) -> list[RouteStop]:
    """The officer's stops for `day` (officer_id None: the officer at the keyboard), in one grid if given,
    grouped by area and in natural address order within it."""
    officer_id = officer_id if officer_id is not None else actor_officer_id(session, actor)
    reasons: dict[int, list[str]] = {}
    for business_id, action, due_on in _follow_ups_due(session, actor, officer_id, day):
        reasons.setdefault(business_id, []).append(f"跟进：{action}（期限 {due_on}）")
    for business_id, until in _suspensions_ended(session, actor, officer_id, day):
        reasons.setdefault(business_id, []).append(f"歇业期已于 {until} 届满，核实是否恢复营业")
    if not reasons:
        return []
    last_visit = (
        select(func.max(Visit.visited_on))
        .where(col(Visit.business_id) == col(Business.id), col(Visit.deleted_at).is_(None))
        .scalar_subquery()
    )
    query = (
        select(Business, Grid.name, last_visit)
        .outerjoin(Grid, col(Grid.id) == col(Business.grid_id))
        .where(col(Business.id).in_(list(reasons)), col(Business.deleted_at).is_(None))
    )
    if grid_id is not None:
        query = query.where(col(Business.grid_id) == grid_id)
    stops = [
        RouteStop(
            business.uuid, business.version, business.name, business.operator, business.phone, business.address,
            grid_name or "", last_on, route_area(business.address), tuple(reasons[business.id or 0]),
        )  # fmt: skip
        for business, grid_name, last_on in session.exec(query)
    ]
    stops.sort(key=lambda stop: (stop.area, natural_key(stop.street_address), stop.name))
    return stops[:STOPS_AT_MOST]


def _follow_ups_due(
    session: Session, actor: Actor, officer_id: int | None, day: date
) -> list[tuple[int, str, date]]:
    """Open follow-ups due on or before the day, of visits the officer made (as the to-do counts them)."""
    query = (
        select(col(Visit.business_id), col(VisitFollowUp.action), col(VisitFollowUp.due_on))
        .join(Visit, col(Visit.id) == col(VisitFollowUp.visit_id))
        .where(
            col(VisitFollowUp.office_id) == actor.office_id,
            col(VisitFollowUp.deleted_at).is_(None),
            col(VisitFollowUp.done_on).is_(None),
            col(VisitFollowUp.due_on) <= day,
            col(Visit.deleted_at).is_(None),
        )
        .order_by(col(VisitFollowUp.due_on))
    )
    if officer_id is not None:
        query = query.where(col(Visit.officer_id) == officer_id)
    return [(business_id, action, due_on) for business_id, action, due_on in session.exec(query)]


def _suspensions_ended(
    session: Session, actor: Actor, officer_id: int | None, day: date
) -> list[tuple[int, date]]:
    """The officer's businesses whose 歇业 period ended on or before the day: someone should see if they reopened."""
    query = select(col(Business.id), col(Business.suspended_until)).where(
        col(Business.office_id) == actor.office_id,
        col(Business.deleted_at).is_(None),
        col(Business.status) == BusinessStatus.ACTIVE,
        col(Business.suspended).is_(True),
        col(Business.suspended_until).is_not(None),
        col(Business.suspended_until) <= day,
    )
    if officer_id is not None:
        query = query.where(col(Business.officer_id) == officer_id)
    return [(business_id, until) for business_id, until in session.exec(query) if business_id and until]


def route_title(whose: str, day: date, stops: list[RouteStop]) -> str:
    """「今日走访路线（张伟，2026-11-23）：共 2 户」: the printed heading and the exported workbook's page title."""
    return f"今日走访路线（{whose}，{day.isoformat()}）：共 {len(stops)} 户"
