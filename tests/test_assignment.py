"""包联分派 and 批量改派 as services, on both engines: the 地址→网格 table, a grid's officer, the bulk
reassign's counts and change-log rows, 调离 with hand-over, and the list's 三型 / 规模 / 未分派 filters."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.queries import BusinessFilter, count_businesses, page_businesses
from storage.tables import Business, ChangeLog, Grid, Officer
from storage.tables_classification import ClassificationResult
from workbench.domain import size_class, tiers
from workbench.domain.address_grids import load_table, parse_table
from workbench.domain.list_filters import SIZE_LABELS, TIER_LABELS, size_code, tier_code
from workbench.domain.rule_files import RulesError
from workbench.services.assignment import AssignmentRefused, build_assignment
from workbench.services.hand_over import leave_with_hand_over
from workbench.services.office import set_up_office
from workbench.services.reassign import ReassignTarget, Selection, preview_reassign, reassign
from workbench.services.register import create_business
from workbench.services.staff import add_officer, update_officer

TABLE = """# 地址→网格表
关键词,网格
五马街道,五马东片区
五马街道公园路,五马西片区
公园路,松台片区
松台街道,松台片区
七都街道，七都片区
"""


# the table, by itself


def test_the_longest_keyword_wins_and_an_address_without_one_stays_unassigned() -> None:
    table = parse_table(TABLE, "测试表")
    # 五马街道 (4) and 五马街道公园路 (7) and 公园路 (3) are all in it: the longest decides.
    assert table.grid_for("温州市鹿城区五马街道公园路8号") == "五马西片区"
    assert table.grid_for("温州市鹿城区五马街道解放街12号") == "五马东片区"
    assert table.grid_for("温州市鹿城区松台街道公园路1号") == "松台片区"  # 松台街道 and 公园路: both 松台片区
    assert table.grid_for("温州市鹿城区七都街道樟里路1号") == "七都片区"  # a Chinese comma separates too
    assert table.grid_for("温州市瓯海区新桥街道1号") is None
    assert table.grid_for("") is None and table.grid_for(None) is None
    # Full-width digits and spaces in the address read as the keyword is written.
    assert table.grid_for("温州市鹿城区五马街道 公园路８号") == "五马西片区"


def test_keywords_of_equal_length_go_by_the_order_of_the_file() -> None:
    table = parse_table("关键词,网格\n解放街,甲片区\n公园路,乙片区\n", "测试表")
    assert table.grid_for("解放街与公园路口") == "甲片区"
    assert parse_table("公园路,乙片区\n解放街,甲片区\n", "测试表").grid_for("解放街与公园路口") == "乙片区"


def test_a_broken_line_is_named_with_its_number() -> None:
    with pytest.raises(RulesError) as missing:
        parse_table("关键词,网格\n五马街道 五马东片区\n", "测试表")
    assert "第 2 行" in missing.value.message_zh and "关键词,网格" in missing.value.message_zh
    with pytest.raises(RulesError) as twice:
        parse_table("五马街道,五马东片区\n# 说明\n五马街道,五马西片区\n", "测试表")
    assert "第 3 行" in twice.value.message_zh and "第 1 行" in twice.value.message_zh
    with pytest.raises(RulesError) as empty:
        parse_table("五马街道,\n", "测试表")
    assert "缺少网格" in empty.value.message_zh


def test_a_table_saved_by_excel_in_gbk_is_read(tmp_path: Path) -> None:
    (tmp_path / "address_grids.csv").write_bytes("关键词,网格\r\n五马街道,五马东片区\r\n".encode("gbk"))
    assert load_table(tmp_path).grid_for("温州市鹿城区五马街道解放街1号") == "五马东片区"
    assert load_table(tmp_path / "没有这个文件夹").entries == ()


def test_the_shipped_example_parses_and_says_what_it_does() -> None:
    from workbench.domain.address_grids import example_path

    text = example_path().read_text(encoding="utf-8")
    table = parse_table(text, "示例")
    assert table.grid_for("温州市鹿城区五马街道公园路8号") == "五马西片区"
    assert "最长的关键词优先" in text and "名下主体最少" in text


def test_the_filter_words_match_the_domain_labels() -> None:
    assert TIER_LABELS == tiers.TIER_LABELS
    assert {size.value: size.label for size in size_class.SizeClass} == SIZE_LABELS
    assert (tier_code("成长型"), tier_code("成长"), tier_code("growth"), tier_code("大型")) == (
        "growth", "growth", "growth", None)
    assert (size_code("微型"), size_code("微"), size_code("MICRO")) == ("micro", "micro", "micro")


# the office


def _office(engine: Engine) -> tuple[Actor, dict[str, int], dict[str, int]]:
    """五马东片区 with 张伟 and 李娜, 五马西片区 with nobody, 松台片区 with 王芳; 王芳 holds one business."""
    with Session(engine) as session:
        office_id = set_up_office(session=session, name="五马市场监管所", officer_names=["张伟"],
                                  grid_names=["五马东片区", "五马西片区", "松台片区"])
        actor = Actor(who="所长", device="测试终端", office_id=office_id)
        grids = {grid.name: grid.id for grid in session.exec(select(Grid))}
        zhang = session.exec(select(Officer)).one()
        update_officer(session, actor=actor, officer_uuid=zhang.uuid, base_version=zhang.version,
                       data={"grid_id": grids["五马东片区"]})
        officers = {"张伟": zhang.id}
        for name, grid in (("李娜", "五马东片区"), ("王芳", "松台片区"), ("赵六", None)):
            officer = add_officer(session, actor=actor, data={"name": name, "grid_id": grids.get(grid)})
            officers[name] = officer.id
        session.commit()
    return actor, grids, officers  # type: ignore[return-value]


def _business(engine: Engine, actor: Actor, name: str, officer_id: int | None, grid_id: int | None = None) -> str:
    with Session(engine) as session:
        business = create_business(session=session, actor=actor, data={
            "name": name, "operator": "陈某", "address": "温州市鹿城区五马街道解放街1号", "officer_id": officer_id,
            "grid_id": grid_id, "registered_on": "2024-01-02"})  # fmt: skip
        session.commit()
        return business.uuid


def test_a_grids_officer_is_the_one_holding_fewest_then_the_first_added(engine: Engine) -> None:
    actor, grids, officers = _office(engine)
    table = parse_table(TABLE, "测试表")
    with engine.connect() as connection:
        assignment = build_assignment(connection, actor.office_id, table=table)
    # 张伟 and 李娜 both hold none: 张伟 was added first. 五马西片区 has nobody on duty: grid only.
    assert assignment.assign("温州市鹿城区五马街道解放街1号") == (grids["五马东片区"], officers["张伟"])
    assert assignment.assign("温州市鹿城区五马街道公园路8号") == (grids["五马西片区"], None)
    assert assignment.assign("温州市鹿城区松台街道信河街5号") == (grids["松台片区"], officers["王芳"])
    assert assignment.assign("温州市鹿城区七都街道樟里路1号") == (None, None)  # 七都片区 is not the office's
    assert assignment.problems and "「七都片区」" in assignment.problems[0]
    _business(engine, actor, "张伟的一户", officers["张伟"])
    with engine.connect() as connection:
        again = build_assignment(connection, actor.office_id, table=table)
    assert again.assign("温州市鹿城区五马街道解放街1号") == (grids["五马东片区"], officers["李娜"])


def test_named_grid_and_officer_and_their_refusals(engine: Engine) -> None:
    actor, grids, officers = _office(engine)
    with engine.connect() as connection:
        by_officer = build_assignment(connection, actor.office_id, officer="王芳")
        by_grid = build_assignment(connection, actor.office_id, grid="五马东片区")
        both = build_assignment(connection, actor.office_id, grid="五马西片区", officer="赵六")
        assert by_officer.assign("任何地址") == (grids["松台片区"], officers["王芳"])  # the officer's own grid
        assert by_grid.assign("任何地址") == (grids["五马东片区"], officers["张伟"])
        assert both.assign(None) == (grids["五马西片区"], officers["赵六"])
        with pytest.raises(AssignmentRefused) as unknown:
            build_assignment(connection, actor.office_id, officer="钱七")
        assert unknown.value.message == "本所没有名为「钱七」的干部，在岗干部有：张伟、李娜、王芳、赵六"
        with pytest.raises(AssignmentRefused) as no_grid:
            build_assignment(connection, actor.office_id, grid="城西片区")
        assert "本所没有网格「城西片区」" in no_grid.value.message
    with Session(engine) as session:
        zhao = session.get(Officer, officers["赵六"])
        assert zhao is not None
        update_officer(session, actor=actor, officer_uuid=zhao.uuid, base_version=zhao.version,
                       data={"active": False})
        session.commit()
    with engine.connect() as connection, pytest.raises(AssignmentRefused) as left:
        build_assignment(connection, actor.office_id, officer="赵六")
    assert "「赵六」已调离" in left.value.message


# 批量改派


def test_bulk_reassign_counts_then_writes_one_logged_change_per_business(engine: Engine) -> None:
    actor, _grids, officers = _office(engine)
    zhang = [_business(engine, actor, f"张伟第{n}户", officers["张伟"]) for n in range(4)]
    nobody = _business(engine, actor, "没人管的一户", None)
    li = _business(engine, actor, "李娜的一户", officers["李娜"])
    marked = Selection(uuids=(*zhang[:2], nobody, li))
    to_li = ReassignTarget(officers["李娜"])
    with Session(engine) as session:
        preview = preview_reassign(session, actor=actor, selection=marked, target=to_li)
    # 4 marked: 李娜's own stays, 3 change: 2 from 张伟 and 1 from nobody.
    assert (preview.selected, preview.changing) == (4, 3)
    assert preview.sentence == "将把 3 户（张伟 2 户、未分派 1 户）改派给 李娜（另有 1 户已是李娜，不变）"
    with Session(engine) as session:
        changed = reassign(session, actor=actor, selection=marked, target=to_li)
        session.commit()
    assert changed == 3
    with Session(engine) as session:
        rows = {b.uuid: b for b in session.exec(select(Business))}
        assert [rows[uuid].officer_id for uuid in (*zhang, nobody, li)] == [
            officers["李娜"], officers["李娜"], officers["张伟"], officers["张伟"], officers["李娜"], officers["李娜"]]
        assert [rows[uuid].version for uuid in (*zhang, nobody, li)] == [2, 2, 1, 1, 2, 1]
        logged = session.exec(select(ChangeLog).where(ChangeLog.action == "update", ChangeLog.entity == "business")).all()
        assert sorted((row.entity_uuid, row.field, row.old, row.new, row.who) for row in logged) == sorted([
            (zhang[0], "officer_id", str(officers["张伟"]), str(officers["李娜"]), "所长"),
            (zhang[1], "officer_id", str(officers["张伟"]), str(officers["李娜"]), "所长"),
            (nobody, "officer_id", None, str(officers["李娜"]), "所长"),
        ])


def test_an_officers_whole_list_by_filter_and_a_departed_target(engine: Engine) -> None:
    actor, grids, officers = _office(engine)
    for n in range(3):
        _business(engine, actor, f"张伟第{n}户", officers["张伟"], grids["五马东片区"])
    _business(engine, actor, "张伟的松台户", officers["张伟"], grids["松台片区"])
    east = Selection(flt=BusinessFilter(office_id=actor.office_id, officer_id=officers["张伟"],
                                        grid_id=grids["五马东片区"]))
    with Session(engine) as session:
        preview = preview_reassign(session, actor=actor, selection=east, target=ReassignTarget(officers["王芳"]))
        assert preview.sentence == "将把 3 户从 张伟 改派给 王芳"
        moved = reassign(session, actor=actor, selection=east,
                         target=ReassignTarget(officers["王芳"], grids["松台片区"], set_grid=True))
        session.commit()
    assert moved == 3
    with Session(engine) as session:
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, officer_id=officers["王芳"],
                                                        grid_id=grids["松台片区"])) == 3
        zhao = session.get(Officer, officers["赵六"])
        assert zhao is not None
        update_officer(session, actor=actor, officer_uuid=zhao.uuid, base_version=zhao.version,
                       data={"active": False})
        session.commit()
        with pytest.raises(AssignmentRefused) as left:
            preview_reassign(session, actor=actor, selection=east, target=ReassignTarget(officers["赵六"]))
        assert left.value.message == "「赵六」已调离，不能接收改派；请改选在岗干部"


def test_leaving_hands_over_or_leaves_unassigned_and_says_how_many(engine: Engine) -> None:
    actor, _grids, officers = _office(engine)
    for n in range(2):
        _business(engine, actor, f"张伟第{n}户", officers["张伟"])
    for n in range(3):
        _business(engine, actor, f"李娜第{n}户", officers["李娜"])
    with Session(engine) as session:
        zhang = session.get(Officer, officers["张伟"])
        li = session.get(Officer, officers["李娜"])
        assert zhang is not None and li is not None
        done = leave_with_hand_over(session, actor=actor, officer_uuid=zhang.uuid, base_version=zhang.version,
                                    successor_id=officers["王芳"])
        kept = leave_with_hand_over(session, actor=actor, officer_uuid=li.uuid, base_version=li.version,
                                    unassign=True)
        session.commit()
    assert done.sentence() == "「张伟」已标记为调离，名下 2 户已改派给 王芳"
    assert kept.sentence().startswith("「李娜」已标记为调离，名下 3 户现为未分派")
    with Session(engine) as session:
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, officer_id=officers["王芳"])) == 2
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, unassigned=True)) == 3
        assert not session.exec(select(Officer.active).where(col(Officer.id) == officers["李娜"])).one()


# the list's filters


def test_tier_size_and_unassigned_filters(engine: Engine) -> None:
    actor, _grids, officers = _office(engine)
    uuids = {name: _business(engine, actor, name, officer) for name, officer in (
        ("甲", officers["张伟"]), ("乙", None), ("丙", officers["张伟"]), ("丁", None))}  # fmt: skip
    now = datetime.now(UTC)
    with Session(engine) as session:
        ids = {b.name: b.id for b in session.exec(select(Business))}
        # 甲 成长型 微型; 乙 生存型 set by hand to 成长型, 小型; 丙 生存型 微型; 丁 not classified.
        for name, tier, override, size in (("甲", "growth", None, "micro"), ("乙", "survival", "growth", "small"),
                                           ("丙", "survival", None, "micro")):
            session.add(ClassificationResult(office_id=actor.office_id, business_id=ids[name], tier=tier,
                                             override_tier=override, size_class=size, computed_at=now))
        session.commit()

    def names(**wanted: object) -> list[str]:
        flt = BusinessFilter(office_id=actor.office_id, sort="name", **wanted)  # type: ignore[arg-type]
        with Session(engine) as session:
            page = [row.name for row in page_businesses(session, flt, 0, 50)]
            assert count_businesses(session, flt) == len(page)
            return sorted(page)

    assert names(tier="growth") == ["乙", "甲"]
    assert names(tier="survival") == ["丙"]
    assert names(size_class="micro") == ["丙", "甲"]
    assert names(tier="growth", size_class="small") == ["乙"]
    assert names(unassigned=True) == ["丁", "乙"]
    assert names(unassigned=True, tier="growth") == ["乙"]
    assert uuids  # made above


def test_the_demos_table_finds_a_grid_of_the_office_for_every_demo_address(sqlite_engine: Engine) -> None:
    from workbench.services.demo import build_demo
    from workbench.services.demo_address_grids import demo_table, write_demo_table

    build_demo(sqlite_engine, size=300, seed=3)
    entries = demo_table(sqlite_engine)
    table = parse_table("".join(f"{keyword},{grid}\n" for keyword, grid in entries), "演示")
    with Session(sqlite_engine) as session:
        grids = set(session.exec(select(Grid.name)))
        addresses = list(session.exec(select(Business.address)))
    assert set(table.grid_names) == grids  # every grid of the demo office gets addresses
    assert all(table.grid_for(address) in grids for address in addresses)
    folder = Path(str(sqlite_engine.url.database)).parent / "config"
    written = write_demo_table(sqlite_engine, folder)
    assert written is not None and load_table(folder).entries == table.entries
    assert write_demo_table(sqlite_engine, folder) is None  # the office's own table is never overwritten
