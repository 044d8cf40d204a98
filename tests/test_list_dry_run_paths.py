"""The 经营数据 dry run's faster paths (issue 15's speed item, session 14) keep every answer, on both engines:
a list read in small chunks (a list sorted by year names each business in chunks far apart) matches, refuses
and counts its rows as in one chunk, and asks each code once; a year given once and then repeated is not
counted as summed; a year exactly as stored is unchanged, one deleted before is brought back with every
field the file has; the problems name the same sheet, row, column and value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from import_helpers import existing, office, uscc
from list_helpers import households, rules, write_sheet
from sqlalchemy import Engine, text

import imports.code_lookup as code_lookup
import imports.figures_plan as figures_plan
from imports.figures_plan import plan_figures
from imports.list_commit import commit_list
from imports.list_plan import ListPlan, ListRowKind
from imports.parse import parse_list_file

HEADER = ["统一社会信用代码", "纳税人识别号", "名称", "年度", "营业收入（元）", "纳税额（元）", "从业人数", "参保人数"]


def _by_year(serials: list[int]) -> list[list[Any]]:
    """Three years of each household, sorted by year (each household once a year): 1-3 registered here, 50
    in another office, 77 nowhere, 4 by its old 注册号 only; 3 under another name; 2's 2024 with a bad amount."""
    rows = []
    for year in (2023, 2024, 2025):
        for serial in serials:
            code = "" if serial == 4 else uscc(serial)
            taxpayer = "330302600012345" if serial == 4 else ""
            name = "三号店" if serial == 3 else f"鹿城区第{serial}号水果店"
            revenue: Any = "十万" if (serial, year) == (2, 2024) else 100_000 * serial + year
            rows.append([code, taxpayer, name, year, revenue, 1_000, 2, 1])
    return rows


def _seen(plan: ListPlan) -> tuple[Any, ...]:
    entries = [(entry.row_number, entry.kind, entry.name, entry.code, entry.business_uuid,
                [problem.message() for problem in entry.problems]) for entry in plan.entries]  # fmt: skip
    writes = plan.writes
    return (dict(plan.counts), entries, plan.notes, plan.written,
            [(item.business_id, item.year, item.values, item.row_number) for item in writes.new],
            [(item.figure_id, item.year, item.diff, item.revived, item.row_number, item.name) for item in writes.changed],
            writes.unchanged)  # fmt: skip


def test_a_list_read_in_small_chunks_is_planned_as_in_one_and_asks_each_code_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = office(engine)
    elsewhere = office(engine, "南郊市场监管所")
    households(engine, actor, [1, 2, 3])
    existing(engine, actor, 4, uscc=None, reg_no="330302600012345")
    existing(engine, elsewhere, 50)
    path = write_sheet(tmp_path / "按年度排序.xlsx", HEADER, _by_year([1, 2, 3, 4, 50, 77]), title=None)
    whole = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)

    asked: list[str] = []
    select = code_lookup.CodeLookup._select

    def counted(self: code_lookup.CodeLookup, template: str, column: str, keys: set[str]) -> Any:
        asked.extend(keys if column == "uscc" and template is code_lookup._BUSINESSES else ())
        return select(self, template, column, keys)

    monkeypatch.setattr(code_lookup.CodeLookup, "_select", counted)
    monkeypatch.setattr(figures_plan, "CHUNK", 4)  # each household's years in different chunks
    chunked = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    assert _seen(chunked) == _seen(whole)
    assert sorted(asked) == sorted({uscc(serial) for serial in (1, 2, 3, 50, 77)} | {"330302600012345"})

    counts = chunked.counts
    assert (counts[ListRowKind.NEW], counts[ListRowKind.UNMATCHED], counts[ListRowKind.INVALID]) == (11, 6, 1)
    messages = [problem.message() for entry in chunked.entries for problem in entry.problems]
    assert messages.count(f"工作表「Sheet1」第 6 行「统一社会信用代码」列（A 列），值「{uscc(50)}」："
                          f"代码「{uscc(50)}」登记在其他所，不是本所的市场主体") == 1  # fmt: skip
    assert sum(f"本所登记簿中没有代码为「{uscc(77)}」的市场主体" in message for message in messages) == 3
    assert sum("名称与登记簿不同（登记簿为「鹿城区第3号水果店」）" in message for message in messages) == 3
    assert any(message.startswith("工作表「Sheet1」第 9 行「营业收入（元）」列（E 列），值「十万」：") for message in messages)


