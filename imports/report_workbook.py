"""The monthly report as a print-ready workbook (issue 18), and reading an issued one back for the county merge.

`write_monthly_report(report, path)` writes, from the plain-data MonthlyReport (workbench.domain.report_model):
汇总 (figures, targets, last month, same month last year, 达标, the charts), one sheet per table, 图表数据
(what the charts plot), 口径说明, and the hidden 机读数据 sheet. Why xlsxwriter: imports/report_cells.py.
The file appears complete under its name or not at all (workbench.services.file_output).

`read_report_machine_sheet(path)` reads the machine sheet back as a MonthlyReport (summary and definitions)
after checking that the file is a Workbench report and that no figure was edited by hand after issue;
anything else is a ReportFileRefused with one Chinese sentence naming the file (and the cell or sheet).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import xlsxwriter

from imports.report_cells import ReportFormats, ReportSheet
from imports.report_checksum import canonical, rows_digest
from imports.report_machine import (
    MACHINE_SHEET,
    MachineSheetProblem,
    machine_rows,
    parse_machine_rows,
    write_machine_sheet,
)
from imports.report_sheets import write_chart_data, write_definitions, write_table
from imports.report_summary import SUMMARY_SHEET, insert_charts, write_summary
from workbench.domain.report_model import MonthlyReport
from workbench.services.errors import WorkbenchError
from workbench.services.file_output import write_file

_ZIP_MAGIC = b"PK\x03\x04"


class ReportFileRefused(WorkbenchError):
    title = "月报不能合并"


def write_monthly_report(report: MonthlyReport, path: Path) -> Path:
    """Write the workbook to path (atomically); a failure to write is a WriteFailed in Chinese."""
    return write_file(Path(path), lambda partial: write_workbook(report, partial))


def write_workbook(report: MonthlyReport, path: Path) -> None:
    """The workbook written straight to path (the callers above make it atomic and, for exports, logged)."""
    # constant_memory: each row is on disk once the next is started, so a 明细 of tens of thousands of rows
    # costs no memory; every sheet here is written top to bottom (the fingerprint checks that too).
    workbook = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
    })
    workbook.set_properties({
        "title": f"{report.office_name} {report.period} 市场主体月报",
        "author": report.office_name,
        "comments": "基层所市场主体服务工作台（Workbench）生成",
    })
    formats = ReportFormats(workbook)
    summary, value_cells, place = write_summary(workbook, formats, report)
    sheets: list[ReportSheet] = [summary]
    sheets += [write_table(workbook, formats, report, table) for table in report.tables]
    if report.charts:
        chart_data, blocks = write_chart_data(workbook, formats, report)
        sheets.append(chart_data)
        insert_charts(workbook, summary, blocks, chart_data.name, place)
    sheets.append(write_definitions(workbook, formats, report))
    digests = [(sheet.name, sheet.fingerprint.hexdigest()) for sheet in sheets]
    write_machine_sheet(workbook.add_worksheet(MACHINE_SHEET), machine_rows(report, value_cells, digests))
    summary.sheet.activate()
    workbook.close()


def read_report_machine_sheet(path: Path) -> MonthlyReport:
    """The issued figures of a report workbook, checked against hand edits; raises ReportFileRefused.

    Read with python-calamine: checking every sheet's fingerprint reads all of 明细, and calamine does that
    an order of magnitude faster than openpyxl (and its XML parser expands no entities)."""
    path = Path(path)
    name = path.name
    workbook = _open_workbook(path)
    try:
        if MACHINE_SHEET not in workbook.sheet_names:
            raise ReportFileRefused(
                f"「{name}」不是工作台出具的月报（没有机读数据页）：请用 workbench report monthly 生成的月报文件"
            )
        try:
            report, value_cells, digests = parse_machine_rows(_rows(workbook, name, MACHINE_SHEET))
        except MachineSheetProblem as problem:
            raise ReportFileRefused(f"「{name}」{problem}") from None
        _check_summary_cells(workbook, name, report, value_cells)
        _check_sheets(workbook, name, digests)
        return report
    finally:
        workbook.close()


def _open_workbook(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReportFileRefused(f"找不到文件「{path}」：请检查文件名和所在的文件夹") from None
    except IsADirectoryError:
        raise ReportFileRefused(f"「{path}」是一个文件夹，不是月报文件：请给出 .xlsx 文件") from None
    except OSError as error:
        raise ReportFileRefused(f"无法读取「{path}」（{error.strerror or error}）：请检查文件权限") from None
    if not data.startswith(_ZIP_MAGIC):
        raise ReportFileRefused(
            f"「{name}」不是 Excel 工作簿（.xlsx）：县局合并只收工作台出具的月报文件，不收 CSV 或其他文件"
        )
    try:
        # Opened from memory: the content decides, not the name (a report renamed .xls is still read).
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine's ZipError, XmlError, CalamineError … for a damaged file
        raise ReportFileRefused(
            f"「{name}」已损坏，无法作为 Excel 工作簿打开（{type(error).__name__}）：请向出具的所重新要一份"
        ) from None


def _rows(workbook: Any, name: str, sheet: str) -> list[list[Any]]:
    """A sheet's cells from A1 (an empty leading row or column kept, so rows and columns keep their numbers);
    a damaged sheet is refused like a damaged file."""
    try:
        return [list(row) for row in workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]
    except Exception as error:
        raise ReportFileRefused(
            f"「{name}」的「{sheet}」页已损坏，无法读取（{type(error).__name__}）：请向出具的所重新要一份"
        ) from None


def _check_summary_cells(workbook: Any, name: str, report: MonthlyReport, value_cells: dict[str, str]) -> None:
    """Each figure on 汇总 against the machine sheet: a hand edit is named by its cell and its label."""
    from xlsxwriter.utility import xl_cell_to_rowcol

    if SUMMARY_SHEET not in workbook.sheet_names:
        raise ReportFileRefused(f"「{name}」的「{SUMMARY_SHEET}」页被删除或改名了：请向出具的所要一份原始月报")
    rows = _rows(workbook, name, SUMMARY_SHEET)
    by_code = {line.code: line for line in report.summary}
    for code, address in value_cells.items():
        line = by_code.get(code)
        if line is None:
            continue
        row, column = xl_cell_to_rowcol(address)
        found = rows[row][column] if row < len(rows) and column < len(rows[row]) else None
        if canonical(found) != canonical(line.value):
            shown = "空" if found is None or found == "" else _plain(found)
            raise ReportFileRefused(
                f"「{name}」出具后被手工改动过：{SUMMARY_SHEET}!{address}「{line.label}」现为 {shown}，"
                f"出具时为 {_plain(line.value)}。请向出具的所要一份未改动的月报"
            )


def _plain(value: Any) -> Any:
    """A number as a person wrote it: 142, not 142.0."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _check_sheets(workbook: Any, name: str, digests: dict[str, str]) -> None:
    """Every visible sheet against its fingerprint at issue: an edit anywhere names the sheet."""
    for sheet_name, digest in digests.items():
        if sheet_name not in workbook.sheet_names:
            raise ReportFileRefused(f"「{name}」的「{sheet_name}」页被删除或改名了：请向出具的所要一份原始月报")
        if rows_digest(_rows(workbook, name, sheet_name)) != digest:
            raise ReportFileRefused(
                f"「{name}」出具后被手工改动过：「{sheet_name}」页的内容与出具时不同。请向出具的所要一份未改动的月报"
            )
