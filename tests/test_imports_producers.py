"""Real files from the programs that make them (openpyxl, xlsxwriter, xlwt, odfpy, Excel 2003 XML, web HTML,
CSV in each encoding), written into tmp_path by the tests: no committed binaries. No tests live here."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

from workbench.domain.identifiers import id_check_char, uscc_check_char

Rows = Sequence[Sequence[Any]]


def uscc(body: str) -> str:
    """A valid credit code from its first 17 characters."""
    return body + uscc_check_char(body)


def id_number(body: str) -> str:
    """A valid resident ID number from its first 17 digits."""
    return body + id_check_char(body)


CODE_A = uscc("92330302MA2AAAAA1")
CODE_B = uscc("92330302MA2BBBBB2")
CODE_C = uscc("91330302MA2CCCCC3")
PERSON_A = id_number("33030219800101123")
TITLE = "2024年鹿城区个体工商户登记名录"
HEADER = ["序号", "统一社会信用代码", "个体工商户名称", "经营者", "经营场所", "成立日期", "登记状态", "资金数额（万元）",
          "从业人员", "联系电话", "备注"]
# What every producer writes below a title row and a note row; dates as real dates, codes as text.
DATA = [
    [1, CODE_A, "鹿城区阿明水果店", "王阿明", "五马街1号", date(2019, 5, 3), "存续", 5, 2, "13812345678", ""],
    [2, CODE_B, "鹿城区小芳理发店", "李小芳", "府前街8号", date(2020, 1, 15), "在业", 12.35, 1, "0577-88881234", "补录"],
    [3, CODE_C, "温州某某贸易有限公司", "张三", "锦江路3号", date(2018, 12, 31), "注销", 100, 5, "", ""],
]
SHEET_ROWS: list[list[Any]] = [[TITLE], ["说明：本表由登记系统导出"], HEADER, *DATA]
HEADER_ROW = 3


def write_openpyxl(path: Path, rows: Rows, *, sheet: str = "名录", merge_title: bool = True,
                   extra_sheets: Sequence[str] = (), start_row: int = 1, start_column: int = 1) -> Path:
    """openpyxl with the title merged across the header width, dates formatted as dates."""
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for offset, row in enumerate(rows):
        for column, value in enumerate(row):
            if value != "":
                cell = worksheet.cell(start_row + offset, start_column + column, value)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
    if merge_title:
        worksheet.merge_cells(start_row=start_row, start_column=start_column, end_row=start_row,
                              end_column=start_column + len(HEADER) - 1)
    for name in extra_sheets:
        workbook.create_sheet(name, 0)["A1"] = "请按模板填写，不要改动表头"
    workbook.save(path)
    return path


def write_xlsxwriter(path: Path, rows: Rows, *, sheet: str = "名录") -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    worksheet.merge_range(0, 0, 0, len(HEADER) - 1, rows[0][0])
    for offset, row in enumerate(rows[1:], 1):
        for column, value in enumerate(row):
            if isinstance(value, date):
                worksheet.write_datetime(offset, column, datetime(value.year, value.month, value.day), date_format)
            elif isinstance(value, str):
                worksheet.write_string(offset, column, value)
            else:
                worksheet.write_number(offset, column, value)
    workbook.close()
    return path


def write_xlwt(path: Path, rows: Rows, *, sheet: str = "名录") -> Path:
    """An Excel 97-2003 .xls as xlwt writes it."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    worksheet = workbook.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    worksheet.write_merge(0, 0, 0, len(HEADER) - 1, rows[0][0])
    for offset, row in enumerate(rows[1:], 1):
        for column, value in enumerate(row):
            if isinstance(value, date):
                worksheet.write(offset, column, value, date_style)
            elif value != "":
                worksheet.write(offset, column, value)
    workbook.save(str(path))
    return path


def write_odfpy(path: Path, rows: Rows, *, sheet: str = "名录") -> Path:
    """An OpenDocument spreadsheet as odfpy (the library behind LibreOffice-style files) writes it."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    for row in rows:
        table_row = TableRow()
        for value in row:
            table_row.addElement(_ods_cell(TableCell, P, value))
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def _ods_cell(cell_type: Any, paragraph: Any, value: Any) -> Any:
    if value == "":
        return cell_type()
    if isinstance(value, date):
        cell = cell_type(valuetype="date", datevalue=value.isoformat())
    elif isinstance(value, int | float):
        cell = cell_type(valuetype="float", value=value)
    else:
        cell = cell_type(valuetype="string")
    cell.addElement(paragraph(text=str(value)))
    return cell


def spreadsheetml(rows: Rows, *, sheet: str = "名录", gap_before_header: bool = True) -> str:
    """Excel 2003 XML: the title merged with ss:MergeAcross, the header after an ss:Index row gap."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<?mso-application progid="Excel.Sheet"?>',
             '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
             'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" '
             'xmlns:html="http://www.w3.org/TR/REC-html40">',
             f'<Worksheet ss:Name="{escape(sheet)}"><Table ss:ExpandedRowCount="{len(rows) + 1}">']
    for number, row in enumerate(rows, 1):
        index = f' ss:Index="{number + 1}"' if gap_before_header and number >= 2 else ""
        cells = []
        for column, value in enumerate(row):
            if value == "":
                continue
            merge = f' ss:MergeAcross="{len(HEADER) - 1}"' if number == 1 else ""
            cells.append(f'<Cell ss:Index="{column + 1}"{merge}>{_xml_data(value)}</Cell>')
        lines.append(f"<Row{index}>{''.join(cells)}</Row>")
    lines.append("</Table></Worksheet></Workbook>")
    return "\n".join(lines)


def _xml_data(value: Any) -> str:
    if isinstance(value, date):
        return f'<Data ss:Type="DateTime">{value.isoformat()}T00:00:00.000</Data>'
    if isinstance(value, int | float):
        return f'<Data ss:Type="Number">{value}</Data>'
    return f'<Data ss:Type="String">{escape(str(value))}</Data>'


def html_table(rows: Rows, *, charset: str = "utf-8") -> str:
    """What web systems save as .xls: an HTML page with one table, the title in a colspan cell."""
    body = []
    for number, row in enumerate(rows):
        if number == 0:
            body.append(f'<tr><td colspan="{len(HEADER)}">{escape(str(row[0]))}</td></tr>')
            continue
        cells = "".join(f"<td>{escape(_html_text(value))}</td>" for value in row)
        body.append(f"<tr>{cells}</tr>")
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>'
            f"<body><table border=1>\n{chr(10).join(body)}\n</table></body></html>")


def _html_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def csv_text(rows: Rows, *, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_html_text(value) for value in row])
    return buffer.getvalue()


def write_docx(path: Path) -> Path:
    """The skeleton of a Word document: what matters to sniffing is word/document.xml inside a zip."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def write_encrypted_xlsx(path: Path, password: str = "secret") -> Path:
    """A password-protected workbook as Excel saves it (an OLE2 file with an EncryptedPackage stream)."""
    import openpyxl
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO()
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet["A1"] = "名称"
    workbook.save(plain)
    plain.seek(0)
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return path
