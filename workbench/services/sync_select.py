"""What a field package (外业包) carries for one officer (issue 19): the officer's live businesses with their
licences, year figures, classification, open appeals (and their steps), the support and visits of the last
year (and the visits' follow-ups), and every officer and grid of the office, as plain rows. And, when the
officer is an inspector, the 双随机 draws they inspect in (workbench.services.sync_select_inspection).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
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
    DRAW,
    FOLLOW_UP,
    GRID,
    INSPECTION_SPECS,
    INSPECTION_TASK,
    INSPECTOR,
    LICENSE,
    OFFICER,
    PAIR,
    RESULT,
    SUPPORT,
    TASK_ITEM,
    VISIT,
    YEAR_FIGURES,
    PlainRow,
    SyncSpec,
    id_map,
    read_rows,
)
from workbench.services.sync_select_inspection import InspectionScope, inspection_scope

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
    inspected_only: int = 0  # businesses carried only because the officer inspects them (双随机), not 包联

    @property
    def businesses(self) -> int:
        return len(self.rows[BUSINESS.name])

    @property
    def own_businesses(self) -> int:
        return self.businesses - self.inspected_only

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
    scope = inspection_scope(connection, office_id, officer_id)
    drawn = sorted(scope.business_ids)
    take(BUSINESS, or_(and_(*mine), b.id.in_(drawn)) if drawn else and_(*mine))
    businesses = select(b.id).where(b.office_id == office_id, b.deleted_at.is_(None), *mine)
    for spec in (LICENSE, YEAR_FIGURES, CLASSIFICATION):
        business_id = spec.table.c.business_id
        # an inspection checks licences: a drawn business's travel with it (its figures are its 包联干部's work)
        take(spec, or_(business_id.in_(businesses), business_id.in_(drawn)) if drawn and spec is LICENSE
             else business_id.in_(businesses))
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
    _take_inspections(scope, take, rows, uuids)
    identity = OfficeIdentity(office.uuid, office.code, office.name, office.region_code, office.version)
    me, grid = uuids[OFFICER.name].get(officer_id), uuids[GRID.name].get(grid_id) if grid_id is not None else None
    inspected_only = sum(1 for row in rows[BUSINESS.name] if row.local_id in scope.business_ids and not (
        row.values.get("officer_id") == me and (grid_id is None or row.values.get("grid_id") == grid)))
    return FieldSelection(identity, officer, {spec.name: rows[spec.name] for spec in ALL_SPECS}, inspected_only)


def _take_inspections(scope: InspectionScope, take: Any, rows: dict[str, list[PlainRow]],
                      uuids: dict[str, dict[int, str]]) -> None:
    """The 双随机 rows of the scope, one query a table; none at all for an officer who is no inspector."""
    if scope.empty:
        for spec in INSPECTION_SPECS:
            rows[spec.name], uuids[spec.name] = [], {}
        return
    tasks = sorted(scope.task_ids)
    take(INSPECTOR, INSPECTOR.table.c.uuid.in_(sorted(scope.inspector_uuids)))
    take(INSPECTION_TASK, INSPECTION_TASK.table.c.id.in_(tasks))
    take(TASK_ITEM, TASK_ITEM.table.c.task_id.in_(tasks))
    take(DRAW, DRAW.table.c.id.in_(sorted(scope.draw_ids)))
    take(PAIR, PAIR.table.c.id.in_(sorted(scope.pair_ids)))
    take(RESULT, RESULT.table.c.task_id.in_(tasks), RESULT.table.c.business_id.in_(sorted(scope.business_ids)))
    # a result of the same task for a business drawn for another inspector stays at the office; a business
    # deleted since the draw takes its pair and result with it
    task_uuid, business_uuid = uuids[INSPECTION_TASK.name], uuids[BUSINESS.name]
    keys = {(task_uuid.get(task), business_uuid.get(business)) for task, business in scope.pair_keys}
    rows[PAIR.name] = [row for row in rows[PAIR.name] if row.values.get("business_id") is not None]
    rows[RESULT.name] = [row for row in rows[RESULT.name]
                         if (row.values.get("task_id"), row.values.get("business_id")) in keys
                         and row.values.get("business_id") is not None]
