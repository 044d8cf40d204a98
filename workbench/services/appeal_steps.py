"""One step of an appeal: a version-checked update, a change-log entry per changed field and an appeal_step row
(who, when, from which state to which, the note), all in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.tables_service import Appeal, AppealStep
from workbench.domain import appeal_states as states
from workbench.services.errors import NotFound, SaveConflict, WorkbenchError


class AppealRefused(WorkbenchError):
    """An action the appeal's state does not allow (no closing without a reply, no 回访 before closing)."""

    title = "诉求当前状态不允许此操作"


def apply_step(
    session: Session,
    actor: Actor,
    appeal_uuid: str,
    base_version: int,
    action: str,
    values: dict[str, Any],
    note: str,
) -> Appeal:
    appeal = get_appeal(session, actor, appeal_uuid)
    if appeal.version != base_version:
        raise conflict(appeal, base_version)
    try:
        after = states.next_state(appeal.state, action)
    except states.IllegalTransition as refused:
        raise AppealRefused(str(refused)) from None
    changes = {
        field: (getattr(appeal, field), value)
        for field, value in {**values, "state": after}.items()
        if getattr(appeal, field) != value
    }
    at = utc_now()
    assert appeal.id is not None
    try:
        guarded_update(
            session,
            Appeal,
            appeal.id,
            base_version,
            {field: new for field, (_old, new) in changes.items()} | {"updated_at": at},
            actor,
        )
    except VersionConflict:
        session.expire(appeal)
        raise conflict(appeal, base_version) from None
    if changes:
        log_changes(session, actor, "appeal", appeal.uuid, "update", changes, at)
    add_step(session, actor, appeal, action, appeal.state, after, note, at)
    session.expire(appeal)
    return appeal


def add_step(
    session: Session,
    actor: Actor,
    appeal: Appeal,
    action: str,
    before: str,
    after: str,
    note: str,
    at: datetime,
) -> None:
    assert appeal.id is not None
    step = AppealStep(
        office_id=actor.office_id,
        appeal_id=appeal.id,
        action=action,
        from_state=before,
        to_state=after,
        note=note,
        who=actor.who,
        at=at,
        **stamp_values(actor, at),
    )
    session.add(step)
    session.flush()
    log_changes(
        session,
        actor,
        "appeal_step",
        step.uuid,
        "create",
        {"action": (None, action), "note": (None, note)},
        at,
    )


def get_appeal(session: Session, actor: Actor, appeal_uuid: str) -> Appeal:
    appeal = session.exec(
        select(Appeal).where(
            col(Appeal.uuid) == appeal_uuid,
            col(Appeal.office_id) == actor.office_id,
            col(Appeal.deleted_at).is_(None),
        )
    ).first()
    if appeal is None:
        raise NotFound("该诉求不存在或已被删除")
    return appeal


def conflict(appeal: Appeal, base_version: int) -> SaveConflict:
    theirs = {
        field: getattr(appeal, field)
        for field in ("state", "officer_id", "reply", "deadline", "satisfaction")
    }
    who = appeal.updated_by or "其他终端"
    message = (
        f"这件诉求已被{who}在您打开之后处理（您的版本 {base_version}，当前版本 {appeal.version}，"
        f"当前状态「{states.STATE_LABELS.get(appeal.state, appeal.state)}」）。请刷新后再操作。"
    )
    return SaveConflict(message, theirs, appeal.version)
