"""The monthly report workbook (issue 18) written from a hand-built MonthlyReport and read back with openpyxl and
python-calamine: every figure, the cell types, the charts, the print settings, the hidden machine sheet and
its detection of hand edits."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from report_samples import DEFINITIONS, SUMMARY, VERSION, wuma_report
from report_support import build_hand_office
from rich.cells import cell_len
from sqlalchemy import Engine
from sqlmodel import Session

from imports.report_workbook import ReportFileRefused, read_report_machine_sheet, write_monthly_report
from workbench.domain.report_definitions import DEFAULT_TARGETS
from workbench.domain.report_model import MonthlyReport
from workbench.domain.report_periods import Month
from workbench.services.file_output import WriteFailed
from workbench.services.monthly_report import monthly_report

SHEETS = ["汇总", "分网格", "分干部", "三型四类", "帮扶", "诉求", "明细", "图表数据", "口径说明", "机读数据"]
FIRST_LINE = 5  # 1-based row of the first summary line on 汇总 (title, subtitle, blank, header above it)


@pytest.fixture(scope="module")
def report() -> MonthlyReport:
    return wuma_report()


@pytest.fixture(scope="module")
def book_path(tmp_path_factory: pytest.TempPathFactory, report: MonthlyReport) -> Path:
    return write_monthly_report(report, tmp_path_factory.mktemp("report") / "月报-2026-10.xlsx")


def test_the_sheets_come_in_reading_order_and_the_machine_sheet_is_hidden(book_path: Path) -> None:
    book = load_workbook(book_path)
    assert book.sheetnames == SHEETS
    assert [book[name].sheet_state for name in SHEETS] == ["visible"] * 9 + ["hidden"]
    assert book.active.title == "汇总"


def test_every_summary_figure_is_on_汇总_with_its_comparisons(book_path: Path) -> None:
    sheet = load_workbook(book_path)["汇总"]
    assert sheet["A1"].value == "五马市场监管所 2026年10月 市场主体月报"
    assert "本所口径 v1" in sheet["A2"].value and "第 1 次出具：2026-11-03 09:30" in sheet["A2"].value
    assert [cell.value for cell in sheet[4]] == ["指标", "单位", "本月", "目标", "达标", "上月", "环比", "去年同月",
                                                 "同比", "说明"]
    for offset, line in enumerate(SUMMARY):
        row = FIRST_LINE + offset
        assert sheet.cell(row, 1).value == line.label
        assert sheet.cell(row, 2).value == line.unit
        shown = sheet.cell(row, 3).value
        assert shown == ("暂无数据" if line.value is None else pytest.approx(line.value)), line.code
        assert sheet.cell(row, 4).value == (None if line.target is None else pytest.approx(line.target))
        assert sheet.cell(row, 6).value == (None if line.last_month is None else pytest.approx(line.last_month))
        last_year = line.same_month_last_year
        assert sheet.cell(row, 8).value == (None if last_year is None else pytest.approx(last_year))
        if line.value is None:
            assert line.missing_reason in sheet.cell(row, 10).value
    by_label = {sheet.cell(row, 1).value: row for row in range(FIRST_LINE, FIRST_LINE + len(SUMMARY))}
    # Worked out by hand: 142 new against 131 last month and 120 a year ago.
    assert sheet.cell(by_label["新设"], 7).value == pytest.approx(11 / 131)
    assert sheet.cell(by_label["新设"], 9).value == pytest.approx(22 / 120)
    assert sheet.cell(by_label["撤销"], 9).value is None  # 0 a year ago: no growth rate from nothing
    assert sheet.cell(by_label["活跃度"], 7).value is None  # a rate's change is read from the rates beside it
    # 达标: 9393/12846 = 73.1% ≥ 70%; 703/1199 = 58.6% < 60%; no value, no mark.
    assert sheet.cell(by_label["活跃度"], 5).value == "达标"
    assert sheet.cell(by_label["三年存活率（2023年10月登记）"], 5).value == "未达标"
    assert sheet.cell(by_label["合作社活跃度"], 5).value is None
    assert sheet.cell(by_label["实有户数"], 5).value is None
    assert "口径：活跃度（本所口径 v1）" in sheet.cell(by_label["活跃度"], 10).value


def test_numbers_percentages_dates_and_codes_keep_their_types(book_path: Path, report: MonthlyReport) -> None:
    book = load_workbook(book_path)
    summary = book["汇总"]
    rate_row = FIRST_LINE + [line.code for line in SUMMARY].index("indicator.active_rate")
    assert summary.cell(rate_row, 3).number_format == "0.0%"
    assert summary.cell(rate_row, 4).number_format == "0.0%"
    money_row = FIRST_LINE + [line.code for line in SUMMARY].index("support.amount")
    assert summary.cell(money_row, 3).value == 1286500.5 and summary.cell(money_row, 3).number_format == "#,##0.00"
    assert summary.cell(FIRST_LINE, 3).data_type == "n" and summary.cell(FIRST_LINE, 3).number_format == "#,##0"
    detail = book["明细"]
    code = detail.cell(3, 4)
    assert (code.value, code.data_type, code.number_format) == ("330302600000000", "s", "@")
    assert detail.cell(3, 3).value == "92330302MA20000K0X" and detail.cell(3, 3).number_format == "@"
    assert detail.cell(3, 5).is_date and detail.cell(3, 5).value == datetime(2026, 10, 1)
    appeals = book["诉求"]
    assert appeals.cell(3, 1).value == "001202610000" and appeals.cell(3, 1).data_type == "s"
    # A name that would be a formula is written as text with Excel's quote prefix, never run.
    formula_like = detail.cell(3 + 7, 2)
    assert formula_like.value == '=HYPERLINK("http://x")茶饮店'
    assert formula_like.data_type == "s" and formula_like.quotePrefix
    assert book["分网格"].cell(3, 7).number_format == "0.0%"


def _calamine_rows(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _as_read(value: object) -> object:
    """A value as python-calamine returns it: numbers as floats, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return pytest.approx(float(value))
    return value


