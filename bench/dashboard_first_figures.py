"""统计看板 at a large office: from Ctrl+J to the first figures on screen, and to the month's new count.

Usage: python bench/dashboard_first_figures.py --db PATH_OR_URL [--runs 2]

Each run opens the app headless (Textual's Pilot, 120x36) with a fresh device folder shared between the runs,
waits for the to-do, presses Ctrl+J and PageUp (last month, the one a head of office checks) and times the
dashboard's first ReportCounted (figures on screen: the count kept on this device, or the new count when there
is none) and the last one (the new count). The first run has no kept count; later runs show the kept one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path


async def _one_run(url: str, memory_path: Path, month: str = "last") -> tuple[float, float]:
    from sqlmodel import Session

    from screens.app import make_app
    from screens.dashboard_screen import ReportCounted
    from storage.engine import make_engine
    from workbench.services.office import DeviceMemory, officers, offices

    engine = make_engine(url)
    with Session(engine) as session:
        office = offices(session=session)[0]
        officer = officers(session=session, office_id=office.id)[0]
    memory = DeviceMemory(memory_path)
    key = engine.url.render_as_string(hide_password=True)
    memory.remember_officer(key, officer.uuid)
    app = make_app(engine, device_memory=memory, database_key=key, device_name="bench")
    arrivals: list[float] = []
    new_count = asyncio.Event()

    def hook(message: object) -> None:
        if isinstance(message, ReportCounted) and (message.month.code == _this_month()) == (month == "current"):
            arrivals.append(time.perf_counter())
            if message.counted_at is None:
                new_count.set()

    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        await pilot.pause(3)  # the to-do settles
        pressed = time.perf_counter()
        await pilot.press(*(("ctrl+j",) if month == "current" else ("ctrl+j", "pageup")))
        await asyncio.wait_for(new_count.wait(), timeout=600)
        await pilot.pause()
    engine.dispose()
    return arrivals[0] - pressed, arrivals[-1] - pressed


def _this_month() -> str:
    today = time.localtime()
    return f"{today.tm_year:04d}-{today.tm_mon:02d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--month", choices=("last", "current"), default="last",
                        help="last: Ctrl+J then PgUp (a head of office checking last month); current: Ctrl+J alone")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for run in range(1, arguments.runs + 1):
            first, last = asyncio.run(_one_run(arguments.db, Path(folder) / "device.json", arguments.month))
            load = " ".join(f"{value:.1f}" for value in os.getloadavg())
            print(f"run {run}: first figures {first:6.2f} s, new count {last:6.2f} s (load {load})")


if __name__ == "__main__":
    main()
