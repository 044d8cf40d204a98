"""The list's export as a person does it with keys: search, Ctrl+E, Enter, read where the file went."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_tui_support import Office_, build_app, build_office, settle
from textual.widgets import DataTable, Input, Static

from imports.export import DATA_SHEET
from screens.business_list import BusinessListScreen
from screens.export_dialog import ExportDialog, default_export_path
from storage.tables import ChangeLog


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


@pytest.fixture
def downloads() -> Path:
    """~/Downloads of the test's empty home (conftest points HOME at the test's own folder)."""
    folder = Path.home() / "Downloads"
    folder.mkdir(parents=True)
    return folder


async def on_the_list(pilot: Any) -> None:
    """Start on the business list (the day may open on another screen, e.g. the to-do; Esc leaves it)."""
    await settle(pilot)
    if not isinstance(pilot.app.screen, BusinessListScreen):
        await pilot.press("escape")
        await settle(pilot)
    assert isinstance(pilot.app.screen, BusinessListScreen)


def outcome(app: Any) -> str:
    return str(app.screen.query_one("#export-outcome", Static).render())


def sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path)[DATA_SHEET].values)


def export_log(engine: Engine) -> list[ChangeLog]:
    with Session(engine) as session:
        return list(session.exec(select(ChangeLog).where(col(ChangeLog.entity) == "export")).all())


async def test_search_then_ctrl_e_and_enter_exports_exactly_the_rows_shown_masked(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_list(pilot)
        await pilot.press(*"鹿城区")
        await settle(pilot)
        table = app.screen.query_one("#results", DataTable)
        shown = [str(table.get_row_at(index)[0]) for index in range(table.row_count)]
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        assert "共 3 户" in str(app.screen.query_one(".dialog-message", Static).render())
        await pilot.press("enter")  # the suggested path in Downloads, as it stands
        await settle(pilot)
        written = list(downloads.glob("市场主体导出_*.xlsx"))
        assert len(written) == 1 and str(written[0]) in outcome(app).replace("\n", "")
        assert "已导出 3 户（搜索「鹿城区」）" in outcome(app)
        await pilot.press("enter")  # 完成 has the focus
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
    rows = sheet_rows(written[0])
    assert rows[0][1] == "名称" and rows[0][7] == "身份证号 部分隐藏"
    assert [row[1] for row in rows[1:]] == shown and len(shown) == 3  # the list's rows, in the list's order
    phones = {
        "鹿城区张记小吃店": "138****5678",
        "鹿城区李家便利店": "139****5678",
        "鹿城区陈氏五金店": "137****5678",
    }
    assert [row[8] for row in rows[1:]] == [phones[name] for name in shown]
    assert {(entry.field, entry.new) for entry in export_log(sqlite_engine)} >= {
        ("personal_data", "身份证号和手机号已部分隐藏"),
        ("rows", "3"),
        ("filter", "搜索「鹿城区」"),
    }


async def test_full_personal_data_needs_the_checkbox_and_is_logged_under_the_officer(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    target = tmp_path / "导出" / "张记"
    app = build_app(sqlite_engine, tmp_path, remember="李强")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_list(pilot)
        await pilot.press(*"张记", "ctrl+e")
        await settle(pilot)
        path_box = app.screen.query_one("#export-path", Input)
        path_box.clear()  # select-all-and-type, as a person would with ctrl+a in other programs
        await pilot.press(*str(target))
        await pilot.press("tab", "space", "shift+tab", "enter")  # tick 包含完整身份证号和手机号, back, Enter
        await settle(pilot)
        assert "已记入变更记录" in outcome(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
    rows = sheet_rows(target.with_suffix(".xlsx"))
    assert rows[0][8] == "联系电话" and [row[8] for row in rows[1:]] == ["13812345678"]
    log = export_log(sqlite_engine)
    assert {(entry.field, entry.new, entry.who, entry.device) for entry in log} >= {
        ("personal_data", "完整身份证号和手机号", "李强", "测试终端"),
    }


async def test_a_place_that_cannot_be_written_is_explained_and_can_be_retried(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    (tmp_path / "文件").write_text("不是文件夹")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_list(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).clear()
        await pilot.press(*str(tmp_path / "文件" / "a.xlsx"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog) and "无法在" in outcome(app)
        app.screen.query_one("#export-path", Input).clear()
        await pilot.press(*str(tmp_path / "b.xlsx"), "enter")
        await settle(pilot)
        assert "已导出 5 户（全部市场主体）" in outcome(app)
    assert len(sheet_rows(tmp_path / "b.xlsx")) == 6


async def test_escape_before_exporting_closes_without_a_file(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_list(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
    assert list(downloads.iterdir()) == [] and export_log(sqlite_engine) == []


def test_the_suggested_file_is_in_downloads_or_else_home(tmp_path: Path) -> None:
    now = datetime(2025, 6, 1, 9, 5)
    assert default_export_path(now) == Path.home() / "市场主体导出_20250601_0905.xlsx"
    (Path.home() / "Downloads").mkdir(parents=True)
    assert default_export_path(now) == Path.home() / "Downloads" / "市场主体导出_20250601_0905.xlsx"


async def test_an_existing_file_is_overwritten_only_on_the_second_enter(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    target = tmp_path / "名录.xlsx"
    target.write_text("staff's own file")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_list(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).clear()
        await pilot.press(*str(target), "enter")
        await settle(pilot)
        assert "「名录.xlsx」已存在" in outcome(app)
        assert target.read_text() == "staff's own file"
        await pilot.press("enter")
        await settle(pilot)
        assert "已导出 5 户" in outcome(app)
    assert len(sheet_rows(target)) == 6


async def test_escape_while_exporting_cancels_and_leaves_nothing_behind(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import imports.export
    import screens.export_dialog

    # The real export, held at its first row until Esc has been pressed: the race made deterministic.
    monkeypatch.setattr(imports.export, "PROGRESS_EVERY", 1)
    real_export = screens.export_dialog.export_register
    dialogs: list[ExportDialog] = []

    def held_at_first_row(**arguments: Any) -> Any:
        report = arguments["progress"]

        def progress(done: int, total: int) -> None:
            dialogs[0].stop.wait(timeout=10)
            report(done, total)

        return real_export(**{**arguments, "progress": progress})

    monkeypatch.setattr(screens.export_dialog, "export_register", held_at_first_row)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_list(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        dialogs.append(app.screen)
        await pilot.press("enter")
        await pilot.pause()
        assert "正在导出" in outcome(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
    assert list(downloads.iterdir()) == [] and export_log(sqlite_engine) == []