def test_every_table_cell_reads_back_with_calamine(book_path: Path, report: MonthlyReport) -> None:
    for table in report.tables:
        rows = _calamine_rows(book_path, table.sheet)
        assert table.title in rows[0][0]
        assert rows[1] == [column.title for column in table.columns]
        expected = [list(values) for values in table.rows] + ([list(table.total)] if table.total else [])
        assert len(rows) >= 2 + len(expected)
        for offset, values in enumerate(expected):
            assert rows[2 + offset] == [_as_read(value) for value in values], (table.sheet, offset)


def test_the_grid_total_adds_up_as_worked_out_by_hand(book_path: Path) -> None:
    total = _calamine_rows(book_path, "分网格")[8]
    # 2310 + 1987 + 2655 + 1804 + 2066 + 2024 = 12846; new 31+22+28+19+24+18 = 142; closed 86; net 56.
    assert total[:6] == ["合计", "", 12846.0, 142.0, 86.0, 56.0]


def test_the_chart_data_and_definitions_sheets(book_path: Path, report: MonthlyReport) -> None:
    rows = _calamine_rows(book_path, "图表数据")
    new_vs_closed = report.charts[0]
    assert rows[2][0] == new_vs_closed.title
    assert rows[3] == ["类别", "新设", "注销"]
    months = [row[0] for row in rows[4:28]]
    assert months[0] == "2024-11" and months[-1] == "2026-10" and len(set(months)) == 24
    assert [row[1] for row in rows[4:28]] == [float(value) for value in new_vs_closed.series[0][1]]
    assert [row[2] for row in rows[4:28]] == [float(value) for value in new_vs_closed.series[1][1]]
    definitions = _calamine_rows(book_path, "口径说明")
    assert "本所口径 v1" in definitions[0][0]
    assert definitions[2:5] == [[item.name, item.version, item.text] for item in DEFINITIONS]


def test_three_native_charts_sit_on_汇总_and_plot_the_chart_data(book_path: Path) -> None:
    with zipfile.ZipFile(book_path) as archive:
        names = archive.namelist()
        charts = sorted(name for name in names if re.fullmatch(r"xl/charts/chart\d+\.xml", name))
        assert len(charts) == 3
        kinds = [archive.read(name).decode() for name in charts]
        drawing_links = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert "drawing" in drawing_links  # the charts are anchored on the first sheet, 汇总
    assert "<c:lineChart>" in kinds[0] and "<c:pieChart>" in kinds[1] and "<c:barChart>" in kinds[2]
    assert "图表数据!$B$5:$B$28" in kinds[0] and "图表数据!$C$5:$C$28" in kinds[0]
    assert "新设与注销（近24个月）" in kinds[0] and "三型分布" in kinds[1] and "诉求按时办结" in kinds[2]


def test_every_sheet_prints_on_a4_landscape_one_page_wide_with_title_and_page_numbers(book_path: Path) -> None:
    book = load_workbook(book_path)
    for name in SHEETS[:-1]:
        sheet = book[name]
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        # fitToWidth is left out when 1 (the file format's default); fitToHeight 0 = as many pages as needed.
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), name
        assert "五马市场监管所 2026年10月" in sheet.oddHeader.left.text, name
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text, name
        assert sheet.print_title_rows, name
    assert book["汇总"].print_title_rows == "$1:$2"
    assert book["分网格"].print_title_rows == "$1:$2"  # title and header on every page
    assert book["汇总"].freeze_panes == "B5"
    assert book["明细"].freeze_panes == "B3"


