"""实有户数 and the month's flows (新设, 注销, 吊销, 撤销, 迁入, 迁出) by kind, grid, officer and GB/T 4754
section, in one pass over the office's businesses (issue 18).

One GROUP BY (kind, grid, officer, industry division) returns a few thousand groups at most; they are added
up here into the four splits. Every count is a SUM(CASE …) over report_dates' expressions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from workbench.domain.report_periods import Month, Span, month_span, year_to_date
from workbench.services.report_dates import B, Dates, count_if, office_businesses

FLOWS = ("new", "deregistered", "revoked", "cancelled", "moved_in", "moved_out")
FLOW_LABELS = {
    "new": "新设", "deregistered": "注销", "revoked": "吊销", "cancelled": "撤销", "moved_in": "迁入", "moved_out": "迁出",
}
SPANS = ("month", "ytd", "prev", "ly", "ly_ytd")
STOCKS = ("end", "prev_end", "ly_end")
# GB/T 4754-2017: the section letter of each two-digit division (门类 ← 大类).
_SECTION_OF_DIVISION = {
    f"{division:02d}": letter
    for letter, first, last in (
        ("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50), ("F", 51, 52), ("G", 53, 60),
        ("H", 61, 62), ("I", 63, 65), ("J", 66, 69), ("K", 70, 70), ("L", 71, 72), ("M", 73, 75), ("N", 76, 79),
        ("O", 80, 82), ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90), ("S", 91, 96), ("T", 97, 97),
    )
    for division in range(first, last + 1)
}

Counts = dict[str, int]


@dataclass
class FlowFigures:
    """Counts keyed "stock.end", "new.month", "deregistered.ytd" … for the office and each split."""

    total: Counts = field(default_factory=dict)
    by_kind: dict[str, Counts] = field(default_factory=dict)
    by_grid: dict[int | None, Counts] = field(default_factory=dict)
    by_officer: dict[int | None, Counts] = field(default_factory=dict)
    by_section: dict[str, Counts] = field(default_factory=dict)  # "" when the industry is unknown


def spans(month: Month) -> dict[str, Span]:
    last_year = month.a_year_before()
    return {
        "month": month_span(month),
        "ytd": year_to_date(month),
        "prev": month_span(month.previous()),
        "ly": month_span(last_year),
        "ly_ytd": year_to_date(last_year),
    }


def stock_days(month: Month) -> dict[str, date]:
    return {"end": month.last, "prev_end": month.previous().last, "ly_end": month.a_year_before().last}


def flow_columns(dates: Dates, month: Month) -> list[Any]:
    """The labelled SUM(CASE …) columns of every stock and flow for this month."""
    flow_day = {
        "deregistered": dates.deregistered, "revoked": dates.revoked, "cancelled": dates.cancelled,
        "moved_out": dates.moved_out, "moved_in": B.c.moved_in_on,
    }
    columns = [count_if(dates.present_on(day)).label(f"stock.{name}") for name, day in stock_days(month).items()]
    for span_name, span in spans(month).items():
        # 新设: registered here in the span (a business that moved in was registered elsewhere).
        columns.append(
            count_if(B.c.moved_in_on.is_(None) & dates.within(B.c.registered_on, span.first, span.last)).label(
                f"new.{span_name}"
            )
        )
        for flow, day in flow_day.items():
            columns.append(count_if(dates.within(day, span.first, span.last)).label(f"{flow}.{span_name}"))
    return columns


def flow_figures(session: Session, office_id: int, month: Month) -> FlowFigures:
    dates = Dates(session.get_bind().dialect.name)
    division = func.substr(B.c.industry_code, 1, 2).label("division")
    keys = (B.c.kind, B.c.grid_id, B.c.officer_id, division)
    query = select(*keys, *flow_columns(dates, month)).where(office_businesses(office_id)).group_by(*keys)
    figures = FlowFigures()
    splits: dict[str, defaultdict[Any, Counts]] = {name: defaultdict(dict) for name in ("kind", "grid", "officer", "section")}
    total: Counts = {}
    for row in session.execute(query).mappings():
        counts = {name: int(value or 0) for name, value in row.items() if "." in name}
        _add(total, counts)
        _add(splits["kind"][row["kind"]], counts)
        _add(splits["grid"][row["grid_id"]], counts)
        _add(splits["officer"][row["officer_id"]], counts)
        _add(splits["section"][_SECTION_OF_DIVISION.get(row["division"] or "", "")], counts)
    figures.total = total or dict.fromkeys(_names(), 0)
    figures.by_kind = dict(splits["kind"])
    figures.by_grid = dict(splits["grid"])
    figures.by_officer = dict(splits["officer"])
    figures.by_section = dict(splits["section"])
    return figures


def monthly_new_and_deregistered(session: Session, office_id: int, month: Month, months: int = 24) -> list[tuple[str, int, int]]:
    """(month code, 新设, 注销) for the `months` months ending with `month`, oldest first: the chart's data."""
    dates = Dates(session.get_bind().dialect.name)
    periods = [month.back(back) for back in range(months - 1, -1, -1)]
    columns = []
    for index, period in enumerate(periods):
        columns.append(
            count_if(B.c.moved_in_on.is_(None) & dates.within(B.c.registered_on, period.first, period.last)).label(f"n{index}")
        )
        columns.append(count_if(dates.within(dates.deregistered, period.first, period.last)).label(f"d{index}"))
    row = session.execute(select(*columns).where(office_businesses(office_id))).one()
    return [(period.code, int(row[2 * index] or 0), int(row[2 * index + 1] or 0)) for index, period in enumerate(periods)]


def _add(into: Counts, counts: Counts) -> None:
    for name, value in counts.items():
        into[name] = into.get(name, 0) + value


def _names() -> list[str]:
    return [f"stock.{name}" for name in STOCKS] + [f"{flow}.{span}" for span in SPANS for flow in FLOWS]
