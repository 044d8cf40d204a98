"""The launch (issue 17): keys typed while the app starts are not lost, and the first screen's reads, started
by the CLI before the screens are imported (screens/first_reads.py), are what the to-do shows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from service_tui_helpers import shown
from sqlalchemy import Engine
from sqlmodel import Session, select
from stale_reads import HeldRead
from test_tui_support import (
    DATABASE_KEY,
    DEVICE,
    TODAY,
    Office_,
    build_app,
    build_office,
    settle,
    type_ahead,
)  # fmt: skip
from textual.widgets import Input

from screens.app import WorkbenchApp, make_app
from screens.business_detail import BusinessDetailScreen
from screens.business_list import BusinessListScreen
from screens.first_reads import FirstReads
from screens.todo_screen import TodoScreen
from storage.tables import Officer
from workbench.services.gateway import Gateway
from workbench.services.office import DeviceMemory
from workbench.services.settings import OfficeSettings


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


async def test_a_name_typed_while_the_app_starts_lands_in_the_search(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    officers_read = HeldRead(app.gateway.staff, "office_lists")  # a slow start, whatever the machine's speed
    async with app.run_test(size=(80, 24)) as pilot:
        await officers_read.wait_until_started(pilot)
        assert len(app.screen_stack) == 1  # nothing of the app's own on screen yet: the officers are being read
        await type_ahead(pilot, *"瓯江")
        officers_read.may_finish.set()
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        assert app.screen.query_one("#search", Input).value == "瓯江"


async def test_a_name_and_enter_typed_while_the_app_starts_open_the_business(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    officers_read = HeldRead(app.gateway.staff, "office_lists")
    async with app.run_test(size=(80, 24)) as pilot:
        await officers_read.wait_until_started(pilot)
        await type_ahead(pilot, *"瓯江贸易", "enter")
        officers_read.may_finish.set()
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.business_uuid == office.business_uuids["温州市瓯江贸易有限公司"]


def app_with_first_reads(engine: Engine, tmp_path: Path, first_reads_day: Any) -> tuple[WorkbenchApp, list[str]]:
    """The app as `workbench` builds it, with its first reads; returns it and a log of the to-dos it read itself."""
    memory = DeviceMemory(tmp_path / "device.json")
    with Session(engine) as session:
        officer = session.exec(select(Officer).where(Officer.name == "王芳")).one()
    memory.remember_officer(DATABASE_KEY, officer.uuid)
    config = tmp_path / "config"
    first_reads = FirstReads(
        Gateway(engine), memory.officer_uuid(DATABASE_KEY), device_name=DEVICE, config_folder=config,
        today=first_reads_day,
    ).start()  # fmt: skip
    app = make_app(engine, device_memory=memory, database_key=DATABASE_KEY, device_name=DEVICE,
                   settings=OfficeSettings(config), first_reads=first_reads)  # fmt: skip
    app.today = lambda: TODAY
    app.animation_level = "none"
    read_by_the_app: list[str] = []
    todo = app.gateway.service.todo

    def logged(*args: Any, **kwargs: Any) -> Any:
        read_by_the_app.append("whole office" if kwargs["officer_id"] is None else "officer")
        return todo(*args, **kwargs)

    app.gateway.service.todo = logged  # type: ignore[method-assign]
    return app, read_by_the_app


async def test_the_first_todo_is_the_one_read_at_start(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    expected = build_app(sqlite_engine, tmp_path / "plain", remember="王芳")
    async with expected.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        title, rows = shown(expected, "todo-title"), todo_rows(expected)
    app, read_by_the_app = app_with_first_reads(sqlite_engine, tmp_path, TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen)
        assert (shown(app, "todo-title"), todo_rows(app)) == (title, rows)
        assert read_by_the_app == []  # the answer read before the screens were up
        await pilot.press("f9")
        await settle(pilot)
        assert read_by_the_app == ["whole office"]  # anything after the first is read afresh
        assert "今日待办  全所" in shown(app, "todo-title")


async def test_a_first_read_for_another_day_is_not_shown(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app, read_by_the_app = app_with_first_reads(sqlite_engine, tmp_path, TODAY - timedelta(days=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert read_by_the_app == ["officer"]
        assert f"今日待办  王芳  {TODAY.isoformat()}" in shown(app, "todo-title")


def todo_rows(app: WorkbenchApp) -> list[list[str]]:
    from service_tui_helpers import table_rows

    return table_rows(app, "todo-table")