def test_column_widths_fit_chinese_text(book_path: Path, report: MonthlyReport) -> None:
    sheet = load_workbook(book_path)["明细"]
    widest_name = max(cell_len(str(row[1])) for row in report.tables[-1].rows)  # a CJK character is two
    assert sheet.column_dimensions["B"].width >= widest_name
    assert sheet.column_dimensions["F"].width >= cell_len("五马街道第一网格")
    assert sheet.column_dimensions["C"].width >= 18  # an 18-character credit code shows whole


def test_the_machine_sheet_reads_back_as_the_issued_figures(book_path: Path, report: MonthlyReport) -> None:
    back = read_report_machine_sheet(book_path)
    assert (back.office_code, back.office_name, back.period) == ("330302-WM", "五马市场监管所", "2026-10")
    assert (back.definition_version, back.issue_number) == (VERSION, 1)
    assert back.issued_at == datetime(2026, 11, 3, 9, 30)
    assert back.extra == {"制表人": "陈晓燕"}
    assert back.definitions == DEFINITIONS
    assert [line.code for line in back.summary] == [line.code for line in report.summary]
    for read, written in zip(back.summary, report.summary, strict=True):
        for name in ("value", "last_month", "same_month_last_year", "target", "numerator", "denominator"):
            expected = getattr(written, name)
            assert getattr(read, name) == (None if expected is None else pytest.approx(expected)), (read.code, name)
        assert (read.label, read.unit, read.met, read.additive, read.missing_reason, read.definition_code) == (
            written.label, written.unit, written.met, written.additive, written.missing_reason,
            written.definition_code,
        )


def _edit(path: Path, sheet: str, cell: str, value: object, target: Path) -> Path:
    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(target)
    return target


def test_a_copy_saved_again_without_changes_still_reads(book_path: Path, tmp_path: Path) -> None:
    book = load_workbook(book_path)
    book.save(tmp_path / "again.xlsx")
    assert read_report_machine_sheet(tmp_path / "again.xlsx").summary[0].value == 12846


def test_a_figure_changed_on_汇总_is_refused_naming_the_cell(book_path: Path, tmp_path: Path) -> None:
    row = FIRST_LINE + [line.code for line in SUMMARY].index("flow.new")
    edited = _edit(book_path, "汇总", f"C{row}", 150, tmp_path / "月报-改.xlsx")
    with pytest.raises(ReportFileRefused) as refused:
        read_report_machine_sheet(edited)
    assert refused.value.message == (
        f"「月报-改.xlsx」出具后被手工改动过：汇总!C{row}「新设」现为 150，出具时为 142。请向出具的所要一份未改动的月报"
    )


def test_a_figure_typed_over_as_text_is_a_change_too(book_path: Path, tmp_path: Path) -> None:
    edited = _edit(book_path, "汇总", f"C{FIRST_LINE}", "12846", tmp_path / "text.xlsx")
    with pytest.raises(ReportFileRefused, match="汇总!C5「实有户数」"):
        read_report_machine_sheet(edited)


def test_an_edit_in_a_table_names_the_sheet(book_path: Path, tmp_path: Path) -> None:
    edited = _edit(book_path, "分网格", "C3", 2311, tmp_path / "grid.xlsx")
    with pytest.raises(ReportFileRefused, match="「grid.xlsx」出具后被手工改动过：「分网格」页的内容与出具时不同"):
        read_report_machine_sheet(edited)


def test_an_edit_in_the_hidden_machine_sheet_breaks_its_checksum(book_path: Path, tmp_path: Path) -> None:
    book = load_workbook(book_path)
    sheet = book["机读数据"]
    row = next(row for row in sheet.iter_rows() if row[1].value == "flow.new")
    row[4].value = 150
    book.save(tmp_path / "machine.xlsx")
    with pytest.raises(ReportFileRefused, match="「machine.xlsx」隐藏的机读数据在出具后被改动过（校验码不符）"):
        read_report_machine_sheet(tmp_path / "machine.xlsx")


