"""The detail screen: grouped fields in Chinese, licenses with their state, year figures, history."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_tui_helpers import shown
from sqlalchemy import Engine
from test_tui_support import Office_, build_app, build_office, settle
from textual.widgets import DataTable, Static, TabbedContent

from screens.business_detail import BusinessDetailScreen


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def table_rows(app: object, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)  # type: ignore[attr-defined]
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def open_first_match(pilot: object, text: str) -> None:
    await pilot.press(*text, "enter")  # type: ignore[attr-defined]
    await settle(pilot)


async def test_fields_are_grouped_with_chinese_labels(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_first_match(pilot, "瓯江")
        screen = app.screen
        assert isinstance(screen, BusinessDetailScreen)
        assert "温州市瓯江贸易有限公司" in str(screen.query_one("#detail-title", Static).render())
        titles = [str(label.render()) for label in screen.query(".group-title")]
        assert titles == ["登记信息", "经营者与联系", "管理"]
        assert screen._field_text("kind") == "企业"
        assert screen._field_text("status") == "存续"
        assert screen._field_text("capital") == "500万元（5,000,000元）"
        assert screen._field_text("grid_id") == "城西片区"
        assert screen._field_text("officer_id") == "李强"
        assert screen._field_text("suspended") == "否"


async def test_licenses_show_expired_and_expiring(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_first_match(pilot, "张记")
        await pilot.press("2")
        assert app.screen.query_one(TabbedContent).active == "licenses"
        rows = table_rows(app, "license-table")
        assert rows[0][0] == "卫生许可证" and rows[0][4].startswith("已过期")
        assert rows[1][0] == "食品经营许可证" and rows[1][4] == "即将到期"
        # The days are in the line under the table, for the highlighted licence (the expired one first).
        assert shown(app, "license-line").startswith("已过期 457 天")


async def test_year_figures_in_wan_yuan(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_first_match(pilot, "张记")
        await pilot.press("3")
        assert table_rows(app, "figure-table") == [
            ["2024年", "48.2万元", "3,200元", "4人", "2人"],
            ["2023年", "123.7万元", "9,650元", "5人", "3人"],
        ]


async def test_history_names_who_and_which_device(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_first_match(pilot, "张记")
        await pilot.press("4")
        rows = table_rows(app, "history-table")
        assert {row[1] for row in rows} == {"导入"}
        assert {row[2] for row in rows} == {"初始化"}
        by_field = {row[3]: row[4] for row in rows}
        assert by_field["主体类型"] == "新增：个体工商户"
        assert by_field["所属网格"] == "新增：城东片区"
        assert by_field["联系电话"] == "新增：13812345678"


async def test_a_business_deleted_elsewhere_shows_a_dialog_not_a_crash(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    from sqlmodel import Session

    from storage.audit import Actor
    from workbench.services.register import delete_business, get_business

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"张记")
        await settle(pilot)
        with Session(sqlite_engine) as session:
            actor = Actor("李强", "另一台", office.office_id)
            business = get_business(session=session, actor=actor, business_uuid=office.business_uuids["鹿城区张记小吃店"])
            delete_business(session=session, actor=actor, business_uuid=business.uuid, base_version=business.version)
            session.commit()
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert "找不到记录" in str(app.screen.query_one(".dialog-title", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, BusinessDetailScreen)
