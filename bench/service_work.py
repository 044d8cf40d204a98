"""Service work (issue 6): what the demo's year of support/appeals/visits costs, and how fast the to-do list,
appeal list, today's route and a business timeline answer on a demo office.

    .venv/bin/python bench/service_work.py                      # SQLite, 5,000 and 100,000 businesses
    .venv/bin/python bench/service_work.py --sizes 5000 1000000 --repeat 5

Each size builds .bench/service-SIZE.db twice: once as `workbench demo` does (with the service work) and
once without it, so the service work's share of the build is a ratio measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from storage.audit import Actor
from storage.engine import make_engine
from storage.schema import upgrade
from workbench.services import demo, demo_service
from workbench.services.appeals import AppealFilters, list_appeals
from workbench.services.demo import build_demo
from workbench.services.reminders import todo_list
from workbench.services.timeline import business_timeline
from workbench.services.visits import todays_route

BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"
TODAY = date(2026, 11, 23)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 100_000])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per query (after one warm-up)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the build without service work")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}; today {TODAY}")
    _build(200, "warm-up")[1].dispose()  # imports, Faker, reference data: not the service work's cost
    for size in args.sizes:
        print(f"\n== {size:,} businesses (SQLite) ==")
        service_seconds: list[float] = []
        original = demo_service.build_service_demo
        demo.build_service_demo = _timed(original, service_seconds)  # type: ignore[assignment]
        with_service, engine = _build(size, "with")
        demo.build_service_demo = original
        if args.no_baseline:
            print(
                f"  demo build: {with_service:.2f} s, of which service work {service_seconds[0]:.2f} s "
                f"({service_seconds[0] / with_service:.1%})"
            )
            _queries(engine, args.repeat)
            engine.dispose()
            continue
        demo.build_service_demo = lambda *call, **named: None  # type: ignore[assignment]
        without_service, other = _build(size, "without")
        demo.build_service_demo = original
        other.dispose()
        print(
            f"  demo build: {with_service:.2f} s with service work, {without_service:.2f} s without "
            f"(service work itself {service_seconds[0]:.2f} s, {with_service / without_service:.2f}x)"
        )
        _queries(engine, args.repeat)
        engine.dispose()


def _timed(original: Callable[..., Any], seconds: list[float]) -> Callable[..., Any]:
    def timed(*call: Any, **named: Any) -> Any:
        started = time.perf_counter()
        result = original(*call, **named)
        seconds.append(time.perf_counter() - started)
        print(f"  service work: {result}")
        return result

    return timed


def _build(size: int, label: str) -> tuple[float, Engine]:
    BENCH_DIR.mkdir(exist_ok=True)
    path = BENCH_DIR / f"service-{size}-{label}.db"
    for leftover in BENCH_DIR.glob(f"{path.name}*"):
        leftover.unlink()
    engine = make_engine(str(path))
    upgrade(engine)
    started = time.perf_counter()
    build_demo(engine, size=size, seed=1, today=TODAY)
    return time.perf_counter() - started, engine


def _queries(engine: Engine, repeat: int) -> None:
    with engine.connect() as connection:
        office_id = connection.execute(text("SELECT id FROM office")).scalar_one()
        officer_id = connection.execute(text("SELECT id FROM officer ORDER BY id LIMIT 1")).scalar_one()
        grid_id = connection.execute(
            text("SELECT grid_id FROM officer WHERE id = :id"), {"id": officer_id}
        ).scalar()
        busiest = connection.execute(
            text(
                "SELECT b.uuid FROM business b JOIN appeal a ON a.business_id = b.id GROUP BY b.uuid "
                "ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar_one()
    actor = Actor(who="基准测试", device="bench", office_id=office_id)
    cases: list[tuple[str, Callable[[Session], Any]]] = [
        ("todo, whole office", lambda s: todo_list(s, actor=actor, today=TODAY)),
        ("todo, one officer", lambda s: todo_list(s, actor=actor, officer_id=officer_id, today=TODAY)),
        (
            "appeals, open",
            lambda s: list_appeals(s, actor=actor, filters=AppealFilters(open_only=True), today=TODAY),
        ),
        (
            "today's route, one grid",
            lambda s: todays_route(s, actor=actor, officer_id=officer_id, grid_id=grid_id),
        ),
        ("business timeline", lambda s: business_timeline(s, actor=actor, business_uuid=busiest)),
    ]
    for name, run in cases:
        times, count = [], 0
        for attempt in range(repeat + 1):
            with Session(engine) as session:
                started = time.perf_counter()
                count = len(run(session))
                if attempt:
                    times.append((time.perf_counter() - started) * 1000)
        print(
            f"  {name:<26} {count:>5} rows   median {statistics.median(times):7.1f} ms   worst {max(times):7.1f} ms"
        )


if __name__ == "__main__":
    main()
