"""A visit's follow-ups once they are due: marked done from the to-do with what was done (办理情况), and
opened again from the business's timeline when they were marked done by mistake.

Both are ordinary versioned updates of visit_follow_up.done_on with the change log beside them; the note
is the log's `done_note` row (visits.FOLLOW_UP_NOTE_FIELD), which is what the timeline shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import groupby

from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables import ChangeLog
from storage.tables_service import VisitFollowUp
from workbench.services.errors import NotFound, ValidationFailed
from workbench.services.visits import FOLLOW_UP_NOTE_FIELD, complete_follow_up, list_visits, reopen_follow_up

NOTE_MAX_CHARS = 200


@dataclass(frozen=True)
class FollowUpEvent:
    """One 办完 or 撤销办完 of one follow-up, as the change log has it; `current` is True for the newest
    event of a follow-up still done (the one 撤销 applies to)."""

    follow_up_uuid: str
    action: str
    at: datetime
    who: str
    done: bool
    done_on: str
    note: str
    current: bool = False


def finish_follow_ups_due(
    session: Session,
    *,
    actor: Actor,
    business_uuid: str,
    visit_uuid: str,
    due_on: date | None,
    done_on: date,
    note: str,
) -> int:
    """今日待办's 办完 on a follow-up line: every open follow-up of that visit due the same day is done on
    done_on with the same note (one trip settles them); how many were. The caller commits."""
    note = " ".join(note.split())
    if not note:
        raise ValidationFailed({"note": "请写明办理情况（做了什么、结果如何），再保存"})
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationFailed(
            {"note": f"办理情况超过 {NOTE_MAX_CHARS} 个字（现有 {len(note)} 个），请写得简短些"}
        )
    due = [
        follow_up
        for visit in list_visits(session, actor=actor, business_uuid=business_uuid)
        if visit.uuid == visit_uuid
        for follow_up in visit.follow_ups
        if follow_up.done_on is None and follow_up.due_on == due_on
    ]
    if not due:
        raise NotFound("这条走访跟进已经办完或已被删除，请按 F5 刷新待办")
    for follow_up in due:
        complete_follow_up(
            session,
            actor=actor,
            follow_up_uuid=follow_up.uuid,
            base_version=follow_up.version,
            done_on=done_on,
            note=note,
        )
    return len(due)


def reopen(session: Session, *, actor: Actor, follow_up_uuid: str) -> str:
    """撤销办完 from the timeline: the follow-up is open again (back in the to-do); returns what it was."""
    row = session.exec(
        select(VisitFollowUp).where(
            col(VisitFollowUp.uuid) == follow_up_uuid,
            col(VisitFollowUp.office_id) == actor.office_id,
            col(VisitFollowUp.deleted_at).is_(None),
        )
    ).first()
    if row is None:
        raise NotFound("该跟进事项不存在或已被删除")
    if row.done_on is None:
        raise NotFound(f"走访跟进「{row.action}」现在没有标记办完，无需撤销")
    reopen_follow_up(session, actor=actor, follow_up_uuid=row.uuid, base_version=row.version)
    return row.action


def follow_up_events(session: Session, actor: Actor, follow_ups: list[VisitFollowUp]) -> list[FollowUpEvent]:
    """Every 办完 / 撤销办完 of these follow-ups, oldest first, read from the change log."""
    if not follow_ups:
        return []
    by_uuid = {row.uuid: row for row in follow_ups}
    rows = session.exec(
        select(ChangeLog)
        .where(
            col(ChangeLog.entity_uuid).in_(list(by_uuid)),
            col(ChangeLog.entity) == "visit_follow_up",
            col(ChangeLog.action) == "update",
        )
        .order_by(col(ChangeLog.id))
    )
    events: list[FollowUpEvent] = []
    for (uuid, at), group in groupby(
        (row for row in rows if row.office_id == actor.office_id), key=lambda row: (row.entity_uuid, row.at)
    ):
        fields = {row.field: row for row in group}
        if "done_on" not in fields:
            continue
        done_on = fields["done_on"].new or ""
        note = (fields[FOLLOW_UP_NOTE_FIELD].new or "") if FOLLOW_UP_NOTE_FIELD in fields else ""
        events.append(
            FollowUpEvent(
                uuid, by_uuid[uuid].action, at, fields["done_on"].who, bool(done_on), done_on, note
            )
        )
    newest = {event.follow_up_uuid: index for index, event in enumerate(events)}
    return [
        replace(event, current=True)
        if event.done and index == newest[event.follow_up_uuid] and by_uuid[event.follow_up_uuid].done_on
        else event
        for index, event in enumerate(events)
    ]
