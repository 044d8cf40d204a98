"""A streaming .xlsx writer for the sync packages (issue 19): sheets of plain cells, nothing else.

Why not xlsxwriter, which every other workbook uses: a field package of 5,000 businesses is ~200,000
cells (their licences, year figures, visits ...), and xlsxwriter's three Python layers per cell made it
~2x the list export of the same businesses, against a target of 1.5x. Here a row is one string join:
the package writes in less time than the list export (docs/benchmarks.md, field sync).

The cells are as safe as imports.sheet_writer makes them: control characters an .xlsx cannot hold removed,
text Excel would run as a formula (= + - @ tab CR first) quote-prefixed, codes in the Text format, dates as
dates, numbers as numbers. The parts are the minimum Excel, WPS, LibreOffice, openpyxl and calamine read:
content types, relationships, workbook, styles, sheets (inline strings, a frozen header row).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from imports.sheet_writer import EXCEL_EPOCH, GUARD_STARTS, Kind, cell_text, sheet_title

# cellXfs of styles.xml, in this order
PLAIN, HEADER, GUARDED, CODE, CODE_GUARDED, DATE, MONEY, COUNT, NUMBER = range(9)
ROWS_PER_WRITE = 500

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_XF = '<xf numFmtId="{fmt}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"{extra}/>'
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="9"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"'
    ' applyAlignment="1"><alignment vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    + _XF.format(fmt=49, extra="") + _XF.format(fmt=49, extra=' quotePrefix="1"') + _XF.format(fmt=164, extra="")
    + _XF.format(fmt=3, extra="") + _XF.format(fmt=1, extra="") + _XF.format(fmt=0, extra="")
    + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _text_xml(text: str) -> str:
    if not text.isprintable():
        text = cell_text(text)
    if "&" in text or "<" in text or ">" in text:
        text = escape(text)
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


CellXml = Callable[[str, Any], str]
"""(cell reference such as "B7", value) -> the cell's XML, "" for an empty cell."""


def cell_xml(kind: Kind, style: int | None = None) -> CellXml:
    """The XML maker for one column's cells of a kind (style: a cellXfs index replacing the kind's own)."""
    if kind in ("text", "code"):
        plain, guarded = (CODE, CODE_GUARDED) if kind == "code" else (PLAIN, GUARDED)
        if style is not None:
            plain = guarded = style

        def text_cell(ref: str, value: Any) -> str:
            if value is None or value == "":
                return ""
            text = value if isinstance(value, str) else str(value)
            chosen = guarded if text[0] in GUARD_STARTS else plain
            body = _text_xml(text)
            if body == "<is><t></t></is>":  # only characters a workbook cannot hold
                return ""
            return f'<c r="{ref}" t="inlineStr" s="{chosen}">{body}</c>'

        return text_cell
    if kind == "date":
        def date_cell(ref: str, value: Any) -> str:
            if value is None or value == "":
                return ""
            serial: float = value.toordinal() - EXCEL_EPOCH
            if isinstance(value, datetime):
                serial += (value.hour * 3600 + value.minute * 60 + value.second) / 86400
            return f'<c r="{ref}" s="{DATE}"><v>{serial}</v></c>'

        return date_cell
    number_style = MONEY if kind == "money" else COUNT

    def number_cell(ref: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return text_of(ref, value)
        chosen = number_style if not isinstance(value, float) or value.is_integer() else NUMBER
        return f'<c r="{ref}" s="{chosen}"><v>{value!r}</v></c>'

    text_of = cell_xml("text")
    return number_cell


class FastSheet:
    """One worksheet being written: rows go straight into the zip, ROWS_PER_WRITE at a time."""

    def __init__(self, stream: IO[bytes], widths: Sequence[float], freeze_header: bool) -> None:
        self._stream = stream
        self._pending: list[str] = []
        self.letters = column_letters(max(len(widths), 1))
        view = ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
                ' state="frozen"/></sheetView></sheetViews>') if freeze_header else ""
        cols = "".join(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
                       for i, width in enumerate(widths, start=1))
        stream.write(f'{_HEAD}<worksheet xmlns="{_MAIN}">{view}<sheetFormatPr defaultRowHeight="15"/>'
                     f'{"<cols>" + cols + "</cols>" if cols else ""}<sheetData>'.encode())

    def row_xml(self, number: int, cells: str) -> None:
        """A row whose cells' XML is made (number: the Excel row, 1-based)."""
        self._pending.append(f'<row r="{number}">{cells}</row>')
        if len(self._pending) >= ROWS_PER_WRITE:
            self._flush()

    def row(self, number: int, values: Sequence[Any], kinds: Sequence[Kind], style: int | None = None) -> None:
        """A row of plain values (the small sheets: info, lists, manifest; headers with style=HEADER)."""
        cells = "".join(cell_xml(kind, style)(f"{letter}{number}", value)
                        for letter, value, kind in zip(self.letters, values, kinds, strict=False))
        self.row_xml(number, cells)

    def _flush(self) -> None:
        self._stream.write("".join(self._pending).encode())
        self._pending.clear()

    def close(self) -> None:
        self._flush()
        self._stream.write(b"</sheetData></worksheet>")
        self._stream.close()


class FastBook:
    """A workbook written sheet after sheet into its zip; use as a context manager."""

    def __init__(self, path: Path) -> None:
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._titles: list[str] = []
        self._hidden: set[int] = set()
        self._open: FastSheet | None = None

    def sheet(self, title: str, widths: Sequence[float], *, freeze_header: bool = True,
              hidden: bool = False) -> FastSheet:
        if self._open is not None:
            self._open.close()
        self._titles.append(sheet_title(title))
        if hidden:
            self._hidden.add(len(self._titles))
        stream = self._zip.open(f"xl/worksheets/sheet{len(self._titles)}.xml", "w", force_zip64=True)
        self._open = FastSheet(stream, widths, freeze_header)
        return self._open

    def close(self, active: int = 0) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None
        count = len(self._titles)
        write = self._zip.writestr
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, count + 1))
        write("[Content_Types].xml", (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{sheets}</Types>'))
        write("_rels/.rels", (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument"'
            ' Target="xl/workbook.xml"/></Relationships>'))
        relations = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                            for i in range(1, count + 1))
        write("xl/_rels/workbook.xml.rels", (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{relations}'
            f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'))
        entries = "".join(
            f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{i}"'
            f'{" state=" + chr(34) + "hidden" + chr(34) if i in self._hidden else ""} r:id="rId{i}"/>'
            for i, title in enumerate(self._titles, start=1))
        write("xl/workbook.xml", (
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="{active}"/>'
            f'</bookViews><sheets>{entries}</sheets></workbook>'))
        write("xl/styles.xml", _STYLES)
        self._zip.close()

    def __enter__(self) -> FastBook:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self._zip.close()  # the partial file is discarded by the caller
