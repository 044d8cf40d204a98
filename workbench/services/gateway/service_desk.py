"""今日待办, 帮扶, 走访, 诉求 and the timeline: what those screens read and the writes their dialogs make.

The services behind them are imported by the method that needs them: the to-do is the first screen painted,
and visits, appeals and support are not needed for it (tests/test_architecture.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from storage.audit import Actor
from workbench.services.gateway.unit_of_work import UnitOfWork
from workbench.services.reminders import TodoItem, todo_list
from workbench.services.service_common import ServiceSettings

if TYPE_CHECKING:
    from workbench.services.appeals import AppealDetail, AppealFilters, AppealLine
    from workbench.services.support import SupportFilters, SupportLine
    from workbench.services.timeline import TimelineEntry
    from workbench.services.visit_route import RouteStop


@dataclass(frozen=True)
class Intake:
    """What an appeal intake ended in: a new appeal, or the open one it duplicates (with the sentence why)."""

    appeal_uuid: str
    duplicate_message: str = ""


@dataclass(frozen=True)
class AppealStep:
    """One step of an appeal as the dialog filled it in; `action` is one of appeal_states' actions."""

    action: str
    appeal_uuid: str
    base_version: int
    today: date
    note: str = ""
    officer_id: int | None = None
    reply: str = ""
    satisfaction: str = ""
    reason: str = ""


class ServiceDesk:
    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    # 今日待办

    def todo(
        self, actor: Actor, *, officer_id: int | None, today: date, settings: ServiceSettings
    ) -> list[TodoItem]:
        with self._work.reading() as session:
            return todo_list(session, actor=actor, officer_id=officer_id, today=today, settings=settings)

    def finish_follow_up(self, actor: Actor, item: TodoItem, today: date, note: str) -> int:
        """办完 on a visit's follow-up line, with 办理情况: its follow-ups due that day are done today; how many."""
        from workbench.services.follow_ups import finish_follow_ups_due

        assert item.business_uuid is not None, "a follow-up line names its business"
        with self._work.writing() as session:
            return finish_follow_ups_due(
                session, actor=actor, business_uuid=item.business_uuid, visit_uuid=item.entity_uuid,
                due_on=item.due_on, done_on=today, note=note,
            )  # fmt: skip

    def reopen_follow_up(self, actor: Actor, follow_up_uuid: str) -> str:
        """撤销办完 from the timeline: the follow-up is due again; returns what it is (its action)."""
        from workbench.services.follow_ups import reopen

        with self._work.writing() as session:
            return reopen(session, actor=actor, follow_up_uuid=follow_up_uuid)

    # 帮扶

    def support_lines(self, actor: Actor, filters: SupportFilters, *, limit: int) -> list[SupportLine]:
        from workbench.services.support import list_support

        with self._work.reading() as session:
            return list_support(session, actor=actor, filters=filters, limit=limit)

    def record_support(self, actor: Actor, business_uuid: str, data: dict[str, Any]) -> str:
        from workbench.services.support import record_support

        with self._work.writing() as session:
            return record_support(session, actor=actor, business_uuid=business_uuid, data=data).uuid

    # 走访

    def record_visit(
        self, actor: Actor, business_uuid: str, *, data: dict[str, Any], observed: dict[str, Any],
        base_version: int | None, settings: ServiceSettings,
    ) -> str:  # fmt: skip
        """The visit and the business changes seen at the door, in one transaction; the visit's uuid."""
        from workbench.services.visits import record_visit

        with self._work.writing() as session:
            visit = record_visit(
                session, actor=actor, business_uuid=business_uuid, data=data, observed_changes=observed,
                base_version=base_version, settings=settings,
            )  # fmt: skip
            return visit.uuid

    def route(self, actor: Actor, *, day: date, grid_id: int | None, officer_id: int | None) -> list[RouteStop]:
        """今日走访路线: the officer's stops due by `day`, grouped by street, in natural address order."""
        from workbench.services.visit_route import day_route

        with self._work.reading() as session:
            return day_route(session, actor=actor, day=day, grid_id=grid_id, officer_id=officer_id)

    def timeline(self, actor: Actor, business_uuid: str) -> list[TimelineEntry]:
        from workbench.services.timeline import business_timeline

        with self._work.reading() as session:
            return business_timeline(session, actor=actor, business_uuid=business_uuid)

    # 诉求

    def appeals(
        self, actor: Actor, filters: AppealFilters, *, settings: ServiceSettings, today: date, limit: int
    ) -> list[AppealLine]:
        from workbench.services.appeals import list_appeals

        with self._work.reading() as session:
            return list_appeals(session, actor=actor, filters=filters, settings=settings, today=today, limit=limit)

    def appeal(self, actor: Actor, appeal_uuid: str, *, settings: ServiceSettings, today: date) -> AppealDetail:
        from workbench.services.appeals import appeal_detail

        with self._work.reading() as session:
            return appeal_detail(session, actor=actor, appeal_uuid=appeal_uuid, settings=settings, today=today)

    def open_appeal(
        self, actor: Actor, data: dict[str, Any], *, settings: ServiceSettings, today: date
    ) -> Intake:
        """A new appeal, or (nothing written) the open one of the same business and category."""
        from workbench.services.appeals import DuplicateAppeal, open_appeal

        with self._work.writing() as session:
            result = open_appeal(session, actor=actor, data=data, settings=settings, today=today)
            if isinstance(result, DuplicateAppeal):
                return Intake(result.existing.uuid, result.message)
            return Intake(result.uuid)

    def appeal_step(self, actor: Actor, step: AppealStep, settings: ServiceSettings) -> str:
        """分派 / 办理记录 / 答复 / 办结 / 回访 / 重新办理 of one appeal, in one transaction; the appeal's uuid."""
        from workbench.domain import appeal_states as states
        from workbench.services import appeals

        common: dict[str, Any] = {"actor": actor, "appeal_uuid": step.appeal_uuid, "base_version": step.base_version}
        with self._work.writing() as session:
            if step.action == states.ASSIGN:
                appeals.assign_appeal(session, **common, officer_id=step.officer_id, note=step.note)
            elif step.action == states.NOTE:
                appeals.add_note(session, **common, note=step.note)
            elif step.action == states.REPLY:
                appeals.reply_appeal(session, **common, reply=step.reply, replied_on=step.today)
            elif step.action == states.CLOSE:
                appeals.close_appeal(session, **common, closed_on=step.today, note=step.note)
            elif step.action == states.FOLLOW_UP:
                appeals.record_follow_up(
                    session, **common, satisfaction=step.satisfaction, note=step.note,
                    followed_up_on=step.today, settings=settings,
                )  # fmt: skip
            elif step.action == states.REOPEN:
                appeals.reopen_appeal(session, **common, reason=step.reason, settings=settings, today=step.today)
            else:
                raise ValueError(f"unknown appeal action {step.action!r}")
        return step.appeal_uuid
