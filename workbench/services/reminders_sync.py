"""The to-do's 待处理冲突 lines (issue 19): one per business that a return package left a decision on (a field
changed at the office and on a laptop, or a new business that may be one already registered). Every officer
sees them, in the 今天 group: until decided, the office value stands and the laptop's waits. Enter opens
the review screen for that business."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import Session

from storage.audit import Actor
from storage.tables import Business
from storage.tables_sync_apply import SyncConflict

if TYPE_CHECKING:
    from workbench.services.reminders import TodoItem

SYNC_KIND = "sync_conflict"
_CONFLICT: Any = SyncConflict.__table__  # type: ignore[attr-defined]
_BUSINESS: Any = Business.__table__  # type: ignore[attr-defined]


def sync_items(session: Session, actor: Actor, today: date) -> list[TodoItem]:
    from workbench.services.reminders import PER_KIND, TodoItem

    statement = (
        select(_CONFLICT.c.business_uuid, _BUSINESS.c.name)
        .join(_BUSINESS, _BUSINESS.c.uuid == _CONFLICT.c.business_uuid, isouter=True)
        .where(_CONFLICT.c.office_id == actor.office_id, _CONFLICT.c.status == "open")
    )
    rows = session.connection().execute(statement).all()
    counts = Counter(business_uuid for business_uuid, _name in rows)
    names = {business_uuid: name or "（未知主体）" for business_uuid, name in rows}
    items = [
        TodoItem("today", SYNC_KIND, f"{names[business_uuid]}：待处理冲突 {count} 项（外业回传）",
                 today, "business", business_uuid, business_uuid, names[business_uuid])
        for business_uuid, count in sorted(counts.items(), key=lambda pair: names[pair[0]])
    ]
    return items[:PER_KIND]
