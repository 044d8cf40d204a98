"""The monthly report's figures service on a large office: each part's time, the whole report's time and
peak memory, and beside them the bare GROUP BY queries that count the same things (the floor) and the ratio.

Run on a demo database (SQLite file or PostgreSQL URL):
    workbench --db big.db demo --size 1000000      (the demo runs 重新分型 at its end)
    python bench/report.py --db big.db --month 2026-11 [--runs 3]

The floor is one plain GROUP BY per kind of count: the office's businesses by (kind, grid, officer, division)
with the month's 新设 and 注销 as SUM(CASE …) over the stored date columns only (no change-log fall-back, no
buckets), the support, appeal and visit tables by their keys. What the service adds on top is its report's
worth of extra columns, the change-log fall-back for undated exits, the cohorts and the month's lists.
"""

from __future__ import annotations

import argparse
import os
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
from workbench.services.report_transaction import prepare_for_counting


def _timed(runs: int, work: Callable[[], Any]) -> tuple[float, float]:
    """Median CPU seconds of this process and median wall seconds. On SQLite the CPU is the figure (on a
    shared machine wall time mostly measures the others' load); on PostgreSQL the server does the work, so
    only the wall time tells."""
    cpu_times, wall_times = [], []
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        work()
        cpu_times.append(time.process_time() - cpu)
        wall_times.append(time.perf_counter() - wall)
    return statistics.median(cpu_times), statistics.median(wall_times)


def _paired(runs: int, service: Callable[[], Any], floor: Callable[[], Any]) -> list[tuple[float, float, float, float]]:
    """(service CPU-s, service wall, floor CPU-s, floor wall) run after run, so each pair sees the same load."""
    pairs = []
    for _ in range(runs):
        measured = []
        for work in (service, floor):
            cpu, wall = time.process_time(), time.perf_counter()
            work()
            measured += [time.process_time() - cpu, time.perf_counter() - wall]
        pairs.append((measured[0], measured[1], measured[2], measured[3]))
    return pairs


def _load() -> str:
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


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
        prepare_for_counting(session)  # the report's own settings (PostgreSQL: work_mem, no JIT), as monthly_report does
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
        print(f"  ({_load()}; CPU seconds of this process and wall seconds, median of {arguments.runs})")
        for name, work in parts:
            cpu, wall = _timed(arguments.runs, work)
            print(f"  {name:<32} {cpu:7.3f} CPU-s {wall:7.2f} s wall")

        def whole() -> Any:
            return monthly_report.monthly_report(session=session, actor=actor, month=month, targets=DEFAULT_TARGETS)

        floor_queries = _floor_queries(month, office_id)
        pairs = _paired(arguments.runs, whole, lambda: [session.execute(text(query)).all() for query in floor_queries])
        for service_cpu, service_wall, floor_cpu, floor_wall in pairs:
            print(f"  whole report {service_cpu:6.2f} CPU-s ({service_wall:6.1f} s wall), bare GROUP BY floor "
                  f"{floor_cpu:5.2f} CPU-s ({floor_wall:5.1f} s wall): {service_cpu / floor_cpu:.1f}x; {_load()}")
        ratio = statistics.median(service / floor for service, _w, floor, _fw in pairs)
        print(f"  ratio service / floor (median of the pairs, CPU): {ratio:.1f}x")
        if engine.dialect.name == "postgresql":  # the server does the work: only the wall time tells
            wall_ratio = statistics.median(wall / floor_wall for _c, wall, _f, floor_wall in pairs)
            print(f"  ratio service / floor (median of the pairs, wall): {wall_ratio:.1f}x")
        print(f"  peak Python memory of the report: {_peak_mb(whole):.0f} MB (tracemalloc)")


if __name__ == "__main__":
    main()
