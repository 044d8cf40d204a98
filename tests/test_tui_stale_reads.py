"""A slower earlier read never overwrites the newer one a key asked for (screens/latest_read.py).

Each test holds a screen's read back once it has started (tests/stale_reads.py), types the key that asks for a
newer one, lets the held one finish after the newer one is shown, and checks the newer one is still shown. Thread
workers cannot be stopped, so without the numbering the held read's answer lands last and is shown.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import Engine
from sqlmodel import Session
from stale_reads import HeldRead
from test_tui_support import Office_, build_app, build_office, settle, type_ahead
from textual.widgets import DataTable, Static

from screens.classify_screen import ClassifyScreen
from screens.pools_screen import PoolsScreen
from screens.staff_screen import StaffScreen


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def shown(app: Any, static_id: str) -> str:
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(app.screen.query_one(f"#{static_id}", Static).content)
    return console.export_text()


def first_column(app: Any, table_id: str) -> list[str]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


async def test_f6_on_the_distribution_is_not_overwritten_by_the_slower_read_by_grid(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        by_grid = HeldRead(app.gateway.classification, "distribution", lambda *_a, **kw: kw.get("by") == "grid")
        await type_ahead(pilot, "ctrl+f")  # 重新分型: the distribution by grid, held back once under way
        await by_grid.wait_until_started(pilot)
        assert isinstance(app.screen, ClassifyScreen)
        await type_ahead(pilot, "f6")  # by officer, read at once
        await by_grid.release_after(pilot, lambda: "按包联干部" in shown(app, "classify-distribution-title"))
        assert "按包联干部" in shown(app, "classify-distribution-title")


async def test_f6_typed_while_the_first_pool_is_read_waits_for_it_then_shows_the_next(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from distinction_support import ZHANG, actor_of

    from workbench.services.pools import enter_pool

    with Session(sqlite_engine) as session:
        enter_pool(session=session, actor=actor_of(office), business_uuid=office.business_uuids[ZHANG],
                   pool="conversion", entered_on=date(2025, 3, 1), reason="从业人员6人")  # fmt: skip
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        conversion = HeldRead(app.gateway.programmes, "pool_members", lambda *_a, **kw: kw["pool"] == "conversion")
        await type_ahead(pilot, "ctrl+g")  # 个转企培育库 (张记 in it), held back once under way
        await conversion.wait_until_started(pilot)
        assert isinstance(app.screen, PoolsScreen)
        await type_ahead(pilot, "f6")  # 名特优新培育库 (empty): the key waits for the rows being read
        await pilot.pause(0.2)
        assert "名特优新培育库" not in shown(app, "pool-status")
        conversion.may_finish.set()
        await settle(pilot)
        assert "名特优新培育库：在库 0 户" in shown(app, "pool-status")
        assert first_column(app, "pool-table") == ["（库中没有符合条件的主体）"]


async def test_f6_to_the_next_grid_is_not_overwritten_by_the_slower_route_of_all(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from storage.audit import Actor
    from workbench.services.visits import record_visit

    with Session(sqlite_engine) as session:  # two doors for 李强 today, both in 城西片区
        actor = Actor("李强", "测试终端", office.office_id, office.officer_ids["李强"])
        for name in ("温州市瓯江贸易有限公司", "温州绿野果蔬专业合作社"):
            record_visit(session, actor=actor, business_uuid=office.business_uuids[name], data={
                "visited_on": "2025-05-20", "finding": "正常经营", "follow_ups": [{"action": "复查台账", "due_on": "2025-06-01"}],
            })  # fmt: skip
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="李强")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        every_grid = HeldRead(app.gateway.service, "route", lambda *_a, **kw: kw["grid_id"] is None)
        await type_ahead(pilot, "f6")  # 今日走访路线, every grid: held back once under way
        await every_grid.wait_until_started(pilot)
        await type_ahead(pilot, "f6")  # 城东片区: no door today
        await every_grid.release_after(pilot, lambda: "网格：城东片区" in shown(app, "route-title"))
        assert "网格：城东片区" in shown(app, "route-title") and "共 0 户" in shown(app, "route-title")
        assert first_column(app, "route-table") == ["（今天没有要上门的）"]


async def test_f6_to_review_only_is_not_overwritten_by_the_slower_read_of_all_distinctions(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from distinction_support import ZHANG, actor_of

    from workbench.domain.candidates import CandidateRules
    from workbench.services.distinctions import apply_distinction

    with Session(sqlite_engine) as session:  # one application, not flagged for 复核
        apply_distinction(session=session, actor=actor_of(office), business_uuid=office.business_uuids[ZHANG],
                          category="distinctive", level="county", source="self_applied", applied_on=date(2025, 5, 1),
                          rules=CandidateRules())  # fmt: skip
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        every_one = HeldRead(app.gateway.programmes, "distinctions", lambda *_a, **kw: not kw["review_only"])
        await type_ahead(pilot, "ctrl+b")  # 名特优新 · 全所: held back once under way
        await every_one.wait_until_started(pilot)
        await type_ahead(pilot, "f6")  # 只看待复核: none
        await every_one.release_after(pilot, lambda: "没有待复核的记录" in shown(app, "distinction-detail"))
        assert "没有待复核的记录" in shown(app, "distinction-detail")
        assert first_column(app, "distinction-table") == []


async def test_f9_on_the_appeals_is_not_overwritten_by_the_slower_read_of_the_open_ones(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from distinction_support import ZHANG, actor_of

    from workbench.services import appeals

    actor = actor_of(office)
    with Session(sqlite_engine) as session:  # one appeal, already 办结: not among the open ones
        appeal = appeals.open_appeal(session, actor=actor, today=date(2025, 5, 20), data={
            "business_uuid": office.business_uuids[ZHANG], "channel": "电话", "category": "政策咨询",
            "description": "想了解个体户社保补贴", "received_on": "2025-05-20",
        })  # fmt: skip
        assert isinstance(appeal, appeals.Appeal)
        appeal = appeals.assign_appeal(session, actor=actor, appeal_uuid=appeal.uuid, base_version=appeal.version,
                                       officer_id=office.officer_ids["王芳"])  # fmt: skip
        appeal = appeals.reply_appeal(session, actor=actor, appeal_uuid=appeal.uuid, base_version=appeal.version,
                                      reply="已答复")  # fmt: skip
        appeals.close_appeal(session, actor=actor, appeal_uuid=appeal.uuid, base_version=appeal.version)
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        open_ones = HeldRead(app.gateway.service, "appeals", lambda _actor, filters, **_kw: filters.open_only)
        await type_ahead(pilot, "f8")  # 诉求一览, the open ones: held back once under way
        await open_ones.wait_until_started(pilot)
        await type_ahead(pilot, "f9")  # the closed ones too
        await open_ones.release_after(pilot, lambda: "全部" in shown(app, "appeals-title"))
        assert "全部 1 件" in shown(app, "appeals-title")
        assert first_column(app, "appeal-table")[0] != ""  # the closed appeal's line, not 「没有诉求」


async def test_a_date_typed_in_the_support_list_is_not_overwritten_by_the_slower_read_without_it(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from distinction_support import actor_of

    from workbench.services.support import record_support

    with Session(sqlite_engine) as session:  # two records before 2025-05-25, one after
        for name, given_on in (("鹿城区张记小吃店", "2025-05-20"), ("鹿城区李家便利店", "2025-05-20"),
                               ("温州市瓯江贸易有限公司", "2025-05-28")):  # fmt: skip
            record_support(session, actor=actor_of(office), business_uuid=office.business_uuids[name], data={
                "kind": "法律服务", "given_on": given_on, "content": "测试", "officer_id": office.officer_ids["王芳"],
            })  # fmt: skip
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        every_date = HeldRead(app.gateway.service, "support_lines", lambda _actor, filters, **_kw: filters.given_from is None)
        await type_ahead(pilot, "f7")  # 帮扶台账, every date: held back once under way
        await every_date.wait_until_started(pilot)
        await type_ahead(pilot, *["shift+tab"] * 4, *"2025-05-25")  # 起始日期, typed as a person types it
        await every_date.release_after(pilot, lambda: "日期 2025-05-25 至 不限" in shown(app, "support-status"))
        assert "日期 2025-05-25 至 不限：共 1 条" in shown(app, "support-status")
        table = app.screen.query_one("#support-table", DataTable)
        assert [str(table.get_row_at(index)[2]).strip() for index in range(table.row_count)] == ["温州市瓯江贸易有限公司"]


async def test_a_grid_chosen_on_the_candidates_is_not_overwritten_by_the_slower_computation_for_all(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from distinction_support import ZHANG, set_figures

    with Session(sqlite_engine) as session:  # 张记 (城东片区) a 个转企 candidate
        set_figures(session, office, ZHANG, year=2025, revenue=560_000, employees=6, industry="6210")
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        every_grid = HeldRead(app.gateway.programmes, "candidates", lambda *_a, **kw: kw["grid_id"] is None)
        await type_ahead(pilot, "ctrl+y")  # 候选名单, every grid: held back once under way
        await every_grid.wait_until_started(pilot)
        await type_ahead(pilot, "shift+tab", "shift+tab", "enter", "down", "down", "enter")  # 网格: 城西片区
        await every_grid.release_after(pilot, lambda: "0 户" in shown(app, "candidate-status"))
        assert "个转企候选 0 户" in shown(app, "candidate-status")
        assert first_column(app, "candidate-table") == ["（没有符合条件的候选主体）"]


async def test_f5_on_the_dashboard_is_not_overwritten_by_the_slower_count_before_a_new_business(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    """Another desk registers a business while the month is being counted; F5 counts again, and the count begun
    before it, finishing last, is not shown over it."""
    from distinction_support import actor_of
    from test_tui_support import uscc

    from workbench.services.register import create_business

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first_count = HeldRead(app.gateway.report, "monthly", after_reading=True)
        await type_ahead(pilot, "ctrl+j")  # 统计看板, June: counted, then held back
        await first_count.wait_until_started(pilot)
        with Session(sqlite_engine) as session:
            create_business(session=session, actor=actor_of(office), data={
                "name": "鹿城区六月新开小吃店", "uscc": uscc(60), "kind": "individual", "operator": "周六",
                "address": "五马街 2 号", "registered_on": "2025-06-01", "grid_id": office.grid_ids["城东片区"],
                "officer_id": office.officer_ids["王芳"],
            })  # fmt: skip
            session.commit()
        await type_ahead(pilot, "f5")  # counts again: 新设 1
        await first_count.release_after(pilot, lambda: new_businesses(app) == "1")
        assert new_businesses(app) == "1"


def new_businesses(app: Any) -> str | None:
    """The 新设 line of the 统计看板's table (None until the month is counted)."""
    table = app.screen.query_one("#dash-table", DataTable)
    rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
    return next((row[1].strip() for row in rows if row[0].strip() == "新设"), None)


