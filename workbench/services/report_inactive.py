"""The 户 behind 活跃度 that were not counted as 活跃, each with why (issue 18: the dashboard's Enter on the
indicator). Read with the same test as the rate (report_indicators.activity_test), so the list and the
number agree; rows come in 明细's columns so the dashboard shows them as it shows the month's other 明细.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, not_, select
from sqlmodel import Session

from storage.tables import Grid, Officer
from workbench.domain.labels import KIND_LABELS
from workbench.domain.report_definitions import ReportTargets
from workbench.domain.report_model import Cell
from workbench.domain.report_periods import Month
from workbench.services.report_dates import B, Dates, office_businesses
from workbench.services.report_indicators import activity_test

G: Any = Grid.__table__  # type: ignore[attr-defined]
OF: Any = Officer.__table__  # type: ignore[attr-defined]
ITEM = "未计入活跃"
SHOWN_AT_MOST = 5000


@dataclass(frozen=True)
class InactiveList:
    rows: tuple[tuple[Cell, ...], ...]  # 事项, 日期, 名称, 统一社会信用代码, 注册号, 主体类型, 所属网格, 包联干部, 说明
    total: int  # all of them; rows holds the first SHOWN_AT_MOST by grid and name
    missing_reason: str  # 暂无数据: the rate cannot be told, so nobody is listed as not trading


def inactive_businesses(
    session: Session, office_id: int, month: Month, targets: ReportTargets, limit: int = SHOWN_AT_MOST
) -> InactiveList:
    test = activity_test(session, office_id, month, targets)
    if test.missing_reason:
        return InactiveList((), 0, test.missing_reason)
    assert test.window is not None
    start, end = test.window
    present = Dates(session.get_bind().dialect.name).present_on(end)
    not_counted = and_(office_businesses(office_id), present, not_(test.flag))
    total = int(session.execute(select(func.count()).select_from(B).where(not_counted)).scalar() or 0)
    suspended = case((test.suspended, 1), else_=0)
    query = (
        select(B.c.name, B.c.uscc, B.c.reg_no, B.c.kind, G.c.name, OF.c.name, suspended)
        .select_from(B.outerjoin(G, G.c.id == B.c.grid_id).outerjoin(OF, OF.c.id == B.c.officer_id))
        .where(not_counted)
        .order_by(G.c.name, B.c.name)
        .limit(limit)
    )
    quiet = f"{start:%Y-%m}至{end:%Y-%m}没有营业收入大于0的年度经营数据，也没有「正常经营」的走访"
    rows = tuple(
        (ITEM, None, name, uscc, reg_no, KIND_LABELS.get(kind, kind), grid, officer,
         "歇业期内（歇业不计活跃）" if in_suspension else quiet)
        for name, uscc, reg_no, kind, grid, officer, in_suspension in session.execute(query)
    )  # fmt: skip
    return InactiveList(rows, total, "")