def test_a_year_given_once_and_repeated_is_not_summed(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1, 2])
    rows = [
        [uscc(1), "", "鹿城区第1号水果店", 2025, 100_000, 1_000, 2, 1],
        [uscc(1), "", "鹿城区第1号水果店", "2025年度", 120_000, 1_000, 2, 1],  # the same year again: a repeat
        [uscc(1), "", "鹿城区第1号水果店", "2025-Q1", 30_000, 100, 2, 1],  # inside the year already given
        [uscc(2), "", "鹿城区第2号水果店", "2025-Q1", 30_000, 100, 2, 1],
        [uscc(2), "", "鹿城区第2号水果店", "2025-Q2", 40_000, 100, 3, 1],
        [uscc(2), "", "鹿城区第2号水果店", "2025年第二季度", 40_000, 100, 3, 1],  # Q2 again
    ]
    plan = plan_figures(engine, parse_list_file(write_sheet(tmp_path / "重复.xlsx", HEADER, rows, title=None)),
                        office_id=actor.office_id)  # fmt: skip
    assert (plan.counts[ListRowKind.NEW], plan.counts[ListRowKind.DUPLICATE]) == (3, 3)
    assert plan.notes[0] == "1 户的 2 行季度（月度）数据合计为年度数据（营业收入、纳税额相加，从业人数、参保人数取最后一期）。"
    assert [(item.year, item.values, item.row_number) for item in plan.writes.new] == [
        (2025, {"revenue": 100_000, "tax_paid": 1_000, "employees": 2, "insured_staff": 1}, 2),
        (2025, {"revenue": 70_000, "tax_paid": 200, "employees": 3, "insured_staff": 1}, 5),
    ]
    reasons = [(entry.row_number, entry.problems[-1].reason) for entry in plan.entries]
    assert reasons == [
        (3, "与第 2 行是同一户「鹿城区第1号水果店」的2025年数据，本行的2025年与它重叠：文件中重复出现，本行不会导入"),
        (4, "与第 2 行是同一户「鹿城区第1号水果店」的2025年数据，本行的2025年第一季度与它重叠：文件中重复出现，本行不会导入"),
        (7, "与第 6 行是同一户「鹿城区第2号水果店」的2025年第二季度数据，本行的2025年第二季度与它重叠：文件中重复出现，本行不会导入"),
    ]


def test_years_as_stored_are_unchanged_and_a_deleted_one_comes_back_whole(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1, 2, 3, 4])
    first = [[uscc(serial), "", f"鹿城区第{serial}号水果店", 2024, 100_000 * serial, 1_000, 2, 1] for serial in (1, 2, 3, 4)]
    path = write_sheet(tmp_path / "2024.xlsx", HEADER, first, title=None)
    commit_list(engine, plan_figures(engine, parse_list_file(path), office_id=actor.office_id), actor=actor,
                rules=rules())  # fmt: skip
    with engine.begin() as connection:
        connection.execute(text("UPDATE year_figures SET deleted_at = updated_at WHERE business_id = "
                                "(SELECT id FROM business WHERE uscc = :code)"), {"code": uscc(4)})  # fmt: skip
    again = [
        [uscc(1), "", "鹿城区第1号水果店", 2024, 100_000, 1_000, 2, 1],  # as stored
        [uscc(2), "", "鹿城区第2号水果店", 2024, 200_000, 1_000, 2, ""],  # as stored, 参保人数 not given
        [uscc(3), "", "鹿城区第3号水果店", 2024, 300_000, 1_000, 5, ""],  # 从业人数 changed only
        [uscc(4), "", "鹿城区第4号水果店", 2024, 400_000, 1_000, 2, ""],  # deleted before: back, as given
    ]
    plan = plan_figures(engine, parse_list_file(write_sheet(tmp_path / "again.xlsx", HEADER, again, title=None)),
                        office_id=actor.office_id)  # fmt: skip
    assert (plan.counts[ListRowKind.UNCHANGED], plan.counts[ListRowKind.UPDATE]) == (2, 2)
    assert plan.writes.unchanged == 2
    assert [(item.name, item.diff, item.revived, item.row_number) for item in plan.writes.changed] == [
        ("鹿城区第3号水果店", {"employees": (2, 5)}, False, 4),
        ("鹿城区第4号水果店", {"revenue": (400_000, 400_000), "tax_paid": (1_000, 1_000), "employees": (2, 2)},
         True, 5),
    ]  # fmt: skip


def test_a_licence_list_remembers_only_the_cells_that_repeat() -> None:
    """Numbers, holders, codes and places are each their own: converted cell by cell, nothing remembered; dates,
    the 有效期限 range and 许可项目 repeat down the list: each distinct cell converted once."""
    from imports.columns import ColumnMapping
    from imports.list_rows import LicenseRowCleaner

    header = ["许可证编号", "主体名称", "社会信用代码", "经营场所", "发证日期", "有效期限", "许可项目"]
    fields = {0: "number", 1: "name", 2: "uscc", 3: "place", 4: "issued_on", 5: "validity", 6: "scope"}
    cleaner = LicenseRowCleaner("许可证", ColumnMapping(headers=header, fields=fields))
    for serial in range(1, 4):
        row = cleaner.clean(serial + 1, [f"JY1330302000000{serial}", f"第{serial}号店", uscc(serial), f"五马街{serial}号",
                                         "2021-05-01", "2021-05-01至2026-04-30", "预包装食品销售"])  # fmt: skip
        assert row is not None and not row.problems and row.values["number"] == f"JY1330302000000{serial}"
    remembered = {name: known for _index, name, _convert, known in cleaner._steps}
    assert {name for name, known in remembered.items() if known is None} == {"number", "name", "uscc", "place"}
    assert {name: len(known or ()) for name, known in remembered.items() if known is not None} == {
        "issued_on": 1, "validity": 1, "scope": 1}
