"""The monthly report (issue 18): count a month, show an issued month as issued, issue (出具) a month.
Each call is one unit of work; the report comes back as plain data (report_model.MonthlyReport)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.audit import Actor
from workbench.domain.report_definitions import ReportTargets
from workbench.domain.report_model import MonthlyReport
from workbench.domain.report_periods import Month
from workbench.services.gateway.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from sqlmodel import Session

    from workbench.domain.candidates import CandidateRules
    from workbench.services.monthly_report import Progress
    from workbench.services.report_inactive import InactiveList
    from workbench.services.report_inspections import InspectionList


class ReportDesk:
    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    def monthly(
        self, actor: Actor, month: Month, *, targets: ReportTargets, candidate_rules: CandidateRules | None = None,
        recount: bool = False, progress: Progress | None = None,
    ) -> MonthlyReport:  # fmt: skip
        """The month as issued when it was (unless `recount`), else counted now."""
        from workbench.services.monthly_report import monthly_report
        from workbench.services.report_issue import issued_report

        with self._work.reading() as session:
            if not recount:
                issued = issued_report(session, actor.office_id, month.code)
                if issued is not None:
                    return issued
            return monthly_report(
                session=session, actor=actor, month=month, targets=targets,
                scale_up_candidates=_candidate_counter(candidate_rules), progress=progress,
            )  # fmt: skip

    def inactive(self, actor: Actor, month: Month, *, targets: ReportTargets) -> InactiveList:
        """The 户 present at the month's end but not counted 活跃, with why (the dashboard's 明细 of 活跃度)."""
        from workbench.services.report_inactive import inactive_businesses

        with self._work.reading() as session:
            return inactive_businesses(session, actor.office_id, month, targets)

    def inspections(self, actor: Actor, month: Month, *, year_to_date: bool = False,
                    random_only: bool = False) -> InspectionList:  # fmt: skip
        """The 户次 behind 双随机抽查占比 (or, `random_only`, 跨部门联合双随机占比) in the month or the year to date."""
        from workbench.domain.report_periods import month_span
        from workbench.domain.report_periods import year_to_date as ytd
        from workbench.services.report_inspections import inspections_in

        span = ytd(month) if year_to_date else month_span(month)
        with self._work.reading() as session:
            return inspections_in(session, actor.office_id, span, random_only=random_only)

    def issue(
        self, actor: Actor, month: Month, *, targets: ReportTargets, candidate_rules: CandidateRules | None = None,
        reason: str = "", progress: Progress | None = None,
    ) -> MonthlyReport:  # fmt: skip
        """Count the month now and store it as issued (a re-issue needs a reason); returns what was issued."""
        from workbench.services.monthly_report import monthly_report
        from workbench.services.report_issue import issue, refuse_silent_reissue

        with self._work.writing() as session:
            refuse_silent_reissue(session, actor.office_id, month.code, reason)
            report = monthly_report(
                session=session, actor=actor, month=month, targets=targets,
                scale_up_candidates=_candidate_counter(candidate_rules), progress=progress,
            )  # fmt: skip
            return issue(session=session, actor=actor, report=report, reason=reason)


def _candidate_counter(rules: CandidateRules | None):  # type: ignore[no-untyped-def]
    if rules is None:
        return None

    def count(session: Session, actor: Actor) -> int:
        from workbench.services.candidates import scale_up_count

        return scale_up_count(session=session, actor=actor, rules=rules)

    return count
