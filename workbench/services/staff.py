"""干部与网格: the office's officers and grids after `workbench init` — people join, move and leave.

An officer who leaves (调离) is marked inactive, never deleted: their name stays on every change they
made and on the businesses still assigned to them until those are handed over. Every add and edit is
versioned and written to the change log like any other record.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, utc_now
from storage.tables import Business, Grid, Officer
from workbench.domain.personal_ids import check_phone
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed

NAME_MAX = {"officer": 50, "grid": 100}


@dataclass(frozen=True)
class OfficerLine:
    id: int
    uuid: str
    version: int
    name: str
    phone: str
    grid_id: int | None
    grid_name: str
    active: bool
    businesses: int


@dataclass(frozen=True)
class GridLine:
    id: int
    uuid: str
    version: int
    name: str
    officers: int
    businesses: int


def staff_overview(session: Session, *, actor: Actor) -> tuple[list[OfficerLine], list[GridLine]]:
    """The office's officers (在岗 first) and grids, each with how many live businesses it holds."""
    grids = list(session.exec(_live(Grid, actor).order_by(col(Grid.id))))
    officers = list(session.exec(_live(Officer, actor).order_by(col(Officer.active).desc(), col(Officer.id))))
    by_officer = _business_counts(session, actor, Business.officer_id)
    by_grid = _business_counts(session, actor, Business.grid_id)
    grid_names = {grid.id: grid.name for grid in grids}
    officer_lines = [
        OfficerLine(
            _id(officer.id),
            officer.uuid,
            officer.version,
            officer.name,
            officer.phone,
            officer.grid_id,
            grid_names.get(officer.grid_id, ""),
            officer.active,
            by_officer.get(officer.id, 0),
        )  # fmt: skip
        for officer in officers
    ]
    grid_lines = [
        GridLine(
            _id(grid.id),
            grid.uuid,
            grid.version,
            grid.name,
            sum(1 for officer in officers if officer.grid_id == grid.id and officer.active),
            by_grid.get(grid.id, 0),
        )  # fmt: skip
        for grid in grids
    ]
    return officer_lines, grid_lines


def add_officer(session: Session, *, actor: Actor, data: dict[str, Any]) -> Officer:
    """A new 包联干部 in the actor's office: name required and not already an active officer's."""
    values = _officer_values(session, actor, data, exclude_id=None, active=True)
    officer = Officer(office_id=actor.office_id, updated_at=utc_now(), updated_by=actor.who, device=actor.device,
                      **values)  # fmt: skip
    session.add(officer)
    session.flush()
    log_changes(
        session,
        actor,
        "officer",
        officer.uuid,
        "create",
        {key: (None, value) for key, value in values.items()},
    )
    return officer


def update_officer(
    session: Session, *, actor: Actor, officer_uuid: str, base_version: int, data: dict[str, Any]
) -> Officer:
    """Name, phone and grid of an officer; `active` False is 调离, True brings them back."""
    officer = _get(session, actor, Officer, officer_uuid, "干部")
    active = bool(data.get("active", officer.active))
    values = _officer_values(
        session, actor, {**_officer_data(officer), **data}, exclude_id=officer.id, active=active
    )
    values["active"] = active
    return _save(session, actor, officer, base_version, values, "officer")


def add_grid(session: Session, *, actor: Actor, data: dict[str, Any]) -> Grid:
    name = _name(data.get("name"), "grid", "网格名称")
    if _name_taken(session, actor, Grid, name, None):
        raise ValidationFailed({"name": f"本所已有网格「{name}」"})
    grid = Grid(
        office_id=actor.office_id, name=name, updated_at=utc_now(), updated_by=actor.who, device=actor.device
    )
    session.add(grid)
    session.flush()
    log_changes(session, actor, "grid", grid.uuid, "create", {"name": (None, name)})
    return grid


def rename_grid(
    session: Session, *, actor: Actor, grid_uuid: str, base_version: int, data: dict[str, Any]
) -> Grid:
    grid = _get(session, actor, Grid, grid_uuid, "网格")
    name = _name(data.get("name"), "grid", "网格名称")
    if _name_taken(session, actor, Grid, name, grid.id):
        raise ValidationFailed({"name": f"本所已有网格「{name}」"})
    return _save(session, actor, grid, base_version, {"name": name}, "grid")


