"""The monthly report's service figures (issue 18): 首贷户 new and cumulative, support by type with amounts,
appeals received / closed / on time / overdue / satisfaction from 回访, and visits by officer. GROUP BYs only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from storage.tables_service import Appeal, SupportRecord, Visit
from workbench.domain.report_periods import Month, Span
from workbench.services.report_dates import B, count_if, office_businesses

S: Any = SupportRecord.__table__  # type: ignore[attr-defined]
A: Any = Appeal.__table__  # type: ignore[attr-defined]
V: Any = Visit.__table__  # type: ignore[attr-defined]


@dataclass
class AppealFigures:
    received: int = 0
    closed: int = 0
    closed_on_time: int = 0
    overdue: int = 0  # still open at the period end, past the deadline
    satisfaction: Counter[str] = field(default_factory=Counter)  # 回访 in the month: word -> count


@dataclass
class ServiceFigures:
    first_loans_month: int = 0
    first_loans_ytd: int = 0
    first_loans_total: int = 0  # cumulative at the period end
    support: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # type -> (count, yuan or None)
    appeals: AppealFigures = field(default_factory=AppealFigures)
    appeals_by_category: dict[str, AppealFigures] = field(default_factory=dict)
    visits_by_officer: Counter[int | None] = field(default_factory=Counter)


def service_figures(session: Session, office_id: int, month: Month, ytd: Span) -> ServiceFigures:
    first, last = month.first, month.last
    figures = ServiceFigures()
    loans = session.execute(
        select(
            count_if(and_(B.c.first_loan_on >= first, B.c.first_loan_on <= last)),
            count_if(and_(B.c.first_loan_on >= ytd.first, B.c.first_loan_on <= ytd.last)),
            func.count(),
        ).where(office_businesses(office_id), B.c.first_loan_on <= last)  # by index: the 首贷户 only
    ).one()
    figures.first_loans_month, figures.first_loans_ytd, figures.first_loans_total = (int(n or 0) for n in loans)
    for kind, count, amount in session.execute(
        select(S.c.kind, func.count(), func.sum(S.c.amount_yuan))
        .where(S.c.office_id == office_id, S.c.deleted_at.is_(None), S.c.given_on >= first, S.c.given_on <= last)
        .group_by(S.c.kind)
    ):
        figures.support[kind] = (int(count), None if amount is None else int(amount))
    in_month = and_(A.c.received_on >= first, A.c.received_on <= last)
    closed = and_(A.c.closed_on >= first, A.c.closed_on <= last)
    open_at_end = and_(A.c.received_on <= last, or_(A.c.closed_on.is_(None), A.c.closed_on > last))
    for category, received, closed_count, on_time, overdue in session.execute(
        select(
            A.c.category,
            count_if(in_month),
            count_if(closed),
            count_if(and_(closed, A.c.closed_on <= A.c.deadline)),
            count_if(and_(open_at_end, A.c.deadline < last)),
        )
        .where(A.c.office_id == office_id, A.c.deleted_at.is_(None))
        .group_by(A.c.category)
    ):
        row = AppealFigures(int(received or 0), int(closed_count or 0), int(on_time or 0), int(overdue or 0))
        figures.appeals_by_category[category] = row
        total = figures.appeals
        total.received += row.received
        total.closed += row.closed
        total.closed_on_time += row.closed_on_time
        total.overdue += row.overdue
    for word, count in session.execute(
        select(A.c.satisfaction, func.count())
        .where(
            A.c.office_id == office_id, A.c.deleted_at.is_(None), A.c.satisfaction.is_not(None),
            A.c.followed_up_on >= first, A.c.followed_up_on <= last,
        )
        .group_by(A.c.satisfaction)
    ):
        figures.appeals.satisfaction[word] = int(count)
    for officer_id, count in session.execute(
        select(V.c.officer_id, func.count())
        .where(V.c.office_id == office_id, V.c.deleted_at.is_(None), V.c.visited_on >= first, V.c.visited_on <= last)
        .group_by(V.c.officer_id)
    ):
        figures.visits_by_officer[officer_id] = int(count)
    return figures
