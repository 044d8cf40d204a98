"""The launch paints the last to-do from its summary, then the fresh one (issue 17; workbench/cli_tui.py).

The summary is saved after each read of the officer's own to-do; a launch that finds one answering its
question paints it first, marked 「上次的待办（…），正在更新……」, with nothing on it to act on; the keys typed
meanwhile wait and go, in order, to the fresh to-do that replaces it. No summary, a damaged one, another
officer, another day or changed settings: the usual launch, silently.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from service_tui_helpers import shown, table_rows
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import DATABASE_KEY, DEVICE, TODAY, Office_, build_office, settle, type_ahead
from textual.widgets import Input

from screens.app import AppParts, WorkbenchApp, make_app
from screens.appeal_screen import AppealScreen
from screens.business_list import BusinessListScreen
from screens.last_todo_screen import LastTodoScreen
from screens.todo_screen import TodoScreen
from storage.audit import Actor
from storage.engine import make_engine
from storage.tables import Officer
from workbench import cli, cli_tui, locations
from workbench.services.appeals import open_appeal
from workbench.services.errors import WorkbenchError
from workbench.services.gateway import Gateway
from workbench.services.last_todo import (
    MAX_LINES,
    URGENCIES,
    LastTodo,
    LastTodoLine,
    LastTodoStore,
    summarised,
)
from workbench.services.office import DeviceMemory
from workbench.services.reminders import URGENCY_LABELS
from workbench.services.settings import OfficeSettings

URL = "the-database-as-named-at-launch"


class Device:
    """This device's folders in a test: device memory, config, and the summary's store."""

    def __init__(self, tmp_path: Path, engine: Engine, officer: str = "王芳") -> None:
        self.memory = DeviceMemory(tmp_path / "device.json")
        self.config = tmp_path / "config"
        self.store = LastTodoStore(tmp_path / "data", URL, self.config)
        with Session(engine) as session:
            self.officer_uuid = session.exec(select(Officer).where(Officer.name == officer)).one().uuid
        self.memory.remember_officer(DATABASE_KEY, self.officer_uuid)

    def app(self, engine: Engine) -> WorkbenchApp:
        """The app as the usual launch builds it (it saves the summary after each read)."""
        app = make_app(engine, device_memory=self.memory, database_key=DATABASE_KEY, device_name=DEVICE,
                       settings=OfficeSettings(self.config), last_todo_store=self.store)  # fmt: skip
        app.today = lambda: TODAY
        app.animation_level = "none"
        return app

    def parts(self, engine: Engine) -> AppParts:
        from imports.file_gateway import FileGateway

        return AppParts(Gateway(engine), FileGateway(engine), OfficeSettings(self.config), self.memory, DATABASE_KEY,
                        None, self.store)  # fmt: skip

    def launch_on_last_todo(self) -> tuple[WorkbenchApp, list[str]]:
        """The app as the launch with a summary builds it: painted before it has its parts. Returns it and a
        log that says when it was painted (the launch then hands the parts over: `take_parts`)."""
        last = self.store.usable(self.memory, TODAY)
        assert last is not None
        app = WorkbenchApp(None, device_name=DEVICE, last_todo=last)
        app.today = lambda: TODAY
        app.animation_level = "none"
        painted: list[str] = []
        app.when_painted = lambda: painted.append("painted")
        return app, painted


def add_overdue_appeal(engine: Engine, office: Office_) -> None:
    """An appeal overdue on TODAY: the fresh to-do's first item, not in the summary saved before it."""
    with Session(engine) as session:
        open_appeal(session, actor=Actor("王芳", DEVICE, office.office_id), data={
            "business_uuid": office.business_uuids["鹿城区李家便利店"], "channel": "电话", "category": "政策咨询",
            "description": "咨询歇业到期后怎么办", "received_on": "2025-05-06", "officer_id": office.officer_ids["王芳"],
        })  # fmt: skip
        session.commit()


async def saved_todo(device: Device, engine: Engine) -> tuple[str, list[list[str]]]:
    """A day's usual launch: the to-do read and shown, and its summary saved. Returns its title and rows."""
    app = device.app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen)
        return shown(app, "todo-title"), table_rows(app, "todo-table")


