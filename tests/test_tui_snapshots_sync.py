"""The field-sync dialogs at 80x24 (issue 19): 生成外业包, 导入外业包, 生成回传包, 导入回传包's dry run, and a new
laptop's first start on an empty database. The clock is stopped, the home folder and the device id fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from snapshot_world import build_world, fixed_home, frozen_clock, still  # noqa: F401  (fixtures)
from sqlalchemy import Engine
from sync_app_world import make_return_package
from test_tui_support import Office_, build_app, settle
from textual.pilot import Pilot

import imports.sync_back  # noqa: F401  (loaded before frozen_clock patches utc_now: the package's time)
import imports.sync_out  # noqa: F401
import screens.sync_entries  # noqa: F401  (the suggested file names' time)
from screens.app import WorkbenchApp

SIZE = (80, 24)


@pytest.fixture
def fixed_device(monkeypatch: pytest.MonkeyPatch) -> None:
    """A package names the device that made it: the host name and a random id, fixed here."""
    monkeypatch.setattr("workbench.locations.device_id", lambda: "wangfang-laptop-0a1b2c")


@pytest.fixture
def world(sqlite_engine: Engine, frozen_clock: None) -> Office_:  # noqa: F811
    return build_world(sqlite_engine)


@pytest.fixture
def app(sqlite_engine: Engine, tmp_path: Path, world: Office_) -> WorkbenchApp:
    return build_app(sqlite_engine, tmp_path, remember="王芳")


def command(what: str, *pressed: str) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.action_sync(what)
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)
        still(pilot)
        await pilot.pause()

    return run


@pytest.mark.usefixtures("fixed_home")
@pytest.mark.parametrize("what", ["out", "in", "back", "apply"])
def test_sync_dialog_80x24(app: WorkbenchApp, snap_compare: Any, what: str) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=command(what))


@pytest.mark.usefixtures("fixed_device")
def test_return_package_dry_run_80x24(
    app: WorkbenchApp, world: Office_, sqlite_engine: Engine, sqlite_template: Path, tmp_path: Path, snap_compare: Any
) -> None:
    package = make_return_package(sqlite_engine, world, sqlite_template, tmp_path / "trip")

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        screens.sync_entries.apply_package(pilot.app, package)  # type: ignore[arg-type]
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        still(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_first_start_on_an_empty_database_80x24(sqlite_engine: Engine, tmp_path: Path, snap_compare: Any) -> None:
    assert snap_compare(build_app(sqlite_engine, tmp_path), terminal_size=SIZE, run_before=settle)
