"""统计看板 (issue 18) with keys, as the head of office uses it: Ctrl+J opens it on this month, PageUp goes to
last month, F6 / F7 narrow it to a grid or an officer, 1-4 pick the chart, Enter lists the 户 behind a line.

The office (tests/test_tui_support.py, today 2025-06-01) gets, in May 2025, two new households in 城东片区 and
one deregistration (鹿城区张记小吃店, 注销日期 2025-05-20), and a 正常经营 visit to 温州市瓯江贸易有限公司 on
2025-05-10. Worked out here from what the test writes, not from the report's code: May shows 新设 2 and 注销 1;
at 31 May six 户 are present (瓯江, 李家 (歇业), 绿野, the two new ones, and 陈氏: it is 注销 with no date
given, so the register learnt of it when its record was made, today — after May; 张记 left on the 20th), one
of them trading (瓯江, by its visit), so 活跃度 is 1/6 = 16.7% and five are listed as not counted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from service_tui_helpers import shown, table_rows
from sqlalchemy import Engine
from sqlmodel import Session
from test_tui_support import Office_, build_app, build_office, settle, type_ahead, uscc
from textual.widgets import Static

from screens.dashboard_drill import DrillScreen
from screens.dashboard_screen import DashboardScreen
from storage.audit import Actor
from workbench.services.register import create_business, get_business, update_business
from workbench.services.visits import record_visit

NEW_IN_MAY = ("鹿城区五月新开小吃店", "鹿城区五月新开理发店")


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    world = build_office(sqlite_engine)
    with Session(sqlite_engine) as session:
        actor = Actor("王芳", "测试终端", world.office_id, world.officer_ids["王芳"])
        for serial, name in enumerate(NEW_IN_MAY, start=50):
            create_business(session=session, actor=actor, data={
                "name": name, "uscc": uscc(serial), "kind": "individual", "operator": "周五", "address": "五马街 1 号",
                "registered_on": "2025-05-08", "grid_id": world.grid_ids["城东片区"], "officer_id": world.officer_ids["王芳"],
            })  # fmt: skip
        record_visit(session, actor=actor, business_uuid=world.business_uuids["温州市瓯江贸易有限公司"],
                     data={"visited_on": "2025-05-10", "finding": "正常经营"})
        closed = get_business(session=session, actor=actor, business_uuid=world.business_uuids["鹿城区张记小吃店"])
        update_business(
            session=session, actor=actor, business_uuid=closed.uuid, base_version=closed.version,
            changes={"status": "deregistered", "deregistered_on": "2025-05-20"},
        )  # fmt: skip
        session.commit()
    return world


def value_of(app: DashboardScreen | object, label: str) -> str:
    rows = table_rows(app, "dash-table")
    return next(row[1] for row in rows if row[0] == label)


async def test_the_dashboard_with_keys_typed_ahead(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Typed in one burst, before this month has been counted: last month, the first grid, chart 2.
        await pilot.press("ctrl+j", "pageup", "f6", "2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        title = shown(app, "dash-title")
        assert "2025年5月" in title and "网格：城东片区" in title
        chart_title = app.screen.query_one("#dash-chart-0 .chart-title", Static).content
        assert str(chart_title).startswith("三型分布（2/4")
        # Nobody ran 重新分型 here: the three 存续 households (李家, the two May ones) are drawn as 尚未分型
        # rather than leaving the chart with four empty bars.
        drawn = str(app.screen.query_one("#dash-chart-0 .chart-bars", Static).content).splitlines()
        assert [line.split()[-1] for line in drawn if line.startswith("尚未分型")] == ["3"]
        # 城东片区's row of 分网格: the two May households are its 新设.
        assert value_of(app, "新设") == "2"
        await pilot.press("f6", "f6")  # 城西片区, then the whole office again
        await settle(pilot)
        assert "全所" in shown(app, "dash-title")
        assert value_of(app, "新设") == "2" and value_of(app, "注销") == "1"
        # The indicators with a target come first, each with its target and a 达标 mark or 暂无数据.
        first = table_rows(app, "dash-table")[0]
        assert first[0] == "活跃度" and first[2] == "70.0%"
        # Enter on 新设 lists the two households behind it.
        line = [item.code for item in screen.lines].index("flow.new")
        await pilot.press(*["down"] * line, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert sorted(row[1] for row in table_rows(app, "drill-table")) == sorted(NEW_IN_MAY)
        assert "新设：2 户" in shown(app, "drill-title")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert table_rows(app, "dash-table")[0][:4] == ["活跃度", "16.7%", "70.0%", "未达标"]
        # Enter on 活跃度: the 户 not counted, each with why.
        await pilot.press(*["up"] * line, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert "未计入活跃共 5 户" in shown(app, "drill-title")
        why = {row[1]: row[4] for row in table_rows(app, "drill-table")}
        assert set(why) == {"鹿城区李家便利店", "温州绿野果蔬专业合作社", "鹿城区陈氏五金店", *NEW_IN_MAY}
        assert why["鹿城区李家便利店"].startswith("歇业期内")
        quiet = list(why).index("鹿城区五月新开小吃店")
        await pilot.press(*["down"] * quiet)
        assert "2024-06至2025-05没有营业收入大于0的年度经营数据，也没有「正常经营」的走访" in shown(app, "drill-note")
        # Enter finds the 户 in the business list, by its code.
        await pilot.press("enter")
        await settle(pilot)
        assert any(cell.startswith("鹿城区五月新开小吃店") for cell in table_rows(app, "results")[0])
        assert len(table_rows(app, "results")) == 1


async def test_the_last_count_shows_at_once_while_the_month_is_counted_again(
    sqlite_engine: Engine, office: Office_, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 1,000,000 businesses a month takes seconds to count: the second time the dashboard opens it shows the
    count kept on this device at once, marked 上次统计, and replaces it when the new count arrives."""
    import threading

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+j")  # June counted (paged on at once, only May would be: one count at a time)
        await settle(pilot)
        await pilot.press("pageup")
        await settle(pilot)
        assert value_of(app, "新设") == "2"
        await pilot.press("escape")
        await settle(pilot)
        with Session(sqlite_engine) as session:  # another terminal registers a third one meanwhile
            actor = Actor("李强", "另一终端", office.office_id, office.officer_ids["李强"])
            create_business(session=session, actor=actor, data={
                "name": "鹿城区五月新开面馆", "uscc": uscc(60), "kind": "individual", "operator": "吴六",
                "address": "五马街 3 号", "registered_on": "2025-05-09",
            })  # fmt: skip
            session.commit()
        counting = threading.Event()
        count_now = app.gateway.report.monthly

        def slow_count(*args: object, **kwargs: object) -> object:
            counting.wait(10)  # the count of a big office, held until the test has looked
            return count_now(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(app.gateway.report, "monthly", slow_count)
        await pilot.press("ctrl+j")
        for _ in range(100):  # the kept count is read from its file while the new count waits (a slow machine)
            await pilot.pause(0.05)
            if "上次统计" in shown(app, "dash-title"):
                break
        assert "2025年6月  上次统计" in shown(app, "dash-title")  # June was counted on the first visit
        await pilot.press("pageup")
        for _ in range(50):  # the kept count of May arrives from the file, while the new count still waits
            await pilot.pause(0.05)
            if "上次统计" in shown(app, "dash-title"):
                break
        assert "2025年5月" in shown(app, "dash-title") and "上次统计" in shown(app, "dash-title")
        assert "正在重新统计" in shown(app, "dash-title")
        assert value_of(app, "新设") == "2"
        counting.set()
        await settle(pilot)
        assert "上次统计" not in shown(app, "dash-title") and "未出具" in shown(app, "dash-title")
        assert value_of(app, "新设") == "3"


async def test_the_双随机_lines_and_the_户次_behind_them(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    """In May 2025 the office inspects 瓯江 and 李家 in a joint task (市场监管、卫生健康) and 绿野 on a complaint:
    3 户次, 2 双随机 (66.7 %, 达标 at 60 %), both joint (100 %). Enter on a line lists its 户次."""
    from datetime import date

    from storage.tables_inspection import InspectionResult, InspectionTask

    with Session(sqlite_engine) as session:
        ids = {}
        for key, source, departments in (("联合", "年度计划", "市场监管、卫生健康"), ("投诉", "投诉举报转", "市场监管")):
            task = InspectionTask(office_id=office.office_id, name=f"2025 {key}检查", source=source,
                                  departments=departments, starts_on=date(2025, 5, 1), ends_on=date(2025, 5, 31),
                                  updated_by="测试", device="test")  # fmt: skip
            session.add(task)
            session.flush()
            ids[key] = task.id
        actor = Actor("王芳", "测试终端", office.office_id, office.officer_ids["王芳"])
        for name, key, day in (("温州市瓯江贸易有限公司", "联合", 12), ("鹿城区李家便利店", "联合", 13),
                               ("温州绿野果蔬专业合作社", "投诉", 14)):  # fmt: skip
            business = get_business(session=session, actor=actor, business_uuid=office.business_uuids[name])
            session.add(InspectionResult(office_id=office.office_id, task_id=ids[key], business_id=business.id,
                                         codes="1", inspected_on=date(2025, 5, day), publish_by=date(2025, 6, 30),
                                         updated_by="测试", device="test"))  # fmt: skip
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+j", "pageup")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        rows = {row[0]: row for row in table_rows(app, "dash-table")}
        assert rows["双随机抽查占比"][1:4] == ["66.7%", "60.0%", "达标 ✓"]
        assert rows["跨部门联合双随机占比"][1:4] == ["100.0%", "40.0%", "达标 ✓"]
        assert rows["本年累计双随机占比"][1] == "66.7%"
        line = [item.code for item in screen.lines].index("indicator.random_share")
        await pilot.press(*["down"] * line)
        assert "Enter：列出检查户次" in shown(app, "dash-hint")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert "2025年5月 双随机抽查占比：检查共 3 户次，其中双随机 2、联合 2" in shown(app, "drill-title")
        listed = table_rows(app, "drill-table")
        assert [row[1] for row in listed] == ["温州市瓯江贸易有限公司", "鹿城区李家便利店", "温州绿野果蔬专业合作社"]
        assert listed[0][0] == "2025-05-12"
        await pilot.press("down", "down")
        assert "「2025 投诉检查」投诉举报转，非双随机" in shown(app, "drill-note")
        await pilot.press("escape")
        await settle(pilot)
        joint = [item.code for item in screen.lines].index("indicator.joint_share")
        await pilot.press(*["down"] * (joint - line), "enter")
        await settle(pilot)
        assert "双随机检查共 2 户次，其中联合 2" in shown(app, "drill-title")
        assert len(table_rows(app, "drill-table")) == 2


async def test_paging_on_at_once_counts_only_the_month_shown(
    sqlite_engine: Engine, office: Office_, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+J then PgUp typed together: the count of the month paged away from never starts (a count holds the
    interpreter in bursts and slowed the keys after it); the month shown is counted once."""
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    counted: list[str] = []
    count_now = app.gateway.report.monthly

    def counting(actor: object, month: object, **kwargs: object) -> object:
        counted.append(str(month.code))  # type: ignore[attr-defined]
        return count_now(actor, month, **kwargs)  # type: ignore[arg-type]

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app.gateway.report, "monthly", counting)
        await type_ahead(pilot, "ctrl+j", "pageup")
        await settle(pilot)
        assert counted == ["2025-05"]
        assert "2025年5月" in shown(app, "dash-title") and value_of(app, "新设") == "2"