async def test_the_summary_is_saved_after_a_read_and_holds_what_the_todo_showed(
    engine: Engine, tmp_path: Path
) -> None:
    office = build_office(engine)
    device = Device(tmp_path, engine)
    assert device.store.read() is None
    title, rows = await saved_todo(device, engine)
    saved = device.store.read()
    assert saved is not None
    assert (saved.officer_uuid, saved.whose, saved.day, saved.database_key) == (
        device.officer_uuid, "王芳", TODAY.isoformat(), DATABASE_KEY)
    assert [[line.due, line.kind_label] for line in saved.lines] == [row[:2] for row in rows if row[2]]
    assert "即将到期 2" in title and [count for _, _, count in saved.counts()] == [0, 0, 0, 2]
    # Saved again after the next read, with what it found then.
    add_overdue_appeal(engine, office)
    await saved_todo(device, engine)
    again = device.store.read()
    assert again is not None and [count for _, _, count in again.counts()] == [1, 0, 0, 2]
    # The summary's own copy of the urgency names is the to-do's.
    assert tuple(URGENCY_LABELS.items()) == URGENCIES


async def test_the_last_todo_is_painted_first_marked_then_replaced_by_the_fresh_one(
    engine: Engine, tmp_path: Path
) -> None:
    office = build_office(engine)
    device = Device(tmp_path, engine)
    _title, rows = await saved_todo(device, engine)
    add_overdue_appeal(engine, office)  # the fresh to-do differs from the last one
    app, painted = device.launch_on_last_todo()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LastTodoScreen) and painted == ["painted"]
        title = shown(app, "todo-title")
        assert title.startswith("上次的待办（") and "），正在更新……  王芳  " in title and "即将到期 2" in title
        assert "今日待办" not in title
        assert table_rows(app, "todo-table") == rows  # as it was shown
        app.take_parts(device.parts(engine))
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen) and app.last_todo is None
        fresh = shown(app, "todo-title")
        assert f"今日待办  王芳  {TODAY.isoformat()}" in fresh and "已逾期 1" in fresh
        assert [row[1] for row in table_rows(app, "todo-table") if row[2]] == ["诉求", "许可证", "年报"]
        assert isinstance(app.screen_stack[-2], BusinessListScreen) and len(app.screen_stack) == 3


async def test_enter_typed_on_the_last_todo_opens_the_fresh_todos_item(engine: Engine, tmp_path: Path) -> None:
    """The last to-do's first line is a licence; today's is an overdue appeal. Enter waits for today's."""
    office = build_office(engine)
    device = Device(tmp_path, engine)
    await saved_todo(device, engine)
    add_overdue_appeal(engine, office)
    app, _painted = device.launch_on_last_todo()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_ahead(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, LastTodoScreen) and app.keys_waiting == 1  # held, not acted on
        app.take_parts(device.parts(engine))
        await settle(pilot)
        assert isinstance(app.screen, AppealScreen)


async def test_a_name_typed_on_the_last_todo_lands_in_the_search(engine: Engine, tmp_path: Path) -> None:
    build_office(engine)
    device = Device(tmp_path, engine)
    await saved_todo(device, engine)
    app, _painted = device.launch_on_last_todo()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_ahead(pilot, *"瓯江")
        app.take_parts(device.parts(engine))
        await type_ahead(pilot, *"贸易")  # typed while the fresh to-do is being read
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        assert app.screen.query_one("#search", Input).value == "瓯江贸易"


async def test_an_officer_not_found_goes_to_the_picker_without_the_last_todo(
    engine: Engine, tmp_path: Path
) -> None:
    build_office(engine)
    device = Device(tmp_path, engine)
    await saved_todo(device, engine)
    app, _painted = device.launch_on_last_todo()
    with Session(engine) as session:  # 王芳 left the office since
        officer = session.exec(select(Officer).where(Officer.name == "王芳")).one()
        officer.active = False
        session.add(officer)
        session.commit()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.take_parts(device.parts(engine))
        await settle(pilot)
        from screens.widgets.officer_picker import OfficerPicker

        assert isinstance(app.screen, OfficerPicker)
        assert not any(isinstance(screen, LastTodoScreen) for screen in app.screen_stack)
        assert app.last_todo is None


