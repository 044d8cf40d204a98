"""The checks made before python-calamine reads a sheet, in process and on small made-up sheet XML: the real
extent of cells however they are written, formula cells without a result, and valid oddities read as usual.
(tests/test_hostile_files.py runs whole files through `workbench import` with a memory limit.)"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hostile_files import HEADER, register_rows, register_sheet_xml, uncomputed_formulas, write_package

from imports.errors import UnreadableFile
from imports.parse import parse_register_file
from imports.readers.formulas import FORMULA_WITHOUT_RESULT
from imports.readers.sheet_extent import check_sheet_extent


def _sheet(cells: str) -> bytes:
    return (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1"/><sheetData>{cells}</sheetData></worksheet>').encode()


def _check(cells: str, chunk: int = 7) -> None:
    data = _sheet(cells)
    check_sheet_extent("名录", lambda: (data[start:start + chunk] for start in range(0, len(data), chunk)))


@pytest.mark.parametrize("far", [
    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',  # written the usual way
    '<row r="1048576"><c s="1" r="XFD1048576"><v>1</v></c></row>',  # r= not first
    "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",  # single quotes
    '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',  # a namespace prefix
    '<row r="1048576">' + "<c></c>" * 16_383 + "<c><v>1</v></c></row>",  # no r=: position by counting
    '<row r="1048576"><c r="XFC1048576"><v>1</v></c><c><v>1</v></c></row>',  # no r=: after the one before
])
def test_a_far_cell_is_found_however_it_is_written(far: str) -> None:
    with pytest.raises(UnreadableFile, match="文件过大或已损坏：工作表「名录」的内容从 A1 一直到"):
        _check(f'<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>{far}')


@pytest.mark.parametrize("cells", [
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576" s="3"/></row>',  # styled, empty
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="AZ1048576"><v>1</v></c></row>',  # 52 wide
    '<row r="1"><c r="XFD1"><v>1</v></c><c r="A1"><v>1</v></c></row>',  # one row across every column
])
def test_what_calamine_can_hold_passes(cells: str) -> None:
    _check(cells)


def test_a_far_cell_hidden_in_a_second_entry_of_the_same_name_is_found(tmp_path: Path) -> None:
    """Zip names differing only in case are one part to python-calamine: whichever it reads is checked."""
    path = write_package(tmp_path / "名录.xlsx", register_sheet_xml(register_rows(2)))
    far = register_sheet_xml(register_rows(2)).replace("</sheetData>", '<row r="900000"><c r="XFD900000"><v>1</v></c></row></sheetData>')
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("XL/Worksheets/Sheet1.xml", far)
    with pytest.raises(UnreadableFile, match="多半是远处的单元格 XFD900000 有内容"):
        parse_register_file(path)


def test_a_row_beyond_excel_is_damage() -> None:
    with pytest.raises(UnreadableFile, match="工作表「名录」有单元格位于第 4,000,000,000 行，超出了 Excel 表格的范围"):
        _check('<row r="1"><c r="A1"><v>1</v></c><c r="B4000000000"><v>1</v></c></row>')


def test_formulas_without_a_result_are_empty_and_named(tmp_path: Path) -> None:
    rows = {row.row_number: row for row in parse_register_file(uncomputed_formulas(tmp_path / "名录.xlsx")).rows}
    assert "phone" not in rows[3].values and "employees" not in rows[3].values
    warnings = [(problem.column, problem.reason, problem.blocking) for problem in rows[3].problems]
    assert warnings == [("H", FORMULA_WITHOUT_RESULT, False), ("L", FORMULA_WITHOUT_RESULT, False)]
    assert rows[3].valid and rows[2].problems == [] and rows[2].values["phone"] == "13812345678"


@pytest.mark.parametrize(("cell", "calculation", "phone"), [
    ('<f>"1381234"&amp;"5678"</f><v>13812345678</v>', "", "13812345678"),  # computed by Excel: kept
    ('<f>"1381234"&amp;"5678"</f><v>13812345678</v>', '<calcPr fullCalcOnLoad="1"/>', "13812345678"),
    ('<f>"1381234"&amp;"5678"</f><v/>', "", None),  # openpyxl: no result at all
])
def test_a_formula_result_is_kept_when_there_is_one(tmp_path: Path, cell: str, calculation: str, phone: str | None) -> None:
    sheet = register_sheet_xml(register_rows(1))
    letter = "H"
    assert HEADER[7] == "联系电话"
    start = sheet.index(f'<c r="{letter}2"')
    sheet = sheet[:start] + f'<c r="{letter}2">{cell}</c>' + sheet[sheet.index("</c>", start) + 4:]
    path = write_package(tmp_path / "名录.xlsx", sheet, calculation=calculation)
    [row] = parse_register_file(path).rows
    assert row.values.get("phone") == phone
    assert any(problem.reason == FORMULA_WITHOUT_RESULT for problem in row.problems) is (phone is None)
