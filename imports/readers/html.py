"""HTML tables that web systems save as ".xls": every <tr> is a row, as Excel shows it when it opens one."""

from __future__ import annotations

import io
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from imports.limits import MAX_COLUMNS, CellBudget, too_large
from imports.readers.base import SheetInfo, SheetRows
from imports.sniff import Sniffed

_CHUNK = 1 << 20


def html_sheets(path: Path) -> list[SheetInfo]:
    """Excel opens an HTML table as one sheet named after the file."""
    return [SheetInfo(path.stem)]


def html_rows(path: Path, data: bytes, sniffed: Sniffed) -> SheetRows:
    """Rows of every top-level table in order; colspan and rowspan leave empty cells like merged cells."""
    return SheetRows(path.stem, _rows(path.stem, data, sniffed.encoding or "utf-8"), None)


def _rows(sheet: str, data: bytes, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    parser = _TableParser(CellBudget(sheet))
    number = 0
    with io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace") as file:
        while chunk := file.read(_CHUNK):
            parser.feed(chunk)
            for cells in parser.take():
                number += 1
                yield number, cells
    parser.close()
    for cells in parser.take():
        number += 1
        yield number, cells


class _TableParser(HTMLParser):
    def __init__(self, budget: CellBudget) -> None:
        super().__init__(convert_charrefs=True)
        self.budget = budget  # spans make cells out of few bytes: counted as they are made
        self.rows = 0
        self._done: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._spans = (1, 1)
        self._covered: dict[int, int] = {}  # column -> rows still covered by a rowspan above
        self._depth = 0

    def take(self) -> list[list[str]]:
        done, self._done = self._done, []
        return done

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
        elif self._depth != 1:
            return
        elif tag == "tr":
            self._end_row()
            self._row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._row = []
            self._cell = []
            found = dict(attrs)
            self._spans = (_span(found.get("colspan")), _span(found.get("rowspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            if self._depth == 1:
                self._end_row()
            self._depth = max(self._depth - 1, 0)
        elif self._depth != 1:
            return
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _end_cell(self) -> None:
        if self._cell is None or self._row is None:
            return
        row = self._row
        self._skip_covered(row)
        text = " ".join("".join(self._cell).split())
        columns, rows = self._spans
        if len(row) + columns > MAX_COLUMNS:
            raise too_large(f"网页表格的第 {self.rows + 1:,} 行超过 {MAX_COLUMNS:,} 列（Excel 打开时也只显示这么多）")
        self.budget.spend(columns)
        for offset in range(columns):
            if rows > 1:
                self._covered[len(row)] = rows - 1
            row.append(text if offset == 0 else "")
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is None:
            return
        row = self._row
        self._skip_covered(row)
        for column in [column for column in self._covered if column >= len(row)]:
            self._use(column)
        self._done.append(row)
        self.rows += 1
        self._row = None

    def _skip_covered(self, row: list[str]) -> None:
        while len(row) in self._covered:
            self._use(len(row))
            self.budget.spend(1)
            row.append("")

    def _use(self, column: int) -> None:
        self._covered[column] -= 1
        if not self._covered[column]:
            del self._covered[column]


def _span(value: str | None) -> int:
    return max(1, min(int(value), 1000)) if value and value.strip().isdigit() else 1