async def test_a_launch_that_cannot_read_keeps_the_last_todo_marked_not_updated(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The officers cannot be read after all: the error is said, the keys typed meanwhile go to it (Esc
    closes it), and the last to-do says it could not be updated. Nothing on it acts."""
    build_office(engine)
    device = Device(tmp_path, engine)
    await saved_todo(device, engine)
    app, _painted = device.launch_on_last_todo()

    def unreadable(_gateway: object) -> None:
        raise WorkbenchError("数据库连接中断")

    monkeypatch.setattr("screens.reference.load_reference", unreadable)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_ahead(pilot, "escape")
        app.take_parts(device.parts(engine))
        for _ in range(3000):  # (settle() waits on workers, and re-raises the one that failed)
            await pilot.pause(0.01)
            if app.keys_waiting == 0 and app.last_todo is None:
                break
        await pilot.pause()
        assert isinstance(app.screen, LastTodoScreen) and app.keys_waiting == 0  # Esc closed the error
        assert "），未能更新  王芳" in shown(app, "todo-title")
        await type_ahead(pilot, "enter", *"瓯")
        await pilot.pause(0.1)
        assert isinstance(app.screen, LastTodoScreen)  # nothing opened from the last to-do's lines


# When there is no usable summary: the usual launch


def test_no_summary_a_damaged_one_another_officer_another_day_or_new_settings_is_none(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    build_office(sqlite_engine)
    device = Device(tmp_path, sqlite_engine)
    assert device.store.usable(device.memory, TODAY) is None  # none yet
    summary = LastTodo(DATABASE_KEY, device.officer_uuid, "王芳", "使用人：王芳（五马所）", TODAY.isoformat(),
                       "12-06 17:32", "", "0,0,0,1", (LastTodoLine("soon", "2025-06-20", "年报", "年报公示"),))  # fmt: skip
    device.store.save(summary)
    usable = device.store.usable(device.memory, TODAY)
    assert usable is not None and replace(usable, settings="", schema="") == summary
    assert device.store.usable(device.memory, date(2025, 6, 2)) is None  # the day changed
    assert LastTodoStore(tmp_path / "data", "another database", device.config).usable(device.memory, TODAY) is None
    device.config.mkdir()
    (device.config / "service.toml").write_text("", encoding="utf-8")  # the settings changed
    assert device.store.usable(device.memory, TODAY) is None
    device.store.save(summary)  # saved under these settings: usable again
    assert device.store.usable(device.memory, TODAY) is not None
    with Session(sqlite_engine) as session:
        other = session.exec(select(Officer).where(Officer.name == "李强")).one().uuid
    device.memory.remember_officer(DATABASE_KEY, other)  # another officer uses this device now
    assert device.store.usable(device.memory, TODAY) is None
    device.memory.remember_officer(DATABASE_KEY, device.officer_uuid)
    for damaged in ("", "{", "[]", '{"format": 1}', json.dumps({**json.loads(device.store.path.read_text()), "format": 2}),
                    device.store.path.read_text().replace('"lines":[', '"lines":[7,'),
                    device.store.path.read_text().replace('"totals":"0,0,0,1"', '"totals":"0,0,1"')):  # fmt: skip
        device.store.path.write_text(damaged, encoding="utf-8")
        assert device.store.usable(device.memory, TODAY) is None, damaged
    device.store.path.write_bytes(b"\xff\xfe")
    assert device.store.usable(device.memory, TODAY) is None


def test_the_summary_is_written_whole_or_not_at_all(sqlite_engine: Engine, tmp_path: Path) -> None:
    build_office(sqlite_engine)
    device = Device(tmp_path, sqlite_engine)
    summary = LastTodo(DATABASE_KEY, device.officer_uuid, "王芳", "", TODAY.isoformat(), "12-06 17:32", "", "0,0,0,0", ())
    device.store.save(summary)
    assert sorted(path.name for path in device.store.path.parent.iterdir()) == [device.store.path.name]
    device.store.path.parent.chmod(0o500)  # a folder it cannot write in: nothing said, nothing broken
    try:
        device.store.save(replace(summary, saved_at="12-07 08:00"))
    finally:
        device.store.path.parent.chmod(0o700)
    assert device.store.read() is not None


def test_open_tui_takes_the_summary_only_when_it_is_usable(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No summary: the usual way. A usable one: painted first. One whose database needs the usual way (an
    upgrade, an error) ends that app and the usual way runs after it."""
    build_office(sqlite_engine)
    taken: list[str] = []
    monkeypatch.setattr(cli_tui, "_open", lambda url, store: taken.append("usual") or 0)
    monkeypatch.setattr(cli_tui, "_open_on_last_todo", lambda url, last, store: taken.append("last") or None)
    assert cli_tui.open_tui(sqlite_url) == 0 and taken == ["usual"]
    save_usable_summary(sqlite_engine, sqlite_url)
    taken.clear()
    assert cli_tui.open_tui(sqlite_url) == 0 and taken == ["last", "usual"]  # None from it: the usual way after
    sqlite_engine.dispose()
    moved = tmp_path / "moved.db"
    Path(sqlite_url.removeprefix("sqlite:///")).rename(moved)
    taken.clear()
    assert cli_tui.open_tui(sqlite_url) == 0 and taken == ["usual"]  # the file is gone: said at once, as always


def save_usable_summary(engine: Engine, url: str) -> None:
    """A summary the next `workbench` on url will paint (this device's folders, today, the remembered officer)."""
    database_key = make_engine(url).url.render_as_string(hide_password=True)
    with Session(engine) as session:
        officer = session.exec(select(Officer).where(Officer.name == "王芳")).one()
    DeviceMemory(locations.device_memory_path()).remember_officer(database_key, officer.uuid)
    store = LastTodoStore(locations.data_dir(), url, locations.config_dir())
    store.save(LastTodo(database_key, officer.uuid, "王芳", "使用人：王芳（五马所）", date.today().isoformat(),
                        "12-06 17:32", "", "0,0,0,1", (LastTodoLine("soon", "2025-06-20", "年报", "年报公示"),)))  # fmt: skip


LAUNCH = """
import sys
from textual.app import App
from workbench import cli_tui

WATCHED = ("sqlalchemy", "sqlmodel", "typer", "workbench.services.gateway", "screens.todo_screen",
           "screens.business_list", "workbench.cli_commands")
run = App.run
App.run = lambda self, *args, **kwargs: run(self, headless=True, size=(100, 30))
start = cli_tui._Preparation.start

def painted(preparation):
    print("before the first paint:", [name for name in WATCHED if name in sys.modules])
    screen = preparation.app.screen
    print("on screen:", type(screen).__name__)
    start(preparation)  # the data layer, then the fresh to-do: exit once it is there
    preparation.app.set_interval(0.05, lambda: preparation.app.last_todo is None and preparation.app.exit())

cli_tui._Preparation.start = painted
sys.argv = ["workbench", "--db", sys.argv[1]]
from workbench.cli import main
main()
"""


def test_workbench_paints_the_last_todo_before_importing_sqlalchemy_or_typer(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    """`workbench --db X` as typed, in a process of its own: Textual only until the last to-do is painted."""
    build_office(sqlite_engine)
    save_usable_summary(sqlite_engine, sqlite_url)
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(LAUNCH), sqlite_url], capture_output=True,
                            text=True, env={**os.environ}, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "before the first paint: []" in result.stdout, result.stdout
    assert "on screen: LastTodoScreen" in result.stdout, result.stdout


def test_a_plain_launch_is_told_from_a_command() -> None:
    assert cli.plain_launch([]) == (None,)
    assert cli.plain_launch(["--db", "x.db"]) == ("x.db",)
    assert cli.plain_launch(["--db=x.db"]) == ("x.db",)
    for command in (["--help"], ["todo"], ["--db", "x.db", "todo"], ["--db"], ["--db", "--help"], ["--db="],
                    ["--db", "\udcff"]):  # fmt: skip
        assert cli.plain_launch(command) is None, command


def test_a_long_todo_keeps_its_first_lines_and_its_whole_counts() -> None:
    template = LastTodo("db", "uuid", "王芳", "", TODAY.isoformat(), "", "", "", ())
    lines = [LastTodoLine("overdue", "2025-05-01", "诉求", f"第 {n} 件") for n in range(30)]
    lines += [LastTodoLine("soon", "2025-06-20", "许可证", f"第 {n} 张") for n in range(MAX_LINES)]
    summary = summarised(template, lines)
    assert len(summary.lines) == MAX_LINES and summary.lines[0].text == "第 0 件"
    assert summary.counts() == [("overdue", "已逾期", 30), ("today", "今天", 0), ("week", "本周", 0),
                                ("soon", "即将到期", MAX_LINES)]  # fmt: skip
    assert summary.saved_at  # 「上次的待办（12-07 08:30）」


def test_a_database_to_upgrade_ends_the_last_todo_and_goes_the_usual_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summary was saved, then the database went back to an older schema (restored from a backup): the
    thread behind the last to-do finds it, that app ends, and open_tui goes the usual way (which upgrades)."""
    from sqlalchemy import text
    from textual.app import App

    from storage.schema import upgrade

    url = str(tmp_path / "older.db")
    engine = make_engine(url)
    upgrade(engine)
    build_office(engine)
    save_usable_summary(engine, url)
    with engine.begin() as connection:  # as an older program left it (the test needs only the stamp)
        connection.execute(text("UPDATE alembic_version SET version_num = '0018'"))
    engine.dispose()
    monkeypatch.setattr(WorkbenchApp, "run", lambda self: App.run(self, headless=True, size=(100, 30)))
    store = LastTodoStore(locations.data_dir(), url, locations.config_dir())
    last = cli_tui._usable_last_todo(store)
    assert last is not None
    assert cli_tui._open_on_last_todo(url, last, store) is None
