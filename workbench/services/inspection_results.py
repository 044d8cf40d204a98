"""抽查结果: one per drawn business of a task, with the official codes (several at once), the day, who inspected,
notes and what follows (后续处置); then publication.

- 责令整改 gets a deadline in working days (inspection.toml's default, or as typed): it is on the to-do list
  until done, and on the business's timeline.
- 经营异常 follows code 6 (通过登记的住所（经营场所）无法联系): an enterprise is 列入经营异常名录, a household is
  标记为经营异常状态; either way the business's 经营异常 flag is set through the register's normal edit.
- Every result must be public within N working days of the task's end (inspection.toml, default 20); the
  day is computed when the result is recorded (`publish_by`), so the rule in force then is kept with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, utc_now
from storage.tables import Business
from storage.tables_inspection import InspectionResult
from workbench.domain.inspection_rules import InspectionRules
from workbench.domain.labels import BusinessKind
from workbench.domain.working_days import WorkCalendar
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.inspection_draws import current_draw, stored_pairs
from workbench.services.inspection_tasks import TaskView
from workbench.services.register import get_business, update_business

RECTIFY = "责令整改"
ABNORMAL = "经营异常"
FOLLOW_UPS = (RECTIFY, "移送", ABNORMAL, "立案")
NO_PROBLEM = "1"
UNREACHABLE = "6"


@dataclass(frozen=True)
class ResultInput:
    """What a person records for one business (the CLI's options, the screen's keys)."""

    codes: Sequence[str]
    inspected_on: date
    inspectors: Sequence[str] = ()
    notes: str = ""
    follow_up: str = ""
    follow_up_due: date | None = None


def record_result(
    session: Session,
    *,
    actor: Actor,
    task: TaskView,
    business_uuid: str,
    entry: ResultInput,
    rules: InspectionRules,
    calendar: WorkCalendar,
    base_version: int | None = None,
) -> InspectionResult:
    """Store (or, with base_version, change) the result of one drawn business; the caller commits."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    assert business.id is not None
    draw = current_draw(session, actor, task)
    if draw is None:
        raise ValidationFailed({"task": f"任务「{task.name}」还没有抽取，不能录入结果"})
    pairs = {pair.business_uuid: pair for pair in stored_pairs(session, draw)}
    if business_uuid not in pairs:
        raise ValidationFailed({"business": f"「{business.name}」不在任务「{task.name}」抽中的名单里，不能录入结果"})
    codes = _codes(entry.codes, rules)
    values: dict[str, Any] = {
        "codes": ",".join(codes),
        "inspected_on": entry.inspected_on,
        "inspectors": "、".join(name.strip() for name in entry.inspectors if name.strip())[:200],
        "notes": entry.notes.strip(),
        **_follow_up(entry, codes, calendar, rules),
    }
    if entry.inspected_on > date.today():
        raise ValidationFailed({"inspected_on": f"检查日期 {entry.inspected_on} 在今天之后，请核对"})
    existing = _result_of(session, actor, task.id, business.id)
    if existing is not None and base_version is None:
        raise ValidationFailed({"business": f"「{business.name}」已录入过结果（{existing.inspected_on}），如需修改请在原结果上修改"})
    at = utc_now()
    if existing is None:
        row = InspectionResult(
            office_id=actor.office_id, task_id=task.id, business_id=business.id,
            publish_by=calendar.add_working_days(task.ends_on, rules.publish_within_working_days).day,
            updated_at=at, updated_by=actor.who, device=actor.device, **values,
        )  # fmt: skip
        session.add(row)
        session.flush()
        log_changes(session, actor, "inspection_result", row.uuid, "create",
                    {"business": (None, business.uuid), "task": (None, task.uuid), "publish_by": (None, row.publish_by),
                     **{name: (None, value) for name, value in values.items() if value not in (None, "")}}, at)  # fmt: skip
    else:
        row = _update(session, actor, existing, base_version or 0, values, at)
    if row.follow_up == ABNORMAL and not business.abnormal:
        update_business(session=session, actor=actor, business_uuid=business.uuid, base_version=business.version,
                        changes={"abnormal": True, "abnormal_since": entry.inspected_on})  # fmt: skip
    return row


def abnormal_wording(kind: str) -> str:
    """列入经营异常名录 for an enterprise, 标记为经营异常状态 for a household (docs/rules.md §5)."""
    return "标记为经营异常状态" if kind == BusinessKind.HOUSEHOLD else "列入经营异常名录"


