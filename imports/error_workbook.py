"""The error report: the rows that need attention, as they were in the file, plus a 错误原因 column.

Staff open it in Excel, fix the cells and import it again; the header is the file's own, so the same
columns are recognised. Rows that were imported with only a warning are included too, marked 提示, so
nothing the dry run noticed is out of sight (re-importing them changes nothing or fills the gap).
A text cell is always written as text: a value starting with = is never turned into a formula.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from imports.plan import ImportPlan
from imports.problems import Problem

REASON_HEADER = "错误原因"
_HEADER_FONT = Font(bold=True)
_REASON_FILL = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="top")
_DATE_FORMAT = "yyyy-mm-dd"


def reason_text(problems: list[Problem]) -> str:
    """Every problem of a row, one per line: column, value and reason (warnings marked 提示)."""
    lines = []
    for problem in problems:
        where = f"「{problem.column_header}」" if problem.column_header else ""
        value = "" if problem.raw_value in (None, "") else f"「{problem.raw_value}」"
        mark = "" if problem.blocking else "（提示，本行已导入）"
        lines.append(
            f"{where}{value}：{problem.reason}{mark}" if where or value else f"{problem.reason}{mark}"
        )
    return "\n".join(lines)


def write_error_workbook(plan: ImportPlan, out_path: str | Path) -> Path:
    """Write the rows with problems (all original columns, the file's header) and a 错误原因 column."""
    out_path = Path(out_path)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(plan.sheet))
    width = max([len(plan.headers), *(len(cells) for _number, cells, _problems in plan.rows_with_problems())])
    headers = [*plan.headers, *[""] * (width - len(plan.headers))]
    sheet.freeze_panes = "A2"
    sheet.column_dimensions[_letter(width)].width = 60
    sheet.append([_cell(sheet, text, font=_HEADER_FONT) for text in [*headers, REASON_HEADER]])
    for _number, cells, problems in plan.rows_with_problems():
        padded = [*cells, *[""] * (width - len(cells))]
        reason = _cell(sheet, reason_text(problems), fill=_REASON_FILL, alignment=_WRAP)
        sheet.append([*(_cell(sheet, value) for value in padded), reason])
    workbook.save(out_path)
    return out_path


def _cell(sheet: Any, value: Any, **style: Any) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters a CSV may hold: Excel refuses them
    cell = WriteOnlyCell(sheet, value=None if value == "" else value)
    if isinstance(value, str) and value:
        cell.data_type = "s"  # as text, even when it starts with = (never a formula)
    elif isinstance(value, date | datetime):
        cell.number_format = _DATE_FORMAT
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _sheet_title(name: str) -> str:
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in name).strip() or "错误行"
    return cleaned[:31]


def _letter(count: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(count + 1)