async def test_f5_on_the_list_is_not_overwritten_by_the_slower_count_before_a_new_business(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """More than a page matches, so the list counts apart; the count begun before another desk's save and F5,
    finishing last, is not shown over the count after it."""
    from distinction_support import actor_of
    from test_tui_support import uscc

    from workbench.services.register import create_business

    office = build_office(sqlite_engine, extra_businesses=100)  # 105: more than one page of 100
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    first_count = HeldRead(app.gateway.register, "count", after_reading=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await first_count.wait_until_started(pilot)  # the list, under the to-do from the start, counted: held back
        await type_ahead(pilot, "escape")  # the to-do closes on the list
        with Session(sqlite_engine) as session:
            create_business(session=session, actor=actor_of(office), data={
                "name": "鹿城区六月新开小吃店", "uscc": uscc(200), "kind": "individual", "operator": "周六",
                "address": "五马街 2 号", "registered_on": "2025-06-01", "grid_id": office.grid_ids["城东片区"],
                "officer_id": office.officer_ids["王芳"],
            })  # fmt: skip
            session.commit()
        await type_ahead(pilot, "f5")  # 刷新: the page and the count again
        await first_count.release_after(pilot, lambda: "共 106 条" in shown(app, "status-line"))
        assert "共 106 条" in shown(app, "status-line")


async def test_an_officer_added_while_the_staff_are_read_waits_for_the_read_and_is_offered_the_grids(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    """干部与网格 counts every officer's businesses (seconds at a million). A (新增干部) typed before that first
    read is in waits for it: the dialog then offers the grids (it offered none, read from the empty screen), and
    the officer saved shows in the read after the save."""
    from textual.widgets import Select

    from screens.staff_dialogs import OfficerDialog

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first_read = HeldRead(app.gateway.staff, "overview")
        await type_ahead(pilot, "ctrl+k")  # 干部与网格: its read held back
        await first_read.wait_until_started(pilot)
        await type_ahead(pilot, "a", *"陈晓")
        await pilot.pause(0.2)
        assert isinstance(app.screen, StaffScreen)  # the keys wait for the rows
        first_read.may_finish.set()
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OfficerDialog)
        grids = dialog.query_one("#field-grid_id", Select)
        assert len(grids._options) > 1  # 网格 to choose from (and 未填)
        await type_ahead(pilot, "tab", *"13812345678", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        assert "陈晓" in [name.strip() for name in first_column(app, "staff-officers")]


async def test_a_support_saved_while_the_timeline_is_read_is_not_hidden_by_that_read(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    """The 时间线 tab reads when the detail opens and again after every save: the read begun before a 帮扶 was
    saved, answering last, does not hide it."""
    from screens.business_detail import BusinessDetailScreen

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    first_read = HeldRead(app.gateway.service, "timeline", after_reading=True)

    def timeline_counts() -> str:
        detail = next((screen for screen in app.screen_stack if isinstance(screen, BusinessDetailScreen)), None)
        return "" if detail is None else str(detail.query_one("#timeline-filter", Static).content)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"张记")
        await settle(pilot)
        await type_ahead(pilot, "enter")  # the detail: its timeline read, then held back
        await first_read.wait_until_started(pilot)
        # 帮扶: 法律服务 (fourth type), content, save.
        await type_ahead(pilot, "b", "enter", "down", "down", "down", "enter", *["tab"] * 6, *"合同纠纷法律咨询", "ctrl+s")
        await first_read.release_after(pilot, lambda: "帮扶 1" in timeline_counts())
        assert "帮扶 1" in timeline_counts()


async def test_b_typed_before_the_business_is_read_opens_its_support_form(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    """Enter on the list, then B (新增帮扶) at once, while the detail still reads the business: B waits for it and
    opens the form for that business (it said 新增帮扶要先选定一户 and the keys after it landed on the tabs)."""
    from screens.business_detail import BusinessDetailScreen
    from screens.service_dialog import ServiceDialog

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"张记")
        await settle(pilot)
        detail_read = HeldRead(app.gateway.register, "detail")
        await type_ahead(pilot, "enter")
        await detail_read.wait_until_started(pilot)
        await type_ahead(pilot, "b")
        await pilot.pause(0.2)
        assert isinstance(app.screen, BusinessDetailScreen)  # B waits for the business
        detail_read.may_finish.set()
        await settle(pilot)
        assert isinstance(app.screen, ServiceDialog), app.screen
        assert not [n for n in app._notifications if "要先选定一户" in str(n.message)]
