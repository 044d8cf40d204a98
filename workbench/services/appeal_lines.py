"""Appeals as plain lines for lists and the to-do: who, what, deadline, and how urgent (overdue / due soon)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case
from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables import Business
from storage.tables_service import Appeal
from workbench.domain import appeal_states as states
from workbench.domain.working_days import estimated_note
from workbench.services.service_common import ServiceSettings, businesses_by_id, officer_names


@dataclass(frozen=True)
class AppealFilters:
    """Every field optional. open_only: 待分派/办理中/已答复; urgent_only: overdue or due soon."""

    state: str | None = None
    open_only: bool = False
    urgent_only: bool = False
    category: str | None = None
    channel: str | None = None
    officer_id: int | None = None
    grid_id: int | None = None
    business_uuid: str | None = None
    received_from: date | None = None
    received_until: date | None = None


@dataclass(frozen=True)
class AppealLine:
    uuid: str
    version: int
    business_uuid: str | None
    business_name: str
    person_name: str
    person_phone: str
    channel: str
    category: str
    description: str
    officer_id: int | None
    officer_name: str
    received_on: date
    deadline: date
    deadline_note: str
    state: str
    state_label: str
    reply: str
    replied_on: date | None
    closed_on: date | None
    satisfaction: str | None
    followed_up_on: date | None
    working_days_left: int | None
    overdue: bool
    due_soon: bool

    @property
    def who(self) -> str:
        """The business's name, or the unregistered person's."""
        return self.business_name or self.person_name

    @property
    def urgency_text(self) -> str:
        """「已逾期 3 个工作日」/「还剩 2 个工作日」/ "" for closed appeals."""
        if self.working_days_left is None:
            return ""
        if self.overdue:
            return f"已逾期 {-self.working_days_left} 个工作日" if self.working_days_left < 0 else "已逾期"
        return "今天到期" if self.working_days_left == 0 else f"还剩 {self.working_days_left} 个工作日"


def appeal_lines(
    session: Session,
    actor: Actor,
    filters: AppealFilters,
    settings: ServiceSettings,
    today: date | None,
    limit: int,
) -> list[AppealLine]:
    query = select(Appeal).where(col(Appeal.office_id) == actor.office_id, col(Appeal.deleted_at).is_(None))
    if filters.state:
        query = query.where(col(Appeal.state) == filters.state)
    if filters.open_only or filters.urgent_only:
        query = query.where(col(Appeal.state).in_(sorted(states.OPEN_STATES)))
    if filters.urgent_only:
        horizon = settings.calendar.add_working_days(
            today or date.today(), settings.lists.due_soon_working_days
        )
        query = query.where(col(Appeal.deadline) <= horizon.day)
    for field, value in (
        ("category", filters.category),
        ("channel", filters.channel),
        ("officer_id", filters.officer_id),
    ):
        if value is not None:
            query = query.where(getattr(Appeal, field) == value)
    if filters.received_from:
        query = query.where(col(Appeal.received_on) >= filters.received_from)
    if filters.received_until:
        query = query.where(col(Appeal.received_on) <= filters.received_until)
    if filters.grid_id is not None or filters.business_uuid:
        query = query.join(Business, col(Business.id) == col(Appeal.business_id))
        if filters.grid_id is not None:
            query = query.where(col(Business.grid_id) == filters.grid_id)
        if filters.business_uuid:
            query = query.where(col(Business.uuid) == filters.business_uuid)
    closed_last = case((col(Appeal.state).in_(sorted(states.OPEN_STATES)), 0), else_=1)
    rows = list(session.exec(query.order_by(closed_last, col(Appeal.deadline), col(Appeal.id)).limit(limit)))
    lines = lines_of(session, rows, settings, today)
    # Open before closed; among the open, the earliest deadline first; closed ones newest first.
    open_lines = [line for line in lines if line.state in states.OPEN_STATES]
    closed = sorted(
        (line for line in lines if line.state not in states.OPEN_STATES),
        key=lambda line: line.received_on,
        reverse=True,
    )
    return open_lines + closed


def line_of(session: Session, appeal: Appeal, settings: ServiceSettings, today: date | None) -> AppealLine:
    return lines_of(session, [appeal], settings, today)[0]


def lines_of(
    session: Session, rows: list[Appeal], settings: ServiceSettings, today: date | None
) -> list[AppealLine]:
    today = today or date.today()
    businesses = businesses_by_id(session, {row.business_id for row in rows})
    officers = officer_names(session, {row.officer_id for row in rows})
    lines = []
    for row in rows:
        business = businesses.get(row.business_id or 0)
        left, overdue, soon = _urgency(row, settings, today)
        lines.append(
            AppealLine(
                uuid=row.uuid,
                version=row.version,
                business_uuid=business.uuid if business else None,
                business_name=business.name if business else "",
                person_name=row.person_name,
                person_phone=row.person_phone,
                channel=row.channel,
                category=row.category,
                description=row.description,
                officer_id=row.officer_id,
                officer_name=officers.get(row.officer_id or 0, ""),
                received_on=row.received_on,
                deadline=row.deadline,
                deadline_note=estimated_note([row.deadline.year]) if row.deadline_estimated else "",
                state=row.state,
                state_label=states.STATE_LABELS.get(row.state, row.state),
                reply=row.reply,
                replied_on=row.replied_on,
                closed_on=row.closed_on,
                satisfaction=row.satisfaction,
                followed_up_on=row.followed_up_on,
                working_days_left=left,
                overdue=overdue,
                due_soon=soon,
            )
        )
    return lines


def _urgency(row: Appeal, settings: ServiceSettings, today: date) -> tuple[int | None, bool, bool]:
    """Working days left (negative when overdue); closed appeals have none."""
    if row.state not in states.OPEN_STATES:
        return None, False, False
    left = settings.calendar.working_days_between(today, row.deadline)
    overdue = row.deadline < today
    return left, overdue, not overdue and left <= settings.lists.due_soon_working_days
