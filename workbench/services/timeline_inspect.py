"""A business's 双随机 results on its timeline: the inspection (codes, task, inspectors, follow-up) and, once
done, the 整改 it was given."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables_inspection import InspectionResult, InspectionTask


def inspection_entries(session: Session, actor: Actor, business_id: int | None) -> list[tuple[object, ...]]:
    """(on, at, title, detail, who, uuid) per event, for services.timeline to wrap in its entries."""
    from workbench.domain.inspection_rules import load_inspection_rules

    rows = list(session.exec(
        select(InspectionResult, InspectionTask.name)
        .join(InspectionTask, col(InspectionTask.id) == col(InspectionResult.task_id))
        .where(col(InspectionResult.business_id) == business_id, col(InspectionResult.office_id) == actor.office_id,
               col(InspectionResult.deleted_at).is_(None))
    ))  # fmt: skip
    if not rows:
        return []
    rules = load_inspection_rules(None).rules  # labels only: the shipped codes name every official code
    found: list[tuple[object, ...]] = []
    for row, task in rows:
        labels = "；".join((rules.result(code).label if rules.result(code) else code) for code in row.codes.split(","))  # type: ignore[union-attr]
        follow = f"后续处置：{row.follow_up}" + (f"（期限 {row.follow_up_due}）" if row.follow_up_due else "") if row.follow_up else ""
        detail = "；".join(part for part in (f"任务：{task}", follow, row.notes) if part)
        found.append((row.inspected_on, row.updated_at, f"双随机抽查：{labels}", detail, row.inspectors or row.updated_by, row.uuid))
        if row.follow_up_done_on is not None:
            at = datetime.combine(row.follow_up_done_on, time(), tzinfo=UTC)
            found.append((row.follow_up_done_on, at, "抽查整改完成", f"任务：{task}", row.updated_by, row.uuid))
    return found
