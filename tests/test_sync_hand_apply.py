"""Issue 19: a 外业包 edited by hand in Excel / WPS and brought back goes through the office's dry run and
apply like a 回传包 (who = the package's officer, device 手工编辑, base versions from the package): what the
spreadsheet program did to the file (numbers as floats, dates as serials or text, a code's leading zero
lost, machine columns shown and moved, rows sorted) changes nothing; bad cells are named by sheet, row,
column and value while the good rows still show; a deleted row is no deletion unless marked; applying it
twice changes nothing, also after LibreOffice saved it again. The office on both engines, real files."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select
from sync_hand_edit import add_column, add_row, excel_serial, put, rebuild, row_of, saved_by_libreoffice
from sync_laptops import business_values, rows_of
from sync_world import SyncWorld, make_sync_world
from test_sync_packages import make_package
from test_sync_scenario import table_dump

from imports.file_gateway import FileGateway
from storage.audit import Actor
from storage.tables import Business
from workbench.domain.service_lists import DEFAULT_LISTS
from workbench.services.gateway import Gateway
from workbench.services.register import update_business
from workbench.services.sync_plan import PackageRefused

WHEN = date(2026, 12, 8)


@pytest.fixture
def office(engine: Engine) -> SyncWorld:
    with Session(engine) as session:
        world = make_sync_world(session)
        noodle = session.exec(select(Business).where(Business.uuid == world.world.noodle_uuid)).one()
        # a code with a leading zero, which Excel drops when the cell is typed again as a number
        update_business(session=session, actor=world.world.actor, business_uuid=noodle.uuid,
                        base_version=noodle.version, changes={"industry_code": "0511"})
        session.commit()
    return world


def _edit_as_a_person_would(path: Path) -> dict[str, int]:
    """The edits, with the slips; returns the Excel rows that matter."""
    book = load_workbook(path)
    businesses = book["市场主体"]
    rebuild(businesses, first="uuid", reverse=True)  # the uuid column shown and moved first, rows sorted
    noodle = row_of(businesses, "名称", "老街兰州拉面馆")
    tea = row_of(businesses, "名称", "阿香奶茶店")
    put(businesses, noodle, "联系电话", 13911112222)  # typed as a number
    put(businesses, noodle, "行业代码", 511)  # the same code, its leading zero lost
    put(businesses, noodle, "成立日期", float(excel_serial(date(2020, 5, 3))))  # the same day, format lost
    put(businesses, noodle, "资金数额（元）", 300000.0)  # the same amount, as a float
    put(businesses, noodle, "统一社会信用代码", "92330302MA23MA1H6X")  # a slip: the check digit fails
    put(businesses, tea, "从业人员", "6")  # typed as text
    put(businesses, tea, "歇业", False)  # Excel's FALSE where the package had an empty cell: still 否
    put(businesses, tea, "主体类型", "个体户")  # not one of the options
    licences = book["许可证"]
    put(licences, 2, "有效期至", "2028/2/28")  # a date typed as text
    support = book["帮扶记录"]
    add_column(support, "删除")
    put(support, 2, "删除", "是")  # marked: this record goes
    new_support = add_row(support, {"所属市场主体": "老街兰州拉面馆", "帮扶类型": "送锦旗", "帮扶日期": WHEN,
                                    "帮扶内容": "表彰诚信经营"})
    visits = book["走访记录"]
    typed = add_row(visits, {"所属市场主体": "阿香奶茶店", "走访日期": float(excel_serial(WHEN)),
                             "走访结果": "正常经营", "情况记录": "门口杂物已清理"})
    wrong = add_row(visits, {"所属市场主体": "老街兰州拉面馆", "走访日期": "明天", "走访结果": "正常经营"})
    book["走访跟进"].delete_rows(2)  # a row deleted by the mouse: not a deletion
    book.save(path)
    return {"noodle": noodle, "tea": tea, "support": new_support, "typed": typed, "wrong": wrong}


def _mend(path: Path, rows: dict[str, int]) -> None:
    book = load_workbook(path)
    put(book["市场主体"], rows["noodle"], "统一社会信用代码", "92330302MA23MA1H69")
    put(book["市场主体"], rows["tea"], "主体类型", "个体工商户")
    put(book["帮扶记录"], rows["support"], "帮扶类型", "法律服务")
    put(book["走访记录"], rows["wrong"], "走访日期", WHEN + timedelta(days=1), "yyyy-mm-dd")
    book.save(path)


def test_a_hand_edited_field_package_is_dry_run_then_applied_once(
    engine: Engine, office: SyncWorld, tmp_path: Path
) -> None:
    w = office.world
    path = make_package(engine, office, tmp_path)
    rows = _edit_as_a_person_would(path)
    files, desk = FileGateway(engine), Gateway(engine).sync
    actor = Actor(who="李主任", device="所里终端", office_id=w.actor.office_id)
    package = files.read_sync_package(path)
    assert (package.manifest.kind, package.manifest.officer, package.manifest.device) == ("return", "张伟", "手工编辑")
    plan = desk.dry_run(actor, package, DEFAULT_LISTS)
    noodle, tea, wrong, support = rows["noodle"], rows["tea"], rows["wrong"], rows["support"]
    assert plan.errors[:2] == (
        f"外业包 市场主体 第{tea}行「主体类型」的值「个体户」有误：「个体户」不是可选的值（可选：个体工商户、企业、农民专业合作社）",
        f"外业包 走访记录 第{wrong}行「走访日期」的值「明天」有误：日期「明天」无法识别，请写成 2024-05-03 或 2024年5月3日",
    )
    assert plan.errors[2].startswith(
        f"外业包 市场主体 第{noodle}行「统一社会信用代码」的值「92330302MA23MA1H6X」有误：")
    assert plan.errors[3] == (
        f"外业包 帮扶记录 第{support}行「帮扶类型」的值「送锦旗」有误：不在本所的帮扶类型清单中（可选：融资/首贷、信用贷款、"
        "培训/入市第一课、法律服务、经营场所、政策兑现、技术/质量服务、线上经营、其他），请改为其中一项，或先在 service.toml 中加入"
    )
    assert len(plan.errors) == 4
    # the good rows still show: the tea shop's employees, the licence, the marked support record, the visit
    shown = {(row.where, row.outcome, tuple(row.writes) if row.outcome != "insert" else ()) for row in plan.rows}
    assert shown == {
        (f"外业包 市场主体 第{tea}行", "apply", ("employees",)),
        ("外业包 许可证 第2行", "apply", ("expires_on",)),
        ("外业包 帮扶记录 第2行", "delete", ()),
        (f"外业包 走访记录 第{rows['typed']}行", "insert", ()),
    }
    assert package.notices == (
        "「走访跟进」表比外业包少了 1 行：直接删掉的行不算删除，所里的这些记录不变；要删除一条记录，"
        "请在表的最后加一列「删除」，在那一行填「是」",
    )
    before = table_dump(engine)
    with pytest.raises(PackageRefused, match="有 4 处数据有误，整包未导入"):
        desk.apply(actor, package, lists=DEFAULT_LISTS)
    assert table_dump(engine) == before

    _mend(path, rows)
    package = files.read_sync_package(path)
    assert package.problems == () and desk.dry_run(actor, package, DEFAULT_LISTS).errors == ()
    result = desk.apply(actor, package, lists=DEFAULT_LISTS)
    assert result.counts == {"apply": 3, "delete": 1, "insert": 3}
    assert result.message.startswith("张伟手工修改的外业包已导入，共 7 条")
    noodle_now = business_values(engine, w.noodle_uuid)
    assert (noodle_now["phone"], noodle_now["industry_code"], str(noodle_now["registered_on"])[:10],
            noodle_now["capital"], noodle_now["uscc"]) == ("13911112222", "0511", "2020-05-03", 300000,
                                                            "92330302MA23MA1H69")
    tea_now = business_values(engine, w.tea_uuid)
    assert (tea_now["employees"], tea_now["kind"], tea_now["suspended"]) == (6, "individual", False)
    assert [str(row["expires_on"])[:10] for row in rows_of(engine, "SELECT expires_on FROM license")] == ["2028-02-28"]
    support_rows = rows_of(engine, "SELECT uuid, kind, given_on, content, deleted_at FROM support_record ORDER BY id")
    assert [(row["uuid"] == office.support_uuid, row["kind"], row["deleted_at"] is not None)
            for row in support_rows] == [(True, "信用贷款", True), (False, "法律服务", False)]
    assert (str(support_rows[1]["given_on"])[:10], support_rows[1]["content"]) == (str(WHEN), "表彰诚信经营")
    visits = rows_of(engine, "SELECT b.name, v.visited_on, v.finding, v.notes, o.name AS officer FROM visit v "
                             "JOIN business b ON b.id = v.business_id LEFT JOIN officer o ON o.id = v.officer_id "
                             "WHERE v.visited_on >= :d ORDER BY v.visited_on", d=WHEN)
    assert [(v["name"], str(v["visited_on"])[:10], v["finding"], v["notes"], v["officer"]) for v in visits] == [
        ("阿香奶茶店", "2026-12-08", "正常经营", "门口杂物已清理", "张伟"),
        ("老街兰州拉面馆", "2026-12-09", "正常经营", "", "张伟"),
    ]
    assert rows_of(engine, "SELECT count(*) AS n FROM visit_follow_up WHERE deleted_at IS NULL") == [{"n": 1}]
    logged = rows_of(engine, "SELECT DISTINCT who, device FROM change_log WHERE entity IN "
                             "('business', 'license', 'support_record', 'visit') AND device = '手工编辑'")
    assert logged == [{"who": "张伟", "device": "手工编辑"}]
    phone_log = rows_of(engine, "SELECT old, new FROM change_log WHERE entity = 'business' AND entity_uuid = :u "
                                "AND field = 'phone' AND device = '手工编辑'", u=w.noodle_uuid)
    assert phone_log == [{"old": "13800000001", "new": "13911112222"}]

    after = table_dump(engine)  # the same file again, and the same file saved again by LibreOffice
    again = desk.apply(actor, files.read_sync_package(path), lists=DEFAULT_LISTS)
    assert again.already_applied and "导入过，本次没有任何更改" in again.message
    resaved = saved_by_libreoffice(path, tmp_path / "libreoffice")
    from_calc = files.read_sync_package(resaved)
    assert {(c.table, c.uuid, str(c.values)) for c in from_calc.changes} == {
        (c.table, c.uuid, str(c.values)) for c in package.changes}
    assert desk.apply(actor, from_calc, lists=DEFAULT_LISTS).already_applied
    assert table_dump(engine) == after



def test_a_hand_edit_meets_the_offices_own_changes_like_a_return_package(
    engine: Engine, office: SyncWorld, tmp_path: Path
) -> None:
    """Changed at the office since the package: the same field → a conflict for a person; another field → merged;
    a business typed in that the office already has (another officer's) → offered as one, never made twice."""
    w = office.world
    path = make_package(engine, office, tmp_path)
    with Session(engine) as session:  # meanwhile at the office
        noodle = session.exec(select(Business).where(Business.uuid == w.noodle_uuid)).one()
        update_business(session=session, actor=w.actor, business_uuid=w.noodle_uuid, base_version=noodle.version,
                        changes={"phone": "13700000000", "address": "温州市鹿城区五马街5号"})
        session.commit()
    book = load_workbook(path)
    businesses = book["市场主体"]
    noodle_row = row_of(businesses, "名称", "老街兰州拉面馆")
    put(businesses, noodle_row, "联系电话", "13911112222")
    put(businesses, noodle_row, "从业人员", 7)
    twin = add_row(businesses, {"名称": "西片便利店", "经营者": "陈明", "经营场所": "温州市鹿城区解放路8号"})
    book.save(path)
    actor = Actor(who="李主任", device="所里终端", office_id=w.actor.office_id)
    package = FileGateway(engine).read_sync_package(path)
    result = Gateway(engine).sync.apply(actor, package, lists=DEFAULT_LISTS)
    assert result.counts == {"conflict": 1, "offer": 1}
    now = business_values(engine, w.noodle_uuid)
    assert (now["phone"], now["employees"], now["address"]) == ("13700000000", 7, "温州市鹿城区五马街5号")
    items = Gateway(engine).sync.items(actor)
    assert sorted(item.kind for item in items) == ["field", "merge"]
    conflict = next(item for item in items if item.kind == "field")
    assert (conflict.what, conflict.office, conflict.laptop, conflict.laptop_by) == (
        "联系电话", "13700000000", "13911112222", "张伟")
    assert rows_of(engine, "SELECT count(*) AS n FROM business WHERE name = '西片便利店'") == [{"n": 1}]
    assert twin > noodle_row
