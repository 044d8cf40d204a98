"""The one cell writer behind every workbook and CSV file Workbench writes (exports, 帮扶台账, 培育库, the
error report): a value and its kind in, a safe cell out.

- text that Excel would run as a formula (= + - @ tab CR first: `=cmd|' /C calc'!A0`) is written as text
  with Excel's quote prefix in a workbook, and with a leading apostrophe in a CSV (what Excel and WPS
  show as "kept as text"); a cell is never a formula, whatever the file or the database held;
- characters an .xlsx cannot hold (control characters) are removed, so one odd cell never costs the file;
- codes are text with the Text number format (18 digits never turn into 3.30302E+17), dates are dates,
  money and counts are numbers; "value" takes the kind from the Python type (the error report copies the
  cells of the file as they were).

A workbook is xlsxwriter (constant_memory: a row is on disk when the next starts); its close() wraps an
OSError (a full disk) in its own FileCreateError, which is unwrapped here so that workbench.services.file_output
names it in Chinese. The zip is written into a _QuietFile: once a write has failed it ignores the rest,
so the zip library's own clean-up (ZipFile.__del__, at exit) cannot print a second, English traceback.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Literal

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.exceptions import FileCreateError

from imports.export_cells import FORMULA_STARTS, column_width, needs_guard, shown_width

Kind = Literal["text", "code", "date", "money", "count", "value"]
GUARD_STARTS = frozenset(FORMULA_STARTS)  # one character each
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
CSV_GUARD = "'"


def cell_text(text: str) -> str:
    """Text as a cell may hold it: the control characters an .xlsx refuses removed (tab and line breaks kept)."""
    return text if text.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", text)


def value_kind(value: Any) -> Kind:
    """The kind a plain value is written as when its column has none."""
    if isinstance(value, bool):
        return "text"
    if isinstance(value, date):
        return "date"
    if isinstance(value, int | float):
        return "count" if isinstance(value, int) else "money"
    return "text"


@dataclass(frozen=True)
class Style:
    """Two xlsxwriter formats: as asked, and the same with Excel's quote prefix (for = + - @ text)."""

    plain: Any
    guarded: Any


class _QuietFile(io.RawIOBase):
    """The workbook's file, unbuffered: the first failed write raises; after it, every call is a no-op."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._file = io.FileIO(path, "w")
        self._failed = False

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        if self._failed:
            return len(view)
        try:
            done = 0
            while done < len(view):
                done += self._file.write(view[done:]) or 0
        except OSError:
            self._failed = True
            raise
        return len(view)

    def tell(self) -> int:
        return 0 if self._failed else self._file.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        if self._failed:
            return 0
        try:
            return self._file.seek(offset, whence)
        except OSError:
            self._failed = True
            raise

    def flush(self) -> None:
        pass  # unbuffered

    def close(self) -> None:
        if not self.closed:
            try:
                self._file.close()
            except OSError:
                if not self._failed:
                    raise
            finally:
                super().close()


class XlsxBook:
    """An xlsxwriter workbook with the shared formats; use as a context manager (closes, unwrapping errors)."""

    def __init__(self, path: Path, *, constant_memory: bool = True) -> None:
        self._file = _QuietFile(path)
        self.workbook = xlsxwriter.Workbook(
            self._file,
            {
                "constant_memory": constant_memory,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        add = self.workbook.add_format
        self.header = self.style({"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter"})
        self.guarded = add({"quote_prefix": True})
        # "@" is Excel's Text format: what a person types into the cell later stays text too.
        self.code = add({"num_format": "@"})
        self.code_guarded = add({"num_format": "@", "quote_prefix": True})
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.money = add({"num_format": "#,##0"})
        self.count = add({"num_format": "0"})
        self.number = add({"num_format": "General"})

    def sheet(self, title: str, columns: int) -> XlsxSheet:
        return XlsxSheet(self, self.workbook.add_worksheet(sheet_title(title)), columns)

    def style(self, properties: dict[str, Any]) -> Style:
        """A cell style of the caller's (bold, a fill, wrapping), with its twin for text that needs the guard."""
        return Style(
            self.workbook.add_format(properties), self.workbook.add_format({**properties, "quote_prefix": True})
        )

    def close(self) -> None:
        try:
            self.workbook.close()
        except FileCreateError as error:
            self.workbook.fileclosed = True  # or its __del__ tries again and warns
            cause = error.args[0] if error.args else None
            if isinstance(cause, OSError):
                raise cause from None
            raise
        finally:
            self._file.close()

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.workbook.fileclosed = True  # leave the failure as it is; the partial file is discarded
            self._file.close()


def sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\ and at most 31 characters."""
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in cell_text(name)).strip()
    return (cleaned or "Sheet1")[:31]


class XlsxSheet:
    """One worksheet: `write` puts one safe cell and keeps each column's widest value for `finish`."""

    def __init__(self, book: XlsxBook, sheet: Any, columns: int) -> None:
        self.book = book
        self.sheet = sheet
        self.widest = [0] * columns

    def header(self, titles: Sequence[str]) -> None:
        """Row 0 in bold on blue; a title is a cell like any other (an error report copies the file's)."""
        for index, title in enumerate(titles):
            self.write(0, index, title, "text", self.book.header)

    def write(self, row: int, column: int, value: Any, kind: Kind, style: Style | None = None) -> None:
        """One cell; None and "" leave it empty. `style` (from XlsxBook.style) replaces the kind's own."""
        if value is None or value == "":
            return
        if kind == "value":
            kind = value_kind(value)
        book = self.book
        if kind == "text" or kind == "code":
            text = cell_text(value if isinstance(value, str) else str(value))
            if not text:
                return
            guarded = text[0] in GUARD_STARTS
            if style is not None:
                chosen = style.guarded if guarded else style.plain
            elif kind == "code":
                chosen = book.code_guarded if guarded else book.code
            else:
                chosen = book.guarded if guarded else None
            self.sheet.write_string(row, column, text, chosen)
            widest = self.widest[column]
            # A character takes at most two cells: most values cannot beat the widest, so skip measuring.
            width = 0 if 2 * len(text) <= widest else shown_width("text", text)
        elif kind == "date":
            number = value.toordinal() - EXCEL_EPOCH
            if isinstance(value, datetime):
                number += (value - value.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds() / 86400
            self.sheet.write_number(row, column, number, style.plain if style else book.date)
            width = 10
        else:
            number_format = book.money if kind == "money" else book.count
            if isinstance(value, float) and not value.is_integer():
                number_format = book.number  # a decimal as the file had it, not rounded by #,##0
            self.sheet.write_number(row, column, value, style.plain if style else number_format)
            width = shown_width("money" if kind == "money" else "count", value)
        if width > self.widest[column]:
            self.widest[column] = width

    def append(
        self, row: int, values: Sequence[Any], kinds: Sequence[Kind], styles: Sequence[Style | None] = ()
    ) -> None:
        for column, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            self.write(row, column, value, kind, styles[column] if column < len(styles) else None)

    def fit_columns(self, titles: Sequence[str]) -> None:
        """Column widths from the header and the widest value written below it."""
        for index, title in enumerate(titles):
            self.sheet.set_column(index, index, column_width(title, self.widest[index]))


class CsvSheet:
    """The same cells as text in a CSV: UTF-8 with a BOM (Excel then reads the Chinese right), ISO dates."""

    def __init__(self, stream: IO[str]) -> None:
        self.writer = csv.writer(stream)

    def header(self, titles: Sequence[str]) -> None:
        self.writer.writerow([cell_text(title) for title in titles])

    def append(self, values: Sequence[Any], kinds: Sequence[Kind]) -> None:
        self.writer.writerow([csv_cell(value, kind) for value, kind in zip(values, kinds, strict=True)])


def csv_cell(value: Any, kind: Kind) -> str:
    if value is None or value == "":
        return ""
    if kind == "value":
        kind = value_kind(value)
    if kind == "date":
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if kind in ("money", "count") and not isinstance(value, str):
        return str(value)
    text = cell_text(str(value))
    return CSV_GUARD + text if needs_guard(text) else text


def open_csv(path: Path) -> IO[str]:
    """A CSV file as Excel opens it without asking: UTF-8 with a byte-order mark, CRLF line ends."""
    return path.open("w", encoding="utf-8-sig", newline="")


def write_plain_sheet(
    path: Path, title: str, headers: Sequence[str], kinds: Sequence[Kind], rows: Iterable[Sequence[Any]]
) -> None:
    """A workbook of one sheet: the header in bold and frozen, each cell by its kind, widths from the widest value
    (the small exports: 培育库, 候选名单, 双随机 results and publication lists)."""
    with XlsxBook(path) as book:
        sheet = book.sheet(title, len(headers))
        sheet.sheet.freeze_panes(1, 0)
        sheet.header(headers)
        for number, row in enumerate(rows, start=1):
            sheet.append(number, row, kinds)
        sheet.fit_columns(headers)


def write_csv_table(path: Path, columns: Sequence[tuple[str, Kind]], rows: Iterable[Sequence[Any]]) -> None:
    """The same cells as CSV under a header row (帮扶台账, 走访路线 when the name ends in .csv)."""
    kinds = [kind for _title, kind in columns]
    with open_csv(path) as stream:
        out = CsvSheet(stream)
        out.header([title for title, _kind in columns])
        for cells in rows:
            out.append(cells, kinds)