def test_a_draft_says_so_and_a_report_without_tables_or_charts_is_still_whole(tmp_path: Path) -> None:
    draft = wuma_report(issue_number=0, issued_at=None, tables=(), charts=(), definitions=())
    path = write_monthly_report(draft, tmp_path / "草稿.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "口径说明", "机读数据"]
    assert "草稿：尚未出具" in book["汇总"]["A2"].value
    assert book["口径说明"]["A3"].value == "（本报告没有附口径说明）"
    back = read_report_machine_sheet(path)
    assert (back.issue_number, back.issued_at) == (0, None)


def test_an_odd_office_name_and_period_are_written_safely(tmp_path: Path) -> None:
    odd = wuma_report(office_name="=A1&B1 所", period="2026-1O", tables=(), charts=())
    path = write_monthly_report(odd, tmp_path / "odd.xlsx")
    sheet = load_workbook(path)["汇总"]
    assert sheet["A1"].value == "=A1&B1 所 2026-1O 市场主体月报" and sheet["A1"].data_type == "s"
    assert "&&B1" in sheet.oddHeader.left.text  # & is Excel's header code: doubled to print as itself
    assert read_report_machine_sheet(path).office_name == "=A1&B1 所"


def test_tables_with_the_same_or_a_reserved_sheet_name_each_get_a_sheet(tmp_path: Path) -> None:
    grid = wuma_report().tables[0]
    tables = (grid, grid, replace(grid, sheet="机读数据"), replace(grid, sheet="汇总"))
    path = write_monthly_report(wuma_report(tables=tables, charts=()), tmp_path / "同名.xlsx")
    assert load_workbook(path).sheetnames == [
        "汇总", "分网格", "分网格(2)", "机读数据(2)", "汇总(2)", "口径说明", "机读数据"
    ]
    assert read_report_machine_sheet(path).office_name == "五马市场监管所"


def test_a_title_wider_than_its_table_wraps_instead_of_being_cut(tmp_path: Path) -> None:
    narrow = wuma_report().tables[2]  # 三型四类: five short columns
    long_title = replace(narrow, title="三型分布、规模、名特优新、培育库与个转企，以及本月各类变动的户数和占比")
    path = write_monthly_report(wuma_report(tables=(long_title, wuma_report().tables[-1]), charts=()),
                                tmp_path / "长标题.xlsx")
    book = load_workbook(path)
    assert book["三型四类"]["A1"].alignment.wrap_text
    assert book["三型四类"].row_dimensions[1].height >= 48  # two lines of the 16-point title at least
    assert not book["明细"]["A1"].alignment.wrap_text  # a title that fits stays one line
    assert book["明细"].row_dimensions[1].height == 24


def test_a_long_summary_repeats_its_header_row_on_every_page(tmp_path: Path) -> None:
    lines = tuple(replace(SUMMARY[0], code=f"stock.{index}", label=f"实有户数{index}") for index in range(40))
    path = write_monthly_report(wuma_report(summary=lines), tmp_path / "长.xlsx")
    assert load_workbook(path)["汇总"].print_title_rows == "$1:$4"  # title, subtitle, blank, header


def test_writing_into_a_folder_is_one_chinese_sentence(tmp_path: Path) -> None:
    (tmp_path / "月报.xlsx").mkdir()
    with pytest.raises(WriteFailed, match="是一个文件夹"):
        write_monthly_report(wuma_report(), tmp_path / "月报.xlsx")
    assert list(tmp_path.iterdir()) == [tmp_path / "月报.xlsx"]  # no half-written file left beside it


def test_dates_in_the_sample_are_real_dates() -> None:
    # Guards the sample itself: the date columns above are checked against date objects, not strings.
    detail = wuma_report().tables[-1]
    assert all(isinstance(row[4], date) for row in detail.rows)


def test_the_pie_of_an_office_never_classified_plots_its_households(engine: Engine, tmp_path: Path) -> None:
    """An office that never ran 重新分型 (report_support's hand office: six 存续 households at 2026-10-31, A E K
    L M Q): the pie plots them as 尚未分型 instead of four zeros, which Excel draws as an empty circle."""
    hand = build_hand_office(engine)
    with Session(engine) as session:
        counted = monthly_report(session=session, actor=hand.actor, month=Month(2026, 10), targets=DEFAULT_TARGETS)
    path = write_monthly_report(counted, tmp_path / "月报.xlsx")
    rows = _calamine_rows(path, "图表数据")
    start = next(index for index, row in enumerate(rows) if row[0] == "三型分布") + 2
    assert [row[:2] for row in rows[start:start + 5]] == [
        ["生存型", 0.0], ["成长型", 0.0], ["发展型", 0.0], ["未分型", 0.0], ["尚未分型", 6.0],
    ]
    with zipfile.ZipFile(path) as archive:
        pie = next(text for name in archive.namelist() if name.startswith("xl/charts/")
                   and "<c:pieChart>" in (text := archive.read(name).decode()))
    # The pie's values run over all five rows (1-based rows start + 1 .. start + 5).
    assert f"图表数据!$B${start + 1}:$B${start + 5}" in pie
