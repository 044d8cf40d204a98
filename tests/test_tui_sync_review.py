"""Issue 19: conflicts and merge offers a return package left, decided with keys only (typed without pauses),
with the 待处理冲突 mark in the to-do, the list and the detail until then; and the screen at 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from snapshot_world import frozen_clock, keys  # noqa: F401  (frozen_clock: a fixture)
from sqlalchemy import Engine
from sqlmodel import Session
from sync_laptops import Laptop, business_values, rows_of, snapshot
from test_tui_support import Office_, build_app, build_office, settle, to_list
from textual.widgets import DataTable, Static

import workbench.services.sync_review  # noqa: F401  (loaded before frozen_clock patches utc_now)
import workbench.services.sync_writer  # noqa: F401
from screens.business_detail import BusinessDetailScreen
from screens.sync_review import SyncReviewScreen
from storage.audit import Actor
from workbench.services.register import update_business
from workbench.services.sync_apply import apply_package

ZHANG = "鹿城区张记小吃店"
OUJIANG = "温州市瓯江贸易有限公司"
LI = "鹿城区李家便利店"


def leave_decisions(engine: Engine, office: Office_) -> None:
    """At the office 陈静 changes 张记's phone and tags and 瓯江's tags after the field package went out; 王芳's
    laptop changed the same fields to other values, and registered 李家便利店 again with its credit code."""
    uuids = office.business_uuids
    held = snapshot(engine, office.office_id)
    clerk = Actor("陈静", "所里终端", office.office_id)
    with Session(engine) as session:
        update_business(session=session, actor=clerk, business_uuid=uuids[ZHANG], base_version=held[uuids[ZHANG]][0],
                        changes={"phone": "13811112222", "tags": "重点"})
        update_business(session=session, actor=clerk, business_uuid=uuids[OUJIANG],
                        base_version=held[uuids[OUJIANG]][0], changes={"tags": "规上"})
        session.commit()
    laptop = Laptop(held, "王芳", "王芳的笔记本", office_code="330302001")
    laptop.edit(uuids[ZHANG], phone="13833334444", tags="夜宵")
    laptop.edit(uuids[OUJIANG], tags="外贸")
    li = held[uuids[LI]][1]
    laptop.new_row("business", {"name": LI, "uscc": li["uscc"], "operator": li["operator"], "address": "人民路5号",
                                "employees": 3})
    with Session(engine) as session:
        apply_package(session, Actor("陈静", "所里终端", office.office_id), laptop.package())
        session.commit()


def _cells(app: Any, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)
    return [[str(cell).strip() for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_conflicts_are_decided_with_keys_and_the_marks_go(sqlite_engine: Engine, tmp_path: Path) -> None:
    office = build_office(sqlite_engine)
    leave_decisions(sqlite_engine, office)
    uuids = office.business_uuids
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        todo = [" ".join(row) for row in _cells(app, "#todo-table")]
        assert any("待处理冲突" in row and ZHANG in row and "2 项" in row for row in todo)
        assert any("待处理冲突" in row and LI in row for row in todo)
        await to_list(pilot)
        names = [row[0] for row in _cells(app, "#results")]
        assert any(name.startswith(f"冲突 {ZHANG}") for name in names)  # 80 columns: the short word
        assert sum(name.startswith("冲突 ") for name in names) == 3
        await pilot.press("ctrl+r")  # from the list: not this screen's key, so nothing opens
        await settle(pilot)
        assert not isinstance(app.screen, SyncReviewScreen)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, SyncReviewScreen)
        rows = _cells(app, "#sync-table")
        assert [row[:2] for row in rows] == [[ZHANG, "联系电话"], [ZHANG, "标签"], ["温州市瓯江贸易..", "标签"], [LI, "疑似同一户"]]
        detail = str(app.screen.query_one("#sync-detail", Static).render())
        assert "本所值：13811112222（陈静" in detail and "外业值：13833334444（王芳 2026-12-06 09:01）" in detail
        assert "起始值：13812345678" in detail
        # A fast typist: take the laptop's phone, keep the office's tags, keep both for 瓯江, merge 李家.
        await pilot.press("l", "o", "b", "m")
        await settle(pilot)
        assert _cells(app, "#sync-table") == []
        assert "没有待处理的回传冲突" in str(app.screen.query_one("#sync-summary", Static).render())
        await pilot.press("escape")
        await settle(pilot)
    zhang = business_values(sqlite_engine, uuids[ZHANG])
    assert (zhang["phone"], zhang["tags"]) == ("13833334444", "重点")
    assert business_values(sqlite_engine, uuids[OUJIANG])["tags"] == "规上"
    assert business_values(sqlite_engine, uuids[LI])["employees"] == 3  # blank at the office: filled by the merge
    assert rows_of(sqlite_engine, "SELECT count(*) AS n FROM business WHERE name = :n", n=LI) == [{"n": 1}]
    decisions = rows_of(sqlite_engine, "SELECT entity_uuid, field, new, who FROM change_log WHERE action = 'resolve' "
                                       "ORDER BY id")
    assert [(row["entity_uuid"], row["field"], row["who"]) for row in decisions] == [
        (uuids[ZHANG], "phone", "王芳"), (uuids[ZHANG], "tags", "王芳"), (uuids[OUJIANG], "tags", "王芳"),
        (rows_of(sqlite_engine, "SELECT entity_uuid FROM sync_conflict WHERE kind = 'merge'")[0]["entity_uuid"], "", "王芳"),
    ]
    assert "本所值「规上」与外业值「外贸」（王芳" in decisions[2]["new"]


async def test_the_detail_shows_the_mark_and_c_opens_that_business_only(sqlite_engine: Engine, tmp_path: Path) -> None:
    office = build_office(sqlite_engine)
    leave_decisions(sqlite_engine, office)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await pilot.press(*"瓯江", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        title = str(app.screen.query_one("#detail-title", Static).render())
        assert "待处理冲突 1 项（按 C 处理）" in title
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, SyncReviewScreen)
        assert [row[:3] for row in _cells(app, "#sync-table")] == [["温州市瓯江贸易..", "标签", "规上"]]
        await pilot.press("m")  # a merge key on a field conflict: said, nothing written
        await settle(pilot)
        assert len(_cells(app, "#sync-table")) == 1
        await pilot.press("l", "escape")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        title = str(app.screen.query_one("#detail-title", Static).render())
        assert "待处理冲突" not in title
    assert business_values(sqlite_engine, office.business_uuids[OUJIANG])["tags"] == "外贸"


@pytest.fixture
def review_app(sqlite_engine: Engine, tmp_path: Path, frozen_clock: None) -> Any:  # noqa: F811
    office = build_office(sqlite_engine)
    leave_decisions(sqlite_engine, office)
    return build_app(sqlite_engine, tmp_path, remember="王芳")


def test_sync_review_80x24(review_app: Any, snap_compare: Any) -> None:
    assert snap_compare(review_app, terminal_size=(80, 24), run_before=keys("ctrl+r"))


async def test_the_three_database_scenario_is_resolved_with_keys(sqlite_engine: Engine, tmp_path: Path) -> None:
    """test_sync_scenario's office after A, B and A again; 单丽 decides its three items with three keys."""
    from datetime import date

    from service_world import make_world
    from test_sync_scenario import CAFE_USCC, two_laptops

    from storage.tables_service import Visit

    with Session(sqlite_engine) as session:
        world = make_world(session)
        shop_id = business_values(sqlite_engine, world.shop_uuid)["id"]
        session.add(Visit(office_id=world.actor.office_id, business_id=shop_id, visited_on=date(2026, 11, 2),
                          finding="正常经营"))
        session.commit()
    office, laptop_a, laptop_b, made = two_laptops(sqlite_engine, world)
    package_a = laptop_a.package()
    for package in (package_a, laptop_b.package(), package_a):
        with Session(sqlite_engine) as session:
            apply_package(session, office, package)
            session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="单丽")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, SyncReviewScreen)
        assert [row[:4] for row in _cells(app, "#sync-table")] == [
            ["老街兰州拉面馆", "联系电话", "13900000009", "13700000007"],
            ["老街兰州拉面馆", "联系电话", "13900000009", "13600000006"],
            ["新开咖啡馆", "疑似同一户", "本所已有「新开..", "外业新增：新开.."],
        ]
        await pilot.press("o", "l", "m")  # keep the office's against A, take B's, merge B's café into A's
        await settle(pilot)
        assert _cells(app, "#sync-table") == []
    noodle = business_values(sqlite_engine, world.noodle_uuid)
    assert (noodle["phone"], noodle["employees"], noodle["tags"]) == ("13600000006", 5, "夜宵")
    cafes = rows_of(sqlite_engine, "SELECT uuid, phone FROM business WHERE uscc = :c", c=CAFE_USCC)
    assert cafes == [{"uuid": made["cafe_a"], "phone": "13512345678"}]
    decided = rows_of(sqlite_engine, "SELECT decision, decided_by FROM sync_conflict ORDER BY id")
    assert decided == [{"decision": "office", "decided_by": "单丽"}, {"decision": "laptop", "decided_by": "单丽"},
                       {"decision": "merge", "decided_by": "单丽"}]
    assert len(rows_of(sqlite_engine, "SELECT id FROM change_log WHERE action = 'resolve' AND who = '单丽'")) == 3
