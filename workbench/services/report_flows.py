"""实有户数 and the month's flows (新设, 注销, 吊销, 撤销, 迁入, 迁出) by kind, grid, officer and GB/T 4754
section, in one pass over the office's businesses (issue 18).

One GROUP BY (kind, grid, officer, industry division) returns a few thousand groups at most; they are added
up here into the four splits. Every count is a SUM(CASE …) over report_dates' expressions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlmodel import Session

from workbench.domain.report_periods import Month, Span, month_span, year_to_date
from workbench.services.report_dates import (
    DEREGISTERED,
    LIVE,
    B,
    Dates,
    every_office_business,
    office_businesses,
)
from workbench.services.report_transaction import grouped_by_hashing

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


def boundaries(month: Month) -> list[date]:
    """The days where a span begins or ends (its last day + 1), sorted: every span and stock day of the month
    is a run of buckets between two of them."""
    edges = {month.first, month.next().first}
    for span in spans(month).values():
        edges |= {span.first, span.last + timedelta(days=1)}
    return sorted(edges)


def bucket(day: Any, edges: list[date]) -> Any:
    """How many edges are on or before `day` (NULL for no day): one small CASE per date and row, so the
    database groups a million businesses into a few thousand (kind, grid, officer, division, buckets) rows."""
    whens = [(day < edge, index) for index, edge in enumerate(edges)]
    return case((day.is_(None), None), *whens, else_=len(edges))


def flow_figures(session: Session, office_id: int, month: Month, active_flag: Any = None) -> FlowFigures:
    """`active_flag` (report_indicators.activity_test): grouped by too, giving "active.end", the businesses
    存续 and 活跃 at the month's end, in the same pass."""
    dates = Dates(session.get_bind().dialect.name)
    edges = boundaries(month)
    division = func.substr(B.c.industry_code, 1, 2).label("division")
    # Each business's days worked out once, in a subquery the engines keep as it is (OFFSET 0), and put into
    # buckets outside it: bucketed in place, a day's expression (with its change-log fall-back) was written
    # out again in every WHEN of its CASE, and evaluated up to once per edge.
    days = (
        select(
            B.c.kind, B.c.grid_id, B.c.officer_id, division,
            (B.c.status == LIVE).label("live"),
            B.c.moved_in_on.is_(None).label("registered_here"),
            dates.start.label("start"),
            *(day.label(flow) for flow, day in _exit_days(dates).items()),
            (active_flag if active_flag is not None else literal(False)).label("active"),
        )
        .where(every_office_business(office_id))
        .offset(0)
        .subquery("days")
    )
    keys = [
        days.c.kind, days.c.grid_id, days.c.officer_id, days.c.division, days.c.live, days.c.registered_here,
        bucket(days.c.start, edges).label("start"),
        *(bucket(days.c[flow], edges).label(flow) for flow in _exit_days(dates)),
        days.c.active,
    ]
    query = select(*keys, func.count().label("n")).group_by(*keys)
    spans_at = {name: (edges.index(span.first) + 1, edges.index(span.last + timedelta(days=1))) for name, span in spans(month).items()}
    stock_at = {name: edges.index(day + timedelta(days=1)) for name, day in stock_days(month).items()}
    # A million businesses come back as ~12,000 groups, but only a few hundred distinct patterns of buckets
    # (most rows: came long ago, still here). Each split adds up how many of each pattern it has, and each
    # pattern's counts are worked out once: adding every group's ~60 counts into five splits cost more than
    # the query's own GROUP BY.
    patterns: dict[str, defaultdict[Any, Counter[tuple[Any, ...]]]] = {
        name: defaultdict(Counter) for name in ("total", "kind", "grid", "officer", "section")
    }
    with grouped_by_hashing(session):
        rows = session.execute(query).mappings().all()
    for row in rows:
        pattern = tuple(row[name] for name in _PATTERN)
        n = row["n"]
        patterns["total"][None][pattern] += n
        patterns["kind"][row["kind"]][pattern] += n
        patterns["grid"][row["grid_id"]][pattern] += n
        patterns["officer"][row["officer_id"]][pattern] += n
        patterns["section"][_SECTION_OF_DIVISION.get(row["division"] or "", "")][pattern] += n
    unit: dict[tuple[Any, ...], Counts] = {}

    def summed(counted: Counter[tuple[Any, ...]], into: Counts) -> Counts:
        for pattern, n in counted.items():
            if pattern not in unit:
                unit[pattern] = _counts({**dict(zip(_PATTERN, pattern, strict=True)), "n": 1}, spans_at, stock_at)
            for name, value in unit[pattern].items():
                into[name] = into.get(name, 0) + value * n
        return into

    splits = {name: {key: summed(counted, {}) for key, counted in by_key.items()} for name, by_key in patterns.items()}
    return FlowFigures(
        total=summed(patterns["total"].get(None, Counter()), dict.fromkeys(_names(), 0)),
        by_kind=splits["kind"], by_grid=splits["grid"], by_officer=splits["officer"], by_section=splits["section"],
    )


