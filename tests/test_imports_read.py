"""Reading registration lists from every producer into the same clean rows, with real Excel row numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_imports_producers import (
    CODE_A,
    CODE_B,
    CODE_C,
    HEADER,
    HEADER_ROW,
    SHEET_ROWS,
    TITLE,
    csv_text,
    html_table,
    spreadsheetml,
    write_odfpy,
    write_openpyxl,
    write_xlsxwriter,
    write_xlwt,
)

from imports.errors import NoHeaderFound, UnreadableFile
from imports.parse import parse_register_file
from imports.readers import iter_rows, list_sheets

Table = list[list[Any]]
EXPECTED = [
    {"uscc": CODE_A, "name": "鹿城区阿明水果店", "operator": "王阿明", "address": "五马街1号",
     "registered_on": date(2019, 5, 3), "status": "active", "capital": 50_000, "employees": 2, "phone": "13812345678"},
    {"uscc": CODE_B, "name": "鹿城区小芳理发店", "operator": "李小芳", "address": "府前街8号",
     "registered_on": date(2020, 1, 15), "status": "active", "capital": 123_500, "employees": 1,
     "phone": "0577-88881234"},
    {"uscc": CODE_C, "name": "温州某某贸易有限公司", "operator": "张三", "address": "锦江路3号",
     "registered_on": date(2018, 12, 31), "status": "deregistered", "capital": 1_000_000, "employees": 5},
]
PRODUCERS: dict[str, Callable[[Path], Any]] = {
    "openpyxl.xlsx": lambda path: write_openpyxl(path, SHEET_ROWS),
    "xlsxwriter.xlsx": lambda path: write_xlsxwriter(path, SHEET_ROWS),
    "xlwt.xls": lambda path: write_xlwt(path, SHEET_ROWS),
    "odfpy.ods": lambda path: write_odfpy(path, SHEET_ROWS),
    "excel2003.xls": lambda path: path.write_text(spreadsheetml(SHEET_ROWS, gap_before_header=False), "utf-8"),
    "web.xls": lambda path: path.write_text(html_table(SHEET_ROWS, charset="gbk"), encoding="gbk"),
    "gbk.csv": lambda path: path.write_text(csv_text(SHEET_ROWS), encoding="gbk"),
    "bom.csv": lambda path: path.write_text(csv_text(SHEET_ROWS), encoding="utf-8-sig"),
    "plain.csv": lambda path: path.write_text(csv_text(SHEET_ROWS), encoding="utf-8"),
    "unicode.txt": lambda path: path.write_text(csv_text(SHEET_ROWS, delimiter="\t"), encoding="utf-16"),
}


def _parse(path: Path, **options: Any) -> tuple[Any, list[Any]]:
    parsed = parse_register_file(path, **options)
    return parsed, list(parsed.rows)


@pytest.mark.parametrize("name", list(PRODUCERS))
def test_every_producer_gives_the_same_clean_rows(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    PRODUCERS[name](path)
    parsed, rows = _parse(path)
    assert parsed.header_rows == (HEADER_ROW,)
    assert [row.row_number for row in rows] == [4, 5, 6]
    assert [row.values for row in rows] == EXPECTED
    assert all(row.problems == [] and row.valid for row in rows)
    assert [(column.column, column.header) for column in parsed.unknown_columns] == [("K", "备注")]
    assert rows[1].raw["备注"] == "补录" and rows[1].raw["个体工商户名称"] == "鹿城区小芳理发店"


@pytest.mark.parametrize("name", ["openpyxl.xlsx", "xlwt.xls", "odfpy.ods", "excel2003.xls"])
def test_iter_rows_gives_sheet_row_number_and_cells(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    PRODUCERS[name](path)
    rows = [row for row in iter_rows(path) if any(cell != "" for cell in row.cells)]
    assert [(row.sheet, row.row) for row in rows] == [("名录", number) for number in range(1, 7)]
    assert rows[0].cells[0] == TITLE and rows[2].cells[: len(HEADER)] == HEADER


def test_leading_empty_rows_and_columns_keep_excel_numbers_and_letters(tmp_path: Path) -> None:
    path = write_openpyxl(tmp_path / "offset.xlsx", SHEET_ROWS, start_row=4, start_column=3)
    parsed, rows = _parse(path)
    assert parsed.header_rows == (6,)
    assert [row.row_number for row in rows] == [7, 8, 9]
    assert [row.values["name"] for row in rows] == ["鹿城区阿明水果店", "鹿城区小芳理发店", "温州某某贸易有限公司"]
    assert parsed.unknown_columns[0].column == "M"  # 备注 is the 11th column counted from C


def test_spreadsheetml_index_gaps_keep_row_and_column_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gaps.xls"
    path.write_text(spreadsheetml(SHEET_ROWS), encoding="utf-8")
    parsed, rows = _parse(path)
    assert parsed.header_rows == (4,)  # ss:Index="3" on the note row leaves row 2 empty
    assert [row.row_number for row in rows] == [5, 6, 7]
    assert [row.values for row in rows] == EXPECTED


def test_spreadsheetml_merge_across_pads_the_covered_cells(tmp_path: Path) -> None:
    path = tmp_path / "merged.xml"
    path.write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>'
        '<Row><Cell ss:MergeAcross="1"><Data ss:Type="String">名称</Data></Cell>'
        '<Cell><Data ss:Type="String">经营者</Data></Cell><Cell ss:Index="5"><Data ss:Type="Number">3</Data></Cell>'
        '<Cell><Data ss:Type="Boolean">1</Data></Cell></Row>'
        "</Table></Worksheet></Workbook>",
        encoding="utf-8",
    )
    assert [row.cells for row in iter_rows(path)] == [["名称", "", "经营者", "", 3.0, True]]


def test_html_colspan_and_rowspan_leave_empty_cells_like_merged_cells(tmp_path: Path) -> None:
    path = tmp_path / "span.xls"
    path.write_text(
        "<table><tr><td rowspan=2>名称</td><td colspan=2>联系方式</td><td>备注</td></tr>"
        "<tr><td>电话</td><td>手机</td><td>a<br>b</td></tr><tr><td>x</td><td>1</td><td>2</td></tr></table>"
        "<table><tr><td>第二张表</td></tr></table>",
        encoding="utf-8",
    )
    assert [(row.row, row.cells) for row in iter_rows(path)] == [
        (1, ["名称", "联系方式", "", "备注"]),
        (2, ["", "电话", "手机", "a b"]),
        (3, ["x", "1", "2"]),
        (4, ["第二张表"]),
    ]


def test_a_two_row_header_under_merged_group_titles_is_read_as_one(tmp_path: Path) -> None:
    rows: Table = [
        [TITLE],
        ["名称", "经营者", "", "联系方式", "", "统一社会信用代码"],
        ["", "姓名", "身份证号", "电话", "手机", ""],
        ["某某店", "王五", "", "0577-88881234", "13812345678", CODE_A],
    ]
    path = write_openpyxl(tmp_path / "two.xlsx", rows, merge_title=False)
    parsed, parsed_rows = _parse(path)
    assert parsed.header_rows == (2, 3)
    assert parsed.mapping.headers == ["名称", "经营者/姓名", "经营者/身份证号", "联系方式/电话", "联系方式/手机",
                                      "统一社会信用代码"]
    assert parsed.mapping.fields == {0: "name", 1: "operator", 2: "id_number", 3: "phone", 5: "uscc"}
    assert [column.header for column in parsed.unknown_columns] == ["联系方式/手机"]
    assert "只导入了前者" in parsed.unknown_columns[0].reason
    assert parsed_rows[0].row_number == 4 and parsed_rows[0].values["operator"] == "王五"


def test_instruction_rows_and_footer_notes_are_skipped_and_listed(tmp_path: Path) -> None:
    rows = [
        ["*名称", "统一社会信用代码（必填）", "成立日期"],
        ["（必填）", "18位，文本格式", "格式：2024-01-01"],
        ["某某店", CODE_A, "2019年5月3日"],
        [],
        ["注塑加工厂", CODE_B, "2019/5/3"],
        ["合计：2户"],
        ["制表人：李四", "", "审核：王五"],
    ]
    path = tmp_path / "notes.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    parsed, parsed_rows = _parse(path)
    assert [row.row_number for row in parsed_rows] == [3, 5]
    assert [row.values["name"] for row in parsed_rows] == ["某某店", "注塑加工厂"]
    assert [(skipped.row, skipped.reason[:4]) for skipped in parsed.skipped] == [
        (2, "表头下方"), (6, "说明、合"), (7, "说明、合")
    ]
    assert parsed.blank_rows == 1


def test_codes_as_numbers_are_flagged_as_excel_damage_and_short_numbers_kept(tmp_path: Path) -> None:
    rows: Table = [
        ["名称", "统一社会信用代码", "注册号", "身份证号", "联系电话"],
        ["数字代码店", 9.16201055811843e17, "", 3.30302198001011e17, 13812345678],
        ["旧注册号店", "", 330302600012347, "", ""],
    ]
    path = write_openpyxl(tmp_path / "numbers.xlsx", rows, merge_title=False)
    _parsed, parsed_rows = _parse(path)
    damaged, old = parsed_rows
    assert {problem.column_header for problem in damaged.problems} == {"统一社会信用代码", "身份证号"}
    assert all("科学计数法" in problem.reason and "文本" in problem.reason for problem in damaged.problems)
    assert damaged.values["phone"] == "13812345678" and not damaged.valid
    assert "uscc" not in damaged.values and "id_number" not in damaged.values
    assert old.values["reg_no"] == "330302600012347" and old.valid


def test_every_problem_names_sheet_row_column_value_and_reason(tmp_path: Path) -> None:
    rows: Table = [
        [TITLE],
        ["名称", "统一社会信用代码", "成立日期", "登记状态", "资金数额", "从业人员"],
        ["", CODE_A[:-1] + "0", "2019-02-30", "营业中", "五万", 2.5],
    ]
    path = write_openpyxl(tmp_path / "bad.xlsx", rows, sheet="个体户")
    _parsed, (row,) = _parse(path)
    found = {problem.column_header: problem for problem in row.problems}
    assert set(found) == {"名称", "统一社会信用代码", "成立日期", "登记状态", "资金数额", "从业人员"}
    assert all(problem.sheet == "个体户" and problem.row == 3 for problem in row.problems)
    assert found["统一社会信用代码"].column == "B" and found["统一社会信用代码"].raw_value == CODE_A[:-1] + "0"
    assert found["成立日期"].reason == "日期「2019-02-30」不存在（2019 年 2 月没有 30 日，或月份有误）"
    assert found["名称"].reason == "名称不能为空"
    assert found["从业人员"].raw_value == 2.5
    assert found["登记状态"].message().startswith("工作表「个体户」第 3 行「登记状态」列（D 列），值「营业中」：登记状态「营业中」无法识别")


def test_repeats_in_the_file_point_at_the_first_row(tmp_path: Path) -> None:
    rows = [
        ["名称", "信用代码/注册号"],
        ["甲店", CODE_A],
        ["乙店", "330302600012347"],
        ["甲店（重复）", CODE_A.lower()],
        ["乙店（重复）", " 330302600012347 "],
    ]
    path = tmp_path / "repeats.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    _parsed, parsed_rows = _parse(path)
    assert [row.duplicate_of for row in parsed_rows] == [None, None, 2, 3]
    assert parsed_rows[1].values["reg_no"] == "330302600012347"
    assert parsed_rows[2].problems[0].reason == "与第 2 行的统一社会信用代码相同：文件中重复出现，本行不会导入"
    assert parsed_rows[3].problems[0].column_header == "信用代码/注册号"
    assert not parsed_rows[2].valid


def test_a_credit_code_column_holding_an_old_reg_no_moves_it(tmp_path: Path) -> None:
    rows = [["名称", "统一社会信用代码"], ["老店", "330302600012347"], ["新店", CODE_B]]
    path = tmp_path / "mixed.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    _parsed, parsed_rows = _parse(path)
    assert [row.values.get("reg_no") for row in parsed_rows] == ["330302600012347", None]
    assert [row.values.get("uscc") for row in parsed_rows] == [None, CODE_B]


def test_web_systems_equals_quote_trick_is_unwrapped(tmp_path: Path) -> None:
    path = tmp_path / "web.csv"
    path.write_text(f'名称,统一社会信用代码\n某店,="{CODE_A}"\n', encoding="utf-8")
    _parsed, (row,) = _parse(path)
    assert row.values["uscc"] == CODE_A


def test_sheet_choice_skips_an_instructions_sheet_and_lists_every_sheet(tmp_path: Path) -> None:
    path = write_openpyxl(tmp_path / "sheets.xlsx", SHEET_ROWS, sheet="名录", extra_sheets=["填表说明"])
    assert [info.name for info in list_sheets(path)] == ["填表说明", "名录"]
    parsed, rows = _parse(path)
    assert parsed.sheet == "名录" and len(rows) == 3
    with pytest.raises(NoHeaderFound, match="「填表说明」"):
        parse_register_file(path, sheet="填表说明")
    with pytest.raises(UnreadableFile, match="没有名为「不存在」的工作表"):
        parse_register_file(path, sheet="不存在")


def test_hidden_sheets_are_listed_but_not_chosen(tmp_path: Path) -> None:
    import openpyxl

    path = write_openpyxl(tmp_path / "hidden.xlsx", SHEET_ROWS)
    workbook = openpyxl.load_workbook(path)
    hidden = workbook.create_sheet("旧数据", 0)
    hidden.append(HEADER)
    hidden.sheet_state = "hidden"
    workbook.save(path)
    assert [(info.name, info.visible) for info in list_sheets(path)] == [("旧数据", False), ("名录", True)]
    assert parse_register_file(path).sheet == "名录"


def test_no_header_and_a_wrong_header_row_say_so(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("甲,乙,丙\n1,2,3\n", encoding="utf-8")
    with pytest.raises(NoHeaderFound, match="前 20 行里没有找到表头"):
        parse_register_file(path)
    good = tmp_path / "good.csv"
    good.write_text(csv_text(SHEET_ROWS), encoding="utf-8")
    with pytest.raises(NoHeaderFound, match="第 1 行不是表头"):
        parse_register_file(good, header_row=1)
    parsed, rows = _parse(good, header_row=3)
    assert parsed.header_rows == (3,) and len(rows) == 3


def test_rows_stream_and_report_progress(tmp_path: Path) -> None:
    data = [[f"店{number}", "", "存续"] for number in range(2500)]
    path = tmp_path / "many.csv"
    path.write_text(csv_text([["名称", "统一社会信用代码", "登记状态"], *data]), encoding="utf-8")
    seen: list[tuple[int, int | None]] = []
    parsed = parse_register_file(path, progress=lambda done, total: seen.append((done, total)))
    first = next(parsed.rows)
    assert first.row_number == 2 and seen == []
    assert sum(1 for _ in parsed.rows) == 2499
    assert [done for done, _total in seen] == [1001, 2001, 2501]
    assert parsed.missing_fields == []


def test_missing_name_or_code_columns_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "only_phone.csv"
    path.write_text("经营者,联系电话\n王五,13812345678\n", encoding="utf-8")
    parsed = parse_register_file(path)
    assert parsed.missing_fields == ["name", "uscc"]
    (row,) = list(parsed.rows)
    assert row.valid and "name" not in row.values


def test_dates_as_real_dates_and_as_text_in_one_column(tmp_path: Path) -> None:
    days = [date(2019, 5, 3), "2019年5月3日", "2019/5/3", "2019-05-03", "20190503", "2019.5.3", 43588,
            "２０１９年５月３日", "2019-05-03 00:00:00"]
    rows: Table = [["名称", "成立日期"], *([f"店{index}", day] for index, day in enumerate(days))]
    path = write_openpyxl(tmp_path / "dates.xlsx", rows, merge_title=False)
    _parsed, parsed_rows = _parse(path)
    assert [row.values["registered_on"] for row in parsed_rows] == [date(2019, 5, 3)] * len(days)


def test_a_ten_thousand_yuan_header_scales_plain_numbers_only(tmp_path: Path) -> None:
    rows: Table = [["名称", "注册资本（万元）"], ["甲", 12.35], ["乙", "8万元"], ["丙", "50,000元"], ["丁", "1,000"]]
    path = write_openpyxl(tmp_path / "money.xlsx", rows, merge_title=False)
    parsed, parsed_rows = _parse(path)
    assert parsed.mapping.units == {0: 1, 1: 10_000}
    assert [row.values["capital"] for row in parsed_rows] == [123_500, 80_000, 50_000, 10_000_000]


def test_status_industry_and_old_2011_codes(tmp_path: Path) -> None:
    rows: Table = [
        ["名称", "经营状态", "行业代码", "所属行业"],
        ["甲", "存续（在营、开业、在册）", "F5223", "果品、蔬菜零售"],
        ["乙", "歇业", 5223.0, ""],
        ["丙", "吊销,未注销", "2033", "地板制造"],
        ["丁", "在业", "", "零售业"],
    ]
    path = write_openpyxl(tmp_path / "industry.xlsx", rows, merge_title=False)
    _parsed, parsed_rows = _parse(path)
    assert [(row.values["status"], row.values.get("suspended")) for row in parsed_rows] == [
        ("active", None), ("active", True), ("revoked", None), ("active", None)
    ]
    assert [(row.values.get("industry_code"), row.values.get("industry_code_version")) for row in parsed_rows] == [
        ("5223", "2017"), ("5223", "2017"), ("2033", "2011"), ("52", "2017")
    ]
    (warning,) = parsed_rows[2].problems
    assert warning.reason.startswith("可能是2011版代码") and not warning.blocking and parsed_rows[2].valid
    assert warning.column_header == "行业代码" and warning.raw_value == "2033"


def test_xls_and_ods_with_empty_rows_and_columns_above_keep_their_numbers(tmp_path: Path) -> None:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    worksheet = workbook.add_sheet("名录")
    for row, column, value in [(3, 1, "名称"), (3, 2, "经营者"), (4, 1, "甲店"), (6, 1, "乙店"), (6, 2, "李四")]:
        worksheet.write(row, column, value)
    workbook.save(str(tmp_path / "offset.xls"))
    write_odfpy(tmp_path / "offset.ods", [[], [""], ["", ""], ["名称", "经营者"], ["甲店", ""], [], ["乙店", "李四"]])
    for name in ("offset.xls", "offset.ods"):
        parsed, rows = _parse(tmp_path / name)
        assert parsed.header_rows == (4,)
        assert [(row.row_number, row.values) for row in rows] == [
            (5, {"name": "甲店"}), (7, {"name": "乙店", "operator": "李四"})
        ]
