"""走访 in the TUI: from the detail or from today's route; a changed phone goes through the normal edit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from service_tui_helpers import open_business, press, shown, table_rows
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import Office_, build_app, build_office, settle

from screens.business_detail import BusinessDetailScreen
from screens.visit_dialog import VisitDialog
from screens.visit_route import RouteScreen
from storage.tables import Business, ChangeLog
from storage.tables_service import Visit, VisitFollowUp

# The order of the visit dialog's lines: Tab steps through them.
LINES = [
    "finding",
    "notes",
    "visited_on",
    "officers_present",
    "purpose",
    "phone",
    "address",
    "employees",
    "follow_up_action",
    "follow_up_due",
]


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


async def go_to(pilot: object, line: str, text: str) -> None:
    """From 走访结果 (where the dialog opens), Tab to a line, clear it, type."""
    await pilot.press(*["tab"] * LINES.index(line), "ctrl+u", *text)  # type: ignore[attr-defined]


async def test_a_visit_that_changes_the_phone(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await press(pilot, "z")
        assert isinstance(app.screen, VisitDialog)
        await pilot.press("tab", *"店面正常营业，老板换了手机")
        await pilot.press("tab", "tab", "tab", "tab", "ctrl+u", *"13900002222")
        await pilot.press("tab", "tab", "tab", *"帮助申请食品经营许可证延续", "tab", *"2025-06-15")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen._field_text("phone") == "13900002222"
        await press(pilot, "4")
        newest_phone_change = next(row for row in table_rows(app, "history-table") if row[3] == "联系电话")
        assert newest_phone_change[1] == "王芳" and newest_phone_change[4] == "13812345678 改为 13900002222"
    with Session(sqlite_engine) as session:
        visit = session.exec(select(Visit)).one()
        follow_up = session.exec(select(VisitFollowUp)).one()
        logged = session.exec(
            select(ChangeLog).where(ChangeLog.field == "phone", ChangeLog.action == "update")
        ).one()
    assert (visit.finding, visit.visited_on, visit.officers_present) == ("正常经营", date(2025, 6, 1), "王芳")
    assert visit.observed == "联系电话：13812345678 改为 13900002222"
    assert (follow_up.action, follow_up.due_on) == ("帮助申请食品经营许可证延续", date(2025, 6, 15))
    assert (logged.who, logged.device) == ("王芳", "测试终端")


async def test_an_unreadable_follow_up_date_is_named(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await press(pilot, "z")
        await go_to(pilot, "follow_up_action", "复查")
        await pilot.press("tab", *"6月32日")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, VisitDialog)
        assert "第 1 项跟进的完成期限" in shown(app, "error-follow_up_action")
    with Session(sqlite_engine) as session:
        assert session.exec(select(Visit)).all() == []
        assert (
            session.exec(select(Business.phone).where(Business.name == "鹿城区张记小吃店")).one()
            == "13812345678"
        )


async def test_todays_route_is_whats_due_grouped_by_street_and_a_visit_from_it(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    """李强 has follow-ups due at 瓯江贸易 (江滨路 88 号, due today) and the cooperative (藤桥镇 1 号, overdue),
    and one not due yet at 瓯江贸易: the route is those two doors, each under its street."""
    from storage.audit import Actor
    from workbench.services.visits import record_visit

    with Session(sqlite_engine) as session:
        actor = Actor("李强", "测试终端", office.office_id, office.officer_ids["李强"])
        for name, due in (("温州市瓯江贸易有限公司", "2025-06-01"), ("温州绿野果蔬专业合作社", "2025-05-28")):
            record_visit(session, actor=actor, business_uuid=office.business_uuids[name], data={
                "visited_on": "2025-05-20", "finding": "正常经营",
                "follow_ups": [{"action": "复查台账", "due_on": due}, {"action": "年底回访", "due_on": "2025-12-20"}],
            })  # fmt: skip
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="李强")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert isinstance(app.screen, RouteScreen)
        assert [row[:3] for row in table_rows(app, "route-table")] == [
            ["江滨路", "1 户", ""],
            ["温州市瓯江贸易有限公司", "88 号", "跟进：复查台账（期限 2025-06-01）"],
            ["藤桥镇", "1 户", ""],
            ["温州绿野果蔬专业合作社", "1 号", "跟进：复查台账（期限 2025-05-28）"],
        ]
        assert "网格：全部" in shown(app, "route-title") and "共 2 户" in shown(app, "route-title")
        assert "0577-88881234" in shown(app, "route-stop")  # who to call, shown for the highlighted door
        await press(pilot, "f6")
        assert "网格：城东片区" in shown(app, "route-title")
        assert table_rows(app, "route-table")[0][0] == "（今天没有要上门的）"
        await press(pilot, "f6")
        assert len(table_rows(app, "route-table")) == 4
        await press(pilot, "enter")
        assert isinstance(app.screen, VisitDialog)
        await press(pilot, "enter", "down", "down", "enter")  # 走访结果: 已停业
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RouteScreen)
    with Session(sqlite_engine) as session:
        assert session.exec(select(Visit.finding).where(Visit.visited_on == date(2025, 6, 1))).one() == "已停业"


async def test_the_route_is_saved_for_printing_with_ctrl_e(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    """The route on screen (李强, one door due) goes to a workbook in one burst of keys: F6, Ctrl+E, the path,
    Ctrl+S; the notice says where it went and that it prints."""
    from openpyxl import load_workbook

    from storage.audit import Actor
    from workbench.services.visits import record_visit

    with Session(sqlite_engine) as session:
        actor = Actor("李强", "测试终端", office.office_id, office.officer_ids["李强"])
        record_visit(session, actor=actor, business_uuid=office.business_uuids["温州市瓯江贸易有限公司"], data={
            "visited_on": "2025-05-20", "finding": "正常经营", "follow_ups": [{"action": "复查台账", "due_on": "2025-06-01"}],
        })  # fmt: skip
        session.commit()
    target = tmp_path / "路线.xlsx"
    app = build_app(sqlite_engine, tmp_path, remember="李强")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert isinstance(app.screen, RouteScreen)
        await pilot.press("ctrl+e", "ctrl+u", *str(target), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RouteScreen)
        assert any(f"已导出走访路线（1 户）到 {target}" in str(note.message) for note in app._notifications)
    rows = list(load_workbook(target)["走访路线"].iter_rows(values_only=True))
    assert rows[1][:7] == (
        1, "江滨路", "温州市瓯江贸易有限公司", "江滨路 88 号", "林志远", "0577-88881234", "跟进：复查台账（期限 2025-06-01）"
    )
    assert len(rows) == 2
