"""双随机抽查占比 and 跨部门联合双随机占比 (issue 20, docs/rules.md §7.1): the office's inspections in 户次, counted
from what Workbench records, for the month, last month, the same month last year and the two years to date.

A 户次 is one business inspected in one task: an inspection_result (not deleted) of a task of the office, put
in the period by its 检查日期. A business drawn whose result is not recorded yet was not inspected yet. The
tasks say the rest: a task from 投诉举报转 is a targeted check (in the denominator only), the others are
双随机; a task that lists two departments or more is 跨部门联合. Inspections made outside Workbench cannot be
known here, and the definition says so. The inspection tables are small: one grouped query counts every
period at once, and the dashboard's list of the 户次 behind a line is one more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlmodel import Session

from storage.tables import Grid, Officer
from storage.tables_inspection import InspectionResult, InspectionTask
from workbench.domain.labels import KIND_LABELS
from workbench.domain.report_definitions import NO_DATA, NON_RANDOM_SOURCES
from workbench.domain.report_model import Cell
from workbench.domain.report_periods import Month, Span, month_span, year_to_date
from workbench.services.report_dates import B, count_if

R: Any = InspectionResult.__table__  # type: ignore[attr-defined]
T: Any = InspectionTask.__table__  # type: ignore[attr-defined]
G: Any = Grid.__table__  # type: ignore[attr-defined]
OF: Any = Officer.__table__  # type: ignore[attr-defined]
SPANS = ("month", "prev", "ly", "ytd", "ly_ytd")
JOINED_BY = "、"  # inspection_task.departments: the departments joined with 、 (two or more: 联合)
ITEM = "检查"
SHOWN_AT_MOST = 5000


@dataclass(frozen=True)
class InspectionCounts:
    """户次 in one period: all recorded, of them 双随机, of those 跨部门联合."""

    inspected: int = 0
    random: int = 0
    joint: int = 0


@dataclass(frozen=True)
class InspectionFigures:
    counts: dict[str, InspectionCounts]  # by span: month, prev, ly, ytd, ly_ytd
    labels: dict[str, str]  # the span in words (2026年10月, 2026年1-10月), for the reasons
    no_tasks_reason: str  # set when the office has no 抽查任务 in Workbench at all: nothing can be counted


def inspection_spans(month: Month) -> dict[str, Span]:
    ytd = year_to_date(month)
    last_year = month.a_year_before()
    return {
        "month": month_span(month),
        "prev": month_span(month.previous()),
        "ly": month_span(last_year),
        "ytd": ytd,
        "ly_ytd": year_to_date(last_year),
    }


def span_label(span: Span) -> str:
    if span.first.month == span.last.month:
        return f"{span.first.year}年{span.first.month}月"
    return f"{span.first.year}年{span.first.month}-{span.last.month}月"


def is_random() -> Any:
    return T.c.source.not_in(NON_RANDOM_SOURCES)


def is_joint() -> Any:
    return T.c.departments.contains(JOINED_BY)


def has_tasks(session: Session, office_id: int) -> bool:
    """The office keeps its 抽查任务 in Workbench: without any, its inspections cannot be told at all."""
    return bool(session.execute(select(exists().where(T.c.office_id == office_id, T.c.deleted_at.is_(None)))).scalar())


def _inspections(office_id: int, first: date, last: date) -> Any:
    """户次: each (task, business) the office recorded a result for between `first` and `last` (results not
    deleted), once, on its first day. The service keeps one result per pair; two laptops that both recorded one
    would still make one inspection. Grouped on the result table alone, then joined to the task (the join first
    doubles the time at 200,000 results)."""
    return (
        select(R.c.task_id, R.c.business_id, func.min(R.c.inspected_on).label("day"))
        .where(R.c.office_id == office_id, R.c.deleted_at.is_(None), R.c.inspected_on >= first, R.c.inspected_on <= last)
        .group_by(R.c.task_id, R.c.business_id)
        .subquery()
    )


def _live_task(office_id: int) -> Any:
    return and_(T.c.office_id == office_id, T.c.deleted_at.is_(None))


def inspection_figures(session: Session, office_id: int, month: Month) -> InspectionFigures:
    spans = inspection_spans(month)
    labels = {name: span_label(span) for name, span in spans.items()}
    if not has_tasks(session, office_id):
        reason = f"{NO_DATA}：本所尚未在 Workbench 中建立抽查任务，没有可统计的检查户次"
        return InspectionFigures({name: InspectionCounts() for name in spans}, labels, reason)
    pairs = _inspections(office_id, min(span.first for span in spans.values()), month.last)
    columns = []
    for span in spans.values():
        inside = and_(pairs.c.day >= span.first, pairs.c.day <= span.last)
        columns += [count_if(inside), count_if(and_(inside, is_random())), count_if(and_(inside, is_random(), is_joint()))]
    query = select(*columns).select_from(pairs.join(T, T.c.id == pairs.c.task_id)).where(_live_task(office_id))
    values = [int(value or 0) for value in session.execute(query).one()]
    counts = {name: InspectionCounts(*values[index * 3 : index * 3 + 3]) for index, name in enumerate(spans)}
    return InspectionFigures(counts, labels, "")


@dataclass(frozen=True)
class InspectionList:
    rows: tuple[tuple[Cell, ...], ...]  # 事项, 日期, 名称, 统一社会信用代码, 注册号, 主体类型, 所属网格, 包联干部, 说明
    total: int  # 户次 in the period (of 双随机 tasks only when asked): rows holds the first SHOWN_AT_MOST
    random: int  # of them 双随机
    joint: int  # of those 跨部门联合
    missing_reason: str  # no 抽查任务 at all


def inspections_in(
    session: Session, office_id: int, span: Span, *, random_only: bool = False, limit: int = SHOWN_AT_MOST
) -> InspectionList:
    """The 户次 behind 双随机抽查占比 (every inspection of the span) or, `random_only`, behind 跨部门联合双随机占比
    (the 双随机 ones), by day and name, each saying which task and whether it was 双随机 and 联合."""
    if not has_tasks(session, office_id):
        return InspectionList((), 0, 0, 0, f"{NO_DATA}：本所尚未在 Workbench 中建立抽查任务")
    pairs = _inspections(office_id, span.first, span.last)
    where = and_(_live_task(office_id), is_random()) if random_only else _live_task(office_id)
    inspected = pairs.join(T, T.c.id == pairs.c.task_id)
    total, random, joint = session.execute(
        select(func.count(), count_if(is_random()), count_if(and_(is_random(), is_joint()))).select_from(inspected).where(where)
    ).one()
    query = (
        select(pairs.c.day, B.c.name, B.c.uscc, B.c.reg_no, B.c.kind, G.c.name, OF.c.name, T.c.name, T.c.source,
               T.c.departments)
        .select_from(
            inspected.join(B, B.c.id == pairs.c.business_id)
            .outerjoin(G, G.c.id == B.c.grid_id)
            .outerjoin(OF, OF.c.id == B.c.officer_id)
        )
        .where(where)
        .order_by(pairs.c.day, B.c.name, T.c.name)
        .limit(limit)
    )  # fmt: skip
    rows = tuple(
        (ITEM, day, name, uscc, reg_no, KIND_LABELS.get(kind, kind), grid, officer, what_it_was(task, source, departments))
        for day, name, uscc, reg_no, kind, grid, officer, task, source, departments in session.execute(query)
    )
    return InspectionList(rows, int(total or 0), int(random or 0), int(joint or 0), "")


def what_it_was(task: str, source: str, departments: str) -> str:
    """「2026 年度抽查」双随机·联合（市场监管、卫生健康）; 「某投诉核查」投诉举报转，非双随机."""
    if source in NON_RANDOM_SOURCES:
        return f"「{task}」{source}，非双随机"
    if JOINED_BY in departments:
        return f"「{task}」双随机·联合（{departments}）"
    return f"「{task}」双随机（{departments or '本所'}）"
