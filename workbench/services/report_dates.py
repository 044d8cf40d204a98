"""When a business entered and left the office's register, as SQL expressions (issue 18).

The monthly report counts everything in the database with GROUP BY over these expressions; no business
row is loaded into Python. Both engines: dates compare as dates on PostgreSQL and as ISO text on SQLite.

- start day: the 迁入日期 of a business that moved in, else its 成立日期.
- the day of each exit: the date column of the status (business_fields.STATUS_DATE_FIELDS), else the day
  the status was last changed in the change log (a status imported or typed before migration 0014).
- gone day: the day it stopped being 存续 (吊销 first for a 吊销后注销); None while it is 存续, and for 其他
  (no date column of its own): such a business is counted as gone at every day, like an undated exit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, and_, case, cast, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from storage.tables import Business, ChangeLog
from workbench.domain.labels import BusinessStatus

B: Any = Business.__table__  # type: ignore[attr-defined]
LOG: Any = ChangeLog.__table__  # type: ignore[attr-defined]

DEREGISTERED = (BusinessStatus.DEREGISTERED.value, BusinessStatus.REVOKED_DEREGISTERED.value)
REVOKED = (BusinessStatus.REVOKED.value, BusinessStatus.REVOKED_DEREGISTERED.value)
LIVE = BusinessStatus.ACTIVE.value


class Dates:
    """The expressions for one engine (dialect: "sqlite" or "postgresql")."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        status = B.c.status
        logged = self._logged_status_day()
        self.start: ColumnElement[Any] = func.coalesce(B.c.moved_in_on, B.c.registered_on)
        self.deregistered = case((status.in_(DEREGISTERED), func.coalesce(B.c.deregistered_on, logged)))
        self.revoked = case(
            (status == BusinessStatus.REVOKED.value, func.coalesce(B.c.revoked_on, logged)),
            (status == BusinessStatus.REVOKED_DEREGISTERED.value, B.c.revoked_on),
        )
        self.cancelled = case((status == BusinessStatus.CANCELLED.value, func.coalesce(B.c.cancelled_on, logged)))
        self.moved_out = case((status == BusinessStatus.MOVED_OUT.value, func.coalesce(B.c.moved_out_on, logged)))
        self.gone = case(
            (status == LIVE, None),
            (status == BusinessStatus.REVOKED_DEREGISTERED.value, func.coalesce(B.c.revoked_on, self.deregistered)),
            (status.in_(DEREGISTERED), self.deregistered),
            (status == BusinessStatus.REVOKED.value, self.revoked),
            (status == BusinessStatus.CANCELLED.value, self.cancelled),
            (status == BusinessStatus.MOVED_OUT.value, self.moved_out),
            else_=None,  # 其他: no longer 存续, and no day of its own (counted as gone, like an undated exit)
        )

    def _logged_status_day(self) -> ColumnElement[Any]:
        """The day of the business's last status change in the change log (UTC day of the write)."""
        latest = (
            select(func.max(LOG.c.at))
            .where(LOG.c.entity_uuid == B.c.uuid, LOG.c.entity == "business", LOG.c.field == "status")
            .scalar_subquery()
        )
        return self.day_of(latest)

    def day_of(self, moment: Any) -> ColumnElement[Any]:
        return func.date(moment) if self.dialect == "sqlite" else cast(moment, Date)

    def month_of(self, day: Any) -> ColumnElement[Any]:
        """2026-10 for a day in October 2026 (the chart's categories)."""
        if self.dialect == "sqlite":
            return func.substr(day, 1, 7)
        return func.to_char(day, "YYYY-MM")

    def years_after(self, day: Any, years: int) -> ColumnElement[Any]:
        """The same calendar day `years` later (29 February: 1 March on SQLite, 28 February on PostgreSQL)."""
        if self.dialect == "sqlite":
            return func.date(day, f"+{years} years")
        return cast(day + func.make_interval(years), Date)

    def within(self, day: Any, first: date, last: date) -> ColumnElement[bool]:
        return and_(day >= first, day <= last)

    def present_on(self, day: date) -> ColumnElement[bool]:
        """存续 in the office on `day`: started by then (or start unknown) and not gone by then. A business
        that left on a day nobody recorded counts as gone."""
        started = or_(self.start.is_(None), self.start <= day)
        staying = or_(B.c.status == LIVE, self.gone > day)
        return and_(started, staying)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END): counts in one pass, on both engines."""
    return func.sum(case((condition, 1), else_=0))


def office_businesses(office_id: int) -> ColumnElement[bool]:
    return and_(B.c.office_id == office_id, B.c.deleted_at.is_(None))


def every_office_business(office_id: int) -> ColumnElement[bool]:
    """office_businesses for a count that reads every one of them: on SQLite the table is read in its own order
    instead of through an office_id index (which jumps about the table, one page read per row: at 1,000,000
    businesses ~1.8x the CPU). PostgreSQL's planner chooses by its statistics, so it is left the plain condition."""
    return and_(read_in_table_order(B.c.office_id) == office_id, B.c.deleted_at.is_(None))


class read_in_table_order(FunctionElement[Any]):  # noqa: N801 - reads as the SQL it stands for
    """The column as it is; on SQLite written +column, which keeps the planner off its indexes."""

    inherit_cache = True
    name = "read_in_table_order"


@compiles(read_in_table_order)
def _plain_column(element: read_in_table_order, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(read_in_table_order, "sqlite")
def _unindexed_column(element: read_in_table_order, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))
