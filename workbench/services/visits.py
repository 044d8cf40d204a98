"""Field visits (走访): record one, apply what was observed to the business, follow-ups; the day's route
(visit_route, re-exported here).

Observed changes (phone, address, employees) go through register.update_business, the normal edit path,
in the same transaction as the visit: the business's change log shows them like any other edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.tables import Business
from storage.tables_service import Visit, VisitFollowUp
from workbench.domain.service_lists import VISIT_OBSERVABLE_FIELDS
from workbench.domain.values import parse_date
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.register import get_business, update_business
from workbench.services.service_common import (
    DEFAULT_SETTINGS,
    FieldReader,
    ServiceSettings,
    actor_officer_id,
    office_officer,
    officer_names,
)
from workbench.services.visit_route import RouteStop, day_route

FOLLOW_UP_NOTE_FIELD = "done_note"
"""The change-log field holding 办理情况 when a follow-up is marked done (or why it was opened again)."""

__all__ = [
    "FollowUpLine",
    "RouteStop",
    "VisitLine",
    "complete_follow_up",
    "list_visits",
    "record_visit",
    "reopen_follow_up",
    "day_route",
]


@dataclass(frozen=True)
class FollowUpLine:
    uuid: str
    version: int
    action: str
    due_on: date
    done_on: date | None


@dataclass(frozen=True)
class VisitLine:
    uuid: str
    version: int
    business_uuid: str
    business_name: str
    visited_on: date
    officer_name: str
    officers_present: str
    purpose: str
    finding: str
    notes: str
    observed: str
    follow_ups: list[FollowUpLine]


def record_visit(
    session: Session,
    *,
    actor: Actor,
    business_uuid: str,
    data: dict[str, Any],
    observed_changes: dict[str, Any] | None = None,
    base_version: int | None = None,
    settings: ServiceSettings = DEFAULT_SETTINGS,
) -> Visit:
    """data: visited_on, officer_id, officers_present (names, text or list), purpose, finding, notes,
    follow_ups: [{"action": ..., "due_on": ...}]. observed_changes: phone / address / employees, applied to
    the business (base_version: the business version the form was opened on; None: the current one).
    The caller commits."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    clean, follow_ups = _validated(data, settings)
    officer = office_officer(session, actor, data.get("officer_id"), "走访干部")
    observed = {field: value for field, value in (observed_changes or {}).items() if value not in (None, "")}
    unknown = set(observed) - set(VISIT_OBSERVABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            {field: f"走访时不能修改「{field}」，请在市场主体编辑中修改" for field in unknown}
        )
    summary = _apply_observed(session, actor, business, observed, base_version)
    at = utc_now()
    assert business.id is not None
    visit = Visit(
        office_id=actor.office_id,
        business_id=business.id,
        officer_id=officer.id if officer else actor_officer_id(session, actor),
        observed=summary,
        **clean,
        **stamp_values(actor, at),
    )
    session.add(visit)
    session.flush()
    logged = {field: (None, value) for field, value in {**clean, "observed": summary}.items() if value}
    log_changes(session, actor, "visit", visit.uuid, "create", logged, at)
    for action, due_on in follow_ups:
        _add_follow_up(session, actor, visit, action, due_on)
    return visit


def complete_follow_up(
    session: Session,
    *,
    actor: Actor,
    follow_up_uuid: str,
    base_version: int,
    done_on: date | None = None,
    note: str = "",
) -> VisitFollowUp:
    """Mark a visit's follow-up done (it leaves the to-do list), with what was done (办理情况)."""
    return _set_done(session, actor, follow_up_uuid, base_version, done_on or date.today(), note)


def reopen_follow_up(
    session: Session, *, actor: Actor, follow_up_uuid: str, base_version: int
) -> VisitFollowUp:
    """Undo 办完: the follow-up is open again and back in the to-do list."""
    return _set_done(session, actor, follow_up_uuid, base_version, None, "")


def _set_done(
    session: Session, actor: Actor, follow_up_uuid: str, base_version: int, done_on: date | None, note: str
) -> VisitFollowUp:
    """The note has no column of its own: it is the change log's `done_note` row, written with the done_on
    change in the same transaction, which is where the timeline reads it from."""
    row = session.exec(
        select(VisitFollowUp).where(
            col(VisitFollowUp.uuid) == follow_up_uuid,
            col(VisitFollowUp.office_id) == actor.office_id,
            col(VisitFollowUp.deleted_at).is_(None),
        )
    ).first()
    if row is None:
        raise NotFound("该跟进事项不存在或已被删除")
    at = utc_now()
    assert row.id is not None
    try:
        guarded_update(
            session, VisitFollowUp, row.id, base_version, {"done_on": done_on, "updated_at": at}, actor
        )
    except VersionConflict:
        raise SaveConflict(
            "该跟进事项已被他人修改，请刷新后再操作", {"done_on": row.done_on}, row.version
        ) from None
    changes: dict[str, tuple[Any, Any]] = {"done_on": (row.done_on, done_on)}
    if note:
        changes[FOLLOW_UP_NOTE_FIELD] = (None, note)
    log_changes(session, actor, "visit_follow_up", row.uuid, "update", changes, at)
    session.expire(row)
    return row


