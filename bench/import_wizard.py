"""The import wizard at scale: a 100,000-row dry run and commit driven through the TUI with keys.

    .venv/bin/python bench/import_wizard.py                 # 100,000 messy rows, SQLite
    .venv/bin/python bench/import_wizard.py --rows 20000

A headless 80x24 app (make_app, as the CLI builds it) on a fresh SQLite file with one office. Keys: Ctrl+O,
pick the workbook (imports.sample_register.write_messy_xlsx) in ~/Downloads, F8 to the mode step, F8 to
dry run, F8 + confirm to commit. Printed, from the same run:
  - the pipeline's own time (ImportPlan.seconds) against F8-to-summary-shown, so the wizard's share
    (review lists built in the worker, four tables filled) is visible;
  - how long the screen went unanswered while the dry run and the commit worked in their threads: the lag
    of a 10 ms timer on the app's event loop (p50 / p95 / max), the figure a person feels as a frozen screen;
  - the commit's time through the wizard and the number of businesses afterwards.
Figures depend on the machine; ratios and lags from one run are what count.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        (home / "Downloads").mkdir(parents=True)
        os.environ["HOME"] = str(home)
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            os.environ[name] = str(home / name.lower())
        from imports.sample_register import write_messy_xlsx

        started = time.perf_counter()
        write_messy_xlsx(home / "Downloads" / "登记名录.xlsx", args.rows, seed=1)
        print(f"workbook of {args.rows:,} rows written in {time.perf_counter() - started:.1f} s")
        pauses = collector_pauses()
        figures = asyncio.run(drive(Path(folder)))
        for phase in dict.fromkeys(name for name, _seconds in pauses):
            during = sorted((seconds for name, seconds in pauses if name == phase), reverse=True)
            figures[f"full garbage collections, {phase}: count / longest"] = (
                f"{len(during)} / {during[0] * 1000:.0f} ms"
            )
    for key, value in figures.items():
        print(f"{key:<44} {value}")


async def drive(folder: Path) -> dict[str, str]:
    from sqlmodel import Session, select

    from screens.app import make_app
    from screens.import_wizard import ImportWizardScreen
    from storage.tables import Business, Officer
    from workbench.cli_ready import ready_engine
    from workbench.services.office import DeviceMemory, set_up_office

    engine, _upgrade = ready_engine(str(folder / "workbench.db"))
    with Session(engine) as session:
        set_up_office(
            session=session, name="五马市场监管所", officer_names=["陈晓东"], grid_names=["五马网格1"]
        )
        session.commit()
        officer_uuid = session.exec(select(Officer.uuid)).one()
    memory = DeviceMemory(folder / "device.json")
    memory.remember_officer("bench", officer_uuid)
    app = make_app(engine, device_memory=memory, database_key="bench", device_name="bench")
    figures: dict[str, str] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.officer is not None and len(app.screen_stack) > 1)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, ImportWizardScreen))
        wizard: Any = app.screen
        await pilot.pause(0.5)  # the folder tree loads
        await pilot.press("down")
        PHASE[0] = "reading the header"
        started = time.perf_counter()
        lags = await lag_while(pilot, "enter", lambda: wizard.step == "mapping" and wizard.job is None)
        figures["Enter on the file to columns shown"] = f"{time.perf_counter() - started:.1f} s"
        figures["reading the header: event-loop lag p50 / p95 / max"] = lag_text(lags)
        await pilot.press("f8")
        PHASE[0] = "dry run"
        started = time.perf_counter()
        lags = await lag_while(pilot, "f8", lambda: wizard.plan is not None and wizard.job is None)
        shown = time.perf_counter() - started
        plan = wizard.plan
        figures["dry run: pipeline (ImportPlan.seconds)"] = f"{plan.seconds:.1f} s"
        figures["dry run: F8 to summary shown"] = f"{shown:.1f} s ({shown / plan.seconds:.2f}x the pipeline)"
        figures["dry run: event-loop lag p50 / p95 / max"] = lag_text(lags)
        await pilot.press("f8")
        await until(pilot, lambda: len(app.screen_stack) and app.screen is not wizard)
        await pilot.press("shift+tab")
        PHASE[0] = "commit"
        started = time.perf_counter()
        lags = await lag_while(pilot, "enter", lambda: wizard.finished and wizard.job is None)
        figures["commit: confirm to result shown"] = f"{time.perf_counter() - started:.1f} s"
        figures["commit: event-loop lag p50 / p95 / max"] = lag_text(lags)
    with Session(engine) as session:
        figures["businesses in the register afterwards"] = f"{len(session.exec(select(Business.id)).all()):,}"
    return figures


PHASE = ["start-up"]


def collector_pauses() -> list[tuple[str, float]]:
    """Durations of the cyclic garbage collector's full (generation 2) passes: they hold the GIL, so the
    screen cannot answer while one runs, whichever thread triggered it."""
    pauses: list[tuple[str, float]] = []
    started: list[float] = [0.0]

    def note(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses.append((PHASE[0], time.perf_counter() - started[0]))

    gc.callbacks.append(note)
    return pauses


async def until(pilot: Any, done: Any, timeout: float = 600) -> None:
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there")
        await pilot.pause(0.05)


async def lag_while(pilot: Any, key: str, done: Any) -> list[float]:
    """Press `key` without waiting for idle, then sample a 10 ms sleep's overshoot until `done()`."""
    pilot.app.post_message(_key(key))
    lags = []
    while not done():
        tick = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - tick - 0.01)
        if os.environ.get("LAGDEBUG") and lags[-1] > 0.2:
            print(
                "lag",
                round(lags[-1], 3),
                pilot.app.screen.job,
                getattr(pilot.app.screen, "plan", None) is not None,
            )
    return lags


def _key(key: str) -> Any:
    from textual import events

    return events.Key(key, None)


def lag_text(lags: list[float]) -> str:
    if not lags:
        return "no samples"
    ordered = sorted(lags)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(ordered) * 1000:.0f} / {p95 * 1000:.0f} / {ordered[-1] * 1000:.0f} ms"


if __name__ == "__main__":
    main()
