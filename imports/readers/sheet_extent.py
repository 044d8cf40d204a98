"""The real extent of an xlsx sheet's cells, found by scanning its XML before python-calamine reads it.

python-calamine keeps a sheet as one grid from its first to its last cell with a value: a file with a
value in A1 and one in XFD1048576 makes it ask for 549 GB, and the process aborts (no Python exception to
catch). The declared <dimension> proves nothing, a hostile file can say A1:A1, so every cell is looked at.

Two passes:
- the fast one: every cell is written `<c r="B12"` (Excel, WPS, openpyxl and xlsxwriter all do) with a
  column up to AZ and a row below 1,050,000; the grid is then at most 52 x 1,049,999 cells, within
  imports.limits.MAX_GRID_CELLS, and nothing else needs to be known. The search finds only what breaks
  that rule, so a normal register costs the inflation and two regex scans: ~0.5 s CPU for 100,000 rows
  (97 MB of XML), lost in the noise of the whole import (bench/import_export.py --compare-tree);
- the exact one, again from the start, when the fast pass met anything it could not vouch for: every
  <row> and <c> tag is read as calamine reads it (cells without r= follow the one before, prefixes such
  as <x:c> count) and the first and last row and column of the cells that may hold a value give the grid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from imports.header import column_letter
from imports.limits import MAX_COLUMNS, MAX_GRID_CELLS, MAX_ROWS, megabytes, too_large

# A "<c" that is not a cell written the usual way within AZ1049999, and a prefixed cell (<x:c ...>). Two
# expressions, as each starts with a literal that the regex engine searches for quickly: joined with "|"
# they scan seven times slower.
_UNUSUAL = re.compile(rb'<c(?! r="(?:[A-Z]|A[A-Z])(?:\d{1,6}|10[0-4]\d{4})")')
_PREFIXED = re.compile(rb":c[\s/>]")
_NAME_GOES_ON = re.compile(rb"<c[\w.:-]")  # <col>, <cols>, <cfRule>, <color> ... are not cells
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)(\d*)["']""")
_CELL_BYTES = 32  # python-calamine's Data cell


@dataclass
class _Extent:
    first_row: int = MAX_ROWS * 1024
    last_row: int = -1
    first_column: int = MAX_COLUMNS * 1024
    last_column: int = -1
    farthest: str = ""

    def add(self, row: int, column: int) -> None:
        if row > self.last_row or column > self.last_column:
            self.farthest = f"{column_letter(column)}{row + 1}"
        self.first_row = min(self.first_row, row)
        self.last_row = max(self.last_row, row)
        self.first_column = min(self.first_column, column)
        self.last_column = max(self.last_column, column)


def check_sheet_extent(sheet: str, chunks: Callable[[], Iterable[bytes]],
                       also: Callable[[bytes], None] | None = None) -> None:
    """Refuse (文件过大或已损坏) a sheet whose cells span a grid python-calamine could not hold.

    `chunks` gives the sheet XML from its start each time it is called (twice for an unusual sheet);
    `also` sees every piece of the first pass (imports.readers.formulas looks for formulas there)."""
    usual = True
    for body in bodies(chunks()):
        usual = usual and _usual(body)
        if also is not None:
            also(body)
        elif not usual:
            break
    if usual:
        return
    scanner = _ExactScanner(sheet)
    for body in bodies(chunks()):
        for match in _TAG.finditer(body):
            scanner.tag(match.group(1) == b"/", match.group(2), match.group(3))
    _judge(sheet, scanner.extent)


def bodies(chunks: Iterable[bytes]) -> Iterable[bytes]:
    """The chunks re-cut before their last '<', so that no tag is split between two of them."""
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            tail = data
            continue
        yield data[:cut]
        tail = data[cut:]
    yield tail


def _usual(body: bytes) -> bool:
    if _PREFIXED.search(body):
        return False
    return all(_NAME_GOES_ON.match(body, match.start()) for match in _UNUSUAL.finditer(body))


class _ExactScanner:
    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.extent = _Extent()
        self.row = 0
        self.column = 0

    def tag(self, closing: bool, name: bytes, attributes: bytes) -> None:
        # Mirrors calamine's cell reader, whose XML reader expands <row/> and <c/> into start and end.
        empty = attributes.endswith(b"/")
        if name == b"row":
            if closing:
                self.row, self.column = self.row + 1, 0
                return
            position = _R.search(attributes)
            if position and position.group(2):
                self.row = int(position.group(2)) - 1
            if empty:
                self.row, self.column = self.row + 1, 0
            return
        if closing:
            return
        position = _R.search(attributes)
        if position and position.group(2):
            self.row = int(position.group(2)) - 1
            self.column = _column_number(position.group(1))
        if not empty:  # an empty <c/> has no value: calamine leaves it out of the grid
            self._check(self.row, self.column)
            self.extent.add(self.row, self.column)
        self.column += 1

    def _check(self, row: int, column: int) -> None:
        if row >= MAX_ROWS or column >= MAX_COLUMNS:
            where = f"第 {row + 1:,} 行" if row >= MAX_ROWS else f"第 {column + 1:,} 列"
            raise too_large(f"工作表「{self.sheet}」有单元格位于{where}，超出了 Excel 表格的范围（{MAX_ROWS:,} 行 × {MAX_COLUMNS:,} 列）")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper()[:8]:
        number = number * 26 + letter - 64
    return max(number - 1, 0)


def _judge(sheet: str, extent: _Extent) -> None:
    if extent.last_row < 0:
        return
    rows = extent.last_row - extent.first_row + 1
    columns = extent.last_column - extent.first_column + 1
    if rows * columns <= MAX_GRID_CELLS:
        return
    first = f"{column_letter(extent.first_column)}{extent.first_row + 1}"
    raise too_large(
        f"工作表「{sheet}」的内容从 {first} 一直到 {extent.farthest}（{rows:,} 行 × {columns:,} 列），"
        f"读取需要约 {megabytes(rows * columns * _CELL_BYTES)} 内存；多半是远处的单元格 {extent.farthest} 有内容"
    )
