"""The monthly report's figures service on a large office: each part's time, the whole report's time and
peak memory, and beside them the bare GROUP BY queries that count the same things (the floor) and the ratio.

Run on a demo database (SQLite file or PostgreSQL URL):
    workbench --db big.db demo --size 1000000 && workbench --db big.db classify
    python bench/report.py --db big.db --month 2026-10 [--runs 3]

The floor is one plain GROUP BY per kind of count: the office's businesses by (kind, grid, officer, division)
with the month's 新设 and 注销 as SUM(CASE …) over the stored date columns only (no change-log fall-back, no
buckets), the support, appeal and visit tables by their keys. What the service adds on top is its report's
worth of extra columns, the change-log fall-back for undated exits, the cohorts and the month's lists.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from storage.audit import Actor
from storage.engine import make_engine
from workbench.domain.report_definitions import DEFAULT_TARGETS
from workbench.domain.report_periods import Month, parse_month, year_to_date
from workbench.services import (
    monthly_report,
    report_details,
    report_flows,
    report_indicators,
    report_programmes,
    report_service_work,
)
from workbench.services.office import offices


def _timed(runs: int, work: Callable[[], Any]) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _peak_mb(work: Callable[[], Any]) -> float:
    tracemalloc.start()
    work()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1_000_000


def _floor_queries(month: Month, office_id: int) -> list[str]:
    first, last = month.first.isoformat(), month.last.isoformat()
    return [
        f"SELECT kind, grid_id, officer_id, substr(industry_code, 1, 2), count(*),"
        f" sum(CASE WHEN registered_on BETWEEN '{first}' AND '{last}' THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN deregistered_on BETWEEN '{first}' AND '{last}' THEN 1 ELSE 0 END)"
        f" FROM business WHERE office_id = {office_id} AND deleted_at IS NULL GROUP BY 1, 2, 3, 4",
        f"SELECT kind, count(*), sum(amount_yuan) FROM support_record WHERE office_id = {office_id}"
        f" AND given_on BETWEEN '{first}' AND '{last}' GROUP BY kind",
        f"SELECT category, count(*) FROM appeal WHERE office_id = {office_id}"
        f" AND received_on BETWEEN '{first}' AND '{last}' GROUP BY category",
        f"SELECT officer_id, count(*) FROM visit WHERE office_id = {office_id}"
        f" AND visited_on BETWEEN '{first}' AND '{last}' GROUP BY officer_id",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    month = parse_month(arguments.month)
    engine = make_engine(arguments.db)
    with Session(engine) as session:
        office = offices(session=session)[0]
        office_id = office.id
        actor = Actor(who="bench", device="bench", office_id=office_id)
        count = session.execute(text(f"SELECT count(*) FROM business WHERE office_id = {office_id}")).scalar()
        print(f"{count:,} businesses in {office.name}, month {month.code}, {engine.dialect.name}")
        ytd = year_to_date(month)
        parts: list[tuple[str, Callable[[], Any]]] = [
            ("stock and flows", lambda: report_flows.flow_figures(session, office_id, month)),
            ("24-month chart", lambda: report_flows.monthly_new_and_deregistered(session, office_id, month)),
            ("classification and programmes", lambda: report_programmes.programme_figures(session, office_id, month, ytd)),
            ("service work", lambda: report_service_work.service_figures(session, office_id, month, ytd)),
            ("stock and flows with 活跃度", lambda: report_flows.flow_figures(
                session, office_id, month,
                report_indicators.activity_test(session, office_id, month, DEFAULT_TARGETS).flag)),
            ("三年存活率 cohorts", lambda: report_indicators.survival_cohorts(session, office_id, month, DEFAULT_TARGETS)),
            ("明细", lambda: report_details.detail_table(session, office_id, month)),
        ]
        for name, work in parts:
            print(f"  {name:<32} {_timed(arguments.runs, work):7.3f} s")

        def whole() -> Any:
            return monthly_report.monthly_report(session=session, actor=actor, month=month, targets=DEFAULT_TARGETS)

        service_time = _timed(arguments.runs, whole)
        peak = _peak_mb(whole)
        floor_queries = _floor_queries(month, office_id)
        floor_time = _timed(arguments.runs, lambda: [session.execute(text(query)).all() for query in floor_queries])
        print(f"  {'whole report (service)':<32} {service_time:7.3f} s, peak {peak:.0f} MB (tracemalloc)")
        print(f"  {'bare GROUP BY floor':<32} {floor_time:7.3f} s")
        print(f"  ratio service / floor: {service_time / floor_time:.1f}x")


if __name__ == "__main__":
    main()
