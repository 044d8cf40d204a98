"""One timeline of everything that happened to a business, newest first: registration events, edits,
support, appeals and their steps, visits, licences issued, renewed and cancelled, classification changes (tier, size class, distinctions, pools,
conversions: the change log of every table of storage.tables_classification / tables_distinctions that
points at the business, whatever entity names those modules log under)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from storage.audit import Actor
from storage.tables import ChangeLog, License
from storage.tables_service import Appeal, AppealStep, SupportRecord, Visit, VisitFollowUp
from workbench.domain import appeal_states as states
from workbench.domain.business_fields import field_label
from workbench.domain.labels import LICENSE_STATUS_LABELS, LicenseStatus
from workbench.services.follow_ups import follow_up_events
from workbench.services.register import get_business
from workbench.services.service_common import officer_names

KIND_LABELS: dict[str, str] = {
    "registration": "登记",
    "edit": "修改",
    "support": "帮扶",
    "appeal": "诉求",
    "visit": "走访",
    "classification": "分类",
    "license": "证照",
    "inspection": "抽查",
}
REGISTRATION_FIELDS = frozenset(
    {"status", "suspended", "suspended_from", "suspended_until", "abnormal", "abnormal_since"}
)
CLASSIFICATION_MODULES = ("storage.tables_classification", "storage.tables_distinctions")
ENTITY_LABELS: dict[str, str] = {
    "classification": "分型/划型",
    "classification_result": "分型/划型",
    "classification_history": "分型/划型",
    "distinction": "名特优新",
    "distinction_step": "名特优新",
    "pool_membership": "培育库",
    "conversion": "个转企",
    "business_event": "负面事项",
}


@dataclass(frozen=True)
class TimelineEntry:
    """on: the day it happened (what staff read); at: when it was recorded (None for a registration date)."""

    on: date
    at: datetime | None
    kind: str
    title: str
    detail: str
    who: str
    entity: str
    entity_uuid: str
    undoable: bool = False
    """A follow-up's 办完 that is still in force: the timeline's 撤销办完 key opens it again."""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def business_timeline(
    session: Session, *, actor: Actor, business_uuid: str, kinds: Iterable[str] | None = None
) -> list[TimelineEntry]:
    """Everything about one business of the actor's office, newest first; kinds: a subset of KIND_LABELS."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    wanted = set(kinds) if kinds is not None else set(KIND_LABELS)
    entries: list[TimelineEntry] = []
    if wanted & {"registration", "edit"}:
        entries += _business_log(session, actor, business.uuid, business.registered_on, wanted)
    if "support" in wanted:
        entries += _support(session, actor, business.id)
    if "appeal" in wanted:
        entries += _appeals(session, actor, business.id)
    if "visit" in wanted:
        entries += _visits(session, actor, business.id)
    if "classification" in wanted:
        entries += _classification(session, actor, business.id)
    if "license" in wanted:
        entries += _licenses(session, business.id)
    if "inspection" in wanted:
        from workbench.services.timeline_inspect import inspection_entries

        entries += [
            TimelineEntry(on, at, "inspection", title, detail, who, "inspection_result", uuid)  # type: ignore[arg-type]
            for on, at, title, detail, who, uuid in inspection_entries(session, actor, business.id)
        ]
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(entries, key=lambda entry: (entry.on, _aware(entry.at) or oldest), reverse=True)


