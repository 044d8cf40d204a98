"""The office, its grids and officers, and who is at the keyboard on this device."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, log_changes, utc_now
from storage.tables import Grid, Office, Officer
from workbench.services.device_memory import DeviceMemory

__all__ = ["Choice", "DeviceMemory", "grids", "officers", "offices", "set_up_office"]


@dataclass(frozen=True)
class Choice:
    id: int
    uuid: str
    name: str


def offices(*, session: Session) -> list[Choice]:
    rows = session.exec(select(Office).where(col(Office.deleted_at).is_(None)).order_by(col(Office.id)))
    return [Choice(_id(row.id), row.uuid, row.name) for row in rows]


def officers(*, session: Session, office_id: int) -> list[Choice]:
    rows = session.exec(
        select(Officer)
        .where(col(Officer.office_id) == office_id, col(Officer.deleted_at).is_(None), col(Officer.active))
        .order_by(col(Officer.id))
    )
    return [Choice(_id(row.id), row.uuid, row.name) for row in rows]


def grids(*, session: Session, office_id: int) -> list[Choice]:
    rows = session.exec(
        select(Grid)
        .where(col(Grid.office_id) == office_id, col(Grid.deleted_at).is_(None))
        .order_by(col(Grid.id))
    )
    return [Choice(_id(row.id), row.uuid, row.name) for row in rows]


def _id(row_id: int | None) -> int:
    assert row_id is not None, "rows read from the database have ids"
    return row_id


def set_up_office(
    *,
    session: Session,
    name: str,
    officer_names: list[str],
    grid_names: list[str],
    region_code: str = "",
    who: str = "初始化",
    device: str = "",
) -> int:
    """Create an office with its officers and grids (the first step on a new database); returns its id."""
    clean_name = name.strip()
    names = [officer.strip() for officer in officer_names if officer.strip()]
    if not clean_name or not names:
        raise ValueError("请给出所名称和至少一名干部")
    at = utc_now()
    stamp: dict[str, Any] = {"updated_at": at, "updated_by": who, "device": device}
    office = Office(code=region_code or clean_name, name=clean_name, region_code=region_code, **stamp)
    session.add(office)
    session.flush()
    assert office.id is not None
    actor = Actor(who=who, device=device, office_id=office.id)
    log_changes(session, actor, "office", office.uuid, "create", {"name": (None, clean_name)}, at)
    rows: list[Officer | Grid] = [
        Grid(office_id=office.id, name=grid.strip(), **stamp) for grid in grid_names if grid.strip()
    ]
    rows += [Officer(office_id=office.id, name=officer, **stamp) for officer in names]
    for row in rows:
        session.add(row)
        session.flush()
        log_changes(
            session, actor, type(row).__name__.lower(), row.uuid, "create", {"name": (None, row.name)}, at
        )
    return office.id
