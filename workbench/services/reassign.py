"""批量改派: many businesses to another officer and/or grid at once, with a dry-run count first.

The businesses are the rows a person marked (their uuids) or everything a list filter and search match
(the list's own conditions, storage.queries), or an officer's whole 包联 (`workbench assign`, 调离). The
preview says, in one sentence, how many go from whom to whom; the write changes only the rows whose grid
or officer really changes, bumps each one's version and logs each changed field (change_log, action
update), as a form save would, in the caller's transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from storage.audit import Actor, as_log_text, stamp_values, utc_now
from storage.queries import BusinessFilter, filter_conditions
from storage.search import plan_text
from storage.tables import Business, ChangeLog, Grid, Officer
from workbench.services.assignment import UNASSIGNED, AssignmentRefused, officer_named

_business: Any = Business.__table__  # type: ignore[attr-defined]
_grid: Any = Grid.__table__  # type: ignore[attr-defined]
_officer: Any = Officer.__table__  # type: ignore[attr-defined]
_change_log: Any = ChangeLog.__table__  # type: ignore[attr-defined]
CHUNK = 500  # ids per IN list / UPDATE


@dataclass(frozen=True)
class Selection:
    """Which businesses: the marked ones (uuids) when there are any, else what the filter matches."""

    uuids: tuple[str, ...] = ()
    flt: BusinessFilter | None = None


@dataclass(frozen=True)
class ReassignTarget:
    """Where they go. set_officer with officer_id None = 未分派 (nobody); set_grid likewise for the grid."""

    officer_id: int | None = None
    grid_id: int | None = None
    set_officer: bool = True
    set_grid: bool = False


@dataclass(frozen=True)
class ReassignPreview:
    selected: int  # businesses the selection holds
    changing: int  # of them, those whose grid or officer changes
    sentence: str  # 将把 37 户从 张伟 改派给 李娜


def target_named(
    session: Session, actor: Actor, *, officer: str | None, grid: str | None, unassign: bool = False
) -> ReassignTarget:
    """A target from names (the CLI); AssignmentRefused in one sentence for an unknown or departed one."""
    connection = session.connection()
    officer_id = None
    if officer is not None and not unassign:
        officer_id = officer_named(_officers(connection, actor.office_id), officer, what="接收改派").id
    grid_id = None
    if grid is not None:
        grids: dict[str, int] = dict(connection.execute(select(_grid.c.name, _grid.c.id).where(
            _grid.c.office_id == actor.office_id, _grid.c.deleted_at.is_(None))).all())  # fmt: skip
        if grid.strip() not in grids:
            raise AssignmentRefused(f"本所没有网格「{grid.strip()}」，现有：{'、'.join(grids) or '（还没有网格）'}")
        grid_id = grids[grid.strip()]
    return ReassignTarget(officer_id, grid_id, set_officer=officer is not None or unassign, set_grid=grid is not None)


def preview_reassign(
    session: Session, *, actor: Actor, selection: Selection, target: ReassignTarget
) -> ReassignPreview:
    """How many businesses the selection holds and, of those that change, from whom they go to whom."""
    connection = session.connection()
    _check_target(connection, actor, target)
    where = _selected(connection, actor, selection)
    selected = connection.execute(select(func.count()).select_from(_business).where(*where)).scalar_one()
    sources: Counter[int | None] = Counter(dict(connection.execute(
        select(_business.c.officer_id, func.count()).where(*where, _changes(target)).group_by(_business.c.officer_id)
    ).all()))  # fmt: skip
    changing = sum(sources.values())
    names = _names(connection, actor.office_id)
    to = _target_text(target, names)
    if not selected:
        return ReassignPreview(0, 0, "没有选中任何市场主体，没有要改派的")
    if not changing:
        return ReassignPreview(selected, 0, f"所选的 {selected:,} 户已经都是{to}，没有要改的")
    parts = [
        (names["officer"].get(officer_id, UNASSIGNED) if officer_id is not None else UNASSIGNED, count)
        for officer_id, count in sources.most_common()
    ]
    origin = f"从 {parts[0][0]} " if len(parts) == 1 else f"（{'、'.join(f'{name} {n:,} 户' for name, n in parts)}）"
    sentence = f"将把 {changing:,} 户{origin}改派给 {to}"
    if selected > changing:
        sentence += f"（另有 {selected - changing:,} 户已是{to}，不变）"
    return ReassignPreview(selected, changing, sentence)


def reassign(session: Session, *, actor: Actor, selection: Selection, target: ReassignTarget) -> int:
    """Give the selection's businesses the target; returns how many changed (version + 1 and logged each)."""
    connection = session.connection()
    _check_target(connection, actor, target)
    where = _selected(connection, actor, selection)
    query = select(_business.c.id, _business.c.uuid, _business.c.grid_id, _business.c.officer_id).where(
        *where, _changes(target)
    )
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(of=_business)  # nobody else saves these rows until the commit
    rows = list(connection.execute(query.order_by(_business.c.id)))
    at = utc_now()
    values: dict[str, Any] = {**stamp_values(actor, at), "version": _business.c.version + 1}
    if target.set_officer:
        values["officer_id"] = target.officer_id
    if target.set_grid:
        values["grid_id"] = target.grid_id
    for chunk in _chunks(rows):
        connection.execute(update(_business).where(_business.c.id.in_([row.id for row in chunk])).values(**values))
        log = [entry for row in chunk for entry in _log_rows(actor, row, target, at)]
        if log:
            connection.execute(insert(_change_log), log)
    return len(rows)


