"""The synonym table, header normalisation, header search and saved mapping profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_imports_producers import CODE_A, csv_text

from imports.columns import (
    IGNORE,
    SYNONYMS,
    ColumnMapping,
    auto_mapping,
    header_unit,
    match_header,
    normalise_header,
)
from imports.header import column_letter, find_header
from imports.parse import parse_register_file
from imports.profiles import list_profiles, load_profile, save_profile
from workbench.services.errors import NotFound

# The synonyms the office named in the issue, each with the field it must land in.
NAMED = {
    "uscc": ["统一社会信用代码", "信用代码", "社会信用代码"],
    "code": ["注册号/统一社会信用代码", "统一社会信用代码（注册号）", "信用代码/注册号"],
    "reg_no": ["注册号"],
    "name": ["名称", "企业名称", "个体工商户名称", "字号名称", "主体名称"],
    "operator": ["经营者", "经营者姓名", "法定代表人", "负责人", "投资人"],
    "address": ["经营场所", "住所", "营业场所", "地址"],
    "registered_on": ["成立日期", "注册日期", "登记日期"],
    "status": ["登记状态", "经营状态"],
    "industry_code": ["行业代码"],
    "industry_name": ["所属行业", "行业门类"],
    "employees": ["从业人员", "从业人数", "雇工人数"],
    "capital": ["资金数额", "注册资本"],
    "phone": ["联系电话", "手机"],
    "grid": ["所属网格", "片区", "网格名称"],
    "supervising_unit": ["管辖单位", "所属监管所", "管辖所"],  # a grid name there is still the grid (imports.planner)
    "officer": ["包联干部", "责任人"],
    "composition": ["组成形式"],
    "registration_authority": ["登记机关"],
    "kind": ["主体类型", "市场主体类型"],
    "id_number": ["身份证号", "证件号码"],
}


@pytest.mark.parametrize(("field", "header"), [(field, header) for field, headers in NAMED.items() for header in headers])
def test_the_named_synonyms_map_to_their_field(field: str, header: str) -> None:
    assert match_header(header) == field


@pytest.mark.parametrize(
    ("written", "field"),
    [
        ("*名称", "name"), ("＊名称", "name"), ("名称（必填）", "name"), ("名称(必填)", "name"), ("名 称", "name"),
        ("经营\n场所", "address"), ("统一社会\r\n信用代码", "uscc"), ("住所（经营场所）", "address"),
        ("注册资本（万元）", "capital"), ("资金数额(元)", "capital"), ("从业人员（人）", "employees"),
        ("【必填】经营者", "operator"), ("成立日期：", "registered_on"), ("统一社会信用代码／注册号", "code"),
        ("注册号（统一社会信用代码）", "code"), ("序号", IGNORE), ("备注", None), ("", None),
    ],
)
def test_headers_are_normalised_before_lookup(written: str, field: str | None) -> None:
    assert match_header(written) == field


def test_every_synonym_is_unambiguous() -> None:
    seen: dict[str, str] = {}
    for field, words in SYNONYMS.items():
        for word in words:
            key = normalise_header(word)
            assert seen.setdefault(key, field) == field, f"{word} is listed for {seen[key]} and {field}"


def test_money_units_come_from_the_header() -> None:
    assert header_unit("注册资本（万元）") == 10_000
    assert header_unit("资金数额(万)") == 10_000
    assert header_unit("资金数额（元）") == 1
    assert header_unit("资金数额") == 1
    assert header_unit("注册资本（千元）") == 1_000 and header_unit("注册资本（百万元）") == 1_000_000
    assert header_unit("注册资本（亿元）") == 100_000_000 and header_unit("注册资本（万元人民币）") == 10_000


@pytest.mark.parametrize("header", ["注册资本（万美元）", "注册资本(万港元)", "出资额（欧元）", "注册资本（外币）"])
def test_a_capital_in_another_currency_is_left_out_not_read_as_yuan(header: str) -> None:
    """100 万美元 stored as 100 元 (or 100 万元) would be wrong without a word: the column is not imported, and
    the dry run lists it among the columns it leaves out."""
    assert match_header(header) is None
    assert auto_mapping(["统一社会信用代码", "名称", header]).fields == {0: "uscc", 1: "name"}


def test_column_letters() -> None:
    assert [column_letter(index) for index in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"
    ]


def test_the_first_column_for_a_field_wins_and_later_ones_are_left_for_a_person() -> None:
    mapping = auto_mapping(["名称", "电话", "手机", "序号", "备注"])
    assert mapping.fields == {0: "name", 1: "phone"}
    assert mapping.ignored == {3}
    assert mapping.unmapped() == [2, 4]
    assert mapping.column_of("phone") == 1 and mapping.column_of("uscc") is None


def test_the_header_is_found_below_titles_and_notes() -> None:
    rows: list[tuple[int, list[Any]]] = [
        (1, ["2024年鹿城区个体工商户登记名录", "", ""]),
        (2, ["填报单位：五马所", "", "单位：户"]),
        (4, ["序号", "个体工商户名称", "经营者"]),
        (5, [1.0, "某店", "王五"]),
    ]
    header = find_header(rows)
    assert header is not None
    assert (header.row_numbers, header.data_from, header.score) == ((4,), 3, 2)
    assert find_header(rows[:2]) is None


def test_a_title_row_does_not_join_the_header() -> None:
    rows: list[tuple[int, list[Any]]] = [(1, ["名录", "", ""]), (2, ["名称", "经营者", "地址"]), (3, ["某店", "王五", "五马街"])]
    header = find_header(rows)
    assert header is not None and header.row_numbers == (2,) and header.headers == ["名称", "经营者", "地址"]


def test_profiles_round_trip_and_list(tmp_path: Path) -> None:
    mapping = ColumnMapping(headers=["商户", "老板", "代码", "序号"], fields={0: "name", 1: "operator", 2: "code"},
                            units={0: 1, 1: 1, 2: 1}, ignored={3})
    folder = tmp_path / "profiles"
    saved = save_profile(folder, "县局/名录 2024", mapping)
    assert saved.name == "县局_名录 2024.json"
    save_profile(folder, "商务局", ColumnMapping(headers=["名称"], fields={0: "name"}))
    assert list_profiles(folder) == ["县局/名录 2024", "商务局"]
    profile = load_profile(folder, "县局/名录 2024")
    assert profile.columns == {"商户": "name", "老板": "operator", "代码": "code", "序号": IGNORE}
    with pytest.raises(NotFound, match="没有名为「不存在」的列对应方案"):
        load_profile(folder, "不存在")
    assert list_profiles(tmp_path / "nowhere") == []


def test_a_saved_profile_maps_headers_the_synonym_table_does_not_know(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(csv_text([["商户", "老板", "代码", "金额（万）"], ["某店", "王五", CODE_A, "3"]]), encoding="utf-8")
    first = parse_register_file(path)
    assert first.header_rows == (1,) and first.mapping.fields == {2: "code"}
    assert [column.header for column in first.unknown_columns] == ["商户", "老板", "金额（万）"]
    confirmed = ColumnMapping(headers=first.mapping.headers, fields={0: "name", 1: "operator", 2: "code", 3: "capital"},
                              units={3: 10_000})
    save_profile(tmp_path / "profiles", "奇怪的表", confirmed)
    again = parse_register_file(path, profile=load_profile(tmp_path / "profiles", "奇怪的表"))
    assert again.header_rows == (1,) and again.unknown_columns == []
    (row,) = list(again.rows)
    assert row.values == {"name": "某店", "operator": "王五", "uscc": CODE_A, "capital": 30_000}


def test_a_confirmed_mapping_overrides_the_table(tmp_path: Path) -> None:
    path = tmp_path / "override.csv"
    path.write_text(csv_text([["名称", "负责人", "联系电话"], ["某店", "王五", "13812345678"]]), encoding="utf-8")
    mapping = ColumnMapping(headers=["名称", "负责人", "联系电话"], fields={0: "name", 2: "phone"}, ignored={1})
    parsed = parse_register_file(path, mapping=mapping)
    assert parsed.unknown_columns == []
    (row,) = list(parsed.rows)
    assert row.values == {"name": "某店", "phone": "13812345678"} and row.raw["负责人"] == "王五"
