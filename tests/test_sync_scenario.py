"""Issue 19, the office's side: two laptops' return packages applied at the office (on both engines).

Office, laptop A and laptop B start from the same field package. The office and both laptops then edit
overlapping and separate fields, the laptops record visits and support, and both register the same new
business. The office applies A, then B, then A again. Every expected value below is worked out from the
edits by hand, not read from the code.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from service_world import World, make_world
from sqlalchemy import Engine, text
from sqlmodel import Session
from sync_laptops import Laptop, business_values, rows_of, snapshot

from storage.audit import Actor
from storage.tables_service import Visit
from workbench.domain.sync_model import ReturnPackage
from workbench.services.register import update_business
from workbench.services.sync_apply import ApplyResult, apply_package
from workbench.services.sync_review import decide_merge, open_items, resolve_field

CAFE_USCC = "91330302MA2AKFJD0W"


def apply(engine: Engine, actor: Actor, package: ReturnPackage) -> ApplyResult:
    with Session(engine) as session:
        result = apply_package(session, actor, package)
        session.commit()
    return result


def table_dump(engine: Engine) -> dict[str, list[Any]]:
    tables = ("business", "visit", "support_record", "change_log", "sync_conflict", "sync_package_applied")
    with engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            for table in tables
        }


@pytest.fixture
def world(engine: Engine) -> World:
    with Session(engine) as session:
        made = make_world(session)
        session.add(Visit(office_id=made.actor.office_id, business_id=_id(engine, made.shop_uuid),
                          visited_on=date(2026, 11, 2), finding="正常经营", notes="所里录的走访"))
        session.commit()
    return made


def _id(engine: Engine, business_uuid: str) -> int:
    return int(business_values(engine, business_uuid)["id"])


def two_laptops(engine: Engine, world: World) -> tuple[Actor, Laptop, Laptop, dict[str, Any]]:
    """The office's own edits after both field packages went out, and both laptops' edits (nothing applied)."""
    office = Actor(who="李主任", device="所里终端", office_id=world.actor.office_id)
    held = snapshot(engine, world.actor.office_id)
    office_visit = rows_of(engine, "SELECT uuid, version FROM visit")[0]
    laptop_a = Laptop(held, "张伟", "笔记本A")
    laptop_b = Laptop(held, "单丽", "笔记本B")

    # The office edits after the packages went out: the noodle bar's phone, the tea shop's address.
    with Session(engine) as session:
        for business_uuid, changes in ((world.noodle_uuid, {"phone": "13900000009"}),
                                       (world.tea_uuid, {"address": "温州市鹿城区五马街5号"})):
            version = held[business_uuid][0]
            update_business(session=session, actor=office, business_uuid=business_uuid, base_version=version,
                            changes=changes)
        session.commit()

    laptop_a.edit(world.noodle_uuid, phone="13700000007", employees=5)  # phone: conflict; employees: merged
    laptop_a.edit(world.tea_uuid, operator="李娜")  # another field than the office's: merged
    laptop_a.edit(world.shop_uuid, tags="重点")  # untouched at the office: applied
    a_visit = laptop_a.new_row("visit", {"visited_on": "2026-12-05", "finding": "正常经营", "notes": "A 的走访"},
                               world.noodle_uuid)
    a_support = laptop_a.new_row("support_record", {"kind": "政策宣传", "given_on": "2026-12-05", "content": "讲解政策"},
                                 world.tea_uuid)
    cafe_a = laptop_a.new_row("business", {"name": "新开咖啡馆", "uscc": CAFE_USCC, "kind": "企业",
                                           "operator": "周新", "address": "温州市鹿城区五马街9号",
                                           "officer_id": held[world.noodle_uuid][1]["officer_id"]})
    a_cafe_visit = laptop_a.new_row("visit", {"visited_on": "2026-12-05", "finding": "正常经营"}, cafe_a)

    laptop_b.edit(world.noodle_uuid, phone="13600000006", tags="夜宵")  # phone: conflict; tags: merged
    laptop_b.edit(world.shop_uuid, phone="13800000001")  # the same value as the office's: nothing
    b_visit = laptop_b.new_row("visit", {"visited_on": "2026-12-06", "finding": "未开业"}, world.shop_uuid)
    cafe_b = laptop_b.new_row("business", {"name": "新开咖啡馆", "uscc": CAFE_USCC, "kind": "企业",
                                           "operator": "周新", "address": "温州市鹿城区五马街9号", "phone": "13512345678"})
    b_cafe_visit = laptop_b.new_row("visit", {"visited_on": "2026-12-06", "finding": "正常经营", "notes": "B 的"},
                                    cafe_b)
    laptop_b.delete("visit", office_visit["uuid"], office_visit["version"])

    made = {"office_visit": office_visit, "a_visit": a_visit, "a_support": a_support, "cafe_a": cafe_a,
            "a_cafe_visit": a_cafe_visit, "b_visit": b_visit, "cafe_b": cafe_b, "b_cafe_visit": b_cafe_visit}
    return office, laptop_a, laptop_b, made


def test_two_laptops_then_the_first_again(engine: Engine, world: World) -> None:
    office, laptop_a, laptop_b, made = two_laptops(engine, world)
    office_visit, a_visit, a_support, cafe_a = made["office_visit"], made["a_visit"], made["a_support"], made["cafe_a"]
    a_cafe_visit, b_visit, b_cafe_visit = made["a_cafe_visit"], made["b_visit"], made["b_cafe_visit"]
    package_a = laptop_a.package()
    first = apply(engine, office, package_a)
    assert not first.already_applied
    assert first.counts == {"conflict": 1, "merge": 1, "apply": 1, "insert": 4}
    second = apply(engine, office, laptop_b.package())
    assert second.counts == {"conflict": 1, "same": 1, "offer": 1, "insert": 2, "delete": 1}
    before = table_dump(engine)
    again = apply(engine, office, package_a)
    assert again.already_applied
    assert package_a.manifest.package_id in again.message and "已" in again.message and "没有任何更改" in again.message
    assert table_dump(engine) == before

    noodle = business_values(engine, world.noodle_uuid)
    assert (noodle["phone"], noodle["employees"], noodle["tags"]) == ("13900000009", 5, "夜宵")
    assert noodle["version"] == 4  # created, office phone, A's employees, B's tags
    tea = business_values(engine, world.tea_uuid)
    assert (tea["address"], tea["operator"], tea["phone"]) == ("温州市鹿城区五马街5号", "李娜", "13800000001")
    shop = business_values(engine, world.shop_uuid)
    assert (shop["tags"], shop["version"], shop["updated_by"], shop["device"]) == ("重点", 2, "张伟", "笔记本A")
    cafes = rows_of(engine, "SELECT uuid, name, uscc, operator, phone FROM business WHERE name = '新开咖啡馆'")
    assert cafes == [{"uuid": cafe_a, "name": "新开咖啡馆", "uscc": CAFE_USCC, "operator": "周新", "phone": ""}]

    visits = {row["uuid"]: row for row in rows_of(engine, "SELECT v.uuid, v.notes, v.deleted_at, b.uuid AS business "
                                                          "FROM visit v JOIN business b ON b.id = v.business_id")}
    assert visits[a_visit]["business"] == world.noodle_uuid and visits[a_visit]["notes"] == "A 的走访"
    assert visits[a_cafe_visit]["business"] == cafe_a
    assert visits[b_visit]["business"] == world.shop_uuid
    assert visits[b_cafe_visit]["business"] == cafe_a  # B's copy of the café waits to merge: its visit is kept
    assert visits[office_visit["uuid"]]["deleted_at"] is not None
    assert len(visits) == 5
    support = rows_of(engine, "SELECT s.uuid, b.uuid AS business FROM support_record s JOIN business b ON b.id = s.business_id")
    assert support == [{"uuid": a_support, "business": world.tea_uuid}]

    with Session(engine) as session:
        items = open_items(session, office)
    fields = [(item.kind, item.business_name, item.what, item.office, item.laptop, item.laptop_by) for item in items]
    assert fields == [
        ("field", "老街兰州拉面馆", "联系电话", "13900000009", "13700000007", "张伟"),
        ("field", "老街兰州拉面馆", "联系电话", "13900000009", "13600000006", "单丽"),
        ("merge", "新开咖啡馆", "疑似同一户", "本所已有「新开咖啡馆」", f"外业新增：新开咖啡馆、{CAFE_USCC}、周新、温州市鹿城区五马街9号", "单丽"),
    ]
    assert items[0].office_by == "李主任" and items[0].base == "13800000001"

    log = rows_of(engine, "SELECT entity, entity_uuid, action, field, old, new, who, device FROM change_log "
                          "WHERE who <> '张伟' OR device <> '一号机' ORDER BY id")
    by_a = [(row["entity"], row["action"], row["field"], row["new"]) for row in log if row["device"] == "笔记本A"]
    assert ("business", "update", "employees", "5") in by_a
    assert ("business", "update", "operator", "李娜") in by_a
    assert ("business", "conflict", "phone", "13700000007") in by_a
    assert ("visit", "create", "notes", "A 的走访") in by_a
    assert all(row["who"] == "张伟" for row in log if row["device"] == "笔记本A")
    by_b = [(row["entity"], row["entity_uuid"], row["action"]) for row in log if row["device"] == "笔记本B"]
    assert ("visit", office_visit["uuid"], "delete") in by_b
    assert ("business", world.noodle_uuid, "offer") not in by_b and ("business", cafe_a, "offer") in by_b
    imports = [row for row in log if row["entity"] == "sync_package"]
    assert [row["who"] for row in imports] == ["李主任", "李主任"]

    # The office decides: B's phone, then merge the two cafés (B's phone fills the blank).
    with Session(engine) as session:
        resolve_field(session, office, items[0].id, "office")
        resolve_field(session, office, items[1].id, "laptop")
        decide_merge(session, office, items[2].id, "merge")
        session.commit()
    assert business_values(engine, world.noodle_uuid)["phone"] == "13600000006"
    assert business_values(engine, cafe_a)["phone"] == "13512345678"
    with Session(engine) as session:
        assert open_items(session, office) == []
    decisions = rows_of(engine, "SELECT field, new, who FROM change_log WHERE action = 'resolve' ORDER BY id")
    assert [row["who"] for row in decisions] == ["李主任"] * 3
    assert "保留本所值「13900000009」" in decisions[0]["new"] and "采用外业值「13600000006」" in decisions[1]["new"]
