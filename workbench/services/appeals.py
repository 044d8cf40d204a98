"""Appeals (诉求) in a closed loop: intake with a working-day deadline, then each step of the state machine.

Every step is one version-checked update of the appeal, one change-log entry per changed field and one
appeal_step row (who, when, from which state to which, the note), all in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, log_changes, stamp_values, utc_now
from storage.tables import Business
from storage.tables_service import Appeal, AppealStep
from workbench.domain import appeal_states as states
from workbench.services.appeal_lines import AppealFilters, AppealLine, appeal_lines, line_of
from workbench.services.appeal_steps import AppealRefused, add_step, apply_step, get_appeal
from workbench.services.errors import ValidationFailed
from workbench.services.register import get_business
from workbench.services.service_common import DEFAULT_SETTINGS, FieldReader, ServiceSettings, office_officer

__all__ = [
    "AppealDetail",
    "AppealFilters",
    "AppealLine",
    "AppealRefused",
    "DuplicateAppeal",
    "StepLine",
    "add_note",
    "appeal_detail",
    "assign_appeal",
    "close_appeal",
    "list_appeals",
    "open_appeal",
    "record_follow_up",
    "reopen_appeal",
    "reply_appeal",
]


@dataclass(frozen=True)
class DuplicateAppeal:
    """An open appeal of the same business and category exists: offer it as a link, not a new case."""

    existing: AppealLine
    message: str


@dataclass(frozen=True)
class StepLine:
    at: datetime
    who: str
    action: str
    action_label: str
    from_state: str
    to_state: str
    to_label: str
    note: str


@dataclass(frozen=True)
class AppealDetail:
    appeal: AppealLine
    steps: list[StepLine]
    allowed_actions: tuple[str, ...]


def open_appeal(
    session: Session,
    *,
    actor: Actor,
    data: dict[str, Any],
    settings: ServiceSettings = DEFAULT_SETTINGS,
    allow_duplicate: bool = False,
    today: date | None = None,
) -> Appeal | DuplicateAppeal:
    """Intake: business_uuid (or person_name + person_phone), channel, category, description, received_on,
    officer_id (assigns at once). The deadline counts the category's working days from received_on."""
    read = FieldReader(data)
    business = None
    if business_uuid := data.get("business_uuid"):
        business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    clean: dict[str, Any] = {
        "person_name": read.text("person_name", "诉求人", required=business is None, max_length=100),
        "person_phone": read.text("person_phone", "联系电话", max_length=32),
        "channel": read.choice("channel", "来源渠道", settings.lists.appeal_channels),
        "category": read.choice("category", "诉求类别", tuple(settings.lists.appeal_categories)),
        "description": read.text("description", "诉求内容", required=True),
        "received_on": read.day("received_on", "受理日期", default=today or date.today()),
    }
    if business is None and "person_name" in read.errors:
        read.errors["person_name"] = "请选择市场主体，或填写尚未登记的诉求人姓名"
    read.done()
    officer = office_officer(session, actor, data.get("officer_id"), "承办干部")
    if business is not None and not allow_duplicate and (twin := _open_twin(session, actor, business, clean)):
        line = line_of(session, twin, settings, today)
        message = (
            f"「{business.name}」已有一件未办结的「{clean['category']}」诉求（{twin.received_on} 受理，"
            f"{line.state_label}），请在原诉求中继续办理"
        )
        return DuplicateAppeal(line, message)
    deadline = settings.calendar.add_working_days(
        clean["received_on"], settings.lists.deadline_days(clean["category"])
    )
    at = utc_now()
    appeal = Appeal(
        office_id=actor.office_id,
        business_id=business.id if business else None,
        **clean,
        deadline=deadline.day,
        deadline_estimated=deadline.estimated,
        state=states.RECEIVED,
        **stamp_values(actor, at),
    )
    session.add(appeal)
    session.flush()
    logged = {field: (None, value) for field, value in clean.items() if value not in (None, "")}
    log_changes(
        session, actor, "appeal", appeal.uuid, "create", {**logged, "deadline": (None, deadline.day)}, at
    )
    add_step(session, actor, appeal, states.INTAKE, "", states.RECEIVED, deadline.note, at)
    if officer is not None:
        return assign_appeal(
            session, actor=actor, appeal_uuid=appeal.uuid, base_version=appeal.version, officer_id=officer.id
        )
    return appeal


def assign_appeal(
    session: Session,
    *,
    actor: Actor,
    appeal_uuid: str,
    base_version: int,
    officer_id: int | None,
    note: str = "",
) -> Appeal:
    """分派 (or 转派) to an officer of the office."""
    officer = office_officer(session, actor, officer_id, "承办干部")
    if officer is None:
        raise ValidationFailed({"officer_id": "请选择承办干部"})
    return apply_step(
        session,
        actor,
        appeal_uuid,
        base_version,
        states.ASSIGN,
        {"officer_id": officer.id},
        note or f"分派给{officer.name}",
    )


