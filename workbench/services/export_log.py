"""Every export is written to the change log: who took which rows out, and whether in full.

An export with full ID numbers and phone numbers is an export of personal data; the log row says so,
so the office can answer "who took the ID numbers out, when, on which machine, which rows".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.audit import Actor, log_changes, utc_now
from storage.tables import ChangeLog, new_uuid

ENTITY = "export"
PERSONAL_DATA_FIELD = "personal_data"
FULL_PERSONAL_DATA = "完整身份证号和手机号"
MASKED_PERSONAL_DATA = "身份证号和手机号已部分隐藏"


@dataclass(frozen=True)
class ExportRecord:
    """One export as the change log holds it."""

    uuid: str
    who: str
    device: str
    at: datetime
    file_name: str
    description: str
    rows: int
    full_personal_data: bool


def record_export(
    *,
    session: Session,
    actor: Actor,
    file_name: str,
    description: str,
    rows: int,
    full_personal_data: bool,
    at: datetime | None = None,
) -> str:
    """Log one export (one change_log row per fact, entity "export"); returns its uuid. The caller commits."""
    export_uuid = new_uuid()
    personal = FULL_PERSONAL_DATA if full_personal_data else MASKED_PERSONAL_DATA
    changes = {
        "file": (None, file_name),
        "filter": (None, description),
        "rows": (None, rows),
        PERSONAL_DATA_FIELD: (None, personal),
    }
    log_changes(session, actor, ENTITY, export_uuid, "export", changes, at or utc_now())
    return export_uuid


def recent_exports(*, session: Session, office_id: int, limit: int = 50) -> list[ExportRecord]:
    """The office's latest exports, newest first."""
    rows = session.exec(
        select(ChangeLog)
        .where(col(ChangeLog.office_id) == office_id, col(ChangeLog.entity) == ENTITY)
        .order_by(col(ChangeLog.id).desc())
        .limit(limit * 4)
    ).all()
    facts: dict[str, dict[str, str | None]] = {}
    first: dict[str, ChangeLog] = {}
    for row in rows:
        facts.setdefault(row.entity_uuid, {})[row.field] = row.new
        first.setdefault(row.entity_uuid, row)
    return [_record(first[uuid], values) for uuid, values in list(facts.items())[:limit]]


def _record(row: ChangeLog, values: dict[str, str | None]) -> ExportRecord:
    return ExportRecord(
        uuid=row.entity_uuid,
        who=row.who,
        device=row.device,
        at=row.at,
        file_name=values.get("file") or "",
        description=values.get("filter") or "",
        rows=int(values.get("rows") or 0),
        full_personal_data=values.get(PERSONAL_DATA_FIELD) == FULL_PERSONAL_DATA,
    )
