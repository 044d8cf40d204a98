"""Excel 2003 XML (SpreadsheetML), often saved as ".xls": streamed with defusedxml, one row at a time."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml.ElementTree import iterparse

from imports.errors import UnreadableFile
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
                number = int(element.get(_INDEX) or number + 1)
                yield number, _cells(element)
            if table is not None:
                table.remove(element)
        elif tag == _WORKSHEET and inside:
            return


def _cells(row: Element) -> list[Any]:
    cells: list[Any] = []
    for cell in row.iter(_CELL):
        index = cell.get(_INDEX)
        if index:
            cells.extend([""] * (int(index) - 1 - len(cells)))
        data = cell.find(_DATA)
        cells.append("" if data is None else _value(data))
        merged = cell.get(_MERGE_ACROSS)
        if merged:
            cells.extend([""] * int(merged))
    return cells


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
