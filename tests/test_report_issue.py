"""出具: an issued month does not move when the data is edited later; last month comes from the issue;
re-issuing needs a reason, is logged and keeps the earlier issue (issue 18). Both engines."""

from __future__ import annotations

import pytest
from report_support import HandOffice, build_hand_office
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from storage.tables import ChangeLog
from storage.tables_report import ReportIssue
from workbench.domain.report_definitions import DEFAULT_TARGETS
from workbench.domain.report_json import checksum
from workbench.domain.report_model import MonthlyReport
from workbench.domain.report_periods import Month
from workbench.services.gateway import Gateway
from workbench.services.register import get_business, update_business
from workbench.services.report_issue import AlreadyIssued

OCTOBER, NOVEMBER = Month(2026, 10), Month(2026, 11)


@pytest.fixture
def hand(engine: Engine) -> HandOffice:
    return build_hand_office(engine)


def _value(report: MonthlyReport, code: str, column: str = "value") -> object:
    return getattr(next(line for line in report.summary if line.code == code), column)


def _deregister_m_in_october(engine: Engine, hand: HandOffice) -> None:
    """An edit after the issue: M (新设 2026-10-03) is found to have been 注销 on 2026-10-30."""
    with Session(engine) as session:
        m = get_business(session=session, actor=hand.actor, business_uuid=hand.uuids["M"])
        update_business(session=session, actor=hand.actor, business_uuid=m.uuid, base_version=m.version,
                        changes={"status": "deregistered", "deregistered_on": "2026-10-30"})
        session.commit()


def test_an_issued_month_keeps_its_figures_after_edits(engine: Engine, hand: HandOffice) -> None:
    desk = Gateway(engine).report
    issued = desk.issue(hand.actor, OCTOBER, targets=DEFAULT_TARGETS)
    assert (issued.issue_number, issued.issued_at is not None) == (1, True)
    assert _value(issued, "flow.deregistered") == 3  # C N T (tests/report_support.py)
    _deregister_m_in_october(engine, hand)
    shown = desk.monthly(hand.actor, OCTOBER, targets=DEFAULT_TARGETS)
    assert shown == issued  # what was sent, exactly
    recounted = desk.monthly(hand.actor, OCTOBER, targets=DEFAULT_TARGETS, recount=True)
    assert _value(recounted, "flow.deregistered") == 4 and _value(recounted, "stock.total") == 7
    with Session(engine) as session:
        stored = session.exec(select(ReportIssue)).one()
    assert stored.checksum == checksum(issued) and stored.definition_version == "本所口径 v1"


def test_last_month_comes_from_the_issue(engine: Engine, hand: HandOffice) -> None:
    desk = Gateway(engine).report
    desk.issue(hand.actor, OCTOBER, targets=DEFAULT_TARGETS)
    _deregister_m_in_october(engine, hand)
    november = desk.monthly(hand.actor, NOVEMBER, targets=DEFAULT_TARGETS)
    # October as issued: 注销 3, 实有 8 — not the 4 and 7 counted now.
    assert _value(november, "flow.deregistered", "last_month") == 3
    assert _value(november, "stock.total", "last_month") == 8
    assert _value(november, "stock.total") == 7


def test_last_month_is_counted_when_it_was_never_issued(engine: Engine, hand: HandOffice) -> None:
    _deregister_m_in_october(engine, hand)
    november = Gateway(engine).report.monthly(hand.actor, NOVEMBER, targets=DEFAULT_TARGETS)
    assert _value(november, "flow.deregistered", "last_month") == 4


def test_reissuing_needs_a_reason_and_keeps_the_first(engine: Engine, hand: HandOffice) -> None:
    desk = Gateway(engine).report
    first = desk.issue(hand.actor, OCTOBER, targets=DEFAULT_TARGETS)
    _deregister_m_in_october(engine, hand)
    with pytest.raises(AlreadyIssued) as refused:
        desk.issue(hand.actor, OCTOBER, targets=DEFAULT_TARGETS)
    assert "2026年10月的月报已于" in refused.value.errors["reason"] and "--reason" in refused.value.errors["reason"]
    second = desk.issue(hand.actor, OCTOBER, targets=DEFAULT_TARGETS, reason="补录 M 店注销")
    assert (second.issue_number, _value(second, "flow.deregistered")) == (2, 4)
    assert desk.monthly(hand.actor, OCTOBER, targets=DEFAULT_TARGETS) == second
    with Session(engine) as session:
        rows = session.exec(select(ReportIssue).order_by(col(ReportIssue.issue_number))).all()
        assert [(row.issue_number, row.reason) for row in rows] == [(1, ""), (2, "补录 M 店注销")]
        assert rows[0].figures != rows[1].figures and rows[0].checksum == checksum(first)
        logged = session.exec(
            select(ChangeLog.new).where(col(ChangeLog.entity) == "report_issue", col(ChangeLog.field) == "reason")
        ).all()
        assert logged == ["补录 M 店注销"]
        assert session.exec(select(func.count()).select_from(ReportIssue)).one() == 2