def _business_log(
    session: Session, actor: Actor, business_uuid: str, registered_on: date | None, wanted: set[str]
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    if registered_on is not None and "registration" in wanted:
        entries.append(
            TimelineEntry(registered_on, None, "registration", "成立登记", "", "", "business", business_uuid)
        )
    rows = _log_rows(session, actor, [business_uuid])
    for (at, who, action), group in groupby(rows, key=lambda row: (row.at, row.who, row.action)):
        changed = list(group)
        if action == "create":
            kind, title = "registration", "录入工作台"
        elif action == "delete":
            kind, title = "registration", "删除"
        else:
            kind = "registration" if {row.field for row in changed} <= REGISTRATION_FIELDS else "edit"
            title = "登记状态变更" if kind == "registration" else "修改信息"
        if kind in wanted:
            entries.append(
                TimelineEntry(
                    _local_day(at),
                    at,
                    kind,
                    title,
                    _changes_text(changed, action),
                    who,
                    "business",
                    business_uuid,
                )
            )
    return entries


def _support(session: Session, actor: Actor, business_id: int | None) -> list[TimelineEntry]:
    rows = list(
        session.exec(
            select(SupportRecord).where(
                col(SupportRecord.business_id) == business_id,
                col(SupportRecord.office_id) == actor.office_id,
                col(SupportRecord.deleted_at).is_(None),
            )
        )
    )
    officers = officer_names(session, {row.officer_id for row in rows})
    entries = []
    for row in rows:
        parts = [
            row.content,
            f"金额 {row.amount_yuan:,} 元" if row.amount_yuan else "",
            f"合作单位 {row.partner}" if row.partner else "",
            f"依据 {row.basis}" if row.basis else "",
            f"成效 {row.outcome}" if row.outcome else "",
        ]
        entries.append(
            TimelineEntry(
                row.given_on,
                row.updated_at,
                "support",
                f"帮扶：{row.kind}",
                "；".join(part for part in parts if part),
                officers.get(row.officer_id or 0, row.updated_by),
                "support_record",
                row.uuid,
            )
        )
    return entries


def _appeals(session: Session, actor: Actor, business_id: int | None) -> list[TimelineEntry]:
    rows = session.exec(
        select(AppealStep, Appeal)
        .join(Appeal, col(Appeal.id) == col(AppealStep.appeal_id))
        .where(
            col(Appeal.business_id) == business_id,
            col(Appeal.office_id) == actor.office_id,
            col(Appeal.deleted_at).is_(None),
            col(AppealStep.deleted_at).is_(None),
        )
    )
    entries = []
    for step, appeal in rows:
        action = states.ACTION_LABELS.get(step.action, step.action)
        state = states.STATE_LABELS.get(step.to_state, step.to_state)
        detail = step.note if step.action != states.INTAKE else f"{appeal.channel}：{appeal.description}"
        entries.append(
            TimelineEntry(
                _local_day(step.at),
                step.at,
                "appeal",
                f"诉求{action}：{appeal.category}（{state}）",
                detail,
                step.who,
                "appeal",
                appeal.uuid,
            )
        )
    return entries


def _visits(session: Session, actor: Actor, business_id: int | None) -> list[TimelineEntry]:
    rows = list(
        session.exec(
            select(Visit).where(
                col(Visit.business_id) == business_id,
                col(Visit.office_id) == actor.office_id,
                col(Visit.deleted_at).is_(None),
            )
        )
    )
    entries = []
    for row in rows:
        parts = [row.purpose, row.notes, f"变化：{row.observed}" if row.observed else ""]
        entries.append(
            TimelineEntry(
                row.visited_on,
                row.updated_at,
                "visit",
                f"走访：{row.finding}",
                "；".join(part for part in parts if part),
                row.officers_present or row.updated_by,
                "visit",
                row.uuid,
            )
        )
    return entries + _follow_ups(session, actor, [row.id for row in rows if row.id is not None])


def _follow_ups(session: Session, actor: Actor, visit_ids: list[int]) -> list[TimelineEntry]:
    """Each 办完 (with its 办理情况) and 撤销办完 of the visits' follow-ups."""
    if not visit_ids:
        return []
    follow_ups = list(
        session.exec(
            select(VisitFollowUp).where(
                col(VisitFollowUp.visit_id).in_(visit_ids), col(VisitFollowUp.deleted_at).is_(None)
            )
        )
    )
    return [
        TimelineEntry(
            date.fromisoformat(event.done_on) if event.done else _local_day(event.at),
            event.at,
            "visit",
            f"跟进办完：{event.action}" if event.done else f"撤销办完：{event.action}",
            f"办理情况：{event.note}" if event.note else "",
            event.who,
            "visit_follow_up",
            event.follow_up_uuid,
            undoable=event.current,
        )
        for event in follow_up_events(session, actor, follow_ups)
    ]


def _licenses(session: Session, business_id: int | None) -> list[TimelineEntry]:
    """From the licence rows, not the change log, so imported and older licences show too: each one's issue
    (on its 发证日期) and its closing (换证 / 注销, on closed_on, by whoever closed it). A renewal is one line,
    on the old licence's closing, naming the new number."""
    rows = list(session.exec(
        select(License).where(col(License.business_id) == business_id, col(License.deleted_at).is_(None))
    ))  # fmt: skip
    renewed_by = {row.renews_uuid: row for row in rows if row.renews_uuid}
    entries = []
    for row in rows:
        if row.issued_on is not None and row.renews_uuid is None:
            detail = f"编号 {row.number}，有效期至 {row.expires_on or '长期'}"
            entries.append(TimelineEntry(row.issued_on, None, "license", f"发证：{row.kind}", detail, "",
                                         "license", row.uuid))  # fmt: skip
        if row.closed_on is None or row.status == LicenseStatus.VALID:
            continue
        successor = renewed_by.get(row.uuid)
        if row.status == LicenseStatus.RENEWED and successor is not None:
            title = f"换证：{row.kind}"
            detail = (f"原证 {row.number} 换发为 {successor.kind} {successor.number}，"
                      f"有效期至 {successor.expires_on or '长期'}")  # fmt: skip
        else:
            title, detail = f"{LICENSE_STATUS_LABELS.get(row.status, row.status)}：{row.kind}", f"编号 {row.number}"
        entries.append(TimelineEntry(row.closed_on, row.updated_at, "license", title, detail, row.updated_by,
                                     "license", row.uuid))  # fmt: skip
    return entries


def _classification(session: Session, actor: Actor, business_id: int | None) -> list[TimelineEntry]:
    uuids: list[str] = []
    for table in _classification_tables():
        uuids += session.execute(sa_select(table.c.uuid).where(table.c.business_id == business_id)).scalars()
    entries = []
    rows = _log_rows(session, actor, uuids) if uuids else []
    for (at, who, entity, uuid), group in groupby(
        rows, key=lambda row: (row.at, row.who, row.entity, row.entity_uuid)
    ):
        changed = list(group)
        title = f"{ENTITY_LABELS.get(entity, entity)}{'登记' if changed[0].action == 'create' else '变更'}"
        entries.append(
            TimelineEntry(
                _local_day(at),
                at,
                "classification",
                title,
                _changes_text(changed, changed[0].action),
                who,
                entity,
                uuid,
            )
        )
    return entries


def _classification_tables() -> list[Any]:
    tables = []
    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        table = mapper.local_table
        if mapper.class_.__module__ in CLASSIFICATION_MODULES and {"business_id", "uuid"} <= set(
            table.c.keys()
        ):
            tables.append(table)
    return tables


def _log_rows(session: Session, actor: Actor, uuids: list[str]) -> list[ChangeLog]:
    """By entity uuid only, so the planner uses the entity index (an office filter in SQL tempted SQLite into
    walking every row of the office); the office check is then made on the few rows found."""
    rows = session.exec(
        select(ChangeLog).where(col(ChangeLog.entity_uuid).in_(uuids)).order_by(col(ChangeLog.id))
    )
    return [row for row in rows if row.office_id == actor.office_id]


def _changes_text(rows: list[ChangeLog], action: str) -> str:
    if action == "delete":
        return ""
    parts = []
    for row in rows:
        if not row.field:
            continue
        label = field_label(row.field)
        parts.append(
            f"{label}：{row.new or '（空）'}"
            if action == "create"
            else f"{label}：{row.old or '（空）'} 改为 {row.new or '（空）'}"
        )
    return "；".join(parts)


def _aware(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _local_day(at: datetime) -> date:
    aware = _aware(at)
    assert aware is not None
    return aware.astimezone().date()  # the machine's local day, as every screen shows times
