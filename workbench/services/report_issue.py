"""Issuing a month's report (出具, issue 18): the figures as they were sent, kept for good.

An issue stores the whole MonthlyReport as JSON with its definition version and checksum. Nothing edits
it afterwards: the month is shown as issued, and the next month's "上月" column reads it. Issuing a month
again is explicit (a reason is required), logged in the change log, and adds a row with the next number;
the earlier issue stays.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlmodel import Session, col, select

from storage.audit import Actor, log_changes, stamp_values, utc_now
from storage.tables_report import ReportIssue
from workbench.domain.report_json import checksum, from_json, to_json
from workbench.domain.report_model import MonthlyReport, Number
from workbench.services.errors import ValidationFailed

REASON_MAX = 300


class AlreadyIssued(ValidationFailed):
    """The month was issued and no reason to issue it again was given."""


def latest_issue(session: Session, office_id: int, period: str) -> ReportIssue | None:
    return session.exec(
        select(ReportIssue)
        .where(
            col(ReportIssue.office_id) == office_id,
            col(ReportIssue.period) == period,
            col(ReportIssue.deleted_at).is_(None),
        )
        .order_by(col(ReportIssue.issue_number).desc())
    ).first()


def issued_report(session: Session, office_id: int, period: str) -> MonthlyReport | None:
    """The month as last issued, or None when it never was."""
    issue = latest_issue(session, office_id, period)
    return None if issue is None else from_json(issue.figures)


def issued_values(session: Session, office_id: int, period: str) -> dict[str, Number | None] | None:
    """Code -> value of the month's last issue (the next month's 上月 column), or None."""
    report = issued_report(session, office_id, period)
    return None if report is None else {line.code: line.value for line in report.summary}


def issue(*, session: Session, actor: Actor, report: MonthlyReport, reason: str = "") -> MonthlyReport:
    """Store the counted report as this month's issue; the caller commits. A month already issued needs a
    reason to be issued again (AlreadyIssued otherwise, naming the earlier issue)."""
    reason = refuse_silent_reissue(session, actor.office_id, report.period, reason)
    earlier = latest_issue(session, actor.office_id, report.period)
    at = utc_now()
    number = 1 if earlier is None else earlier.issue_number + 1
    issued = replace(report, issued_at=at, issue_number=number)
    row = ReportIssue(
        office_id=actor.office_id,
        period=report.period,
        issue_number=number,
        definition_version=report.definition_version,
        issued_at=at,
        issued_by=actor.who,
        figures=to_json(issued),
        checksum=checksum(issued),
        reason=reason,
        **stamp_values(actor, at),
    )
    session.add(row)
    session.flush()
    changes = {"period": (None, report.period), "issue_number": (None, number), "checksum": (None, row.checksum)}
    if reason:
        changes["reason"] = (None, reason)
    log_changes(session, actor, "report_issue", row.uuid, "create", changes, at)
    return issued


def refuse_silent_reissue(session: Session, office_id: int, period: str, reason: str) -> str:
    """The reason, tidied; AlreadyIssued when the month was issued and no reason is given (checked before the
    month is counted, so a refused re-issue costs nothing)."""
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": f"重新出具的理由超过 {REASON_MAX} 个字（现有 {len(reason)} 个），请简写"})
    earlier = latest_issue(session, office_id, period)
    if earlier is not None and not reason:
        raise AlreadyIssued(
            {"reason": f"{_label(period)}的月报已于 {_when(earlier.issued_at)} 由{earlier.issued_by or '他人'}"
             f"出具（第 {earlier.issue_number} 次）。如需重新出具，请用 --reason 写明理由"}
        )
    return reason


def _label(period: str) -> str:
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"
