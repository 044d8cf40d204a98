"""The office, its grids and officers, and who is at the keyboard on this device."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from storage.tables import Grid, Office, Officer


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
        select(Grid).where(col(Grid.office_id) == office_id, col(Grid.deleted_at).is_(None)).order_by(col(Grid.id))
    )
    return [Choice(_id(row.id), row.uuid, row.name) for row in rows]


def _id(row_id: int | None) -> int:
    assert row_id is not None, "rows read from the database have ids"
    return row_id


class DeviceMemory:
    """Remembers, per device and database, which office and officer last worked here (a small JSON file)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError):
            return {}

    def officer_uuid(self, database_key: str) -> str | None:
        return self._load().get(database_key, {}).get("officer_uuid")

    def remember_officer(self, database_key: str, officer_uuid: str) -> None:
        memory = self._load()
        memory.setdefault(database_key, {})["officer_uuid"] = officer_uuid
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(memory, ensure_ascii=False, indent=1), encoding="utf-8")
