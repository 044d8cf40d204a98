"""Launch to first page painted: the app opened on a large database, timed until the first page of
businesses is in the table (the count may still be running). Textual runs headless here, so the
figure is the app's own work: reading the office, the first SQL page and laying out the table.

Usage: python bench/first_paint.py --db PATH_OR_URL [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from screens.app import make_app
from screens.business_list import PageLoaded
from storage.engine import make_engine
from workbench.services.office import DeviceMemory, officers, offices


async def _one_launch(url: str, memory_path: Path) -> float:
    engine = make_engine(url)
    with Session(engine) as session:
        office = offices(session=session)[0]
        officer = officers(session=session, office_id=office.id)[0]
    memory = DeviceMemory(memory_path)
    key = engine.url.render_as_string(hide_password=True)
    memory.remember_officer(key, officer.uuid)
    app = make_app(engine, device_memory=memory, database_key=key, device_name="bench")
    painted = asyncio.Event()
    started = time.perf_counter()

    def hook(message: object) -> None:
        if isinstance(message, PageLoaded):
            painted.set()

    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        await asyncio.wait_for(painted.wait(), timeout=60)
        await pilot.pause()
        elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        timings = [asyncio.run(_one_launch(arguments.db, Path(folder) / "device.json")) for _ in range(arguments.runs)]
    print(f"launch to first page painted over {arguments.runs} runs: "
          f"median {statistics.median(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
