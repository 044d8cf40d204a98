"""帮扶 in the TUI: record one from the business detail in a few keys, a first loan marks 首贷户, list and export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from service_tui_helpers import open_business, press, shown, table_rows
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import Office_, build_app, build_office, settle

from screens.business_detail import BusinessDetailScreen
from screens.support_dialog import SupportDialog
from screens.support_list import SupportListScreen
from screens.todo_screen import TodoScreen
from storage.tables import Business
from storage.tables_service import SupportRecord


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def business(engine: Engine, name: str) -> Business:
    with Session(engine) as session:
        return session.exec(select(Business).where(Business.name == name)).one()


async def test_first_loan_from_the_detail_marks_the_business(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen)
        await open_business(pilot, "张记")
        assert isinstance(app.screen, BusinessDetailScreen)
        await press(pilot, "b")
        assert isinstance(app.screen, SupportDialog)
        # 帮扶类型 starts on 融资/首贷, 日期 on today; Tab past 经办干部 to 金额.
        await pilot.press("tab", "tab", "tab", *"50万", "tab", *"温州银行", "tab", "tab", *"首次贷款 50 万元")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BusinessDetailScreen)
    with Session(sqlite_engine) as session:
        record = session.exec(select(SupportRecord)).one()
    assert (record.kind, record.amount_yuan, record.partner, record.given_on) == (
        "融资/首贷",
        500_000,
        "温州银行",
        date(2025, 6, 1),
    )
    assert record.content == "首次贷款 50 万元"
    marked = business(sqlite_engine, "鹿城区张记小吃店")
    assert (marked.first_loan_on, marked.first_loan_bank) == (date(2025, 6, 1), "温州银行")


async def test_a_first_loan_without_a_bank_is_refused_under_its_field(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await press(pilot, "b", "ctrl+s")
        assert isinstance(app.screen, SupportDialog)
        assert "首贷须填写放贷银行" in shown(app, "error-partner")
        await press(pilot, "escape")
        assert isinstance(app.screen, BusinessDetailScreen)
    with Session(sqlite_engine) as session:
        assert session.exec(select(SupportRecord)).all() == []


async def test_the_type_last_used_is_offered_next_time(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await pilot.press("b")
        await settle(pilot)
        # Open 帮扶类型 and walk down to 培训/入市第一课 (third).
        await pilot.press("enter", "down", "down", "enter")
        await pilot.press(*["tab"] * 6, *"入市第一课培训")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BusinessDetailScreen)
        await press(pilot, "b")
        assert app.screen.read()["kind"] == "培训/入市第一课"  # type: ignore[attr-defined]


async def test_support_list_filters_and_exports_codes_as_text(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    from storage.audit import Actor
    from workbench.services.support import record_support

    with Session(sqlite_engine) as session:
        actor = Actor("王芳", "测试终端", office.office_id)
        for name, kind, amount in (
            ("鹿城区张记小吃店", "融资/首贷", "30万"),
            ("鹿城区李家便利店", "法律服务", ""),
            ("温州市瓯江贸易有限公司", "信用贷款", "100万"),
        ):
            record_support(
                session,
                actor=actor,
                business_uuid=office.business_uuids[name],
                data={
                    "kind": kind,
                    "given_on": "2025-05-20",
                    "amount_yuan": amount,
                    "partner": "温州银行",
                    "content": "测试",
                    "officer_id": office.officer_ids["王芳"],
                },
            )
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f7")
        assert isinstance(app.screen, SupportListScreen)
        assert len(table_rows(app, "support-table")) == 3
        assert "金额合计 130万元" in shown(app, "support-status")
        # 帮扶类型 filter: open it, pick 信用贷款 (second).
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab")
        await press(pilot, "enter", "down", "down", "enter")
        assert [row[2] for row in table_rows(app, "support-table")] == ["温州市瓯江贸易有限公司"]
        target = tmp_path / "台账.xlsx"
        await press(pilot, "ctrl+e")
        await pilot.press("ctrl+u", *str(target))
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, SupportListScreen)
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("日期", "帮扶类型", "市场主体", "统一社会信用代码/注册号")
    assert rows[1][1:3] == ("信用贷款", "温州市瓯江贸易有限公司")
    assert isinstance(rows[1][3], str) and len(rows[1][3]) == 18
    assert rows[1][6] == 1_000_000
    assert len(rows) == 2


async def test_a_name_with_markup_is_shown_as_written_in_the_dialog(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    """A registered name may hold anything a list carried: the dialog's context line shows it, never reads it."""
    with Session(sqlite_engine) as session:
        named = session.exec(select(Business).where(Business.name == "鹿城区张记小吃店")).one()
        named.name = "鹿城区张记[b]小吃[/b]店\x1b[31m"
        session.add(named)
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await press(pilot, "b")
        assert isinstance(app.screen, SupportDialog)
        context = str(app.screen.query_one(".dialog-context").render())
        assert "张记[b]小吃[/b]店\\x1b[31m" in context
