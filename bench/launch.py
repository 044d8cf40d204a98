"""Launch to first page painted, as a person meets it: from starting the `workbench` process (interpreter
start and every import included) until the list's first page is in its table.

bench/first_paint.py times the app alone inside an already running interpreter; this script starts a new
process each run, the way the console script does (`workbench.cli` → ready_engine → make_app), with the
officer already remembered, headless at 120x36. It prints, per run, the total and the part spent before the
app object existed (interpreter + imports + opening the database).

Usage: python bench/launch.py --db PATH_OR_URL [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = r"""
import asyncio, json, sys, time
started = int(sys.argv[1])
import workbench.cli  # what the console script imports
from screens.app import make_app
from screens.business_list import PageLoaded
from sqlmodel import Session
from workbench.cli_ready import ready_engine
from workbench.services.office import DeviceMemory, officers, offices

engine, _ = ready_engine(sys.argv[2])
key = engine.url.render_as_string(hide_password=True)
memory = DeviceMemory(__import__("pathlib").Path(sys.argv[3]))
with Session(engine) as session:
    office = offices(session=session)[0]
    memory.remember_officer(key, officers(session=session, office_id=office.id)[0].uuid)
app = make_app(engine, device_memory=memory, database_key=key, device_name="bench")
ready = time.time_ns()

async def run():
    painted = asyncio.Event()
    def hook(message):
        if isinstance(message, PageLoaded):
            painted.set()
    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        await asyncio.wait_for(painted.wait(), timeout=60)
        await pilot.pause()
        done = time.time_ns()
    return done

done = asyncio.run(run())
print(json.dumps({"total_ms": (done - started) / 1e6, "before_app_ms": (ready - started) / 1e6}))
"""


def _one(db: str, memory: Path) -> dict[str, float]:
    started = time.time_ns()
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(started), db, str(memory)],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        runs = [_one(arguments.db, Path(folder) / "device.json") for _ in range(arguments.runs)]
    for number, run in enumerate(runs, 1):
        print(f"run {number}: {run['total_ms']:.0f} ms (before the app: {run['before_app_ms']:.0f} ms)")
    totals = [run["total_ms"] for run in runs]
    print(
        f"process start to first page painted over {len(runs)} runs: "
        f"median {statistics.median(totals):.0f} ms, worst {max(totals):.0f} ms"
    )


if __name__ == "__main__":
    main()
