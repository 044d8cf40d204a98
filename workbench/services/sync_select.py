"""What a field package (外业包) carries for one officer (issue 19): the officer's live businesses with their
licences, year figures, classification, open appeals (and their steps), the support and visits of the last
year (and the visits' follow-ups), and every officer and grid of the office, as plain rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.tables import Office
from workbench.domain.appeal_states import OPEN_STATES
from workbench.services.errors import NotFound
from workbench.services.sync_rows import (
    ALL_SPECS,
    APPEAL,
    APPEAL_STEP,
    BUSINESS,
    CLASSIFICATION,
    FOLLOW_UP,
    GRID,
    LICENSE,
    OFFICER,
    SUPPORT,
    VISIT,
    YEAR_FIGURES,
    PlainRow,
    SyncSpec,
    id_map,
    read_rows,
)

RECENT_DAYS = 365  # support and visits of the last year travel: what an officer looks back on at the door


@dataclass(frozen=True)
class OfficeIdentity:
    uuid: str
    code: str
    name: str
    region_code: str
    version: int


@dataclass
class FieldSelection:
    office: OfficeIdentity
    officer: str
    rows: dict[str, list[PlainRow]]  # spec name -> rows, in ALL_SPECS order

    @property
    def businesses(self) -> int:
        return len(self.rows[BUSINESS.name])

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def select_field_rows(
    *, session: Session, office_id: int, officer_id: int, officer: str, grid_id: int | None = None,
    today: date | None = None,
) -> FieldSelection:
    """The rows of one officer's field package (optionally one grid of theirs)."""
    office: Any = session.get(Office, office_id)
    if office is None:
        raise NotFound("找不到这个所")
    since = (today or date.today()) - timedelta(days=RECENT_DAYS)
    connection = session.connection()
    uuids: dict[str, dict[int, str]] = {}
    rows: dict[str, list[PlainRow]] = {}

    def take(spec: SyncSpec, *where: Any) -> None:
        table = spec.table
        found = list(read_rows(connection, spec, (table.c.office_id == office_id, table.c.deleted_at.is_(None),
                                                  *where), uuids))
        rows[spec.name] = found
        uuids[spec.name] = id_map(found)

    take(GRID)
    take(OFFICER)
    b = BUSINESS.table.c
    mine = [b.officer_id == officer_id] + ([b.grid_id == grid_id] if grid_id is not None else [])
    take(BUSINESS, *mine)
    businesses = select(b.id).where(b.office_id == office_id, b.deleted_at.is_(None), *mine)
    for spec in (LICENSE, YEAR_FIGURES, CLASSIFICATION):
        take(spec, spec.table.c.business_id.in_(businesses))
    appeals = APPEAL.table.c
    open_appeal = (appeals.business_id.in_(businesses), appeals.state.in_(sorted(OPEN_STATES)))
    take(APPEAL, *open_appeal)
    take(APPEAL_STEP, APPEAL_STEP.table.c.appeal_id.in_(
        select(appeals.id).where(appeals.office_id == office_id, appeals.deleted_at.is_(None), *open_appeal)))
    take(SUPPORT, SUPPORT.table.c.business_id.in_(businesses), SUPPORT.table.c.given_on >= since)
    visits = VISIT.table.c
    recent_visit = (visits.business_id.in_(businesses), visits.visited_on >= since)
    take(VISIT, *recent_visit)
    take(FOLLOW_UP, FOLLOW_UP.table.c.visit_id.in_(
        select(visits.id).where(visits.office_id == office_id, visits.deleted_at.is_(None), *recent_visit)))
    identity = OfficeIdentity(office.uuid, office.code, office.name, office.region_code, office.version)
    return FieldSelection(identity, officer, {spec.name: rows[spec.name] for spec in ALL_SPECS})
