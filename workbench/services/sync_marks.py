"""The 待处理冲突 mark (issue 19): which businesses a return package left a decision on. Small on purpose: the
list's first page and the detail read it, so it loads nothing of the apply step."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from storage.tables_sync_apply import SyncConflict

_CONFLICT: Any = SyncConflict.__table__  # type: ignore[attr-defined]
CHUNK = 500


def pending_businesses(session: Session, office_id: int, business_uuids: list[str]) -> set[str]:
    """Which of these businesses wait for a decision: one look-up of the (business_uuid) index per page."""
    found: set[str] = set()
    uuids = sorted(set(business_uuids))
    for start in range(0, len(uuids), CHUNK):
        statement = select(_CONFLICT.c.business_uuid).where(
            _CONFLICT.c.business_uuid.in_(uuids[start : start + CHUNK]),
            _CONFLICT.c.office_id == office_id,
            _CONFLICT.c.status == "open",
        )
        found.update(session.connection().execute(statement).scalars())
    return found


def pending_count(session: Session, office_id: int, business_uuid: str) -> int:
    statement = select(func.count()).select_from(_CONFLICT).where(
        _CONFLICT.c.business_uuid == business_uuid, _CONFLICT.c.office_id == office_id, _CONFLICT.c.status == "open"
    )
    return int(session.connection().execute(statement).scalar_one())
