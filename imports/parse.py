"""Read a registration list into clean rows with exact provenance: the reading half of an import.

parse_register_file reads the file once (imports.source: its bytes, their sha256 and real type), picks
the sheet, finds the header, maps the columns, and returns a ParsedFile whose `rows` is a generator: rows
are cleaned as they are read, so a large file streams and a caller may stop at any time. The ParsedFile
travels on to the dry run (imports.plan), which takes those same rows; a second dry run of the same
file gets fresh rows from the bytes already read (`reopened`). No database is touched here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from imports.columns import ColumnMapping, auto_mapping
from imports.errors import NoHeaderFound
from imports.header import SCAN_ROWS, Header, column_letter, find_header, header_at
from imports.list_columns import title_unit
from imports.list_kind import REGISTER, SHAPES, Cleaner, ListShape
from imports.problems import ParsedRow, Problem, SkippedRow, UnknownColumn
from imports.profiles import Profile
from imports.readers import SheetInfo, SheetRows, list_sheets, open_sheet
from imports.readers.formulas import FORMULA_WITHOUT_RESULT
from imports.rows import RowCleaner
from imports.sniff import Sniffed
from imports.source import SourceFile, as_source
from workbench.domain.labels import ImportKind

__all__ = ["ParsedFile", "ParsedRow", "Problem", "ProgressCallback", "parse_list_file", "parse_register_file",
           "reopened"]

ProgressCallback = Callable[[int, int | None], None]
PROGRESS_EVERY = 1000
_NOTE = re.compile(
    r"(?:注|说明|备注|填表说明|填报说明)\s*[:：].*|(?:合计|总计|小计)(?:\s*[:：].*|\s*共?\s*\d*\s*户?)"
    r"|(?:制表|填表|审核|统计|填报)(?:人|日期|时间|单位)?\s*[:：].*",
    re.S,
)
_NOTE_STARTS = frozenset("注说备填合总小制审统")
_INSTRUCTION = re.compile(
    r"[(（].*[)）]|必填|选填|非必填|可选|必须填写|文本|数字|日期|.*(?:填写|格式|示例|例[:：]).*", re.S
)


@dataclass
class ParsedFile:
    """A file read up to its header; `rows` yields the data rows. `skipped` and `blank_rows` fill as they go.

    `rows` can be walked once: `rows_taken` says a dry run has taken them (`reopened` gives fresh ones).
    """

    source: SourceFile
    sheet: str
    sheets: list[SheetInfo]
    header_rows: tuple[int, ...]
    mapping: ColumnMapping
    unknown_columns: list[UnknownColumn]
    missing_fields: list[str]
    total_rows: int | None
    rows: Iterator[ParsedRow] = field(default_factory=lambda: iter(()))
    skipped: list[SkippedRow] = field(default_factory=list)
    blank_rows: int = 0
    rows_taken: bool = False
    shape: ListShape = REGISTER
    kind_detected: bool = False
    """True when the kind of list was told from the headers, False when a person named it."""
    title_unit: int | None = None
    """The money unit a title row above the header declares (金额单位：万元)."""
    clean_workers: int = 0
    """Worker processes that clean a registration list's rows while the caller takes them (imports.row_workers),
    set before the rows are taken; 0: cleaned in this process."""

    @property
    def kind(self) -> ImportKind:
        return self.shape.kind

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def sniffed(self) -> Sniffed:
        return self.source.sniffed

    @property
    def header_row(self) -> int:
        """The Excel row number of the (last) header row; data starts below it."""
        return self.header_rows[-1]

    def first_row(self) -> ParsedRow | None:
        """The first data row, left in `rows` (the wizard shows its cells as a sample)."""
        first = next(self.rows, None)
        if first is not None:
            self.rows = chain((first,), self.rows)
        return first


def parse_register_file(
    file: str | Path | SourceFile,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: ColumnMapping | None = None,
    profile: Profile | None = None,
    progress: ProgressCallback | None = None,
) -> ParsedFile:
    """Open a registration list and prepare its rows; raises UnreadableFile or NoHeaderFound in Chinese.

    `file` is a path (read here, once) or a SourceFile already read. `mapping` (column index -> field, as
    confirmed by a person) overrides the synonym table; `profile` is consulted before it; `header_row`
    (Excel row number) overrides the header search.
    """
    return parse_list_file(file, kind=ImportKind.REGISTER, sheet=sheet, header_row=header_row, mapping=mapping,
                           profile=profile, progress=progress)


def parse_list_file(
    file: str | Path | SourceFile,
    *,
    kind: ImportKind | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: ColumnMapping | None = None,
    profile: Profile | None = None,
    progress: ProgressCallback | None = None,
) -> ParsedFile:
    """Open a 登记名录, 经营数据 or 许可证 list (`kind`; None: told from its headers, imports.list_kind) and
    prepare its rows, as parse_register_file does for a registration list."""
    source = as_source(file)
    sheets = list_sheets(source)
    shapes = SHAPES if kind is None else tuple(shape for shape in SHAPES if shape.kind == kind)
    opened, scanned, header, shape = _choose_sheet(source, sheets, sheet, header_row, profile, shapes)
    parsed = _parsed(source, sheets, opened, scanned, header, _mapping(header, mapping, profile, shape), progress,
                     shape)
    parsed.kind_detected = kind is None
    return parsed


def reopened(parsed: ParsedFile, progress: ProgressCallback | None = None) -> ParsedFile:
    """The same sheet, header and column mapping with fresh rows, from the bytes already read."""
    opened = open_sheet(parsed.source, parsed.sheet, parsed.sheets)
    first, two_rows = parsed.header_rows[0], len(parsed.header_rows) == 2
    scanned = list(islice(opened.rows, max(SCAN_ROWS, first + 2)))
    header = header_at(scanned, first, two_rows, parsed.shape.match)
    if header is None:  # the bytes are the same, so the header is where it was: this cannot happen
        raise NoHeaderFound(_no_header_message([parsed.sheet], first))
    again = _parsed(parsed.source, parsed.sheets, opened, scanned, header, parsed.mapping, progress, parsed.shape)
    again.kind_detected = parsed.kind_detected
    return again


def _parsed(
    source: SourceFile, sheets: list[SheetInfo], opened: SheetRows, scanned: list[tuple[int, list[Any]]],
    header: Header, column_mapping: ColumnMapping, progress: ProgressCallback | None, shape: ListShape,
) -> ParsedFile:
    above = scanned[: header.data_from - len(header.row_numbers)]
    unit = title_unit(above) if shape is not REGISTER else None
    parsed = ParsedFile(
        source=source,
        sheet=opened.name,
        sheets=sheets,
        header_rows=header.row_numbers,
        mapping=column_mapping,
        unknown_columns=_unknown_columns(column_mapping, header, scanned[header.data_from:], shape),
        missing_fields=shape.missing(column_mapping),
        total_rows=opened.total_rows,
        shape=shape,
        title_unit=unit,
    )
    pending = chain(scanned[header.data_from:], opened.rows)
    formulas = _formula_columns(opened.formula_cells, column_mapping)
    parsed.rows = _data_rows(parsed, shape.cleaner(opened.name, column_mapping, unit), pending, progress, formulas)
    return parsed


def _choose_sheet(
    source: SourceFile, sheets: list[SheetInfo], sheet: str | None, header_row: int | None,
    profile: Profile | None, shapes: tuple[ListShape, ...],
) -> tuple[SheetRows, list[tuple[int, list[Any]]], Header, ListShape]:
    names = [sheet] if sheet is not None else _candidate_sheets(sheets)
    best: tuple[SheetRows, list[tuple[int, list[Any]]], Header, ListShape] | None = None
    for name in names:
        opened = open_sheet(source, name, sheets)
        scanned = list(islice(opened.rows, max(SCAN_ROWS, (header_row or 0) + 2)))
        found = _best_shape(scanned, header_row, profile, shapes)
        if found is None:
            continue
        header, shape = found
        if header.score >= 2:
            return opened, scanned, header, shape
        if header.score > 0 and (best is None or header.score > best[2].score):
            best = (opened, scanned, header, shape)
    if best is not None:
        return best
    raise NoHeaderFound(_no_header_message(names, header_row))


def _best_shape(
    scanned: list[tuple[int, list[Any]]], header_row: int | None, profile: Profile | None,
    shapes: tuple[ListShape, ...],
) -> tuple[Header, ListShape] | None:
    """The header of the kind of list that names the most fields (the first of SHAPES on a tie); a shape
    whose telling fields the header lacks is not the list's kind. A saved profile is a registration list's."""
    best: tuple[Header, ListShape] | None = None
    for shape in shapes:
        confirmed = profile.columns if profile and shape is REGISTER else None
        if header_row:
            header = header_at(scanned, header_row, matcher=shape.match)
        else:
            header = find_header(scanned, confirmed, matcher=shape.match)
        if header is None or (len(shapes) > 1 and not shape.fits(_named(header, shape))):
            continue
        if best is None or header.score > best[0].score:
            best = (header, shape)
    return best


def _named(header: Header, shape: ListShape) -> set[str]:
    return {name for key in header.keys if (name := shape.match(key))}


def _candidate_sheets(sheets: list[SheetInfo]) -> list[str]:
    visible = [info.name for info in sheets if info.visible]
    return visible or [info.name for info in sheets]


def _no_header_message(names: list[str], header_row: int | None) -> str:
    where = "、".join(f"「{name}」" for name in names)
    if header_row:
        return f"工作表{where}第 {header_row} 行不是表头（或该行为空），请重新指定表头所在行"
    return (f"在工作表{where}的前 {SCAN_ROWS} 行里没有找到表头（如「名称」「统一社会信用代码」「经营者」）。"
            "请确认选对了工作表，或指定表头所在行")


def _mapping(header: Header, mapping: ColumnMapping | None, profile: Profile | None, shape: ListShape) -> ColumnMapping:
    keys = header.keys[: len(header.headers)]
    if mapping is None:
        confirmed = profile.columns if profile and shape is REGISTER else None
        units = profile.units if profile and shape is REGISTER else None
        return auto_mapping(header.headers, keys, confirmed, units, shape.match)
    width = len(header.headers)
    return ColumnMapping(
        headers=header.headers,
        fields={index: name for index, name in mapping.fields.items() if index < width},
        units={index: unit for index, unit in mapping.units.items() if index < width},
        ignored={index for index in mapping.ignored if index < width},
    )


def _unknown_columns(
    mapping: ColumnMapping, header: Header, sample: list[tuple[int, list[Any]]], shape: ListShape
) -> list[UnknownColumn]:
    """Unmapped columns with a header, and headerless ones that hold data in the first rows below it."""
    listed: list[UnknownColumn] = []
    for index in mapping.unmapped():
        key = header.keys[index] if index < len(header.keys) else ""
        if not key and not any(index < len(cells) and cells[index] not in ("", None) for _number, cells in sample):
            continue
        name = shape.match(key) if key else None
        other = mapping.column_of(name) if name else None
        if name and other is not None:
            reason = (f"与「{mapping.headers[other]}」列（{column_letter(other)} 列）都对应「{shape.label(name)}」，"
                      "只导入了前者")
        else:
            reason = "对应表中没有这一列，不会导入；如需导入，请在列对应中指定字段"
        listed.append(UnknownColumn(column_letter(index), mapping.headers[index], reason))
    return listed


def _formula_columns(cells: frozenset[tuple[int, int]], mapping: ColumnMapping) -> dict[int, list[int]]:
    """Row number -> mapped columns holding a formula without a computed result (read as empty)."""
    by_row: dict[int, list[int]] = {}
    for number, column in sorted(cells):
        if column in mapping.fields:
            by_row.setdefault(number, []).append(column)
    return by_row


def _warn_formulas(parsed: ParsedFile, row: ParsedRow, columns: list[int]) -> None:
    for column in columns:
        row.problems.append(Problem(parsed.sheet, row.row_number, parsed.mapping.headers[column], "",
                                    FORMULA_WITHOUT_RESULT, column_letter(column), parsed.mapping.fields[column],
                                    blocking=False))


def _data_rows(parsed: ParsedFile, cleaner: Cleaner, pending: Iterable[tuple[int, list[Any]]],
               progress: ProgressCallback | None, formulas: dict[int, list[int]]) -> Iterator[ParsedRow]:
    before_data = True
    count = 0
    number = 0

    def data_row(at: int, cells: list[Any]) -> bool:
        """Counts the row read; False (and the row noted in parsed.skipped) for a note, a 合计 line, an
        instruction under the header."""
        nonlocal count, number
        number = at
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(number, parsed.total_rows)
        skipped = _skip_reason(cells, before_data)
        if skipped is not None:
            parsed.skipped.append(SkippedRow(parsed.sheet, number, skipped[0], skipped[1]))
            return False
        return True

    rows = iter(pending)
    for at, cells in rows:
        if not data_row(at, cells):
            continue
        row = cleaner.clean(at, cells)
        if row is None:
            parsed.blank_rows += 1
            continue
        before_data = False
        if formulas and at in formulas:
            _warn_formulas(parsed, row, formulas[at])
        yield row
        if parsed.clean_workers and isinstance(cleaner, RowCleaner):  # the rest cleaned by workers too
            from imports.row_workers import rows_cleaned_apart

            for at, _cells, cleaned in rows_cleaned_apart(cleaner, rows, parsed.clean_workers, data_row):
                if cleaned is None:
                    parsed.blank_rows += 1
                    continue
                if formulas and at in formulas:
                    _warn_formulas(parsed, cleaned, formulas[at])
                yield cleaned
            break
    if progress is not None:
        progress(number, parsed.total_rows)


def _is_note(first: str, cells: list[Any]) -> bool:
    return _NOTE.fullmatch(first.strip()) is not None and sum(1 for cell in cells if cell != "" and cell is not None) <= 4


def _skip_reason(cells: list[Any], before_data: bool) -> tuple[str, str] | None:
    for first in cells:  # the first cell with a value (a plain loop: every data row passes here)
        if first != "" and first is not None:
            break
    else:
        return None
    if isinstance(first, str) and first.lstrip()[:1] in _NOTE_STARTS and _is_note(first, cells):
        return "说明、合计或落款行，不是数据", first.strip()
    if before_data:
        texts = [cell for cell in cells if cell != "" and cell is not None]
        if all(isinstance(text, str) and _INSTRUCTION.fullmatch(text.strip()) for text in texts):
            return "表头下方的填写说明行，不是数据", " ".join(text.strip() for text in texts)
    return None
