"""名特优新 in the TUI, by keys only: apply, walk the workflow to 认定, refusals, 复核 flags, the cap warning."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import Office_, build_app, build_office, read_preview, settle
from textual.widgets import DataTable, Input, Static

from screens.business_detail import BusinessDetailScreen
from screens.distinction_dialogs import ApplyDialog, EventDialog, RepairDialog, StepDialog
from screens.distinction_screen import DistinctionScreen
from screens.widgets.dialogs import ErrorDialog
from storage.tables_distinctions import BusinessEvent, Distinction, DistinctionStep


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def rows(app: object) -> list[list[str]]:
    table = app.screen.query_one("#distinction-table", DataTable)  # type: ignore[attr-defined]
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def text_of(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def open_distinctions_of(pilot: object, name: str) -> None:
    await settle(pilot)
    await pilot.press(*name, "enter")  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(pilot.app.screen, BusinessDetailScreen)  # type: ignore[attr-defined]
    await pilot.press("ctrl+b")  # type: ignore[attr-defined]
    await settle(pilot)


async def apply_as_distinctive(pilot: object) -> None:
    await pilot.press("n")  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(pilot.app.screen, ApplyDialog)  # type: ignore[attr-defined]
    await pilot.press("enter", "down", "enter", "ctrl+s")  # type: ignore[attr-defined]  # 类别: 名 -> 特
    await settle(pilot)


async def test_apply_and_walk_to_recognition_with_keys(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await open_distinctions_of(pilot, "张记")
        assert isinstance(app.screen, DistinctionScreen)
        assert "鹿城区张记小吃店" in text_of(app, "#distinction-title")
        await apply_as_distinctive(pilot)
        assert isinstance(app.screen, DistinctionScreen)
        assert rows(app)[0][1:5] == ["特", "县级", "自主申报", "申报"]
        assert text_of(app, "#distinction-detail").startswith("不符合条件：分型为未分型")
        for step in ("初审", "实地核查", "联审", "公示", "认定"):
            await pilot.press("f8")
            await settle(pilot)
            assert isinstance(app.screen, StepDialog), step
            await read_preview(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert rows(app)[0][4] == step
        assert rows(app)[0][6] == "2026-01-01 至 2028-12-31"
        assert text_of(app, "#distinction-cap").startswith("⚠ 认定上限：已认定 1 户，超过上限 0 户")
    with Session(sqlite_engine) as session:
        distinction = session.exec(select(Distinction)).one()
        assert (distinction.category, distinction.step, distinction.updated_by) == (
            "distinctive",
            "recognised",
            "王芳",
        )
        assert len(session.exec(select(DistinctionStep)).all()) == 6


async def test_illegal_step_shows_the_chinese_refusal(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await open_distinctions_of(pilot, "张记")
        await apply_as_distinctive(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert (
            app.screen.message
            == "当前在「申报」，下一步只能是「初审」（或退回 / 不予认定），不能直接「退出」"
        )
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DistinctionScreen) and rows(app)[0][4] == "申报"


async def test_return_needs_a_reason_typed_in_the_dialog(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await open_distinctions_of(pilot, "张记")
        await apply_as_distinctive(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await read_preview(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert str(app.screen.query_one("#error-reason", Static).render()) == "「退回」必须写明原因"
        await pilot.press(*"缺少商标证明", "ctrl+s")  # the refused field has the focus
        await settle(pilot)
        assert isinstance(app.screen, DistinctionScreen)
        assert rows(app)[0][4] == "退回"
        assert "退回原因：缺少商标证明" in text_of(app, "#distinction-detail")


async def test_negative_event_flags_a_recognised_household(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await open_distinctions_of(pilot, "张记")
        await apply_as_distinctive(pilot)
        for _ in range(5):
            await pilot.press("f8")
            await settle(pilot)
            await read_preview(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, EventDialog)
        await pilot.press("tab", "tab", *"温鹿市监罚2025年12号", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DistinctionScreen)
        assert rows(app)[0][7] == "待复核"
        assert "待复核：2025-06-01 罚款及以上行政处罚" in text_of(app, "#distinction-detail")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RepairDialog)
        await read_preview(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DistinctionScreen)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, DistinctionScreen)  # nothing left to repair: a notice, no dialog
    with Session(sqlite_engine) as session:
        event = session.exec(select(BusinessEvent)).one()
        assert (event.note, event.repaired_on) == ("温鹿市监罚2025年12号", date(2025, 6, 1))


async def test_office_list_applies_by_code_and_names_a_wrong_one(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from test_tui_support import uscc

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, DistinctionScreen)
        assert text_of(app, "#distinction-title") == "名特优新 · 全所"
        assert text_of(app, "#distinction-detail") == "还没有名特优新记录，按 N 申报"
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"不存在的店", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ApplyDialog)
        assert (
            str(app.screen.query_one("#error-business", Static).render())
            == "本所没有信用代码或名称为「不存在的店」的市场主体"
        )
        app.screen.query_one("#field-business", Input).value = ""
        await pilot.press(*uscc(1), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DistinctionScreen)
        assert rows(app)[0][0] == "鹿城区张记小吃店" and rows(app)[0][4] == "申报"