def list_visits(
    session: Session,
    *,
    actor: Actor,
    business_uuid: str | None = None,
    visited_from: date | None = None,
    visited_until: date | None = None,
    officer_id: int | None = None,
    limit: int = 2000,
) -> list[VisitLine]:
    """Visits of the office, newest first, each with its follow-ups."""
    query = (
        select(Visit, Business)
        .join(Business, col(Business.id) == col(Visit.business_id))
        .where(col(Visit.office_id) == actor.office_id, col(Visit.deleted_at).is_(None))
    )
    if business_uuid:
        query = query.where(col(Business.uuid) == business_uuid)
    if visited_from:
        query = query.where(col(Visit.visited_on) >= visited_from)
    if visited_until:
        query = query.where(col(Visit.visited_on) <= visited_until)
    if officer_id is not None:
        query = query.where(col(Visit.officer_id) == officer_id)
    rows = list(session.exec(query.order_by(col(Visit.visited_on).desc(), col(Visit.id).desc()).limit(limit)))
    follow_ups = _follow_ups(session, [visit.id for visit, _business in rows if visit.id is not None])
    officers = officer_names(session, {visit.officer_id for visit, _business in rows})
    return [
        VisitLine(
            visit.uuid,
            visit.version,
            business.uuid,
            business.name,
            visit.visited_on,
            officers.get(visit.officer_id or 0, ""),
            visit.officers_present,
            visit.purpose,
            visit.finding,
            visit.notes,
            visit.observed,
            follow_ups.get(visit.id or 0, []),
        )
        for visit, business in rows
    ]


def _validated(
    data: dict[str, Any], settings: ServiceSettings
) -> tuple[dict[str, Any], list[tuple[str, date]]]:
    read = FieldReader(data)
    present = data.get("officers_present") or ""
    if isinstance(present, list | tuple):
        read.data = {
            **data,
            "officers_present": "、".join(str(name).strip() for name in present if str(name).strip()),
        }
    clean = {
        "visited_on": read.day("visited_on", "走访日期", default=date.today()),
        "officers_present": read.text("officers_present", "在场干部", max_length=200),
        "purpose": read.text("purpose", "走访目的", max_length=200),
        "finding": read.choice("finding", "走访结果", settings.lists.visit_findings),
        "notes": read.text("notes", "情况记录"),
    }
    follow_ups: list[tuple[str, date]] = []
    for number, item in enumerate(data.get("follow_ups") or [], start=1):
        action = str(item.get("action") or "").strip()
        try:
            due_on = parse_date(item.get("due_on"))
        except ValueError as problem:
            read.errors[f"follow_ups.{number}"] = f"第 {number} 项跟进的完成期限：{problem}"
            continue
        if not action or due_on is None:
            read.errors[f"follow_ups.{number}"] = f"第 {number} 项跟进须写明事项和完成期限"
            continue
        follow_ups.append((action[:200], due_on))
    read.done()
    return clean, follow_ups


def _apply_observed(
    session: Session, actor: Actor, business: Business, observed: dict[str, Any], base_version: int | None
) -> str:
    """Through update_business (validation, version check, change log); returns 「联系电话：旧 → 新」…"""
    if not observed:
        return ""
    before = {field: getattr(business, field) for field in observed}
    version = business.version if base_version is None else base_version
    updated = update_business(
        session=session, actor=actor, business_uuid=business.uuid, base_version=version, changes=observed
    )
    parts = [
        f"{VISIT_OBSERVABLE_FIELDS[field]}：{before[field] if before[field] not in (None, '') else '（空）'} 改为 {getattr(updated, field)}"
        for field in observed
        if getattr(updated, field) != before[field]
    ]
    return "；".join(parts)[:500]


def _add_follow_up(session: Session, actor: Actor, visit: Visit, action: str, due_on: date) -> None:
    at = utc_now()
    assert visit.id is not None
    row = VisitFollowUp(
        office_id=actor.office_id, visit_id=visit.id, action=action, due_on=due_on, **stamp_values(actor, at)
    )
    session.add(row)
    session.flush()
    log_changes(
        session,
        actor,
        "visit_follow_up",
        row.uuid,
        "create",
        {"action": (None, action), "due_on": (None, due_on)},
        at,
    )


def _follow_ups(session: Session, visit_ids: list[int]) -> dict[int, list[FollowUpLine]]:
    if not visit_ids:
        return {}
    rows = session.exec(
        select(VisitFollowUp)
        .where(col(VisitFollowUp.visit_id).in_(visit_ids), col(VisitFollowUp.deleted_at).is_(None))
        .order_by(col(VisitFollowUp.due_on))
    )
    grouped: dict[int, list[FollowUpLine]] = {}
    for row in rows:
        grouped.setdefault(row.visit_id, []).append(
            FollowUpLine(row.uuid, row.version, row.action, row.due_on, row.done_on)
        )
    return grouped
