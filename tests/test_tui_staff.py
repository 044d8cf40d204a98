"""干部与网格 driven with keys: Ctrl+K, add an officer (with an inline error first), 调离, and F2 sees it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import build_app, build_office, read_preview, settle, to_list
from textual.widgets import DataTable, OptionList, Static

from screens.staff_screen import StaffScreen
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.officer_picker import OfficerPicker
from storage.tables import ChangeLog, Officer


def _cells(app: object, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)  # type: ignore[attr-defined]
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_a_new_officer_is_added_by_keys_and_can_then_be_chosen(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    build_office(sqlite_engine)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await pilot.press("ctrl+k")  # from the search box, which has the focus
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        before = len(_cells(app, "#staff-officers"))
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"陈晓", "tab", *"1381234", "ctrl+s")
        await settle(pilot)
        error = app.screen.query_one("#error-phone", Static)
        assert "1381234" in str(error.render()) and "11 位" in str(error.render())
        await pilot.press("ctrl+u", *"13812345678", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        rows = _cells(app, "#staff-officers")
        assert len(rows) == before + 1
        assert ["陈晓", "-", "13812345678", "在岗", "0"] in [[cell.strip() for cell in row] for row in rows]
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, OfficerPicker)
        options = app.screen.query_one(OptionList)
        assert any("陈晓" in str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
    with Session(sqlite_engine) as session:
        officer = session.exec(select(Officer).where(Officer.name == "陈晓")).one()
        assert (
            session.exec(select(ChangeLog).where(ChangeLog.entity_uuid == officer.uuid)).first() is not None
        )


async def test_d_marks_an_officer_as_left_after_a_confirmation(sqlite_engine: Engine, tmp_path: Path) -> None:
    build_office(sqlite_engine)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await to_list(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        names = [row[0].strip() for row in _cells(app, "#staff-officers")]
        target = names.index(next(name for name in names if name != "王芳"))
        for _ in range(target):
            await pilot.press("down")
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("escape")  # the hand-over question (the officer holds businesses): 返回 changes nothing
        await settle(pilot)
        assert all(row[3].strip() == "在岗" for row in _cells(app, "#staff-officers"))
        # 调离 keeping the businesses in their name, as before: the last choice, 暂不改派, then 调离.
        await pilot.press("d", "enter", "end", "enter", "enter")
        await settle(pilot)
        left = [row for row in _cells(app, "#staff-officers") if row[3].strip() == "已调离"]
        assert [row[0].strip() for row in left] == [names[target]]
        assert int(left[0][4].strip()) > 0  # still in their name
        status = str(app.screen.query_one("#staff-status", Static).render())
        assert "已调离 1 名" in status


async def test_d_on_an_officer_without_businesses_asks_and_a_typed_ahead_yes_is_refused(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """调离 is a write: the 调离 typed in the same breath as D, before the question was on screen, does
    nothing; the same key once the question could be read does it."""
    build_office(sqlite_engine)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await to_list(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"陈晓", "tab", *"13812345678", "ctrl+s")
        await settle(pilot)
        names = [row[0].strip() for row in _cells(app, "#staff-officers")]
        for _ in range(names.index("陈晓")):
            await pilot.press("down")
        await pilot.press("d", "left", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.startswith("把「陈晓」标记为已调离？")
        await read_preview(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        states = {row[0].strip(): row[3].strip() for row in _cells(app, "#staff-officers")}
        assert states["陈晓"] == "已调离" and states["王芳"] == "在岗"
    with Session(sqlite_engine) as session:
        assert session.exec(select(Officer.active).where(Officer.name == "陈晓")).one() is False
