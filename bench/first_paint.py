"""Launch to first page painted: the app opened on a large database, timed until the first page of
businesses is in the table (the count may still be running). Textual runs headless here, so the
figure is the app's own work: reading the office, the first SQL page and laying out the table.

Usage: python bench/first_paint.py --db PATH_OR_URL [--runs 5] [--process] [--evict]

--process launches each run as a new Python process and times from before it starts, so Python's start
and the imports count too (what a person waits for). --evict drops the SQLite file from the OS page cache
before each run (posix_fadvise DONTNEED, this file only): the first launch after the computer started.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


async def _one_launch(url: str, memory_path: Path) -> tuple[float, float]:
    """(seconds from make_app to the first page in the table, time.time() then)."""
    from sqlmodel import Session

    from screens.app import make_app
    from screens.business_list import PageLoaded
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
    painted = asyncio.Event()
    started = time.perf_counter()

    def hook(message: object) -> None:
        if isinstance(message, PageLoaded):
            painted.set()

    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        await asyncio.wait_for(painted.wait(), timeout=60)
        await pilot.pause()
        elapsed, painted_at = time.perf_counter() - started, time.time()
    engine.dispose()
    return elapsed, painted_at


def _evict(path: str) -> None:
    for suffix in ("", "-wal"):
        if Path(path + suffix).exists():
            descriptor = os.open(path + suffix, os.O_RDONLY)
            try:
                os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(descriptor)


def _in_process(url: str, folder: str) -> float:
    return asyncio.run(_one_launch(url, Path(folder) / "device.json"))[0]


def _new_process(url: str, folder: str) -> float:
    """From before the interpreter starts until the child has painted (it prints its own clock)."""
    started = time.time()
    child = subprocess.run([sys.executable, __file__, "--db", url, "--child", folder],
                           check=True, capture_output=True, text=True)
    return float(child.stdout.split()[-1]) - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--process", action="store_true", help="each run in a new Python process")
    parser.add_argument("--evict", action="store_true", help="drop the SQLite file from the OS cache first")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(asyncio.run(_one_launch(arguments.db, Path(arguments.child) / "device.json"))[1])
        return
    timings, cpu = [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(arguments.runs):
            if arguments.evict and "://" not in arguments.db:
                _evict(arguments.db)
            used = os.times()
            timings.append((_new_process if arguments.process else _in_process)(arguments.db, folder))
            now = os.times()
            cpu.append(now.user + now.system + now.children_user + now.children_system
                       - used.user - used.system - used.children_user - used.children_system)
    mode = ("new process" if arguments.process else "in process") + (", file evicted" if arguments.evict else "")
    print(f"launch to first page painted over {arguments.runs} runs ({mode}): "
          f"median {statistics.median(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms; "
          f"CPU median {statistics.median(cpu) * 1000:.0f} ms; each: {' '.join(f'{t * 1000:.0f}' for t in timings)}")


if __name__ == "__main__":
    main()
