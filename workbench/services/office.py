"""The office, its grids and officers, and who is at the keyboard on this device."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from storage.tables import Grid, Office, Officer


@dataclass(frozen=True)
class Choice:
    id: int
    uuid: str
    name: str


def offices(*, session: Session) -> list[Choice]:
    rows = session.exec(select(Office).where(Office.deleted_at.is_(None)).order_by(Office.id)).scalars()  # type: ignore[call-overload, union-attr, arg-type]
    return [Choice(row.id, row.uuid, row.name) for row in rows]


def officers(*, session: Session, office_id: int) -> list[Choice]:
    rows = session.exec(  # type: ignore[call-overload]
        select(Officer)
        .where(Officer.office_id == office_id, Officer.deleted_at.is_(None), Officer.active)  # type: ignore[arg-type, union-attr]
        .order_by(Officer.id)
    ).scalars()
    return [Choice(row.id, row.uuid, row.name) for row in rows]


def grids(*, session: Session, office_id: int) -> list[Choice]:
    rows = session.exec(  # type: ignore[call-overload]
        select(Grid).where(Grid.office_id == office_id, Grid.deleted_at.is_(None)).order_by(Grid.id)  # type: ignore[arg-type, union-attr]
    ).scalars()
    return [Choice(row.id, row.uuid, row.name) for row in rows]


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