def add_note(session: Session, *, actor: Actor, appeal_uuid: str, base_version: int, note: str) -> Appeal:
    """A handling note (办理记录): the state stays."""
    if not note.strip():
        raise ValidationFailed({"note": "办理记录不能为空"})
    return apply_step(session, actor, appeal_uuid, base_version, states.NOTE, {}, note.strip())


def reply_appeal(
    session: Session,
    *,
    actor: Actor,
    appeal_uuid: str,
    base_version: int,
    reply: str,
    replied_on: date | None = None,
) -> Appeal:
    """答复: the text given back to the appellant (required before closing)."""
    if not reply.strip():
        raise ValidationFailed({"reply": "答复内容不能为空"})
    values = {"reply": reply.strip(), "replied_on": replied_on or date.today()}
    return apply_step(session, actor, appeal_uuid, base_version, states.REPLY, values, reply.strip())


def close_appeal(
    session: Session,
    *,
    actor: Actor,
    appeal_uuid: str,
    base_version: int,
    closed_on: date | None = None,
    note: str = "",
) -> Appeal:
    """办结: only after a reply."""
    return apply_step(
        session,
        actor,
        appeal_uuid,
        base_version,
        states.CLOSE,
        {"closed_on": closed_on or date.today()},
        note,
    )


def record_follow_up(
    session: Session,
    *,
    actor: Actor,
    appeal_uuid: str,
    base_version: int,
    satisfaction: str,
    note: str = "",
    followed_up_on: date | None = None,
    settings: ServiceSettings = DEFAULT_SETTINGS,
) -> Appeal:
    """回访 with satisfaction 满意 / 基本满意 / 不满意: only after closing."""
    if satisfaction not in settings.lists.satisfaction_levels:
        choices = "、".join(settings.lists.satisfaction_levels)
        raise ValidationFailed({"satisfaction": f"满意度「{satisfaction}」不在可选范围内：{choices}"})
    values = {"satisfaction": satisfaction, "followed_up_on": followed_up_on or date.today()}
    return apply_step(
        session, actor, appeal_uuid, base_version, states.FOLLOW_UP, values, note or satisfaction
    )


def reopen_appeal(
    session: Session,
    *,
    actor: Actor,
    appeal_uuid: str,
    base_version: int,
    reason: str,
    settings: ServiceSettings = DEFAULT_SETTINGS,
    today: date | None = None,
) -> Appeal:
    """重新办理 a closed appeal: back to 办理中 with a fresh deadline; the old reply and 回访 are cleared
    (they stay in the change log and the steps)."""
    if not reason.strip():
        raise ValidationFailed({"reason": "请写明重新办理的原因"})
    appeal = get_appeal(session, actor, appeal_uuid)
    deadline = settings.calendar.add_working_days(
        today or date.today(), settings.lists.deadline_days(appeal.category)
    )
    values = {
        "deadline": deadline.day,
        "deadline_estimated": deadline.estimated,
        "reply": "",
        "replied_on": None,
        "closed_on": None,
        "satisfaction": None,
        "followed_up_on": None,
    }
    return apply_step(session, actor, appeal_uuid, base_version, states.REOPEN, values, reason.strip())


def list_appeals(
    session: Session,
    *,
    actor: Actor,
    filters: AppealFilters | None = None,
    settings: ServiceSettings = DEFAULT_SETTINGS,
    today: date | None = None,
    limit: int = 2000,
) -> list[AppealLine]:
    """Appeals of the office, most urgent first (overdue, then by deadline); closed ones after the open."""
    return appeal_lines(session, actor, filters or AppealFilters(), settings, today, limit)


def appeal_detail(
    session: Session,
    *,
    actor: Actor,
    appeal_uuid: str,
    settings: ServiceSettings = DEFAULT_SETTINGS,
    today: date | None = None,
) -> AppealDetail:
    """The appeal, its whole history (oldest first) and what may be done next."""
    appeal = get_appeal(session, actor, appeal_uuid)
    rows = session.exec(
        select(AppealStep).where(col(AppealStep.appeal_id) == appeal.id).order_by(col(AppealStep.id))
    )
    steps = [
        StepLine(
            row.at,
            row.who,
            row.action,
            states.ACTION_LABELS.get(row.action, row.action),
            row.from_state,
            row.to_state,
            states.STATE_LABELS.get(row.to_state, row.to_state),
            row.note,
        )
        for row in rows
    ]
    return AppealDetail(
        line_of(session, appeal, settings, today), steps, states.allowed_actions(appeal.state)
    )


def _open_twin(session: Session, actor: Actor, business: Business, clean: dict[str, Any]) -> Appeal | None:
    return session.exec(
        select(Appeal)
        .where(
            col(Appeal.office_id) == actor.office_id,
            col(Appeal.business_id) == business.id,
            col(Appeal.category) == clean["category"],
            col(Appeal.state).in_(sorted(states.OPEN_STATES)),
            col(Appeal.deleted_at).is_(None),
        )
        .order_by(col(Appeal.id))
    ).first()
