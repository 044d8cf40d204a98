"""A 双随机 result recorded with keys on a laptop (issue 20): the office's drawn task goes out in an inspector
officer's 外业包, the laptop app's 双随机 screen (Ctrl+Z) shows the officer's share of the draw, refuses to draw
or re-draw in one sentence, records a result in its results dialog, and the office takes it in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from service_tui_helpers import table_rows
from sqlalchemy import Engine
from sqlmodel import Session, select
from sync_world import laptop_engine
from test_sync_packages import DEVICE
from test_tui_support import build_app, settle, type_ahead
from tui_inspection_world import build_inspection_office, drawn_task

from imports.sync_back import read_return_package, write_return_package
from imports.sync_out import write_field_package
from imports.sync_read import read_field_package
from screens.inspection_result_dialog import ResultDialog
from screens.inspection_results import ResultsScreen
from screens.inspection_screen import InspectionScreen
from screens.todo_screen import TodoScreen
from storage.audit import Actor
from storage.tables import Business
from storage.tables_inspection import InspectionResult
from workbench.domain.inspection_rules import load_inspection_rules
from workbench.domain.service_lists import DEFAULT_LISTS
from workbench.services.inspection_draws import LAPTOP_REFUSAL
from workbench.services.inspection_lists import result_lines
from workbench.services.inspection_tasks import LAPTOP_TASK_REFUSAL, find_task
from workbench.services.sync_apply import apply_package
from workbench.services.sync_laptop import receive_field_package
from workbench.services.sync_select import select_field_rows

RULES = load_inspection_rules(None).rules
TASK = "四月个体户双随机抽查"


@pytest.fixture
def laptop(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    folder = tmp_path / "laptop"
    folder.mkdir()
    engine = laptop_engine(sqlite_template, folder)
    yield engine
    engine.dispose()


def _inspector_with_work(engine: Engine, office_id: int) -> tuple[str, list[str]]:
    """王芳 or 李强, whoever inspects a drawn business with no result yet, and the businesses they inspect."""
    actor = Actor("王芳", "测试终端", office_id)
    with Session(engine) as session:
        lines = result_lines(session, actor=actor, task=find_task(session, actor=actor, which=TASK), rules=RULES)
    for name in ("李强", "王芳"):
        theirs = [line for line in lines if name in line.drawn.split("、")]
        if any(line.result_uuid is None for line in theirs):
            return name, [line.business_name for line in theirs]
    raise AssertionError([line.drawn for line in lines])


async def test_an_inspector_records_a_result_with_keys_on_the_laptop_and_the_office_takes_it_in(
    engine: Engine, laptop: Engine, tmp_path: Path
) -> None:
    office = build_inspection_office(engine)
    drawn_task(engine, office)
    officer, inspected = _inspector_with_work(engine, office.office_id)
    actor = Actor("王芳", "测试终端", office.office_id)
    with Session(engine) as session:
        selection = select_field_rows(session=session, office_id=office.office_id,
                                      officer_id=office.officer_ids[officer], officer=officer)
        package = write_field_package(session=session, actor=actor, selection=selection,
                                      path=tmp_path / f"外业包-{officer}.xlsx", device_id=DEVICE, lists=DEFAULT_LISTS)
    assert package.inspection_tasks == 1 and package.inspected_only == len(inspected)
    with Session(laptop) as session:
        receive_field_package(session=session, package=read_field_package(package.path), who=officer, device="笔记本")
        session.commit()
    app = build_app(laptop, tmp_path, remember=officer)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # the officer's own to-do: the drawn businesses are other officers' 包联 (their licences travel too)
        assert isinstance(app.screen, TodoScreen), app.screen
        todo = " ".join(" ".join(row) for row in table_rows(app, "todo-table"))
        assert not [name for name in inspected if name in todo], todo
        await type_ahead(pilot, "ctrl+z")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)
        rows = table_rows(app, "inspect-tasks")
        assert [row[0].strip() for row in rows] == [TASK]
        app.clear_notifications()
        await type_ahead(pilot, "d", "r", "n")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)  # neither the draw, the re-draw nor a new task opened
        assert [str(notice.message) for notice in app._notifications] == [
            LAPTOP_REFUSAL, LAPTOP_REFUSAL, LAPTOP_TASK_REFUSAL]
        await type_ahead(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen)
        lines = table_rows(app, "results-lines")
        assert [line[1] for line in lines] == inspected  # the officer's share of the draw, in draw order
        target = next(index for index, line in enumerate(lines) if line[3] == "（未录入）")
        await type_ahead(pilot, *["down"] * target, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultDialog), app.screen
        await type_ahead(pilot, "b", "space", "tab", "ctrl+u", *"2025-04-12", "tab", "tab", *"笔记本上录入", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen), app.screen
    with Session(laptop) as session:
        recorded = session.exec(select(InspectionResult).where(InspectionResult.notes == "笔记本上录入")).one()
        name = session.exec(select(Business.name).where(Business.id == recorded.business_id)).one()
        assert (recorded.codes, recorded.inspected_on) == ("B", date(2025, 4, 12)) and name == inspected[target]
        written = write_return_package(session=session, device_id="laptop·1", device="笔记本", path=tmp_path / "回传包.xlsx")
    returned = read_return_package(written.path)
    assert [change.table for change in returned.changes] == ["inspection_result"]
    with Session(engine) as session:
        apply_package(session, actor, returned)
        session.commit()
        task = find_task(session, actor=actor, which=TASK)
        at_office = {line.business_name: line for line in result_lines(session, actor=actor, task=task, rules=RULES)}
    assert (at_office[name].result, at_office[name].notes) == ("未按规定公示应当公示的信息", "笔记本上录入")
