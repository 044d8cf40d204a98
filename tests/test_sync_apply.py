"""Issue 19: the rules of applying one return package at the office, and its refusals (both engines)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from service_world import World, make_world
from sqlalchemy import Engine
from sqlmodel import Session, select
from sync_laptops import Laptop, business_values, rows_of, snapshot
from test_sync_scenario import table_dump

from storage.audit import Actor
from storage.tables import Business
from workbench.domain.sync_json import package_from_json, package_to_json
from workbench.domain.sync_model import ReturnPackage, RowChange
from workbench.services.register import update_business
from workbench.services.sync_apply import apply_package
from workbench.services.sync_plan import PackageRefused, plan_package
from workbench.services.sync_review import decide_merge, open_items, resolve_field


@pytest.fixture
def world(engine: Engine) -> World:
    with Session(engine) as session:
        return make_world(session)


@pytest.fixture
def office(world: World) -> Actor:
    return Actor(who="李主任", device="所里终端", office_id=world.actor.office_id)


@pytest.fixture
def laptop(engine: Engine, world: World) -> Laptop:
    return Laptop(snapshot(engine, world.actor.office_id), "张伟", "笔记本A")


def apply(engine: Engine, actor: Actor, package: ReturnPackage) -> Any:
    with Session(engine) as session:
        result = apply_package(session, actor, package)
        session.commit()
    return result


def refusal(engine: Engine, actor: Actor, package: ReturnPackage) -> str:
    before = table_dump(engine)
    with Session(engine) as session, pytest.raises(PackageRefused) as refused:
        apply_package(session, actor, package)
    assert table_dump(engine) == before
    return refused.value.message


def test_a_package_of_another_office_is_refused(engine: Engine, office: Actor, laptop: Laptop, world: World) -> None:
    laptop.edit(world.noodle_uuid, tags="x")
    message = refusal(engine, office, laptop.package(office_code="W2"))
    assert message == "这个回传包属于其他所（所代码 W2），本所代码是 W1，不能导入"
    # two 所 of one district made with the same code: the field package's office uuid tells them apart
    message = refusal(engine, office, laptop.package(office_uuid="5f0c2a9e-0000-4000-8000-000000000002"))
    assert message == "这个回传包来自另一个所的外业包（所代码同为 W1），不能在本所导入；请确认它来自本所干部的笔记本"
    assert apply(engine, office, laptop.package(office_uuid="")).counts == {"apply": 1}  # a package of before


def test_a_package_of_a_newer_schema_is_refused(engine: Engine, office: Actor, laptop: Laptop, world: World) -> None:
    laptop.edit(world.noodle_uuid, tags="x")
    message = refusal(engine, office, laptop.package(schema_version="9999"))
    assert "更新版本的工作台" in message and "9999" in message and "请先升级" in message


def test_a_manifest_that_does_not_match_its_rows_is_refused(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    laptop.edit(world.noodle_uuid, tags="x")
    laptop.edit(world.tea_uuid, tags="y")
    message = refusal(engine, office, laptop.package(row_count=3))
    assert message == "回传包清单记有 3 条，实际读到 2 条，文件可能不完整或被改动过，请重新导出回传包"
    assert "外业包" in refusal(engine, office, laptop.package(kind="field"))


def test_a_bad_value_names_the_row_field_and_value_and_nothing_is_written(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    laptop.edit(world.noodle_uuid, tags="好")
    laptop.new_row("visit", {"visited_on": "2026-12-05", "finding": "正常经营"}, world.noodle_uuid)
    laptop.edit(world.tea_uuid, phone="12345")
    laptop.new_row("visit", {"visited_on": "十二月五日", "finding": "正常经营"}, world.tea_uuid)
    message = refusal(engine, office, laptop.package())
    assert message.startswith("回传包有 2 处数据有误，整包未导入：")
    assert "回传包 第4行「联系电话」的值「12345」有误：" in message
    assert "回传包 第5行「走访日期」的值「十二月五日」有误：日期或时间无法识别" in message


def test_a_new_row_must_have_what_its_table_requires(engine: Engine, office: Actor, laptop: Laptop, world: World) -> None:
    laptop.new_row("visit", {"notes": "忘了日期"}, world.noodle_uuid)
    message = refusal(engine, office, laptop.package())
    assert "回传包 第2行：新增的走访记录缺少「走访日期」" in message and "缺少「走访结果」" in message


def test_a_reference_to_a_row_the_office_lacks_is_refused(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    laptop.new_row("visit", {"visited_on": "2026-12-05", "finding": "正常经营"}, "0000-not-here")
    assert "「所属市场主体」指向的记录（0000-not-here）不在本所" in refusal(engine, office, laptop.package())
    other = Laptop(snapshot(engine, world.actor.office_id), "张伟", "笔记本A")
    other.new_row("visit", {"visited_on": "2026-12-05", "finding": "正常经营"}, world.other_uuid)
    assert "不在本所" in refusal(engine, office, other.package())


def test_identical_content_changes_nothing_and_a_round_trip_is_empty(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    version, values = laptop.held[world.noodle_uuid]
    laptop.edit(world.noodle_uuid, **values)
    before = business_values(engine, world.noodle_uuid)
    result = apply(engine, office, laptop.package())
    assert result.counts == {"same": 1}
    assert business_values(engine, world.noodle_uuid) == before


def test_a_tombstone_sets_deleted_at_and_a_stale_one_waits_for_a_person(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    laptop.delete("business", world.shop_uuid, laptop.held[world.shop_uuid][0])
    stale = Laptop(laptop.held, "单丽", "笔记本B")
    stale.delete("business", world.tea_uuid, laptop.held[world.tea_uuid][0])
    with Session(engine) as session:
        update_business(session=session, actor=office, business_uuid=world.tea_uuid,
                        base_version=laptop.held[world.tea_uuid][0], changes={"tags": "所里改过"})
        session.commit()
    assert apply(engine, office, laptop.package()).counts == {"delete": 1}
    shop = business_values(engine, world.shop_uuid)
    assert shop["deleted_at"] is not None and shop["version"] == 2 and shop["name"] == "西片便利店"
    assert apply(engine, office, stale.package()).counts == {"conflict": 1}
    assert business_values(engine, world.tea_uuid)["deleted_at"] is None
    with Session(engine) as session:
        [item] = open_items(session, office)
    assert (item.what, item.office, item.laptop) == ("删除", "保留", "删除")


def test_the_dry_run_lists_each_row_and_writes_nothing(
    engine: Engine, office: Actor, laptop: Laptop, world: World, wenzhou_clock: None
) -> None:
    """The package was made at 18:00 UTC: 02:00 the next day in Wenzhou, as the summary says."""
    laptop.edit(world.noodle_uuid, tags="夜宵")
    laptop.new_row("visit", {"visited_on": "2026-12-05", "finding": "正常经营"}, world.noodle_uuid)
    before = table_dump(engine)
    with Session(engine) as session:
        plan = plan_package(session, office, laptop.package())
        session.rollback()
    assert [(row.where, row.outcome) for row in plan.rows] == [("回传包 第2行", "apply"), ("回传包 第3行", "insert")]
    assert plan.summary() == "张伟（笔记本A，2026-12-07 02:00）的回传包共 2 条：新增 1 条，直接更新 1 条"
    assert table_dump(engine) == before


def test_the_same_business_twice_in_one_package_is_offered_not_made_twice(
    engine: Engine, office: Actor, laptop: Laptop
) -> None:
    same = {"name": "河边烧烤", "operator": "林一", "address": "温州市鹿城区江滨路 1 号"}
    first = laptop.new_row("business", same)
    second = laptop.new_row("business", same | {"address": "温州市鹿城区江滨路1号", "phone": "13611112222"})
    assert apply(engine, office, laptop.package()).counts == {"insert": 1, "offer": 1}
    assert [row["uuid"] for row in rows_of(engine, "SELECT uuid FROM business WHERE name = '河边烧烤'")] == [first]
    with Session(engine) as session:
        [offer] = open_items(session, office)
        decide_merge(session, office, offer.id, "separate")
        session.commit()
    rows = rows_of(engine, "SELECT uuid, address FROM business WHERE name = '河边烧烤' ORDER BY id")
    assert [row["uuid"] for row in rows] == [first, second]


def test_a_business_registered_separately_keeps_its_officer_and_grid(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    [officer] = rows_of(engine, f"SELECT uuid FROM officer WHERE id = {world.second_officer_id}")
    [grid] = rows_of(engine, f"SELECT uuid FROM grid WHERE id = {world.second_grid_id}")
    same = {"name": "河边烧烤", "operator": "林一", "address": "温州市鹿城区江滨路 1 号"}
    laptop.new_row("business", same)
    second = laptop.new_row("business", same | {"officer_id": officer["uuid"], "grid_id": grid["uuid"]})
    assert apply(engine, office, laptop.package()).counts == {"insert": 1, "offer": 1}
    with Session(engine) as session:
        [offer] = open_items(session, office)
        decide_merge(session, office, offer.id, "separate")
        session.commit()
    [row] = rows_of(engine, f"SELECT officer_id, grid_id FROM business WHERE uuid = '{second}'")
    assert (row["officer_id"], row["grid_id"]) == (world.second_officer_id, world.second_grid_id)


def test_a_package_survives_json(laptop: Laptop, world: World) -> None:
    laptop.edit(world.noodle_uuid, tags="夜宵", employees=3, suspended=True)
    laptop.new_row("visit", {"visited_on": "2026-12-05", "finding": "正常经营", "notes": "引号\"与换行\n"}, world.tea_uuid)
    package = laptop.package()
    assert package_from_json(package_to_json(package)) == package
    with pytest.raises(ValueError, match="回传包数据无法读取"):
        package_from_json('{"manifest": {}}')


def test_figures_for_a_year_the_office_holds_are_compared_not_inserted_twice(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    laptop.new_row("year_figures", {"year": 2025, "revenue": 1_000_000}, world.noodle_uuid)
    assert apply(engine, office, laptop.package()).counts == {"insert": 1}
    again = Laptop(laptop.held, "单丽", "笔记本B")
    again.new_row("year_figures", {"year": 2025, "revenue": 1_200_000}, world.noodle_uuid)
    assert apply(engine, office, again.package()).counts == {"conflict": 1}
    assert rows_of(engine, "SELECT revenue FROM year_figures") == [{"revenue": 1_000_000}]


def test_a_change_to_another_offices_row_is_refused(engine: Engine, office: Actor, laptop: Laptop, world: World) -> None:
    change = RowChange("business", world.other_uuid, 1, {"tags": "x"}, {"tags": ""}, source="回传包 第2行")
    package = laptop.package()
    package = dataclasses.replace(
        package, manifest=dataclasses.replace(package.manifest, row_count=1), changes=(change,)
    )
    assert "回传包 第2行：这条记录属于其他所" in refusal(engine, office, package)


def test_a_save_made_between_the_plan_and_the_write_stops_the_whole_package(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    from sqlalchemy import text

    from workbench.services.sync_writer import PackageWriter

    for business in (world.noodle_uuid, world.tea_uuid, world.shop_uuid):
        laptop.edit(business, tags="夜宵")
    with Session(engine) as session:
        plan = plan_package(session, office, laptop.package())
        session.execute(text("UPDATE business SET version = version + 1 WHERE uuid = :u"), {"u": world.tea_uuid})
        with pytest.raises(PackageRefused) as refused:
            PackageWriter(session, office, plan).write()
        session.rollback()
    where = next(row.where for row in plan.rows if row.change.uuid == world.tea_uuid)
    assert refused.value.message == f"{where}在导入过程中被他人修改了，整包未导入，请重新导入回传包"
    assert [row["tags"] for row in rows_of(engine, "SELECT tags FROM business ORDER BY id")] == ["", "", "", ""]


def test_package_times_are_said_in_local_time(wenzhou_clock: None) -> None:
    from workbench.services.sync_plan import local_minute

    assert local_minute("2026-12-06T18:00:00") == "2026-12-07 02:00"  # naive: UTC, as packages carry it
    assert local_minute("2026-12-06T18:00:00+00:00") == "2026-12-07 02:00"  # PostgreSQL's aware applied_at
    assert local_minute("2026-12-06T18:00:00+08:00") == "2026-12-06 18:00"
    assert local_minute("2026年12月6日") == "2026年12月6日"  # not a time this version writes: shown as it came


def test_a_licence_the_office_already_holds_is_compared_not_inserted_twice(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    """An officer renews a licence at the door while the office imports the same new licence from the county's
    licence list: one licence (same business, kind, number, renewing the same one), not two valid copies. A
    延续 that keeps the number is still a new licence."""
    old = laptop.new_row("license", {"kind": "食品经营许可证", "number": "JY1", "expires_on": "2026-12-25"},
                         world.noodle_uuid)
    assert apply(engine, office, laptop.package()).counts == {"insert": 1}
    renewal = {"kind": "食品经营许可证", "number": "JY2", "issued_on": "2026-12-08", "expires_on": "2031-12-07",
               "renews_uuid": old}
    at_office = Laptop(laptop.held, "李主任", "所里终端")
    at_office.new_row("license", renewal, world.noodle_uuid)
    assert apply(engine, office, at_office.package()).counts == {"insert": 1}

    at_door = Laptop(laptop.held, "张伟", "笔记本A")
    at_door.new_row("license", renewal, world.noodle_uuid)
    assert apply(engine, office, at_door.package()).counts == {"same": 1}
    other_dates = Laptop(laptop.held, "张伟", "笔记本A")
    other_dates.new_row("license", renewal | {"expires_on": "2031-12-08"}, world.noodle_uuid)
    assert apply(engine, office, other_dates.package()).counts == {"conflict": 1}
    assert rows_of(engine, "SELECT count(*) AS n FROM license WHERE number = 'JY2'") == [{"n": 1}]

    kept_number = Laptop(laptop.held, "张伟", "笔记本A")
    kept_number.new_row("license", renewal | {"number": "JY1"}, world.noodle_uuid)
    assert apply(engine, office, kept_number.package()).counts == {"insert": 1}


def test_a_later_package_raising_the_same_question_replaces_the_open_one(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    """An officer sends a return package every week; the office has not decided last week's conflict nor its
    疑似同一户 yet, and the laptop sends the unsent change again: one item each to decide (the newest), not two
    that could be decided two ways."""
    laptop.edit(world.noodle_uuid, phone="13911112222")
    same = {"name": "河边烧烤", "operator": "林一", "address": "温州市鹿城区江滨路1号"}
    at_office = Laptop(laptop.held, "李主任", "所里终端")
    at_office.new_row("business", same)
    assert apply(engine, office, at_office.package()).counts == {"insert": 1}
    laptop.new_row("business", same | {"phone": "13611112222"})
    with Session(engine) as session:
        update_business(session=session, actor=office, business_uuid=world.noodle_uuid,
                        base_version=laptop.held[world.noodle_uuid][0], changes={"phone": "13800009999"})
        session.commit()
    assert apply(engine, office, laptop.package()).counts == {"conflict": 1, "offer": 1}
    laptop.edit(world.noodle_uuid, phone="13933334444")  # typed again at the door the next week
    assert apply(engine, office, laptop.package()).counts == {"conflict": 1, "offer": 1}
    with Session(engine) as session:
        items = open_items(session, office)
    assert [(item.kind, item.what, item.laptop) for item in items] == [
        ("field", "联系电话", "13933334444"), ("merge", "疑似同一户", "外业新增：河边烧烤、林一、温州市鹿城区江滨路1号")]
    replaced = rows_of(engine, "SELECT kind, decision FROM sync_conflict WHERE status = 'resolved' ORDER BY id")
    assert replaced == [{"kind": "field", "decision": "superseded"}, {"kind": "merge", "decision": "superseded"}]


def test_a_new_business_the_office_merged_is_not_offered_again_each_week(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    """The office merged the officer's street find into the business the county's list registered; the laptop
    keeps its copy (the merged business is another officer's) and sends it every week: the same values are
    nothing to decide again, a value typed at the door since is asked about."""
    same = {"name": "河边烧烤", "operator": "林一", "address": "温州市鹿城区江滨路1号"}
    at_office = Laptop(laptop.held, "李主任", "所里终端")
    at_office.new_row("business", same)
    apply(engine, office, at_office.package())
    laptop.new_row("business", same | {"phone": "13611112222"})
    assert apply(engine, office, laptop.package()).counts == {"offer": 1}
    with Session(engine) as session:
        [offer] = open_items(session, office)
        decide_merge(session, office, offer.id, "merge")
        session.commit()

    assert apply(engine, office, laptop.package()).counts == {"same": 1}
    with Session(engine) as session:
        assert open_items(session, office) == []
    [(found, _before)] = [(uuid, values) for (table, uuid), values in
                          ((key, change.values) for key, change in laptop.changes.items()) if table == "business"]
    laptop.changes[("business", found)] = dataclasses.replace(
        laptop.changes[("business", found)], values=same | {"phone": "13633334444"})
    assert apply(engine, office, laptop.package()).counts == {"offer": 1}
    assert rows_of(engine, "SELECT phone FROM business WHERE name = '河边烧烤'") == [{"phone": "13611112222"}]
    with Session(engine) as session:
        merged = session.exec(select(Business).where(Business.name == "河边烧烤")).one()
        update_business(session=session, actor=office, business_uuid=merged.uuid, base_version=merged.version,
                        changes={"name": "江滨烧烤"})  # renamed at the office: still the same business
        session.commit()
    assert apply(engine, office, laptop.package()).counts == {"offer": 1}
    assert rows_of(engine, "SELECT count(*) AS n FROM business WHERE name LIKE '%烧烤'") == [{"n": 1}]


def test_a_conflict_the_office_decided_is_not_asked_again_each_week(
    engine: Engine, office: Actor, laptop: Laptop, world: World
) -> None:
    """The office kept its phone number against the laptop's; the laptop still holds its own (unsent, so it goes
    back every week): the same two values are decided already. A new value on either side is asked about."""
    laptop.edit(world.noodle_uuid, phone="13911112222")
    with Session(engine) as session:
        update_business(session=session, actor=office, business_uuid=world.noodle_uuid,
                        base_version=laptop.held[world.noodle_uuid][0], changes={"phone": "13800009999"})
        session.commit()
    assert apply(engine, office, laptop.package()).counts == {"conflict": 1}
    with Session(engine) as session:
        [item] = open_items(session, office)
        resolve_field(session, office, item.id, "office")
        session.commit()

    assert apply(engine, office, laptop.package()).counts == {"same": 1}
    laptop.edit(world.noodle_uuid, employees=7)  # a new change beside the decided one: written, not asked
    assert apply(engine, office, laptop.package()).counts == {"merge": 1}
    assert (business_values(engine, world.noodle_uuid)["phone"], business_values(engine, world.noodle_uuid)["employees"]) \
        == ("13800009999", 7)
    laptop.edit(world.noodle_uuid, phone="13955556666")
    assert apply(engine, office, laptop.package()).counts == {"conflict": 1}
    with Session(engine) as session:
        assert [(item.what, item.laptop) for item in open_items(session, office)] == [("联系电话", "13955556666")]
