"""Today's route (今日走访): the officer's businesses in one grid, in walking order, with the last visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables import Business, Grid
from storage.tables_service import Visit
from workbench.domain.labels import BusinessStatus
from workbench.services.service_common import actor_officer_id


@dataclass(frozen=True)
class RouteStop:
    """One business on today's route, with what the officer needs at the door."""

    business_uuid: str
    business_version: int
    name: str
    operator: str
    phone: str
    address: str
    grid_name: str
    last_visited_on: date | None


def todays_route(
    session: Session,
    *,
    actor: Actor,
    grid_id: int | None = None,
    officer_id: int | None = None,
    limit: int = 500,
) -> list[RouteStop]:
    """The officer's live, active businesses (in one grid if given), ordered by address for walking.

    officer_id None: the officer at the keyboard (by name); an actor who is no officer gets the grid's
    businesses, or none.
    """
    officer_id = officer_id if officer_id is not None else actor_officer_id(session, actor)
    if officer_id is None and grid_id is None:
        return []
    # Per stop, not grouped over all visits: 500 index look-ups however many years of visits there are.
    last_visit = (
        select(func.max(Visit.visited_on))
        .where(col(Visit.business_id) == col(Business.id), col(Visit.deleted_at).is_(None))
        .scalar_subquery()
    )
    query = (
        select(Business, Grid.name, last_visit)
        .outerjoin(Grid, col(Grid.id) == col(Business.grid_id))
        .where(
            col(Business.office_id) == actor.office_id,
            col(Business.deleted_at).is_(None),
            col(Business.status) == BusinessStatus.ACTIVE,
        )
    )
    if officer_id is not None:
        query = query.where(col(Business.officer_id) == officer_id)
    if grid_id is not None:
        query = query.where(col(Business.grid_id) == grid_id)
    rows = session.exec(query.order_by(col(Business.address), col(Business.name)).limit(limit))
    return [
        RouteStop(
            business.uuid,
            business.version,
            business.name,
            business.operator,
            business.phone,
            business.address,
            grid_name or "",
            last_on,
        )
        for business, grid_name, last_on in rows
    ]