# checks


def _officer_values(
    session: Session, actor: Actor, data: dict[str, Any], *, exclude_id: int | None, active: bool
) -> dict[str, Any]:
    """Checked name, phone and grid; two officers on duty may not share a name (people pick by name)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    try:
        values["name"] = _name(data.get("name"), "officer", "姓名")
        if active and _name_taken(session, actor, Officer, values["name"], exclude_id, active_only=True):
            errors["name"] = (
                f"本所已有在岗干部「{values['name']}」，同名时请在名字后加区分，如「{values['name']}（东片）」"
            )
    except ValidationFailed as error:
        errors.update(error.errors)
    phone = str(data.get("phone") or "").strip()
    if phone:
        verdict = check_phone(phone)
        if verdict.valid:
            phone = verdict.code
        else:
            errors["phone"] = f"联系电话「{phone}」：{verdict.reason}"
    values["phone"] = phone
    grid_id = data.get("grid_id")
    if grid_id is not None:
        grid = session.get(Grid, int(grid_id))
        if grid is None or grid.office_id != actor.office_id or grid.deleted_at is not None:
            errors["grid_id"] = "所选网格不属于本所，请重新选择"
    values["grid_id"] = None if grid_id is None else int(grid_id)
    if errors:
        raise ValidationFailed(errors)
    return values


def _name(raw: Any, kind: str, label: str) -> str:
    name = " ".join(unicodedata.normalize("NFKC", str(raw or "")).split())
    if not name:
        raise ValidationFailed({"name": f"请填写{label}"})
    if len(name) > NAME_MAX[kind]:
        raise ValidationFailed({"name": f"{label}不能超过 {NAME_MAX[kind]} 个字（现在 {len(name)} 个）"})
    return name


def _name_taken(
    session: Session,
    actor: Actor,
    model: Any,
    name: str,
    exclude_id: int | None,
    *,
    active_only: bool = False,
) -> bool:
    query = _live(model, actor).where(col(model.name) == name)
    if exclude_id is not None:
        query = query.where(col(model.id) != exclude_id)
    if active_only:
        query = query.where(col(model.active))
    return session.exec(query).first() is not None


# reading and writing


def _live(model: Any, actor: Actor) -> Any:
    return select(model).where(col(model.office_id) == actor.office_id, col(model.deleted_at).is_(None))


def _business_counts(session: Session, actor: Actor, column: Any) -> dict[int, int]:
    rows = session.exec(
        select(column, func.count())
        .where(
            col(Business.office_id) == actor.office_id,
            col(Business.deleted_at).is_(None),
            column.is_not(None),
        )
        .group_by(column)
    )
    return {key: count for key, count in rows}


def _get(session: Session, actor: Actor, model: Any, uuid: str, what: str) -> Any:
    row = session.exec(_live(model, actor).where(col(model.uuid) == uuid)).first()
    if row is None:
        raise NotFound(f"本所没有这名{what}（可能已被删除）")
    return row


def _officer_data(officer: Officer) -> dict[str, Any]:
    return {"name": officer.name, "phone": officer.phone, "grid_id": officer.grid_id}


def _save(
    session: Session, actor: Actor, row: Any, base_version: int, values: dict[str, Any], entity: str
) -> Any:
    changes = {key: (getattr(row, key), value) for key, value in values.items() if getattr(row, key) != value}
    if not changes:
        return row
    try:
        guarded_update(
            session, type(row), row.id, base_version, {key: new for key, (_, new) in changes.items()}, actor
        )
    except VersionConflict:
        session.refresh(row)
        raise SaveConflict("这条记录已被他人修改，请刷新后再改", {}, row.version) from None
    log_changes(session, actor, entity, row.uuid, "update", changes)
    session.expire(row)
    return session.get(type(row), row.id)


def _id(row_id: int | None) -> int:
    assert row_id is not None
    return row_id
