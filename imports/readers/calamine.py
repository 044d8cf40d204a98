"""xlsx, xlsm, xlsb, xls and ods through python-calamine, numbered by their real Excel rows."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import python_calamine
from python_calamine import CalamineSheet, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from imports.errors import UnreadableFile
from imports.readers.base import SheetInfo, SheetRows
from imports.readers.guard import check_sheet, check_workbook
from imports.sniff import SAVE_AS_XLSX
from imports.source import SourceFile


def calamine_sheets(source: SourceFile) -> list[SheetInfo]:
    """Worksheets in workbook order (chart and macro sheets left out)."""
    with _open(source) as workbook:
        return [
            SheetInfo(meta.name, meta.visible == SheetVisibleEnum.Visible)
            for meta in workbook.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet
        ]


def calamine_rows(source: SourceFile, sheet: str) -> SheetRows:
    """The rows of one sheet; calamine holds the sheet's cells, Python rows are made one at a time."""
    formulas = check_sheet(source, sheet)
    with _open(source) as workbook:
        try:
            loaded = workbook.get_sheet_by_name(sheet)
        except python_calamine.CalamineError as error:
            raise _unreadable(error) from None
    end = loaded.end
    total = end[0] + 1 if end else 0
    rows = _numbered(loaded)
    return SheetRows(sheet, _blanked(rows, formulas) if formulas else rows, total, formulas)


def _blanked(rows: Iterator[tuple[int, list[Any]]], formulas: frozenset[tuple[int, int]]) -> Iterator[tuple[int, list[Any]]]:
    by_row: dict[int, list[int]] = {}
    for number, column in formulas:
        by_row.setdefault(number, []).append(column)
    for number, cells in rows:
        for column in by_row.get(number, ()):
            if column < len(cells):
                cells[column] = ""
        yield number, cells


def _open(source: SourceFile) -> CalamineWorkbook:
    check_workbook(source)
    try:  # from the bytes the import read (imports.source); calamine copies them until the workbook closes
        return CalamineWorkbook.from_filelike(io.BytesIO(source.data))
    except python_calamine.CalamineError as error:
        raise _unreadable(error) from None


def _unreadable(error: Exception) -> UnreadableFile:
    if isinstance(error, python_calamine.PasswordError) or "password" in str(error).lower():
        return UnreadableFile(
            "这个工作簿设置了密码保护，无法读取。请在 Excel 中打开，取消密码后另存为 .xlsx，再导入"
        )
    return UnreadableFile(f"工作簿已损坏或格式不规范，读取失败（{error}）。{SAVE_AS_XLSX}")


def _numbered(sheet: CalamineSheet) -> Iterator[tuple[int, list[Any]]]:
    # iter_rows() pads the empty rows above the data (python-calamine#177 may change that) but not the
    # empty columns to its left, so both are worked out here from the sheet's start position.
    start = sheet.start
    if start is None:
        return
    first_row, first_column = start
    rows = sheet.iter_rows()
    skipped = 0
    for cells in rows:
        if skipped == first_row or any(cell != "" for cell in cells):
            break
        skipped += 1
    else:
        return
    number = first_row + 1 + (skipped if skipped < first_row else 0)
    if first_column:
        yield from _padded(number, cells, rows, [""] * first_column)
        return
    yield number, cells
    for cells in rows:
        number += 1
        yield number, cells


def _padded(number: int, first: list[Any], rest: Iterator[list[Any]], pad: list[str]) -> Iterator[tuple[int, list[Any]]]:
    yield number, pad + first
    for cells in rest:
        number += 1
        yield number, pad + cells
