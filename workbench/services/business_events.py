"""Negative-list events on a business (a fine or worse, a serious accident, operator listed as 失信被执行人).

Recording one on a household with a recognised 名特优新 flags that distinction for 复核 in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.tables_distinctions import BusinessEvent, Distinction
from workbench.domain.eligibility import EVENT_LABELS, NegativeEvent
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.register import get_business


def negative_events(session: Session, actor: Actor, business_id: int) -> list[NegativeEvent]:
    rows = session.exec(
        select(BusinessEvent).where(
            col(BusinessEvent.business_id) == business_id,
            col(BusinessEvent.office_id) == actor.office_id,
            col(BusinessEvent.deleted_at).is_(None),
        )
    ).all()
    return [NegativeEvent(row.kind, row.occurred_on, row.repaired_on) for row in rows]


def record_event(
    *,
    session: Session,
    actor: Actor,
    business_uuid: str,
    kind: str,
    occurred_on: date,
    note: str = "",
    repaired_on: date | None = None,
) -> tuple[BusinessEvent, list[Distinction]]:
    """Record a negative-list event; every recognised distinction of the business is flagged for 复核."""
    if kind not in EVENT_LABELS:
        raise ValidationFailed({"kind": "请选择事件类型：罚款及以上行政处罚 / 重大安全事故 / 失信被执行人"})
    if repaired_on is not None and repaired_on < occurred_on:
        raise ValidationFailed({"repaired_on": "修复日期不能早于事件日期"})
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    assert business.id is not None
    at = utc_now()
    values: dict[str, Any] = {
        "business_id": business.id,
        "kind": kind,
        "occurred_on": occurred_on,
        "note": note.strip()[:300],
        "repaired_on": repaired_on,
    }
    event = BusinessEvent(office_id=actor.office_id, **values, **stamp_values(actor, at))
    session.add(event)
    session.flush()
    log_changes(
        session,
        actor,
        "business_event",
        event.uuid,
        "create",
        {field: (None, value) for field, value in values.items() if value not in (None, "")},
        at,
    )
    flagged = _flag_for_review(
        session, actor, business.id, f"{occurred_on.isoformat()} {EVENT_LABELS[kind]}", at
    )
    return event, flagged


def _flag_for_review(
    session: Session, actor: Actor, business_id: int, what: str, at: Any
) -> list[Distinction]:
    recognised = session.exec(
        select(Distinction).where(
            col(Distinction.business_id) == business_id,
            col(Distinction.office_id) == actor.office_id,
            col(Distinction.step) == "recognised",
            col(Distinction.deleted_at).is_(None),
        )
    ).all()
    for distinction in recognised:
        values = {"needs_review": True, "review_reason": f"待复核：{what}"[:300]}
        diff = {field: (getattr(distinction, field), value) for field, value in values.items()}
        assert distinction.id is not None
        guarded_update(
            session, Distinction, distinction.id, distinction.version, {**values, "updated_at": at}, actor
        )
        log_changes(session, actor, "distinction", distinction.uuid, "update", diff, at)
        session.expire(distinction)
    return list(recognised)


def mark_repaired(
    *, session: Session, actor: Actor, event_uuid: str, base_version: int, repaired_on: date
) -> BusinessEvent:
    """信用修复 done (or the operator removed from the 失信 list) on a day; the caller commits."""
    event = session.exec(
        select(BusinessEvent).where(
            col(BusinessEvent.uuid) == event_uuid,
            col(BusinessEvent.office_id) == actor.office_id,
            col(BusinessEvent.deleted_at).is_(None),
        )
    ).first()
    if event is None:
        raise NotFound("该负面清单事件不存在或已被删除")
    if repaired_on < event.occurred_on:
        raise ValidationFailed({"repaired_on": "修复日期不能早于事件日期"})
    at, before = utc_now(), event.repaired_on
    assert event.id is not None
    try:
        guarded_update(
            session,
            BusinessEvent,
            event.id,
            base_version,
            {"repaired_on": repaired_on, "updated_at": at},
            actor,
        )
    except VersionConflict:
        raise SaveConflict("这条事件已被他人修改，请刷新后再操作", {}, event.version) from None
    log_changes(
        session,
        actor,
        "business_event",
        event.uuid,
        "update",
        {"repaired_on": (before, repaired_on)},
        at,
    )
    session.expire(event)
    return event


def events_of(*, session: Session, actor: Actor, business_uuid: str) -> list[BusinessEvent]:
    """A business's negative-list events, oldest first."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    return list(
        session.exec(
            select(BusinessEvent)
            .where(
                col(BusinessEvent.business_id) == business.id,
                col(BusinessEvent.office_id) == actor.office_id,
                col(BusinessEvent.deleted_at).is_(None),
            )
            .order_by(col(BusinessEvent.occurred_on), col(BusinessEvent.id))
        ).all()
    )
