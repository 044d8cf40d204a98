"""The cell grid an OpenDocument spreadsheet (.ods) makes python-calamine allocate, found before it reads it.

calamine expands table:number-rows-repeated and table:number-columns-repeated when a repeated row or cell
holds a value, up to 100,000,000 cells (3.2 GB): a 1 KB content.xml with one value repeated over 6,000
rows x 16,384 columns took 6 GB and 46 s. LibreOffice writes large repeat counts only for the empty rows
and cells after the data, so content.xml is walked tag by tag only when it has a count of 1,000 or more,
and then the rows and columns that hold a value give the grid, checked against imports.limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from imports.limits import MAX_GRID_CELLS, megabytes, too_large
from imports.readers.sheet_extent import bodies

_LARGE_REPEAT = re.compile(rb'-repeated="\d{4,}"')
_TAG = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ROWS = re.compile(rb'number-rows-repeated="(\d+)"')
_COLUMNS = re.compile(rb'number-columns-repeated="(\d+)"')
_NAME = re.compile(rb'table:name="([^"]*)"')
_CELL_BYTES = 32


def check_ods_extent(chunks: Callable[[], Iterable[bytes]]) -> None:
    """Refuse (文件过大或已损坏) an .ods whose repeated cells would expand beyond the limits."""
    if not any(_LARGE_REPEAT.search(body) for body in bodies(chunks())):
        return
    walker = _Walker()
    for body in bodies(chunks()):
        for match in _TAG.finditer(body):
            walker.tag(match.group(1) == b"/", match.group(2), match.group(3))


class _Walker:
    def __init__(self) -> None:
        self.table = ""
        self.row = self.column = self.row_repeats = 0
        self.bounds: list[int] | None = None

    def tag(self, closing: bool, name: bytes, attributes: bytes) -> None:
        if name == b"table":
            if closing:
                self._judge()
            else:
                found = _NAME.search(attributes)
                self.table = found.group(1).decode("utf-8", "replace") if found else ""
                self.row = self.column = 0
                self.bounds = None
        elif name == b"table-row":
            if closing:
                self.row += self.row_repeats
                return
            self.row_repeats = _count(_ROWS, attributes)
            self.column = 0
            if attributes.endswith(b"/"):
                self.row += self.row_repeats
        elif not closing:
            repeats = _count(_COLUMNS, attributes)
            if not attributes.endswith(b"/") or b"value-type" in attributes:
                self._widen(self.column + repeats - 1)
            self.column += repeats

    def _widen(self, last_column: int) -> None:
        last_row = self.row + self.row_repeats - 1
        if self.bounds is None:
            self.bounds = [self.row, last_row, self.column, last_column]
        else:
            self.bounds[1] = max(self.bounds[1], last_row)
            self.bounds[2] = min(self.bounds[2], self.column)
            self.bounds[3] = max(self.bounds[3], last_column)
        self._judge()

    def _judge(self) -> None:
        if self.bounds is None:
            return
        rows, columns = self.bounds[1] - self.bounds[0] + 1, self.bounds[3] - self.bounds[2] + 1
        if rows * columns > MAX_GRID_CELLS:
            raise too_large(
                f"工作表「{self.table}」的重复单元格展开后有 {rows:,} 行 × {columns:,} 列，"
                f"读取需要约 {megabytes(rows * columns * _CELL_BYTES)} 内存"
            )


def _count(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    found = pattern.search(attributes)
    return max(int(found.group(1)), 1) if found else 1
