"""Row generators for every format staff get, chosen by what the file really is (see imports.sniff)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from imports.errors import UnreadableFile
from imports.readers.base import RawRow, SheetInfo, SheetRows
from imports.readers.calamine import calamine_rows, calamine_sheets
from imports.readers.html import html_rows, html_sheets
from imports.readers.spreadsheetml import spreadsheetml_rows, spreadsheetml_sheets
from imports.readers.text import text_rows, text_sheets
from imports.source import SourceFile, as_source

__all__ = ["RawRow", "SheetInfo", "SheetRows", "iter_rows", "list_sheets", "open_sheet"]


def list_sheets(file: str | Path | SourceFile) -> list[SheetInfo]:
    """The worksheets of a file in workbook order; CSV and HTML have one, named after the file."""
    source = as_source(file)
    kind = source.sniffed.kind
    if kind == "spreadsheetml":
        return spreadsheetml_sheets(source.data)
    if kind == "csv":
        return text_sheets(source.path)
    if kind == "html":
        return html_sheets(source.path)
    return calamine_sheets(source)


def open_sheet(
    file: str | Path | SourceFile, sheet: str | None = None, sheets: list[SheetInfo] | None = None
) -> SheetRows:
    """One sheet's numbered rows (the first visible sheet when none is named); `sheets`: as listed already."""
    source = as_source(file)
    sniffed = source.sniffed
    if sniffed.kind == "csv":
        return text_rows(source.path, source.data, sniffed)
    if sniffed.kind == "html":
        return html_rows(source.path, source.data, sniffed)
    sheets = sheets if sheets is not None else list_sheets(source)
    name = sheet if sheet is not None else _first_visible(sheets)
    if name not in {info.name for info in sheets}:
        raise UnreadableFile(f"工作簿里没有名为「{name}」的工作表")
    if sniffed.kind == "spreadsheetml":
        return spreadsheetml_rows(source.data, name)
    return calamine_rows(source, name)


def iter_rows(file: str | Path | SourceFile, sheet: str | None = None) -> Iterator[RawRow]:
    """(sheet name, Excel row number, cells from column A) for every non-missing row of one sheet."""
    opened = open_sheet(file, sheet)
    for number, cells in opened.rows:
        yield RawRow(opened.name, number, cells)


def _first_visible(sheets: list[SheetInfo]) -> str:
    for info in sheets:
        if info.visible:
            return info.name
    if sheets:
        return sheets[0].name
    raise UnreadableFile("工作簿里没有任何工作表")
