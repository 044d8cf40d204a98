"""明细: one row per business behind the month's counts (新设, 注销/吊销/撤销/迁出, 迁入, 个转企, 首贷户), so
every number in the report can be traced to the businesses it counts (issue 18). Only the month's events
are read: a few hundred rows, not the register.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session

from storage.tables import Grid, Officer
from storage.tables_distinctions import Conversion
from workbench.domain.candidates import CONVERSION_METHOD_LABELS
from workbench.domain.labels import KIND_LABELS, BusinessStatus
from workbench.domain.report_model import Cell, Column, Table
from workbench.domain.report_periods import Month
from workbench.services.report_dates import DEREGISTERED, REVOKED, B, Dates, office_businesses

G: Any = Grid.__table__  # type: ignore[attr-defined]
OF: Any = Officer.__table__  # type: ignore[attr-defined]
C: Any = Conversion.__table__  # type: ignore[attr-defined]

DETAIL_COLUMNS = (
    Column("事项"), Column("日期", "date"), Column("名称"), Column("统一社会信用代码", "code"),
    Column("注册号", "code"), Column("主体类型"), Column("所属网格"), Column("包联干部"), Column("说明"),
)


def detail_table(session: Session, office_id: int, month: Month) -> Table:
    dates = Dates(session.get_bind().dialect.name)
    first, last = month.first, month.last
    # Each event with the condition that lets the database read only its rows by an index: the 成立日期,
    # 迁入日期 and 首贷日期 ranges, or the exit's status (its date may come from the change log).
    events: list[tuple[str, Any, Any]] = [
        ("新设", B.c.registered_on, B.c.moved_in_on.is_(None)),
        ("迁入", B.c.moved_in_on, None),
        ("注销", dates.deregistered, B.c.status.in_(DEREGISTERED)),
        ("吊销", dates.revoked, B.c.status.in_(REVOKED)),
        ("撤销", dates.cancelled, B.c.status == BusinessStatus.CANCELLED.value),
        ("迁出", dates.moved_out, B.c.status == BusinessStatus.MOVED_OUT.value),
        ("首贷", B.c.first_loan_on, None),
    ]
    base = B.outerjoin(G, G.c.id == B.c.grid_id).outerjoin(OF, OF.c.id == B.c.officer_id)
    rows: list[tuple[Cell, ...]] = []
    for what, day, narrowing in events:
        condition = and_(office_businesses(office_id), day >= first, day <= last)
        if narrowing is not None:
            condition = and_(condition, narrowing)
        note = B.c.first_loan_bank if what == "首贷" else B.c.status  # the bank is the 首贷's source
        for found in session.execute(
            select(day, B.c.name, B.c.uscc, B.c.reg_no, B.c.kind, G.c.name, OF.c.name, note)
            .select_from(base)
            .where(condition)
            .order_by(day, B.c.name, B.c.id)  # the id: the same order on both engines for a name twice a day
        ):
            on, name, uscc, reg_no, kind, grid, officer, extra = found
            text = f"首贷银行：{extra}" if what == "首贷" and extra else ""
            rows.append((what, _day(on), name, uscc, reg_no, KIND_LABELS.get(kind, kind), grid, officer, text))
    rows += _conversions(session, office_id, month)
    return Table(
        sheet="明细",
        title=f"本月新设、退出、个转企与首贷户明细（{month.label}）",
        columns=DETAIL_COLUMNS,
        rows=tuple(rows),
        note="每一行是上面各项计数中的一户，可据此逐户核对。",
    )


def _conversions(session: Session, office_id: int, month: Month) -> list[tuple[Cell, ...]]:
    base = C.join(B, B.c.id == C.c.business_id).outerjoin(G, G.c.id == B.c.grid_id).outerjoin(OF, OF.c.id == B.c.officer_id)
    found = session.execute(
        select(C.c.converted_on, B.c.name, B.c.uscc, B.c.reg_no, B.c.kind, G.c.name, OF.c.name, C.c.method, C.c.old_uscc)
        .select_from(base)
        .where(
            C.c.office_id == office_id, C.c.deleted_at.is_(None),
            C.c.converted_on >= month.first, C.c.converted_on <= month.last,
        )
        .order_by(C.c.converted_on, B.c.name, B.c.id)
    )
    rows: list[tuple[Cell, ...]] = []
    for on, name, uscc, reg_no, kind, grid, officer, method, old_uscc in found:
        text = CONVERSION_METHOD_LABELS.get(method, method)
        if old_uscc and old_uscc != uscc:
            text += f"，原代码 {old_uscc}"
        rows.append(("个转企", _day(on), name, uscc, reg_no, KIND_LABELS.get(kind, kind), grid, officer, text))
    return rows


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