def _log_rows(actor: Actor, row: Any, target: ReassignTarget, at: Any) -> Iterator[dict[str, Any]]:
    for field, old, new, wanted in (
        ("officer_id", row.officer_id, target.officer_id, target.set_officer),
        ("grid_id", row.grid_id, target.grid_id, target.set_grid),
    ):
        if wanted and old != new:
            yield {
                "office_id": actor.office_id, "entity": "business", "entity_uuid": row.uuid, "action": "update",
                "field": field, "old": as_log_text(old), "new": as_log_text(new), "who": actor.who, "at": at,
                "device": actor.device,
            }  # fmt: skip


def _selected(connection: Connection, actor: Actor, selection: Selection) -> list[ColumnElement[bool]]:
    """The selection's conditions, always inside the actor's office and on live rows."""
    live = [_business.c.office_id == actor.office_id, _business.c.deleted_at.is_(None)]
    if selection.uuids:
        return [*live, or_(*(_business.c.uuid.in_(chunk) for chunk in _chunks(list(selection.uuids))))]
    flt = selection.flt
    if flt is None:
        return [*live, _business.c.id.is_(None)]  # nothing
    if flt.office_id != actor.office_id:
        raise AssignmentRefused("只能改派本所的市场主体")
    condition = plan_text(connection, flt.text).driven_condition()
    return [*live, *filter_conditions(flt), *([] if condition is None else [condition])]


def _changes(target: ReassignTarget) -> ColumnElement[bool]:
    """Rows the target would change (NULL-safe: 未分派 to someone, someone to 未分派)."""
    differs = []
    if target.set_officer:
        differs.append(_business.c.officer_id.is_distinct_from(target.officer_id))
    if target.set_grid:
        differs.append(_business.c.grid_id.is_distinct_from(target.grid_id))
    return or_(*differs)


def _check_target(connection: Connection, actor: Actor, target: ReassignTarget) -> None:
    if not (target.set_officer or target.set_grid):
        raise AssignmentRefused("请选择改派给哪名干部或哪个网格")
    if target.set_officer and target.officer_id is not None:
        row = connection.execute(select(_officer.c.name, _officer.c.active, _officer.c.office_id).where(
            _officer.c.id == target.officer_id, _officer.c.deleted_at.is_(None))).first()  # fmt: skip
        if row is None or row.office_id != actor.office_id:
            raise AssignmentRefused("所选干部不是本所的干部，请重新选择")
        if not row.active:
            raise AssignmentRefused(f"「{row.name}」已调离，不能接收改派；请改选在岗干部")
    if target.set_grid and target.grid_id is not None:
        row = connection.execute(select(_grid.c.office_id).where(
            _grid.c.id == target.grid_id, _grid.c.deleted_at.is_(None))).first()  # fmt: skip
        if row is None or row.office_id != actor.office_id:
            raise AssignmentRefused("所选网格不是本所的网格，请重新选择")


def _target_text(target: ReassignTarget, names: dict[str, dict[int, str]]) -> str:
    parts = []
    if target.set_grid:
        parts.append(names["grid"].get(target.grid_id, "") if target.grid_id is not None else "无网格")
    if target.set_officer:
        parts.append(
            names["officer"].get(target.officer_id, "") if target.officer_id is not None else "未分派（无包联干部）"
        )
    return " / ".join(parts)


def _names(connection: Connection, office_id: int) -> dict[str, dict[int, str]]:
    return {
        "grid": dict(connection.execute(select(_grid.c.id, _grid.c.name).where(_grid.c.office_id == office_id)).all()),
        "officer": {row.id: row.name for row in _officers(connection, office_id)},
    }


def _officers(connection: Connection, office_id: int) -> list[Any]:
    return list(connection.execute(
        select(_officer.c.id, _officer.c.name, _officer.c.grid_id, _officer.c.active)
        .where(_officer.c.office_id == office_id, _officer.c.deleted_at.is_(None)).order_by(_officer.c.id)
    ))  # fmt: skip


def _chunks(rows: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]
