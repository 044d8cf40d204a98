"""Excel 2003 XML (SpreadsheetML), often saved as ".xls": streamed with defusedxml, one row at a time."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from imports.errors import UnreadableFile
from imports.limits import MAX_COLUMNS, MAX_ROWS, CellBudget, too_large
from imports.readers.base import SheetInfo, SheetRows
from imports.sniff import SAVE_AS_XLSX

_NS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_WORKSHEET, _TABLE, _ROW, _CELL, _DATA = (_NS + tag for tag in ("Worksheet", "Table", "Row", "Cell", "Data"))
_NAME, _INDEX, _MERGE_ACROSS, _TYPE = (_NS + name for name in ("Name", "Index", "MergeAcross", "Type"))
_EXPANDED_ROWS = _NS + "ExpandedRowCount"


def spreadsheetml_sheets(data: bytes) -> list[SheetInfo]:
    """Worksheet names in file order (the whole file is scanned, row by row, without keeping rows)."""
    names: list[str] = []
    for event, element in _events(data):
        if event == "start" and element.tag == _WORKSHEET:
            names.append(element.get(_NAME) or f"Sheet{len(names) + 1}")
        elif event == "end" and element.tag == _ROW:
            element.clear()
    return [SheetInfo(name) for name in names]


def spreadsheetml_rows(data: bytes, sheet: str) -> SheetRows:
    """One worksheet's rows; rows and cells skipped with ss:Index keep their real numbers."""
    total = _expanded_row_count(data, sheet)
    return SheetRows(sheet, _rows(data, sheet), total)


def _events(data: bytes) -> Iterator[tuple[str, Element]]:
    try:
        yield from iterparse(io.BytesIO(data), events=("start", "end"))
    except ParseError as error:
        raise UnreadableFile(f"这个 Excel 2003 XML 文件结构不完整或已损坏（{error}）。{SAVE_AS_XLSX}") from None
    except DefusedXmlException:
        # An entity definition (a "billion laughs" bomb, or a reference to another file): never expanded.
        raise UnreadableFile(
            f"这个 Excel 2003 XML 文件里有实体定义（<!ENTITY …>），可能是恶意构造的文件，出于安全不予读取。{SAVE_AS_XLSX}"
        ) from None


def _expanded_row_count(data: bytes, sheet: str) -> int | None:
    current = None
    for event, element in _events(data):
        if event != "start":
            continue
        if element.tag == _WORKSHEET:
            current = element.get(_NAME)
        elif element.tag == _TABLE and current == sheet:
            count = element.get(_EXPANDED_ROWS)
            return int(count) if count and count.isdigit() else None
    return None


def _rows(data: bytes, sheet: str) -> Iterator[tuple[int, list[Any]]]:
    inside = False
    table: Element | None = None
    number = 0
    budget = CellBudget(sheet)
    for event, element in _events(data):
        tag = element.tag
        if event == "start":
            if tag == _WORKSHEET:
                inside = element.get(_NAME) == sheet
            elif tag == _TABLE:
                table = element
            continue
        if tag == _ROW:
            if inside:
                number = _position(element.get(_INDEX), number + 1, MAX_ROWS, sheet, number + 1, "行号")
                cells = _cells(element, sheet, number)
                budget.spend(len(cells))
                yield number, cells
            if table is not None:
                table.remove(element)
        elif tag == _WORKSHEET and inside:
            return


def _cells(row: Element, sheet: str, number: int) -> list[Any]:
    cells: list[Any] = []
    for cell in row.iter(_CELL):
        index = _position(cell.get(_INDEX), len(cells) + 1, MAX_COLUMNS, sheet, number, "列号")
        cells.extend([""] * (index - 1 - len(cells)))
        data = cell.find(_DATA)
        cells.append("" if data is None else _value(data))
        merged = _position(cell.get(_MERGE_ACROSS), 0, MAX_COLUMNS - len(cells), sheet, number, "合并列数")
        cells.extend([""] * merged)
    return cells


def _position(value: str | None, default: int, limit: int, sheet: str, row: int, what: str) -> int:
    """ss:Index / ss:MergeAcross as a number within the sheet: beyond it the file is damaged (or made to hurt)."""
    if value is None or not value.strip():
        return default
    text = value.strip()
    if not text.isdigit():
        raise UnreadableFile(
            f"这个 Excel 2003 XML 文件已损坏：工作表「{sheet}」第 {row:,} 行的{what}「{text[:20]}」不是数字。{SAVE_AS_XLSX}"
        )
    number = int(text)
    if number > limit:
        raise too_large(
            f"工作表「{sheet}」第 {row:,} 行的{what}是 {text[:20]}，超出了 Excel 表格的范围（{MAX_ROWS:,} 行 × {MAX_COLUMNS:,} 列）"
        )
    return number


def _value(data: Element) -> Any:
    text = "".join(data.itertext())
    kind = data.get(_TYPE)
    if kind == "Number":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "DateTime":
        try:
            return datetime.fromisoformat(text[:19])
        except ValueError:
            return text
    if kind == "Boolean":
        return text.strip() == "1"
    return text
