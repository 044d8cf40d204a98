"""The list imports' faster paths (issue 15's speed item, session 12) keep what they write and whom they match,
on both engines: a 经营数据 commit logs its changed years in the order of their uuids (the change log's
index then fills page by page), each year's rows together and in the order of its fields, the row of a
year brought back last; the 许可证 dry run's driver lookup (imports.holder_lookup) answers every question
as the register importer's RegisterLookup does."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from import_helpers import existing, office, uscc
from list_helpers import households, rules, write_sheet
from sqlalchemy import Engine, text

from imports.figures_plan import plan_figures
from imports.holder_lookup import ELSEWHERE, HolderLookup
from imports.list_commit import commit_list
from imports.matching import RegisterLookup
from imports.parse import parse_list_file

FIGURES_HEADER = ["统一社会信用代码", "名称", "年度", "营业收入（元）", "纳税额（元）", "从业人数", "参保人数"]


def test_changed_years_are_logged_in_uuid_order_each_year_together(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, range(1, 9))
    first = write_sheet(tmp_path / "2024年报.xlsx", FIGURES_HEADER,
                        [[uscc(serial), f"鹿城区第{serial}号水果店", 2024, 100_000 * serial, 1_000, 2, 1]
                         for serial in range(1, 9)], title=None)  # fmt: skip
    commit_list(engine, plan_figures(engine, parse_list_file(first), office_id=actor.office_id), actor=actor,
                rules=rules())  # fmt: skip
    with engine.begin() as connection:  # household 8's year deleted by hand: the next import brings it back
        connection.execute(text("UPDATE year_figures SET deleted_at = updated_at WHERE business_id = "
                                "(SELECT id FROM business WHERE uscc = :code)"), {"code": uscc(8)})  # fmt: skip
        mark = connection.execute(text("SELECT max(id) FROM change_log")).scalar_one()
    # odd households: revenue and tax change; even ones: only the headcounts; 8: back, all four logged
    rows = [[uscc(serial), f"鹿城区第{serial}号水果店", 2024,
             100_000 * serial + (5 if serial % 2 else 0), 1_000 + (7 if serial % 2 else 0),
             2 + (0 if serial % 2 else 1), 1 + (0 if serial % 2 else 2)] for serial in range(8, 0, -1)]  # fmt: skip
    second = write_sheet(tmp_path / "2024年报更正.xlsx", FIGURES_HEADER, rows, title=None)
    plan = plan_figures(engine, parse_list_file(second), office_id=actor.office_id)
    assert len(plan.writes.changed) == 8
    commit_list(engine, plan, actor=actor, rules=rules())
    with engine.connect() as connection:
        logged = connection.execute(text(
            "SELECT c.entity_uuid, c.field, c.old, c.new, b.uscc FROM change_log c "
            "JOIN year_figures y ON y.uuid = c.entity_uuid JOIN business b ON b.id = y.business_id "
            "WHERE c.id > :mark AND c.entity = 'year_figures' ORDER BY c.id"), {"mark": mark}).all()  # fmt: skip
    runs = [(uuid, [tuple(row[1:]) for row in group]) for uuid, group in groupby(logged, key=lambda row: row[0])]
    assert [uuid for uuid, _rows in runs] == sorted({row[0] for row in logged})  # each year once, uuid order
    by_code = {rows[0][-1]: [row[:-1] for row in rows] for _uuid, rows in runs}
    assert by_code[uscc(1)] == [("revenue", "100000", "100005"), ("tax_paid", "1000", "1007")]
    assert by_code[uscc(2)] == [("employees", "2", "3"), ("insured_staff", "1", "3")]
    assert by_code[uscc(8)] == [("revenue", "800000", "800000"), ("tax_paid", "1000", "1000"),
                                ("employees", "2", "3"), ("insured_staff", "1", "3"),
                                ("deleted_at", "已删除", None)]  # fmt: skip
    assert len(by_code) == 8


def test_the_licence_lookup_answers_as_the_register_lookup(engine: Engine) -> None:
    actor = office(engine)
    elsewhere = office(engine, "南郊市场监管所")
    for serial in (1, 2, 3):
        existing(engine, actor, serial)
    existing(engine, actor, 4, uscc=None, reg_no="330302600012345")  # an old 注册号, no credit code
    existing(engine, actor, 5, uscc=None, name="鹿城区第1号水果店", address="五马街5号")  # a name twin, no code
    existing(engine, actor, 6)
    with engine.begin() as connection:  # a business deleted: never matched
        connection.execute(text("UPDATE business SET deleted_at = updated_at WHERE uscc = :code"), {"code": uscc(6)})
    existing(engine, elsewhere, 50)
    keys = [
        {"uscc": uscc(1), "name": "鹿城区第1号水果店"}, {"uscc": uscc(2)}, {"reg_no": "330302600012345"},
        {"uscc": uscc(50), "name": "鹿城区第50号水果店"}, {"uscc": uscc(6), "name": "鹿城区第6号水果店"},
        {"uscc": uscc(77), "name": "鹿城区第1号水果店"}, {"name": "鹿城区第3号水果店"}, {"name": "没有这户"},
        {"reg_no": "330302600099999", "name": "鹿城区第2号水果店"},
    ]  # fmt: skip
    with engine.connect() as connection:
        theirs = RegisterLookup(connection, actor.office_id)
        ours = HolderLookup(connection, actor.office_id)
        theirs.prefetch(keys)
        ours.prefetch(keys)
        answers = []
        for values in keys:
            found, expected = ours.find(values), theirs.find(values, use_name=False)
            assert (found.stored.id if found.stored else None) == (expected.stored.id if expected.stored else None)
            assert found.refusal == expected.refusal
            answers.append((found.stored.name if found.stored else None, found.refusal))
        assert {name: sorted(row.id for row in rows) for name, rows in ours.by_name.items()} == {
            name: sorted(row.id for row in rows) for name, rows in theirs.by_name.items()
        }
        twins = sorted((row.address, row.uscc or "") for row in ours.by_name["鹿城区第1号水果店"])
        assert twins == [("五马街1号", uscc(1)), ("五马街5号", "")]  # what the name + address offer reads
        ours.close()
    assert answers == [
        ("鹿城区第1号水果店", ""), ("鹿城区第2号水果店", ""), ("鹿城区第4号水果店", ""), (None, ELSEWHERE), (None, ""),
        (None, ""), (None, ""), (None, ""), (None, ""),
    ]  # fmt: skip
