"""The to-do's 未分派 line: how many live businesses of the office have no 包联干部, so none is lost from sight.

Every officer sees it (those businesses are nobody's, so nobody's own to-do would show them), in the
今天 group; Enter on it opens the list filtered to 未分派 (TodoItem.opens_list), where they can be
reassigned in bulk. The count is one range of the (office_id, officer_id) index: cheap at a million rows.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlmodel import Session

from storage.audit import Actor
from storage.tables import Business

if TYPE_CHECKING:
    from workbench.services.reminders import TodoItem

_business: Any = Business.__table__  # type: ignore[attr-defined]


def unassigned_count(session: Session, actor: Actor) -> int:
    statement = select(func.count()).select_from(_business).where(
        _business.c.office_id == actor.office_id, _business.c.officer_id.is_(None), _business.c.deleted_at.is_(None)
    )
    return int(session.connection().execute(statement).scalar_one())


def unassigned_items(session: Session, actor: Actor, today: date) -> list[TodoItem]:
    from workbench.services.reminders import TodoItem

    count = unassigned_count(session, actor)
    if not count:
        return []
    text = f"未分派 {count:,} 户：这些主体没有包联干部，按 Enter 在列表中查看并批量改派"
    return [TodoItem("today", "unassigned", text, today, "", "", opens_list=(("unassigned", True),))]
