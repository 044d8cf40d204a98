"""双随机's lines on the to-do list: a 责令整改 coming due, and a result not yet public as its 公示期限 nears.

A result's 公示期限 (publish_by) was set when it was recorded: the task's last day plus the working days in
force (inspection.toml, default 20). It shows from 5 working days before that day, and stays, overdue,
until the result is marked published.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables import Business
from storage.tables_inspection import InspectionResult, InspectionTask
from workbench.services.service_common import ServiceSettings

RECTIFY_KIND = "rectify"
PUBLISH_KIND = "publish"
KIND_LABELS = {RECTIFY_KIND: "抽查整改", PUBLISH_KIND: "抽查公示"}
PUBLISH_LEAD = 5  # working days before the 公示期限


def inspection_items(
    session: Session, actor: Actor, officer_id: int | None, today: date, settings: ServiceSettings,
    per_kind: int,
) -> list[tuple[str, str, str, date, str, str]]:  # fmt: skip
    """(kind, text, due, business uuid, business name) per line, at most per_kind + 1 of each kind (the caller
    turns the extra into its 另有更多 line)."""
    calendar, lists = settings.calendar, settings.lists
    rectify_horizon = calendar.add_working_days(today, lists.todo_horizon_working_days).day
    publish_horizon = calendar.add_working_days(today, PUBLISH_LEAD).day
    found: list[tuple[str, str, str, date, str, str]] = []
    base = (
        select(InspectionResult, InspectionTask.name, Business.uuid, Business.name)
        .join(InspectionTask, col(InspectionTask.id) == col(InspectionResult.task_id))
        .join(Business, col(Business.id) == col(InspectionResult.business_id))
        .where(col(InspectionResult.office_id) == actor.office_id, col(InspectionResult.deleted_at).is_(None))
    )
    if officer_id is not None:
        base = base.where(col(Business.officer_id) == officer_id)
    rectify = base.where(
        col(InspectionResult.follow_up) == "责令整改",
        col(InspectionResult.follow_up_done_on).is_(None),
        col(InspectionResult.follow_up_due).is_not(None),
        col(InspectionResult.follow_up_due) <= rectify_horizon,
    ).order_by(col(InspectionResult.follow_up_due))
    for row, task, uuid, name in session.exec(rectify.limit(per_kind + 1)):
        assert row.follow_up_due is not None
        text = f"{name}：抽查后责令整改，期限 {row.follow_up_due}（{task}，{row.inspected_on} 检查）"
        found.append((RECTIFY_KIND, row.uuid, text, row.follow_up_due, uuid, name))
    publish = base.where(
        col(InspectionResult.published_on).is_(None), col(InspectionResult.publish_by) <= publish_horizon
    ).order_by(col(InspectionResult.publish_by))
    for row, task, uuid, name in session.exec(publish.limit(per_kind + 1)):
        late = "已超过" if row.publish_by < today else "须在"
        text = f"{name}：抽查结果尚未公示，{late}公示期限 {row.publish_by}（{task}）"
        found.append((PUBLISH_KIND, row.uuid, text, row.publish_by, uuid, name))
    return found