_PATTERN = ("live", "registered_here", "start", "deregistered", "revoked", "cancelled", "moved_out", "active")


def _exit_days(dates: Dates) -> dict[str, Any]:
    return {"deregistered": dates.deregistered, "revoked": dates.revoked, "cancelled": dates.cancelled,
            "moved_out": dates.moved_out}


def _counts(row: Any, spans_at: dict[str, tuple[int, int]], stock_at: dict[str, int]) -> Counts:
    """One group's stocks and flows from its buckets (None: no such day)."""
    n = row["n"]
    counts: Counts = {}
    start, live = row["start"], bool(row["live"])
    # The day it stopped being 存续: its first exit (吊销 before 注销); None for 其他 or an undated exit.
    exits = [row[flow] for flow in ("deregistered", "revoked", "cancelled", "moved_out") if row[flow] is not None]
    gone = min(exits) if exits else None
    for name, edge in stock_at.items():
        started = start is None or start <= edge
        staying = live or (gone is not None and gone > edge)
        counts[f"stock.{name}"] = n if started and staying else 0
    counts["active.end"] = n if counts["stock.end"] and row["active"] else 0
    came = "new" if row["registered_here"] else "moved_in"
    for span, (low, high) in spans_at.items():
        counts[f"{came}.{span}"] = n if start is not None and low <= start <= high else 0
        for flow in ("deregistered", "revoked", "cancelled", "moved_out"):
            day = row[flow]
            counts[f"{flow}.{span}"] = n if day is not None and low <= day <= high else 0
    return counts


def monthly_new_and_deregistered(session: Session, office_id: int, month: Month, months: int = 24) -> list[tuple[str, int, int]]:
    """(month code, 新设, 注销) for the `months` months ending with `month`, oldest first: the chart's data.
    Two GROUP BYs over the month of the day, each reading only the rows it can count (by index)."""
    dates = Dates(session.get_bind().dialect.name)
    first = month.back(months - 1).first
    last = month.last
    registered = dates.month_of(B.c.registered_on)
    new: dict[str, int] = {key: count for key, count in session.execute(
        select(registered, func.count())
        .where(office_businesses(office_id), B.c.moved_in_on.is_(None), B.c.registered_on >= first, B.c.registered_on <= last)
        .group_by(registered)
    )}
    deregistered_month = dates.month_of(dates.deregistered)
    gone: dict[str, int] = {key: count for key, count in session.execute(
        select(deregistered_month, func.count())
        .where(office_businesses(office_id), B.c.status.in_(DEREGISTERED), dates.deregistered >= first, dates.deregistered <= last)
        .group_by(deregistered_month)
    )}
    periods = [month.back(back).code for back in range(months - 1, -1, -1)]
    return [(code, int(new.get(code, 0)), int(gone.get(code, 0))) for code in periods]


def _names() -> list[str]:
    return [f"stock.{name}" for name in STOCKS] + [f"{flow}.{span}" for span in SPANS for flow in FLOWS] + ["active.end"]
