"""Service-work screens (issue 6) on a demo office: how long the person waits, headless at 80x24.

    .venv/bin/python bench/service_screens.py                    # 5,000 and 100,000 businesses, 3 runs
    .venv/bin/python bench/service_screens.py --sizes 5000 --runs 5

Each size uses .bench/service-screens-SIZE.db (built once with `workbench demo`'s builder, service work
included). Timed, each from the key press (or launch) until the screen has shown its data:
launch -> 今日待办 painted; Esc -> first page of the business list; F7 -> 帮扶台账; F8 -> 诉求一览;
Enter on the business with the most service records -> its detail with the 时间线 read (the tab reads
as the detail opens, so 6 then shows it at once).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from screens.app import make_app
from screens.appeal_list import AppealsLoaded
from screens.business_list import PageLoaded
from screens.support_list import SHOWN_AT_MOST, SupportLoaded
from screens.timeline_tab import TimelineLoaded
from screens.todo_screen import TodoLoaded
from storage.audit import Actor
from storage.engine import make_engine
from storage.schema import upgrade
from storage.tables import Business, Officer
from storage.tables_service import Appeal, SupportRecord, Visit
from workbench.services.appeals import AppealFilters, assign_appeal, list_appeals, open_appeal, reply_appeal
from workbench.services.demo import build_demo
from workbench.services.office import DeviceMemory, officers, offices
from workbench.services.reminders import todo_list
from workbench.services.support import list_support, record_support
from workbench.services.timeline import business_timeline
from workbench.services.visits import record_visit

BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"
TODAY = date(2026, 11, 23)
STEPS = (
    "launch -> 今日待办",
    "launch -> 主体列表首页（待办之下）",
    "F7 -> 帮扶台账",
    "F8 -> 诉求一览",
    "Enter -> 详情的时间线",
)


def demo_database(size: int) -> Engine:
    path = BENCH_DIR / f"service-screens-{size}.db"
    if path.exists():
        return make_engine(str(path))
    BENCH_DIR.mkdir(exist_ok=True)
    engine = make_engine(str(path))
    upgrade(engine)
    started = time.perf_counter()
    build_demo(engine, size=size, today=TODAY)
    print(f"  built {path.name} in {time.perf_counter() - started:.1f} s")
    return engine


def add_history(engine: Engine, business_name: str, records: int) -> None:
    """A business worked with for years: `records` supports and visits, a third as many appeals to 回访."""
    with Session(engine) as session:
        business = session.exec(select(Business).where(col(Business.name) == business_name)).first()
        assert business is not None
        actor = Actor("基准", "bench", business.office_id)
        for number in range(records):
            day = date.fromordinal(TODAY.toordinal() - 3 * number).isoformat()
            record_support(
                session,
                actor=actor,
                business_uuid=business.uuid,
                data={"kind": "法律服务", "given_on": day, "content": f"第 {number} 次法律咨询"},
            )
            record_visit(
                session,
                actor=actor,
                business_uuid=business.uuid,
                data={"visited_on": day, "finding": "正常经营", "notes": f"第 {number} 次走访"},
            )
            if number % 3 == 0:
                appeal = open_appeal(
                    session,
                    actor=actor,
                    allow_duplicate=True,
                    data={
                        "business_uuid": business.uuid,
                        "channel": "电话",
                        "category": "其他",
                        "description": f"第 {number} 件诉求",
                        "received_on": day,
                    },
                )
                assert isinstance(appeal, Appeal)
                reply_to = assign_appeal(
                    session,
                    actor=actor,
                    appeal_uuid=appeal.uuid,
                    base_version=appeal.version,
                    officer_id=session.exec(select(Officer.id)).first(),
                )
                reply_appeal(
                    session,
                    actor=actor,
                    appeal_uuid=reply_to.uuid,
                    base_version=reply_to.version,
                    reply="已答复",
                )
        session.commit()


def busiest_business(engine: Engine) -> tuple[str, int]:
    """The business with the most support, appeal and visit records, and how many it has."""
    counts: dict[int, int] = {}
    with Session(engine) as session:
        for model in (SupportRecord, Appeal, Visit):
            rows = session.exec(select(model.business_id, func.count()).group_by(col(model.business_id)))
            for business_id, number in rows:
                if business_id is not None:
                    counts[business_id] = counts.get(business_id, 0) + number
        business_id = max(counts, key=lambda key: counts[key])
        business = session.get(Business, business_id)
        assert business is not None
        return business.name, counts[business_id]


async def one_run(engine: Engine, memory_path: Path, business_name: str) -> list[float]:
    with Session(engine) as session:
        office = offices(session=session)[0]
        officer = officers(session=session, office_id=office.id)[0]
    memory = DeviceMemory(memory_path)
    key = engine.url.render_as_string(hide_password=True)
    memory.remember_officer(key, officer.uuid)
    app = make_app(engine, device_memory=memory, database_key=key, device_name="bench")
    app.today = lambda: TODAY
    arrived: dict[type, asyncio.Event] = {
        kind: asyncio.Event()
        for kind in (TodoLoaded, PageLoaded, SupportLoaded, AppealsLoaded, TimelineLoaded)
    }

    def hook(message: Any) -> None:
        if type(message) in arrived:
            arrived[type(message)].set()

    async def timed(kind: type, *keys: str) -> float:
        arrived[kind].clear()
        started = time.perf_counter()
        if keys:
            await pilot.press(*keys)
        await asyncio.wait_for(arrived[kind].wait(), timeout=20)
        await pilot.pause()
        return time.perf_counter() - started

    started = time.perf_counter()
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        figures = []
        for kind in (TodoLoaded, PageLoaded):  # the list reads its first page underneath the to-do
            await asyncio.wait_for(arrived[kind].wait(), timeout=20)
            figures.append(time.perf_counter() - started)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        figures.append(await timed(SupportLoaded, "f7"))
        await pilot.press("escape")
        figures.append(await timed(AppealsLoaded, "f8"))
        await pilot.press("escape", "escape")
        await pilot.pause()
        arrived[PageLoaded].clear()
        await pilot.press(*business_name)
        await asyncio.wait_for(arrived[PageLoaded].wait(), timeout=20)
        await pilot.pause(0.5)  # typed at once, so one debounced search: its page is the one shown
        figures.append(await timed(TimelineLoaded, "enter"))
    return figures


def service_only(engine: Engine, business_name: str, runs: int) -> dict[str, list[float]]:
    """The same reads without the screens, in the same run: what the table filling and layout add is the rest."""
    with Session(engine) as session:
        office = offices(session=session)[0]
        officer = officers(session=session, office_id=office.id)[0]
        business = session.exec(select(Business).where(col(Business.name) == business_name)).first()
        assert business is not None
        actor = Actor(officer.name, "bench", office.id)
        calls = {
            "todo_list": lambda: todo_list(session, actor=actor, officer_id=officer.id, today=TODAY),
            "list_support (500)": lambda: list_support(session, actor=actor, limit=SHOWN_AT_MOST),
            "list_appeals (open)": lambda: list_appeals(
                session, actor=actor, filters=AppealFilters(open_only=True), today=TODAY, limit=500
            ),
            "business_timeline": lambda: business_timeline(session, actor=actor, business_uuid=business.uuid),
        }
        timings: dict[str, list[float]] = {}
        for call, read in calls.items():
            for _ in range(runs):
                started = time.perf_counter()
                read()
                timings.setdefault(call, []).append((time.perf_counter() - started) * 1000)
        return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--history",
        type=int,
        default=300,
        help="supports and visits added once to the busiest business (a third as many appeals)",
    )
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}; today {TODAY}")
    for size in args.sizes:
        print(f"\n== {size:,} businesses (SQLite, headless 80x24) ==")
        engine = demo_database(size)
        name, records = busiest_business(engine)
        if records < args.history:
            add_history(engine, name, args.history)
            name, records = busiest_business(engine)
        print(f"  timeline business: {name} ({records} support/appeal/visit records)")
        with tempfile.TemporaryDirectory() as folder:
            runs = [
                asyncio.run(one_run(engine, Path(folder) / "device.json", name)) for _ in range(args.runs)
            ]
        for index, step in enumerate(STEPS):
            values = [run[index] * 1000 for run in runs]
            print(f"  {step}: median {statistics.median(values):.0f} ms, worst {max(values):.0f} ms")
        for call, values in service_only(engine, name, args.runs).items():
            print(f"    service alone, {call}: median {statistics.median(values):.0f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()
