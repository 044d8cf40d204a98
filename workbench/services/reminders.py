"""The to-do list (今日待办), computed from the records, never stored by hand.

Licenses in force expiring (lead times per license type in working days; a renewed or cancelled one is
not minded), appeals due soon or overdue, visit
follow-ups due, the 年报 season for households (one summary item), distinctions due for re-evaluation,
suspensions (歇业) reaching their end date. Each item carries its urgency group and the record it
concerns, so a screen opens that record in one key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from storage.audit import Actor
from storage.tables import Business, License
from storage.tables_service import Visit, VisitFollowUp
from workbench.domain.labels import LicenseStatus
from workbench.domain.working_days import estimated_note
from workbench.services.appeal_lines import AppealFilters, appeal_lines
from workbench.services.reminders_sync import sync_items
from workbench.services.reminders_unassigned import unassigned_items
from workbench.services.service_common import DEFAULT_SETTINGS, ServiceSettings

URGENCY_LABELS: dict[str, str] = {"overdue": "已逾期", "today": "今天", "week": "本周", "soon": "即将到期"}
URGENCY_ORDER = tuple(URGENCY_LABELS)
# The word for a license reminder in `workbench todo --json`, as scripts already read it.
LICENSE_KIND = "licence"
KIND_LABELS: dict[str, str] = {
    "appeal": "诉求",
    LICENSE_KIND: "许可证",
    "follow_up": "走访跟进",
    "suspension": "歇业到期",
    "distinction": "名特优新复核",
    "annual_report": "年报",
    "unassigned": "未分派",
    "rectify": "抽查整改",
    "publish": "抽查公示",
    "sync_conflict": "回传冲突",
}
PER_KIND = 200  # beyond this a kind ends in one "另有 N 项" line: a to-do list is read, not scrolled
SUSPENSION_LEAD = 5  # working days before a 歇业 period ends
DISTINCTION_LEAD_DAYS = 90


@dataclass(frozen=True)
class TodoItem:
    """One thing to do. entity + entity_uuid name the record to open ("business", "appeal", "visit",
    "distinction"); entity "" is a summary line with nothing of its own to open."""

    urgency: str
    kind: str
    text: str
    due_on: date | None
    entity: str
    entity_uuid: str
    business_uuid: str | None = None
    business_name: str = ""
    note: str = ""
    license_uuid: str | None = None
    """A licence item's licence (the to-do's 已换证 opens its renewal form); entity stays the business."""
    opens_list: tuple[tuple[str, Any], ...] = ()
    """A count line that stands for a list filter (("unassigned", True)): Enter opens the list so filtered."""

    @property
    def urgency_label(self) -> str:
        return URGENCY_LABELS[self.urgency]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def todo_list(
    session: Session,
    *,
    actor: Actor,
    officer_id: int | None = None,
    today: date | None = None,
    settings: ServiceSettings = DEFAULT_SETTINGS,
) -> list[TodoItem]:
    """The to-do of one officer (their appeals, their businesses) or, with officer_id None, the whole office;
    most urgent group first, earliest due first inside a group."""
    today = today or date.today()
    items = [
        *_appeals(session, actor, officer_id, today, settings),
        *_follow_ups(session, actor, officer_id, today, settings),
        *_licenses(session, actor, officer_id, today, settings),
        *_suspensions(session, actor, officer_id, today, settings),
        *_distinctions(session, actor, officer_id, today),
        *_annual_report(session, actor, officer_id, today, settings),
        *unassigned_items(session, actor, today),
        *_inspections(session, actor, officer_id, today, settings),
        *sync_items(session, actor, today),
    ]
    return sorted(
        items, key=lambda item: (URGENCY_ORDER.index(item.urgency), item.due_on or today, item.kind)
    )


def urgency_of(due_on: date, today: date) -> str:
    """已逾期 before today; 今天; 本周 up to Sunday; 即将到期 after."""
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "today"
    return "week" if due_on <= today + timedelta(days=6 - today.weekday()) else "soon"


def _appeals(
    session: Session, actor: Actor, officer_id: int | None, today: date, settings: ServiceSettings
) -> list[TodoItem]:
    filters = AppealFilters(urgent_only=True, officer_id=officer_id)
    lines = appeal_lines(session, actor, filters, settings, today, PER_KIND + 1)
    items = [
        TodoItem(
            urgency=urgency_of(line.deadline, today),
            kind="appeal",
            text=f"{line.who}：{line.category}诉求（{line.state_label}）{line.urgency_text}，期限 {line.deadline}",
            due_on=line.deadline,
            entity="appeal",
            entity_uuid=line.uuid,
            business_uuid=line.business_uuid,
            business_name=line.business_name,
            note=line.deadline_note,
        )
        for line in lines[:PER_KIND]
    ]
    return items + _more(
        len(lines) > PER_KIND, "appeal", "诉求临近或超过期限", lines[-1].deadline if lines else today, today
    )


def _follow_ups(
    session: Session, actor: Actor, officer_id: int | None, today: date, settings: ServiceSettings
) -> list[TodoItem]:
    horizon = settings.calendar.add_working_days(today, settings.lists.todo_horizon_working_days).day
    query = (
        select(VisitFollowUp, Visit, Business)
        .join(Visit, col(Visit.id) == col(VisitFollowUp.visit_id))
        .join(Business, col(Business.id) == col(Visit.business_id))
        .where(
            col(VisitFollowUp.office_id) == actor.office_id,
            col(VisitFollowUp.deleted_at).is_(None),
            col(VisitFollowUp.done_on).is_(None),
            col(VisitFollowUp.due_on) <= horizon,
            col(Visit.deleted_at).is_(None),
        )
    )
    if officer_id is not None:
        query = query.where(col(Visit.officer_id) == officer_id)
    rows = list(session.exec(query.order_by(col(VisitFollowUp.due_on)).limit(PER_KIND + 1)))
    items = [
        TodoItem(
            urgency_of(row.due_on, today),
            "follow_up",
            f"{business.name}：走访跟进「{row.action}」，期限 {row.due_on}（{visit.visited_on} 走访）",
            row.due_on,
            "visit",
            visit.uuid,
            business.uuid,
            business.name,
        )
        for row, visit, business in rows[:PER_KIND]
    ]
    return items + _more(len(rows) > PER_KIND, "follow_up", "走访跟进到期", horizon, today)


def _licenses(
    session: Session, actor: Actor, officer_id: int | None, today: date, settings: ServiceSettings
) -> list[TodoItem]:
    """A license shows from its largest lead point on; the text names the nearest point it has passed."""
    calendar, lists = settings.calendar, settings.lists
    horizons: dict[str, list[tuple[int, date]]] = {}

    def points(kind: str) -> list[tuple[int, date]]:
        if kind not in horizons:
            horizons[kind] = [
                (lead, calendar.add_working_days(today, lead).day) for lead in lists.lead_times(kind)
            ]
        return horizons[kind]

    widest = max((lead for times in lists.license_lead_times.values() for lead in times), default=0)
    query = _office_businesses(
        sa_select(
            col(License.kind),
            col(License.number),
            col(License.expires_on),
            col(Business.uuid),
            col(Business.name),
            col(License.uuid),
        ).join(Business, col(Business.id) == col(License.business_id)),
        actor,
        officer_id,
    ).where(
        # No filter on License.office_id: the business's office scopes it, and the planner then walks
        # the expiry index instead of every license of the office.
        col(License.deleted_at).is_(None),
        # Only a licence in force is minded: a renewed one's successor carries the reminder on, a cancelled
        # one needs none.
        col(License.status) == LicenseStatus.VALID,
        col(License.expires_on) >= today - timedelta(days=30),
        col(License.expires_on) <= calendar.add_working_days(today, widest).day,
    )
    items: list[TodoItem] = []
    more = False
    # Plain columns, not ORM rows, and a bound on rows read: a million-row office has thousands in range.
    rows = session.execute(query.order_by(col(License.expires_on)).limit(PER_KIND * 4)).all()
    for kind, number, expires_on, business_uuid, business_name, license_uuid in rows:
        passed = [lead for lead, until in points(kind) if expires_on <= until]
        if not passed:
            continue
        if len(items) >= PER_KIND:
            more = True
            break
        if expires_on < today:
            when = f"已于 {expires_on} 过期"
        else:
            left = calendar.working_days_between(today, expires_on)
            still = f"还有 {left} 个工作日" if expires_on > today else "今天到期"
            when = f"{expires_on} 到期（{still}，已进入到期前 {min(passed)} 个工作日提醒）"
        text = f"{business_name}：{kind} {number} {when}".replace("  ", " ")
        items.append(
            TodoItem(
                urgency_of(expires_on, today),
                LICENSE_KIND,
                text,
                expires_on,
                "business",
                business_uuid,
                business_uuid,
                business_name,
                "" if calendar.is_known_year(expires_on.year) else estimated_note([expires_on.year]),
                license_uuid,
            )
        )
    more = more or len(rows) == PER_KIND * 4
    return items + _more(
        more, LICENSE_KIND, "许可证临近到期", items[-1].due_on or today if items else today, today
    )


def _suspensions(
    session: Session, actor: Actor, officer_id: int | None, today: date, settings: ServiceSettings
) -> list[TodoItem]:
    horizon = settings.calendar.add_working_days(today, SUSPENSION_LEAD).day
    query = _office_businesses(select(Business), actor, officer_id).where(
        col(Business.suspended).is_(True),
        col(Business.suspended_until).is_not(None),
        col(Business.suspended_until) <= horizon,
    )
    rows = list(session.exec(query.order_by(col(Business.suspended_until)).limit(PER_KIND + 1)))
    items = [
        TodoItem(
            urgency_of(row.suspended_until, today),
            "suspension",
            f"{row.name}：歇业期{'已于' if row.suspended_until < today else '将于'} {row.suspended_until} 届满，"
            "请核实是否恢复营业或办理注销",
            row.suspended_until,
            "business",
            row.uuid,
            row.uuid,
            row.name,
        )
        for row in rows[:PER_KIND]
        if row.suspended_until is not None
    ]
    return items + _more(len(rows) > PER_KIND, "suspension", "歇业期届满", horizon, today)


def _distinctions(session: Session, actor: Actor, officer_id: int | None, today: date) -> list[TodoItem]:
    """Only when the distinctions table (issue 5) exists: needs_review, or validity ending within 90 days."""
    table = SQLModel.metadata.tables.get("distinction")
    if table is None or not {"needs_review", "valid_until", "business_id", "uuid"} <= set(table.c.keys()):
        return []
    horizon = today + timedelta(days=DISTINCTION_LEAD_DAYS)
    query: Any = _office_businesses(
        select(table.c.uuid, table.c.needs_review, table.c.valid_until, Business).join(
            Business, col(Business.id) == table.c.business_id
        ),
        actor,
        officer_id,
    ).where(
        table.c.office_id == actor.office_id,
        table.c.deleted_at.is_(None),
        (table.c.needs_review.is_(True)) | (table.c.valid_until <= horizon),
    )
    if "step" in table.c:
        query = query.where(table.c.step == "recognised")
    items = []
    for uuid, needs_review, valid_until, business in session.exec(query.limit(PER_KIND)):
        due = valid_until if valid_until is not None and not needs_review else today
        why = "出现负面清单事项，需复核" if needs_review else f"认定有效期至 {valid_until}，需复核/重新认定"
        items.append(
            TodoItem(
                urgency_of(due, today),
                "distinction",
                f"{business.name}：名特优新{why}",
                due,
                "distinction",
                uuid,
                business.uuid,
                business.name,
            )
        )
    return items


def _annual_report(
    session: Session, actor: Actor, officer_id: int | None, today: date, settings: ServiceSettings
) -> list[TodoItem]:
    """1 Jan - 30 Jun: one line for all households, not one per household. No head count: counting a
    million-row register on every opening of the to-do costs seconds; the register list counts them."""
    if not settings.lists.annual_report_reminder or today.month > 6:
        return []
    deadline = date(today.year, 6, 30)
    left = settings.calendar.working_days_between(today, deadline)
    whose = "您包联的个体户" if officer_id is not None else "本所个体户"
    text = (
        f"年报季：{whose}应于 {deadline} 前报送 {today.year - 1} 年度年报，还有 {left} 个工作日，请督促报送"
    )
    return [TodoItem(urgency_of(deadline, today), "annual_report", text, deadline, "", "")]


def _office_businesses(query: Any, actor: Actor, officer_id: int | None) -> Any:
    query = query.where(col(Business.office_id) == actor.office_id, col(Business.deleted_at).is_(None))
    return query if officer_id is None else query.where(col(Business.officer_id) == officer_id)


def _inspections(
    session: Session, actor: Actor, officer_id: int | None, today: date, settings: ServiceSettings
) -> list[TodoItem]:
    """双随机: 责令整改 due and results not yet public (services.reminders_inspect)."""
    from workbench.services.reminders_inspect import KIND_LABELS as INSPECTION_KINDS
    from workbench.services.reminders_inspect import inspection_items

    lines = inspection_items(session, actor, officer_id, today, settings, PER_KIND)
    items: list[TodoItem] = []
    for kind in INSPECTION_KINDS:
        mine = [line for line in lines if line[0] == kind]
        items += [
            TodoItem(urgency_of(due, today), kind, text, due, "business", uuid, uuid, name)
            for _kind, _row, text, due, uuid, name in mine[:PER_KIND]
        ]
        if mine:
            items += _more(len(mine) > PER_KIND, kind, f"{INSPECTION_KINDS[kind]}事项", mine[-1][3], today)
    return items


def _more(more: bool, kind: str, what: str, due_on: date, today: date) -> list[TodoItem]:
    if not more:
        return []
    return [TodoItem(urgency_of(due_on, today), kind, f"另有更多{what}，请在对应清单中查看", due_on, "", "")]
