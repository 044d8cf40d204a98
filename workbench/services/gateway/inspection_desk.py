"""双随机 for a screen: tasks, the draw's preview and its confirmation, verify, results — one unit of work each.

A preview and its confirmation draw with the same seed, so what is confirmed is what was shown (the generator
is deterministic, docs/rules.md §5.3); the confirmation refuses a task drawn since, unless a 重抽 reason is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from storage.audit import Actor
from workbench.services.gateway.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from datetime import date

    from workbench.domain.inspection_rules import InspectionRules
    from workbench.domain.working_days import WorkCalendar
    from workbench.services.inspection_draws import DrawReport
    from workbench.services.inspection_lists import ResultLine
    from workbench.services.inspection_overview import TaskSummary
    from workbench.services.inspection_results import ResultInput
    from workbench.services.inspection_tasks import TaskSpec, TaskView
    from workbench.services.inspection_verify import VerifyReport
    from workbench.services.inspector_edits import InspectorRow, RecusalLine
    from workbench.services.inspectors import InspectorLine


class InspectionDesk:
    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    def tasks(self, actor: Actor) -> list[TaskView]:
        from workbench.services.inspection_tasks import list_tasks

        with self._work.reading() as session:
            return list_tasks(session, actor=actor)

    def overview(self, actor: Actor, today: date, calendar: WorkCalendar) -> list[TaskSummary]:
        """Every task with its status and counts (drawn, recorded, published, 公示 due and overdue), newest first."""
        from workbench.services.inspection_overview import task_summaries

        with self._work.reading() as session:
            return task_summaries(session, actor=actor, today=today, calendar=calendar)

    def create_task(self, actor: Actor, spec: TaskSpec, *, risk_codes: Sequence[str] | None = None,
                    license_kinds: Sequence[str] | None = None) -> TaskView:  # fmt: skip
        """`risk_codes` (inspection.toml's classes) and `license_kinds` (service.toml's list) check the scope."""
        from workbench.services.inspection_tasks import create_task

        known: dict[str, Any] = {}
        if risk_codes is not None:
            known["risk_codes"] = tuple(risk_codes)
        if license_kinds is not None:
            known["license_kinds"] = tuple(license_kinds)
        with self._work.writing() as session:
            return create_task(session, actor=actor, spec=spec, **known)

    def preview(self, actor: Actor, task_id: int, rules: InspectionRules, seed: str | None = None) -> DrawReport:
        """The draw as it would be recorded, nothing written; its seed is the one to confirm with."""
        from workbench.services.inspection_draws import draw_task
        from workbench.services.inspection_tasks import find_task

        with self._work.reading() as session:
            task = find_task(session, actor=actor, which=str(task_id))
            return draw_task(session, actor=actor, task=task, rules=rules, seed=seed, dry_run=True)

    def confirm(self, actor: Actor, task_id: int, rules: InspectionRules, seed: str, *, rules_version: str = "",
                redraw_reason: str = "") -> DrawReport:  # fmt: skip
        """Record and lock the draw of `seed` (the preview's); a draw with an impossible business records nothing."""
        from workbench.services.inspection_draws import draw_task
        from workbench.services.inspection_tasks import find_task

        with self._work.writing() as session:
            task = find_task(session, actor=actor, which=str(task_id))
            return draw_task(session, actor=actor, task=task, rules=rules, rules_version=rules_version, seed=seed,
                             redraw_reason=redraw_reason)  # fmt: skip

    def verify(self, actor: Actor, task_id: int, rules: InspectionRules) -> VerifyReport:
        from workbench.services.inspection_tasks import find_task
        from workbench.services.inspection_verify import verify_task

        with self._work.reading() as session:
            return verify_task(session, actor=actor, task=find_task(session, actor=actor, which=str(task_id)), rules=rules)

    def results(self, actor: Actor, task_id: int, rules: InspectionRules) -> list[ResultLine]:
        from workbench.services.inspection_lists import result_lines
        from workbench.services.inspection_tasks import find_task

        with self._work.reading() as session:
            return result_lines(session, actor=actor, task=find_task(session, actor=actor, which=str(task_id)), rules=rules)

    def record_result(self, actor: Actor, task_id: int, business_uuid: str, entry: ResultInput, rules: InspectionRules,
                      calendar: WorkCalendar, base_version: int | None = None) -> str:  # fmt: skip
        """Store (or change) one business's result; its uuid."""
        from workbench.services.inspection_results import record_result
        from workbench.services.inspection_tasks import find_task

        with self._work.writing() as session:
            task = find_task(session, actor=actor, which=str(task_id))
            row = record_result(session, actor=actor, task=task, business_uuid=business_uuid, entry=entry, rules=rules,
                                calendar=calendar, base_version=base_version)  # fmt: skip
            return row.uuid

    def mark_published(self, actor: Actor, task_id: int, on: date) -> int:
        """Every result of the task not yet public went public on `on`; how many were marked."""
        from workbench.services.inspection_results import mark_published
        from workbench.services.inspection_tasks import find_task

        with self._work.writing() as session:
            return mark_published(session, actor=actor, task=find_task(session, actor=actor, which=str(task_id)), on=on)

    # 执法检查人员名录库 and 回避 (screens.inspectors_screen)

    def inspectors(self, actor: Actor) -> list[InspectorRow]:
        from workbench.services.inspector_edits import inspector_rows

        with self._work.reading() as session:
            return inspector_rows(session, actor=actor)

    def save_inspector(self, actor: Actor, line: InspectorLine | None, data: dict[str, Any]) -> str:
        """A new inspector (line None) or changes to one; their name."""
        from workbench.services.inspector_edits import update_inspector
        from workbench.services.inspectors import add_inspector

        with self._work.writing() as session:
            if line is None:
                return add_inspector(session, actor=actor, data=data).name
            return update_inspector(session, actor=actor, inspector_uuid=line.uuid, base_version=line.version,
                                    data=data).name  # fmt: skip

    def set_inspector_active(self, actor: Actor, line: InspectorLine, active: bool) -> None:
        from workbench.services.inspector_edits import set_inspector_active

        with self._work.writing() as session:
            set_inspector_active(session, actor=actor, inspector_uuid=line.uuid, base_version=line.version, active=active)

    def recusals(self, actor: Actor, inspector_uuid: str) -> list[RecusalLine]:
        from workbench.services.inspector_edits import recusals_of

        with self._work.reading() as session:
            return recusals_of(session, actor=actor, inspector_uuid=inspector_uuid)

    def add_recusal(self, actor: Actor, inspector_uuid: str, business_text: str, kind: str, note: str) -> str:
        """The business found from what was typed (name words or code); the business's name."""
        from workbench.services.inspector_edits import business_for_recusal
        from workbench.services.inspectors import add_recusal

        with self._work.writing() as session:
            business = business_for_recusal(session, actor=actor, text=business_text)
            add_recusal(session, actor=actor, inspector_uuid=inspector_uuid, business_uuid=business.uuid, kind=kind,
                        note=note)  # fmt: skip
            return business.name

    def remove_recusal(self, actor: Actor, line: RecusalLine) -> None:
        from workbench.services.inspector_edits import remove_recusal

        with self._work.writing() as session:
            remove_recusal(session, actor=actor, recusal_uuid=line.uuid, base_version=line.version)
