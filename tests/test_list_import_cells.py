"""The list imports' quicker reading and dry run (issue 15's speed item, session 13) keep every answer: a cell
is converted once per distinct value and column (imports.list_rows), yet each row gets its own values and
its own problem naming its row; True is not 1, -1.0 and -1 keep their own messages; the 经营数据 dry run
compares only the figures a row has (an empty 参保人数 leaves the stored one alone), sums quarters, and
brings back a deleted year, on both engines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from import_helpers import office, uscc
from list_helpers import figures_of, households, rules, write_sheet
from sqlalchemy import Engine, text

import imports.list_rows as list_rows
from imports.columns import ColumnMapping
from imports.figures_plan import plan_figures
from imports.list_commit import commit_list
from imports.list_plan import ListRowKind
from imports.list_rows import FigureRowCleaner, LicenseRowCleaner
from imports.parse import parse_list_file

HEADER = ["统一社会信用代码", "名称", "所属期", "营业收入（万元）", "纳税额（元）", "从业人数", "参保人数"]
MAPPING = ColumnMapping(headers=HEADER, fields={0: "uscc", 1: "name", 2: "period", 3: "revenue", 4: "tax_paid",
                                                5: "employees", 6: "insured_staff"})  # fmt: skip
TODAY = date(2026, 12, 7)


def _cleaned(cleaner: FigureRowCleaner, rows: list[list[object]]) -> list[tuple[dict[str, object], list[str]]]:
    out = []
    for number, cells in enumerate(rows, start=3):
        row = cleaner.clean(number, list(cells))
        assert row is not None
        out.append((row.values, [problem.message() for problem in row.problems]))
    return out


@pytest.mark.parametrize("remembered", [100_000, 1])
def test_repeated_cells_give_each_row_its_own_answer(monkeypatch: pytest.MonkeyPatch, remembered: int) -> None:
    monkeypatch.setattr(list_rows, "KNOWN_CELLS", remembered)  # 1: the memory starts again at every cell
    cleaner = FigureRowCleaner("经营数据", MAPPING, None, today=TODAY)
    code = "92330302MA2H000011"
    rows = [
        [code, "水果店", 2024.0, 12.35, 100.0, 3.0, 1.0],
        [code, "水果店", "2025年第一季度", 12.35, 100.0, 3.0, True],  # a TRUE cell is not the number 1
        [code, "水果店", 2027.0, "十二万", -0.0, -1.0, 0.0],  # a year not yet come
        [code, "水果店", 2027.0, "十二万", 0.0, -1, 0.0],
        [code, " 水果店 ", "2025年第一季度", 12.35, 100.0, 3.0, 1.0],
    ]
    first, second, third, fourth, fifth = _cleaned(cleaner, rows)
    assert first[0] == {"uscc": code, "name": "水果店", "period": first[0]["period"], "revenue": 123500,
                        "tax_paid": 100, "employees": 3, "insured_staff": 1}  # fmt: skip
    assert first[1] == []
    assert second[0]["period"].label == "2025年第一季度" and "insured_staff" not in second[0]  # type: ignore[attr-defined]
    assert second[1] == ["工作表「经营数据」第 4 行「参保人数」列（G 列），值「True」：「True」不是整数"]
    # the same bad cells in two rows: each row names itself; -1.0 and -1 are told as read
    assert third[1][0].startswith("工作表「经营数据」第 5 行「所属期」列（C 列），值「2027.0」：所属期「2027」还没有到")
    assert fourth[1][0].startswith("工作表「经营数据」第 6 行「所属期」列（C 列）")
    assert "第 5 行「营业收入（万元）」列（D 列），值「十二万」" in third[1][1]
    assert "第 6 行「营业收入（万元）」列（D 列），值「十二万」" in fourth[1][1]
    assert third[1][2:] == ["工作表「经营数据」第 5 行「从业人数」列（F 列），值「-1.0」：「-1.0」不能为负数"]
    assert fourth[1][2:] == ["工作表「经营数据」第 6 行「从业人数」列（F 列），值「-1」：「-1」不能为负数"]
    assert third[0]["tax_paid"] == fourth[0]["tax_paid"] == 0
    assert fifth[0] == {**second[0], "insured_staff": 1}
    assert fifth[0]["period"] == second[0]["period"]


def test_repeated_licence_cells_are_read_alike() -> None:
    header = ["许可证编号", "主体名称", "社会信用代码", "有效期限"]
    mapping = ColumnMapping(headers=header, fields={0: "number", 1: "name", 2: "uscc", 3: "validity"})
    cleaner = LicenseRowCleaner("许可证", mapping)
    cells = ["jy1330302 0000001", "水果店", "92330302MA2H000011", "2021-05-01至2026-04-30"]
    first, second = cleaner.clean(2, list(cells)), cleaner.clean(3, list(cells))
    assert first is not None and second is not None
    assert first.values == second.values == {"number": "JY13303020000001", "name": "水果店",
                                             "uscc": "92330302MA2H000011", "issued_on": date(2021, 5, 1),
                                             "expires_on": date(2026, 4, 30)}  # fmt: skip
    assert first.values is not second.values
    bad = ["JY2", "水果店", "92330302MA2H000011", "2026-04-30至2021-05-01"]
    reasons = [row.problems[0].message() for row in (cleaner.clean(4, list(bad)), cleaner.clean(5, list(bad))) if row]
    assert reasons == [f"工作表「许可证」第 {number} 行「有效期限」列（D 列），值「2026-04-30至2021-05-01」："
                       "有效期「2026-04-30至2021-05-01」的截止日期早于起始日期，请核对" for number in (4, 5)]  # fmt: skip


def test_a_row_writes_only_the_figures_it_has(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, range(1, 6))
    header = ["统一社会信用代码", "名称", "年度", "营业收入（元）", "纳税额（元）", "从业人数", "参保人数"]
    first = write_sheet(tmp_path / "2024.xlsx", header,
                        [[uscc(serial), f"鹿城区第{serial}号水果店", 2024, 100_000 * serial, 1_000, 2, 1]
                         for serial in range(1, 5)], title=None)  # fmt: skip
    commit_list(engine, plan_figures(engine, parse_list_file(first), office_id=actor.office_id), actor=actor,
                rules=rules())  # fmt: skip
    with engine.begin() as connection:  # household 4's year deleted by hand: the next list brings it back
        connection.execute(text("UPDATE year_figures SET deleted_at = updated_at WHERE business_id = "
                                "(SELECT id FROM business WHERE uscc = :code)"), {"code": uscc(4)})  # fmt: skip
        mark = connection.execute(text("SELECT max(id) FROM change_log")).scalar_one()
    rows = [
        [uscc(1), "鹿城区第1号水果店", 2024, 100_000, 1_000, 2, None],  # the same, 参保人数 empty: unchanged
        [uscc(2), "鹿城区第2号水果店", 2024, 250_000, None, None, None],  # only the revenue changes
        [uscc(3), "鹿城区第3号水果店", "2024年第一季度", 10_000, 100, 3, None],  # quarters: a changed year
        [uscc(3), "鹿城区第3号水果店", "2024年第二季度", 20_000, 200, 4, 2],
        [uscc(4), "鹿城区第4号水果店", 2024, 400_000, None, 2, None],  # back: the figures it has, logged
        [uscc(5), "鹿城区第5号水果店", 2024, 50_000, None, 1, None],  # new: what the row has, NULL for the rest
        [uscc(5), "鹿城区第5号水果店", 2025, None, None, None, 0],
    ]
    second = write_sheet(tmp_path / "2024更正.xlsx", header, rows, title=None)
    plan = plan_figures(engine, parse_list_file(second), office_id=actor.office_id)
    counts = {kind: count for kind, count in plan.counts.items() if count}
    assert counts == {ListRowKind.NEW: 2, ListRowKind.UPDATE: 4, ListRowKind.UNCHANGED: 1}
    assert plan.written == ("将新增 2 条年度数据，更新 3 条（涉及 4 户），1 条与已有数据相同。"
                            "分期数据将新增 2 条，更新 0 条。")  # the quarters are kept too
    assert any("1 户的 2 行季度（月度）数据合计为年度数据" in note for note in plan.notes)
    assert any("2024年缺 7-12月" in note for note in plan.notes)
    commit_list(engine, plan, actor=actor, rules=rules())
    assert [row[:5] for row in figures_of(engine, 1)] == [(2024, 100_000, 1_000, 2, 1)]
    assert [row[:5] for row in figures_of(engine, 2)] == [(2024, 250_000, 1_000, 2, 1)]
    assert [row[:5] for row in figures_of(engine, 3)] == [(2024, 30_000, 300, 4, 2)]
    assert [row[:5] for row in figures_of(engine, 4)] == [(2024, 400_000, 1_000, 2, 1)]
    assert [row[:5] for row in figures_of(engine, 5)] == [(2024, 50_000, None, 1, None), (2025, None, None, None, 0)]
    with engine.connect() as connection:
        logged = connection.execute(text(
            "SELECT b.uscc, c.action, c.field, c.old, c.new FROM change_log c "
            "JOIN year_figures y ON y.uuid = c.entity_uuid JOIN business b ON b.id = y.business_id "
            "WHERE c.id > :mark AND c.entity = 'year_figures' ORDER BY c.id"), {"mark": mark}).all()  # fmt: skip
    by_code: dict[str, list[tuple[object, ...]]] = {}
    for code, *rest in logged:
        by_code.setdefault(code, []).append(tuple(rest))
    assert uscc(1) not in by_code
    assert by_code[uscc(2)] == [("update", "revenue", "200000", "250000")]
    assert by_code[uscc(3)] == [("update", "revenue", "300000", "30000"), ("update", "tax_paid", "1000", "300"),
                                ("update", "employees", "2", "4"), ("update", "insured_staff", "1", "2")]  # fmt: skip
    assert by_code[uscc(4)] == [("update", "revenue", "400000", "400000"), ("update", "employees", "2", "2"),
                                ("update", "deleted_at", "已删除", None)]  # fmt: skip
    assert [row[:2] for row in by_code[uscc(5)]] == [("create", ""), ("create", "")]
