"""The 双随机 screen's list of tasks: each task with where it stands (未抽取 / 已抽取 / 检查中 / 已公示) and its
counts: businesses drawn, results recorded, results published, results whose 公示期限 is near or past.

A task's status, in the order a task moves through them:
- 未抽取: no confirmed draw yet;
- 已抽取: drawn and locked, no result recorded yet;
- 检查中: some results recorded, and not every drawn business's result is public yet;
- 已公示: every drawn business has a result and every result has a publication date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables_inspection import InspectionPair, InspectionResult
from workbench.domain.working_days import WorkCalendar
from workbench.services.inspection_draws import current_draw
from workbench.services.inspection_tasks import TaskView, list_tasks
from workbench.services.reminders_inspect import PUBLISH_LEAD

NOT_DRAWN, DRAWN, INSPECTING, PUBLISHED = "未抽取", "已抽取", "检查中", "已公示"


@dataclass(frozen=True)
class TaskSummary:
    task: TaskView
    drawn: int
    """Businesses in the draw in force (0 before the first draw)."""
    seed: str
    drawn_on: date | None
    recorded: int
    published: int
    publish_due: int
    """Results not yet public whose 公示期限 is within PUBLISH_LEAD working days (the to-do shows them)."""
    publish_overdue: int
    """Results not yet public whose 公示期限 has passed."""

    @property
    def status(self) -> str:
        if self.drawn_on is None:
            return NOT_DRAWN
        if self.recorded == 0:
            return DRAWN
        if self.recorded >= self.drawn and self.published >= self.recorded:
            return PUBLISHED
        return INSPECTING


def task_summaries(session: Session, *, actor: Actor, today: date, calendar: WorkCalendar) -> list[TaskSummary]:
    """Every task of the office, newest first (the one being worked on is usually the last made)."""
    horizon = calendar.add_working_days(today, PUBLISH_LEAD).day
    found = []
    for task in reversed(list_tasks(session, actor=actor)):
        draw = current_draw(session, actor, task)
        drawn = 0
        if draw is not None:
            drawn = session.exec(
                select(func.count()).select_from(InspectionPair).where(
                    col(InspectionPair.draw_id) == draw.id, col(InspectionPair.deleted_at).is_(None))
            ).one()  # fmt: skip
        unpublished = col(InspectionResult.published_on).is_(None)
        recorded, published, due, overdue = session.exec(
            select(
                func.count(),
                func.count(col(InspectionResult.published_on)),
                func.count().filter(unpublished, col(InspectionResult.publish_by) <= horizon),
                func.count().filter(unpublished, col(InspectionResult.publish_by) < today),
            ).where(
                col(InspectionResult.office_id) == actor.office_id,
                col(InspectionResult.task_id) == task.id,
                col(InspectionResult.deleted_at).is_(None),
            )
        ).one()
        found.append(TaskSummary(task, drawn, draw.seed if draw else "", draw.drawn_at.date() if draw else None,
                                 recorded, published, due, overdue))  # fmt: skip
    return found