def mark_published(session: Session, *, actor: Actor, task: TaskView, on: date) -> int:
    """Record that every result of the task not yet public went public on `on`; how many. The caller commits."""
    rows = session.exec(
        select(InspectionResult).where(
            col(InspectionResult.office_id) == actor.office_id,
            col(InspectionResult.task_id) == task.id,
            col(InspectionResult.published_on).is_(None),
            col(InspectionResult.deleted_at).is_(None),
        )
    ).all()
    at = utc_now()
    for row in rows:
        _update(session, actor, row, row.version, {"published_on": on}, at)
    return len(rows)


def finish_follow_up(session: Session, *, actor: Actor, result_uuid: str, base_version: int, on: date) -> None:
    """责令整改 done (it leaves the to-do list)."""
    row = session.exec(
        select(InspectionResult).where(col(InspectionResult.uuid) == result_uuid,
                                       col(InspectionResult.office_id) == actor.office_id)
    ).first()  # fmt: skip
    if row is None:
        raise NotFound("找不到这条抽查结果")
    _update(session, actor, row, base_version, {"follow_up_done_on": on}, utc_now())


def _result_of(session: Session, actor: Actor, task_id: int, business_id: int) -> InspectionResult | None:
    return session.exec(
        select(InspectionResult).where(
            col(InspectionResult.office_id) == actor.office_id,
            col(InspectionResult.task_id) == task_id,
            col(InspectionResult.business_id) == business_id,
            col(InspectionResult.deleted_at).is_(None),
        )
    ).first()


def _update(session: Session, actor: Actor, row: InspectionResult, base_version: int, values: dict[str, Any],
            at: Any) -> InspectionResult:  # fmt: skip
    diff = {name: (getattr(row, name), value) for name, value in values.items() if getattr(row, name) != value}
    if not diff:
        return row
    assert row.id is not None
    try:
        guarded_update(session, InspectionResult, row.id, base_version, {name: new for name, (_old, new) in diff.items()},
                       actor)  # fmt: skip
    except VersionConflict:
        session.refresh(row)
        raise SaveConflict("这条抽查结果已被他人修改，请重新打开后再改", {}, row.version) from None
    log_changes(session, actor, "inspection_result", row.uuid, "update", diff, at)
    session.refresh(row)
    return row


def _codes(typed: Sequence[str], rules: InspectionRules) -> list[str]:
    codes: list[str] = []
    unknown: list[str] = []
    for text in typed:
        for part in text.replace("，", ",").replace("、", ",").split(","):
            if not part.strip():
                continue
            found = rules.result(part)
            if found is None:
                unknown.append(part.strip())
            elif found.code not in codes:
                codes.append(found.code)
    if unknown:
        known = "、".join(f"{result.code} {result.label}" for result in rules.results)
        raise ValidationFailed({"codes": f"抽查结果代码「{'、'.join(unknown)}」不认识；可用的有：{known}"})
    if not codes:
        raise ValidationFailed({"codes": "请至少选一项抽查结果（如 1 未发现问题）"})
    if NO_PROBLEM in codes and len(codes) > 1:
        raise ValidationFailed({"codes": "「1 未发现问题」不能与其他结果同时选择"})
    return codes


def _follow_up(entry: ResultInput, codes: list[str], calendar: WorkCalendar, rules: InspectionRules) -> dict[str, Any]:
    follow_up = entry.follow_up.strip()
    if not follow_up:
        return {"follow_up": "", "follow_up_due": None}
    if follow_up not in FOLLOW_UPS:
        raise ValidationFailed({"follow_up": f"后续处置「{follow_up}」应是 {'、'.join(FOLLOW_UPS)} 之一"})
    if follow_up == ABNORMAL and UNREACHABLE not in codes:
        raise ValidationFailed({"follow_up": "只有抽查结果为「6 通过登记的住所（经营场所）无法联系」时才能标记经营异常"})
    due = entry.follow_up_due
    if follow_up == RECTIFY and due is None:
        due = calendar.add_working_days(entry.inspected_on, rules.rectify_working_days).day
    if due is not None and due < entry.inspected_on:
        raise ValidationFailed({"follow_up_due": f"整改期限 {due} 早于检查日期 {entry.inspected_on}，请核对"})
    return {"follow_up": follow_up, "follow_up_due": due if follow_up == RECTIFY else None}


def result_for(session: Session, actor: Actor, task: TaskView, business_uuid: str) -> InspectionResult | None:
    business = session.exec(
        select(Business).where(col(Business.uuid) == business_uuid, col(Business.office_id) == actor.office_id)
    ).first()
    if business is None or business.id is None:
        return None
    return _result_of(session, actor, task.id, business.id)
