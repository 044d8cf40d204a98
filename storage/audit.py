"""Who changed what: the change log written in the same transaction as the change, and version checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, SQLModel

from storage.tables import ChangeLog


@dataclass(frozen=True)
class Actor:
    """The officer at the keyboard, the device they use, and the office whose rows they may touch."""

    who: str
    device: str
    office_id: int
    officer_id: int | None = None  # the officer's row when known (the TUI); None for the CLI and scripts


class VersionConflict(Exception):
    """Someone else saved this row since it was read; `current` holds their saved values."""

    def __init__(self, entity_uuid: str, base_version: int, current: dict[str, Any] | None) -> None:
        super().__init__(f"{entity_uuid}: version {base_version} is no longer current")
        self.entity_uuid = entity_uuid
        self.base_version = base_version
        self.current = current


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_log_text(value: Any) -> str | None:
    """The change log keeps values as text so every field type fits one column."""
    if value is None:
        return None
    if type(value) is int or type(value) is str:  # most values (an amount, a name): no other test needed
        return str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def log_changes(
    session: Session,
    actor: Actor,
    entity: str,
    entity_uuid: str,
    action: str,
    changes: dict[str, tuple[Any, Any]],
    at: datetime | None = None,
) -> None:
    """Append one ChangeLog row per changed field (or one row when there are no fields, e.g. delete)."""
    at = at or utc_now()
    items = list(changes.items()) or [("", (None, None))]
    for field, (old, new) in items:
        session.add(
            ChangeLog(
                office_id=actor.office_id,
                entity=entity,
                entity_uuid=entity_uuid,
                action=action,
                field=field,
                old=as_log_text(old),
                new=as_log_text(new),
                who=actor.who,
                at=at,
                device=actor.device,
            )
        )


def stamp_values(actor: Actor, at: datetime) -> dict[str, Any]:
    return {"updated_at": at, "updated_by": actor.who, "device": actor.device}


def guarded_update(
    session: Session,
    model: type[SQLModel],
    row_id: int,
    base_version: int,
    values: dict[str, Any],
    actor: Actor,
) -> int:
    """UPDATE ... WHERE version = base_version; returns the new version or raises VersionConflict."""
    at = values.pop("updated_at", None) or utc_now()
    new_version = base_version + 1
    table: Any = model
    statement = (
        update(model)
        .where(table.id == row_id, table.version == base_version, table.office_id == actor.office_id)
        .values(**values, version=new_version, **stamp_values(actor, at))
    )
    result: Any = session.execute(statement)
    if result.rowcount != 1:
        raise VersionConflict(str(row_id), base_version, None)
    return new_version
