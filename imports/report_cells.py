"""The cells and the page of every sheet in the monthly report and the county merge (issue 18).

The workbook is written with xlsxwriter rather than openpyxl: it is the writer every other Workbench
workbook uses (imports/sheet_writer.py), it is faster for the 明细 sheet's thousands of rows, and its
native charts and page setup (A4 landscape, fit to width, repeated rows, header/footer) are complete and
open in Excel, WPS and LibreOffice without a repair prompt. openpyxl and python-calamine read it back.

A cell's kind decides what it is in the file: counts and money are numbers (money with two decimals),
percentages are ratios with a percentage format (0.7 shows 70.0%), dates are dates, codes are text with
the Text format. Text that Excel would run as a formula gets Excel's quote prefix, as everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from rich.cells import cell_len

from imports.report_checksum import SheetFingerprint, canonical
from imports.report_machine import MACHINE_SHEET
from imports.sheet_writer import cell_text, sheet_title
from workbench.domain.report_model import ColumnKind

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_GUARD_STARTS = frozenset("=+-@\t\r")
MAX_WIDTH = 60  # a 明细 address wraps rather than making a column a page wide
MIN_WIDTH = 6
LINE_HEIGHT = 17  # points: one line of the default 11-point font, with room for CJK glyphs
TITLE_HEIGHT = 24  # points: the 16-point title line
TITLE_SCALE = 1.5  # a 16-point character is this many 11-point ones wide
PIXELS_PER_WIDTH = 7  # Excel's default font: one width unit is about 7 pixels (for placing the charts)

_NUMBER_FORMATS: dict[str, str] = {
    "count": "#,##0",
    "money": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "growth": "+0.0%;-0.0%;0.0%",  # 环比 / 同比: the sign says up or down
    "decimal": "#,##0.##",  # a count that came as a fraction (an average) keeps its decimals
}

Emphasis = Literal["", "bold", "good", "bad", "muted", "wrap"]


def unit_kind(unit: str) -> ColumnKind:
    """The cell kind of a summary line's value, from its unit (% is a ratio, 元 is money, the rest counts)."""
    if unit == "%":
        return "percent"
    if unit in ("元", "万元"):
        return "money"
    return "count"


def period_words(period: str) -> str:
    """"2026-10" as a person reads it: 2026年10月 (anything else unchanged)."""
    year, _, month = period.partition("-")
    if year.isdigit() and month.isdigit():
        return f"{int(year)}年{int(month)}月"
    return period


def excel_date(value: date) -> float:
    number = float(value.toordinal() - _EXCEL_EPOCH)
    if isinstance(value, datetime):
        midnight = value.replace(hour=0, minute=0, second=0, microsecond=0)
        number += (value - midnight).total_seconds() / 86400
    return number


