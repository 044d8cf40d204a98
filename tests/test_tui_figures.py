"""经营数据 by keys on a real SQLite file: add a year (万元 typed and chosen), edit, delete with a confirmation,
the tier change said at once, checks under their fields, and the 80x24 picture of the dialog.

The office is test_tui_support's; 鹿城区张记小吃店 is a household 6 years old at TODAY with no industry code,
so its 发展型 revenue line is classification.toml's fallback, 100万元 (docs/rules.md §1). Its figures: 2024
48.2万元 / 3,200元 tax / 2 insured (成长型), 2023 123.65万元 / 9,650元 / 3 insured.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from snapshot_world import build_world, frozen_clock, keys  # noqa: F401  (fixtures)
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_tui_support import Office_, build_app, build_office, read_preview, settle
from textual.widgets import DataTable, Static, TabbedContent

from screens.business_detail import BusinessDetailScreen
from screens.figures_dialog import FiguresDialog
from screens.widgets.dialogs import ConfirmDialog
from storage.audit import Actor
from storage.tables import ChangeLog, YearFigures
from workbench.services.register import create_business
from workbench.services.support import record_support

ZHANG = ("张", "记", "enter")


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def table_rows(app: Any) -> list[list[str]]:
    table = app.screen.query_one("#figure-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def shown(app: Any, selector: str) -> str:
    content = app.screen.query_one(selector, Static).content
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(content)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()).strip()


def notices(app: Any) -> list[str]:
    return [str(notice.message) for notice in app._notifications]


async def open_figures(pilot: Any, *search: str) -> None:
    await settle(pilot)
    await pilot.press(*search)
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    assert pilot.app.screen.query_one(TabbedContent).active == "figures"


async def test_a_year_typed_in_wan_moves_the_household_to_development(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_figures(pilot, *ZHANG)
        # 300万 typed with its unit; 2,000 元 tax and 2 insured stay far below the other 发展型 lines
        await pilot.press("n", *"2025", "tab", *"300万", "tab", "tab", *"2,000", "tab", "tab", "6", "tab", "2",
                          "ctrl+s")  # fmt: skip
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert table_rows(app)[0] == ["2025年", "300万元", "2,000元", "6人", "2人"]
        said = ("已新增2025年度经营数据\n分型：成长型 → 发展型\n依据：近12个月有纳税记录（2,000元）；参保2人；雇员6人；"
                "存续6年；营业收入300万元 ≥ 发展型门槛100万元")  # fmt: skip
        assert said in notices(app)
        assert shown(app, "#figures-outcome") == said
        assert app.screen.query_one("#figure-table", DataTable).cursor_row == 0
        await pilot.press("5")
        await settle(pilot)
        summary = shown(app, "#classification-summary")
        assert "三型 发展型" in summary and "营业收入300万元 ≥ 发展型门槛100万元" in summary
    with Session(sqlite_engine) as session:
        row = session.exec(select(YearFigures).where(col(YearFigures.year) == 2025)).one()
        assert (row.revenue, row.source, row.updated_by) == (3_000_000, "手工录入", "王芳")


async def test_the_unit_chosen_with_keys_reads_bare_numbers_in_wan(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_figures(pilot, *ZHANG)
        await pilot.press("n", *"2025", "tab", *"48.5", "tab", "enter", "down", "enter", "tab", *"3200")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FiguresDialog)
        assert shown(app, "#echo-revenue") == "＝ 48.5万元（485,000元）"
        assert shown(app, "#echo-tax_paid") == "＝ 3,200元"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert table_rows(app)[0] == ["2025年", "48.5万元", "3,200元", "-", "-"]
        assert "分型仍为成长型\n依据：" in shown(app, "#figures-outcome")


async def test_an_edit_changes_the_row_and_a_year_already_there_is_said(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_figures(pilot, *ZHANG)
        await pilot.press("f4")  # the highlighted year, 2024 (newest first)
        await settle(pilot)
        assert isinstance(app.screen, FiguresDialog) and app.screen.row is not None
        assert app.screen.query_one(".dialog-title", Static).content == "修改2024年度经营数据"
        await pilot.press("end", "ctrl+u", *"150万", "ctrl+s")
        await settle(pilot)
        assert table_rows(app) == [["2024年", "150万元", "3,200元", "4人", "2人"],
                                   ["2023年", "123.7万元", "9,650元", "5人", "3人"]]  # fmt: skip
        assert shown(app, "#figures-outcome").startswith("已修改2024年度经营数据\n分型：成长型 → 发展型\n依据：")
        # 新增 of a year that exists: said while typing, and saving edits it (still two rows)
        await pilot.press("n", *"2023")
        await settle(pilot)
        assert shown(app, "#echo-year") == "2023年已有经营数据，保存将改为本次填写的内容"
        await pilot.press("tab", *"130万", "ctrl+s")
        await settle(pilot)
        assert [row[:2] for row in table_rows(app)] == [["2024年", "150万元"], ["2023年", "130万元"]]
        assert app.screen.query_one("#figure-table", DataTable).cursor_row == 1
    with Session(sqlite_engine) as session:
        edits = session.exec(select(ChangeLog.field, ChangeLog.old, ChangeLog.new).where(
            col(ChangeLog.entity) == "year_figures", col(ChangeLog.field) == "revenue")).all()  # fmt: skip
        assert sorted(edits) == [("revenue", "1236500", "1300000"), ("revenue", "482000", "1500000")]


async def test_a_year_is_deleted_after_a_confirmation(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_figures(pilot, *ZHANG)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.startswith("删除2024年度经营数据（营业收入48.2万元，纳税额3,200元，")
        await pilot.press("enter")  # the safe answer has the focus: nothing is deleted
        await settle(pilot)
        assert len(table_rows(app)) == 2
        await pilot.press("d", "left", "enter")  # typed ahead: the 删除 is refused, it was never seen
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen_stack[-2].query_one("#figure-table", DataTable).row_count == 2
        await read_preview(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert table_rows(app) == [["2023年", "123.7万元", "9,650元", "5人", "3人"]]
        # 2023 is now the latest year, and its 123.65万元 is over the 100万元 line
        assert shown(app, "#figures-outcome").startswith("已删除2024年度经营数据\n分型：成长型 → 发展型\n依据：")
        await pilot.press("4")
        await settle(pilot)
        history = app.screen.query_one("#history-table", DataTable)
        assert [str(cell) for cell in history.get_row_at(0)][3:] == ["2024年度经营数据", "删除整条记录"]
    with Session(sqlite_engine) as session:
        row = session.exec(select(YearFigures).where(col(YearFigures.year) == 2024)).one()
        assert row.deleted_at is not None and row.version == 2


async def test_wrong_figures_are_named_under_their_fields(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_figures(pilot, *ZHANG)
        await pilot.press("n", *"1979", "tab", *"-5", "tab", "tab", "tab", "tab", *"2.5", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FiguresDialog)
        assert shown(app, "#error-year") == "年度「1979」应在 1980 年至 2025 年之间，请核对"
        assert shown(app, "#error-revenue") == "营业收入不能为负数（现在是「-5」）"
        assert shown(app, "#error-employees") == "从业人员「2.5」应为整数（人），如 5"
        await pilot.press("escape", "left", "enter")  # give up what was typed
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen) and len(table_rows(app)) == 2


async def test_a_business_made_by_hand_gets_its_first_figures_and_shows_its_first_loan(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    with Session(sqlite_engine) as session:
        actor = Actor("王芳", "测试终端", office.office_id)
        business = create_business(session=session, actor=actor, data={
            "name": "鹿城区阿芳早餐店", "kind": "individual", "operator": "吴芳", "address": "府前街 3 号",
            "registered_on": date(2024, 3, 1)})  # fmt: skip
        record_support(session, actor=actor, business_uuid=business.uuid, data={
            "kind": "融资/首贷", "given_on": "2025-05-20", "partner": "温州银行", "content": "首笔经营贷 10 万元",
            "officer_id": office.officer_ids["王芳"]})  # fmt: skip
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape", *"阿芳", "enter")
        await settle(pilot)
        assert app.screen._first_loan_text() == "是（2025-05-20，温州银行）"
        assert "首贷户" in shown(app, "#group-2") and "是（2025-05-20，温州银行）" in shown(app, "#group-2")
        await pilot.press("3")
        await settle(pilot)
        assert table_rows(app) == [["（没有经营数据，按 N 新增）", "", "", "", ""]]
        await pilot.press("f4")  # nothing to edit yet: said, no dialog
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen) and "还没有经营数据，按 N 新增" in notices(app)
        await pilot.press("n", *"2024", "tab", *"20万", "tab", "tab", *"800", "tab", "tab", "tab", "1", "ctrl+s")
        await settle(pilot)
        # tax paid and revenue: 成长型; one year old, under the 2 years 发展型 asks
        assert shown(app, "#figures-outcome") == (
            "已新增2024年度经营数据\n分型：生存型 → 成长型\n依据：近12个月有纳税记录（800元）；参保1人；营业收入20万元；"
            "存续1年 < 发展型要求2年"
        )


def test_figures_dialog_80x24(
    sqlite_engine: Engine, tmp_path: Path, frozen_clock: None, snap_compare: Any  # noqa: F811
) -> None:
    build_world(sqlite_engine)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    pressed = ("escape", *ZHANG, "3", "n", *"2024", "tab", *"150万", "tab", "tab", *"3200")
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys(*pressed))


async def test_an_edit_left_unchanged_closes_without_asking(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_figures(pilot, *ZHANG)
        await pilot.press("down", "enter")  # Enter edits too: the 2023 line
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FiguresDialog) and dialog.row is not None and dialog.row.year == 2023
        assert dialog.read()["revenue"] == "1,236,500" and shown(app, "#echo-revenue") == "＝ 123.65万元（1,236,500元）"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)


async def test_a_delete_of_a_year_changed_elsewhere_is_refused_in_a_dialog(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from screens.widgets.dialogs import ErrorDialog
    from workbench.services.classification import load_rules
    from workbench.services.year_figures import FiguresEntry, record_year_figures

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_figures(pilot, *ZHANG)
        with Session(sqlite_engine) as session:  # 李强 edits 2024 on another terminal after the tab was read
            rules, _error = load_rules(None)
            record_year_figures(session, actor=Actor("李强", "另一台", office.office_id),
                                business_uuid=office.business_uuids["鹿城区张记小吃店"], rules=rules,
                                today=date(2025, 6, 1), entry=FiguresEntry(year=2024, revenue="49万"))  # fmt: skip
            session.commit()
        await pilot.press("d")
        await read_preview(pilot)  # a delete is confirmed only once its question could be read
        await pilot.press("left", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "2024年度经营数据已被李强在您打开之后修改" in app.screen.message
    with Session(sqlite_engine) as session:
        row = session.exec(select(YearFigures).where(col(YearFigures.year) == 2024)).one()
        assert (row.deleted_at, row.revenue) == (None, 490_000)