@dataclass
class ReportFormats:
    """The workbook's formats, made once (xlsxwriter keeps every distinct format in the file)."""

    workbook: Any
    cache: dict[tuple[str, str], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        add = self.workbook.add_format
        self.title = add({"bold": True, "font_size": 16, "align": "left", "valign": "vcenter"})
        self.title_wrapped = add({"bold": True, "font_size": 16, "align": "left", "valign": "vcenter",
                                  "text_wrap": True})
        self.subtitle = add({"font_color": "#404040", "align": "left"})
        self.header = add({
            "bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "valign": "vcenter",
            "text_wrap": True,
        })
        self.note = add({"font_color": "#595959", "italic": True})

    def unique_name(self, name: str) -> str:
        """A sheet name not yet taken (two tables both called 明细 would make the file fail to write)."""
        taken = {sheet.lower() for sheet in self.workbook.sheetnames} | {MACHINE_SHEET}
        candidate, number = name, 2
        while candidate.lower() in taken:
            suffix = f"({number})"
            candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
        return candidate

    def cell(self, kind: str, emphasis: Emphasis = "", *, guarded: bool = False) -> Any:
        """The format of a cell of this kind, bold / coloured as asked, with the quote prefix when guarded."""
        key = (f"{kind}{'!' if guarded else ''}", emphasis)
        if key not in self.cache:
            properties: dict[str, Any] = {"border": 1, "valign": "vcenter"}
            if kind in _NUMBER_FORMATS:
                properties["num_format"] = _NUMBER_FORMATS[kind]
            elif kind == "code":
                properties["num_format"] = "@"  # Text: what a person types in later stays text too
            if guarded:
                properties["quote_prefix"] = True
            if emphasis == "bold":
                properties["bold"] = True
            elif emphasis == "good":
                properties.update(font_color="#006100", bg_color="#C6EFCE", bold=True)
            elif emphasis == "bad":
                properties.update(font_color="#9C0006", bg_color="#FFC7CE", bold=True)
            elif emphasis == "muted":
                properties["font_color"] = "#7F7F7F"
            elif emphasis == "wrap":
                properties.update(text_wrap=True, valign="top")
            self.cache[key] = self.workbook.add_format(properties)
        return self.cache[key]


class ReportSheet:
    """One worksheet: typed cells, each column's widest shown value (CJK counts two) for fit_columns."""

    def __init__(self, workbook: Any, formats: ReportFormats, name: str) -> None:
        self.name = formats.unique_name(sheet_title(name))
        self.sheet = workbook.add_worksheet(self.name)
        self.formats = formats
        self.widest: dict[int, int] = {}
        self.tallest: dict[int, int] = {}  # row -> lines of its tallest wrapped cell
        self.header_rows: dict[int, list[str]] = {}  # row -> titles, for a caller that sizes wrapped headers
        # What each cell holds, as the fingerprint sees it (imports/report_checksum.py): a hand edit shows.
        self.fingerprint = SheetFingerprint()

    def _keep(self, row: int, column: int, value: Any) -> None:
        text = canonical(value)
        if text is not None:
            self.fingerprint.add(row, column, text)

    def write(self, row: int, column: int, value: Any, kind: str = "text", emphasis: Emphasis = "") -> None:
        """One cell in the kind's format; None leaves a bordered empty cell (暂无数据 is said in words)."""
        sheet = self.sheet
        if value is None or value == "":
            sheet.write_blank(row, column, None, self.formats.cell("text", emphasis))
            return
        if isinstance(value, bool):
            value = "是" if value else "否"
        if kind in ("text", "code") or isinstance(value, str):
            text = cell_text(str(value))
            guarded = text[:1] in _GUARD_STARTS
            style = self.formats.cell("code" if kind == "code" else "text", emphasis, guarded=guarded)
            sheet.write_string(row, column, text, style)
            self._keep(row, column, text)
            # A character takes at most two cells: most values cannot beat the widest so far, so skip measuring.
            if 2 * len(text) > self.widest.get(column, 0):
                self._measure(column, value_width(kind, text))
        elif kind == "date" and isinstance(value, date):
            sheet.write_number(row, column, excel_date(value), self.formats.cell("date", emphasis))
            self._keep(row, column, value)
            self._measure(column, 10)
        else:
            number_kind = kind
            if kind == "count" and isinstance(value, float) and not value.is_integer():
                number_kind = "decimal"
            sheet.write_number(row, column, value, self.formats.cell(number_kind, emphasis))
            self._keep(row, column, value)
            self._measure(column, value_width(kind, value))

    def _measure(self, column: int, width: int) -> None:
        if width > self.widest.get(column, 0):
            self.widest[column] = width

    def header(self, row: int, titles: list[str]) -> None:
        for column, title in enumerate(titles):
            self.sheet.write_string(row, column, cell_text(title), self.formats.header)
            self._keep(row, column, cell_text(title))
            self._measure(column, header_width(title))

    def title(self, row: int, text: str, columns: int, style: Any, *, fit_width: int = 0) -> None:
        """A line across the table's width (merged cells; not measured, it may be wider than the columns).
        Given the columns' total width, a title wider than the table wraps onto more lines instead of being cut."""
        if style is self.formats.title:
            lines = 1
            if fit_width:
                lines = max(1, -(-int(cell_len(text) * TITLE_SCALE) // fit_width))
            if lines > 1:
                style = self.formats.title_wrapped
            self.sheet.set_row(row, TITLE_HEIGHT * lines)
        if columns > 1:
            self.sheet.merge_range(row, 0, row, columns - 1, cell_text(text), style)
        else:
            self.sheet.write_string(row, 0, cell_text(text), style)
        self._keep(row, 0, cell_text(text))

    def wrapped(self, row: int, column: int, text: str, width: int) -> None:
        """Text that wraps in a column `width` wide, its row made tall enough for every line: LibreOffice
        does not grow a row for wrapped text on its own, and a cut-off definition reads as a different one."""
        self.write(row, column, text, "text", "wrap")
        lines = sum(max(1, -(-cell_len(part) // max(1, width - 1))) for part in text.splitlines() or [""])
        self.tallest[row] = max(self.tallest.get(row, 1), lines)
        self.sheet.set_row(row, LINE_HEIGHT * self.tallest[row])

    def fit_columns(self, columns: int) -> list[int]:
        """Set each column to its widest value plus a margin; returns the widths (to size the charts)."""
        widths = []
        for column in range(columns):
            width = min(MAX_WIDTH, max(MIN_WIDTH, self.widest.get(column, 0) + 2))
            self.sheet.set_column(column, column, width)
            widths.append(width)
        return widths

    def print_setup(self, *, header_rows: tuple[int, int], title: str, freeze: tuple[int, int]) -> None:
        """A4 landscape, one page wide, the title and header repeated on every page, page numbers below."""
        sheet = self.sheet
        sheet.set_paper(9)  # A4
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)  # as wide as one page, as many pages long as it takes
        sheet.repeat_rows(*header_rows)
        sheet.center_horizontally()
        sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        escaped = title.replace("&", "&&")
        sheet.set_header(f"&L{escaped}&R{self.name.replace('&', '&&')}", {"margin": 0.3})
        sheet.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.3})
        sheet.freeze_panes(*freeze)


def header_width(title: str) -> int:
    """A header may wrap onto two lines: half its longest line is enough, but not less than a short word."""
    longest = max(cell_len(line) for line in title.splitlines() or [""])
    return min(longest, max(8, (longest + 1) // 2))


def value_width(kind: str, value: Any) -> int:
    """How wide a value shows in a cell of this kind (a CJK character is two)."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return 2
    if kind in ("text", "code") or isinstance(value, str):
        return max(cell_len(line) for line in cell_text(str(value)).splitlines() or [""])
    if kind == "date" and isinstance(value, date):
        return 10
    if kind == "count" and isinstance(value, float) and not value.is_integer():
        kind = "decimal"
    return shown_number_width(kind, value)


def shown_number_width(kind: str, value: float) -> int:
    """How wide a number is as its format shows it."""
    if kind == "percent" or kind == "growth":
        return len(f"{value * 100:+.1f}%")
    if kind == "money":
        return len(f"{value:,.2f}")
    if kind == "decimal":
        return len(f"{value:,.2f}")
    return len(f"{value:,.0f}")
