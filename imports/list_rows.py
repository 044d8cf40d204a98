"""Clean one data row of a 经营数据 or 许可证 list: a converter per mapped column, then the list's own checks.

The registration list has its own cleaner (imports.rows.RowCleaner: codes, industry, validation of a
business); these lists carry a code to match, a period or a licence, and amounts whose unit is in the
header (营业收入（万元）) or in a title row above it (金额单位：万元). Each problem names sheet, row, column
and value (imports.problems.Problem), like the register's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from imports.cell_answers import KNOWN_CELLS, UNKNOWN, Refused, converted
from imports.columns import ColumnMapping
from imports.header import column_letter
from imports.list_columns import MONEY_FIELDS, declared_unit
from imports.normalise import clean_text, code_text, parse_date, parse_int, parse_money
from imports.problems import ParsedRow, Problem
from workbench.domain.figure_periods import parse_period
from workbench.domain.licenses import normalise_license_number
from workbench.domain.validity import parse_validity

Convert = Callable[[Any], Any]
_LENGTHS = {"number": (64, "许可证编号"), "kind": (50, "许可证类型"), "place": (300, "经营场所"),
            "scope": (500, "许可项目"), "name": (200, "名称")}


# A licence list's numbers, holders and addresses are each their own; its dates, 许可项目 and types repeat.
_LICENCE_REPEATS = frozenset({"issued_on", "expires_on", "validity", "scope", "kind"})

@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    field: str
    header: str
    letter: str
    convert: Convert


class ListRowCleaner:
    """(row number, cells) -> ParsedRow for the lists other departments send; `finish` adds the list's checks."""

    def __init__(self, sheet: str, mapping: ColumnMapping, converters: dict[str, Convert],
                 repeating: frozenset[str] | None = None) -> None:  # fmt: skip
        """`repeating`: the fields whose cells repeat down the list, converted once per distinct value (None:
        every field); the others are converted cell by cell."""
        self.sheet = sheet
        self.headers = mapping.headers
        self.width = len(mapping.headers)
        self.columns = [
            _Column(index, name, _header(mapping, index), column_letter(index), converters.get(name, clean_text))
            for index, name in sorted(mapping.fields.items())
        ]
        self.by_field = {column.field: column for column in self.columns}
        # (column, field, converter, the converter's answers so far by cell value)
        self._steps: list[tuple[int, str, Convert, dict[Any, Any] | None]] = [
            (column.index, column.field, column.convert, {} if repeating is None or column.field in repeating else None)
            for column in self.columns
        ]

    def clean(self, number: int, cells: list[Any]) -> ParsedRow | None:
        """The parsed row, or None when every mapped cell is empty."""
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for index, name, convert, known in self._steps:
            raw = cells[index]
            kind = raw.__class__
            # A cell is told by its class first (most are str or float): an empty one is "" or None.
            if kind is str:
                if not raw:
                    continue
                remembered = known is not None
            elif kind is float:
                remembered = known is not None and raw != 0.0  # ±0.0 are equal keys: each converted as read
            elif raw is None:
                continue
            else:  # True, ints, dates...: converted each time (True == 1 == 1.0 as keys)
                remembered = False
            if remembered:  # a repeated str or float: converted once
                value = known.get(raw, UNKNOWN)  # type: ignore[union-attr]
                if value is UNKNOWN:
                    value = known[raw] = converted(convert, raw)  # type: ignore[index]
                    if len(known) > KNOWN_CELLS:  # type: ignore[arg-type]
                        known.clear()  # type: ignore[union-attr]
                if value.__class__ is Refused:
                    problems.append(self.problem(number, name, raw, value.reason))
                    continue
            else:
                try:
                    value = convert(raw)
                except ValueError as error:
                    problems.append(self.problem(number, name, raw, str(error)))
                    continue
            if value is not None:
                values[name] = value
        if not values and not problems:
            return None
        row = ParsedRow(self.sheet, number, self.headers, cells, values, problems)
        self.finish(row)
        return row

    def finish(self, row: ParsedRow) -> None:
        """The list's own checks on a cleaned row (a subclass's)."""

    def problem(self, number: int, name: str, raw: Any, reason: str, blocking: bool = True) -> Problem:
        """A problem in the column holding `name` (or in no column, when the list has none)."""
        column = self.by_field.get(name)
        if column is None:
            return Problem(self.sheet, number, "", raw, reason, "", name, blocking)
        return Problem(self.sheet, number, column.header, raw, reason, column.letter, name, blocking)

    def raw(self, row: ParsedRow, name: str) -> Any:
        column = self.by_field.get(name)
        return row.cells[column.index] if column is not None else None


_PERIOD_FIELDS = frozenset({"period", "period_start", "period_end"})


class FigureRowCleaner(ListRowCleaner):
    """A 经营数据 row: codes, name, 所属期, amounts in yuan (by the header's or the title's unit), headcounts."""

    def __init__(self, sheet: str, mapping: ColumnMapping, title_unit: int | None, today: date | None = None) -> None:
        self.units = {
            name: declared_unit(_header(mapping, index)) or title_unit or 1
            for index, name in mapping.fields.items() if name in MONEY_FIELDS
        }
        self.today = today or date.today()
        converters: dict[str, Convert] = {
            "uscc": code_text, "taxpayer_id": code_text, "period": partial(parse_period, today=self.today),
            "employees": parse_int, "insured_staff": parse_int, "period_start": parse_date, "period_end": parse_date,
        }
        for name, unit in self.units.items():
            converters[name] = partial(parse_money, unit=unit)
        super().__init__(sheet, mapping, converters)

    def finish(self, row: ParsedRow) -> None:
        values = row.values
        if "period_start" in values or "period_end" in values:
            self._period_of_two_columns(row)
        if "period" not in values and not _PERIOD_FIELDS & {problem.field for problem in row.problems}:
            row.problems.append(self.problem(row.row_number, "period", None, "年度/所属期为空：不知道是哪一年的数据"))
        has_figure = "revenue" in values or "tax_paid" in values or "employees" in values or "insured_staff" in values
        if not has_figure and not row.problems:
            row.problems.append(self.problem(row.row_number, "revenue", None,
                                             "营业收入、纳税额、从业人数、参保人数都为空：没有可导入的数据"))


    def _period_of_two_columns(self, row: ParsedRow) -> None:
        """税款所属期起 / 止 as one period: the months from the first day's to the last day's (a household opened
        mid-month files from its opening day); the same checks as a 所属期 cell (one year, not in the future)."""
        values = row.values
        start, end = values.pop("period_start", None), values.pop("period_end", None)
        if "period" in values:
            return
        if start is None or end is None:
            empty = "period_end" if start is not None else "period_start"
            row.problems.append(self.problem(row.row_number, empty, None, "所属期起止只填了一头：不知道是哪几个月的数据"))
            return
        if end < start:
            row.problems.append(self.problem(row.row_number, "period_end", self.raw(row, "period_end"),
                                             f"所属期止（{end}）早于所属期起（{start}），请核对"))  # fmt: skip
            return
        try:
            values["period"] = parse_period(f"{start:%Y-%m}至{end:%Y-%m}", self.today)
        except ValueError as problem:
            row.problems.append(self.problem(row.row_number, "period_start", self.raw(row, "period_start"), str(problem)))


class LicenseRowCleaner(ListRowCleaner):
    """A 许可证 row: number, holder (code, name, place), dates (发证日期, 有效期至 or a 有效期限 range), scope."""

    def __init__(self, sheet: str, mapping: ColumnMapping) -> None:
        converters: dict[str, Convert] = {
            "number": _licence_number, "uscc": code_text, "issued_on": parse_date, "expires_on": parse_date,
            "validity": parse_validity,
        }
        super().__init__(sheet, mapping, converters, _LICENCE_REPEATS)

    def finish(self, row: ParsedRow) -> None:
        values = row.values
        start, end = values.pop("validity", (None, None))
        if start is not None:  # a range's start is the day of issue when the list has no 发证日期
            values.setdefault("issued_on", start)
        if end is not None:
            values.setdefault("expires_on", end)
        if "number" not in values and "number" not in {problem.field for problem in row.problems}:
            row.problems.append(self.problem(row.row_number, "number", None, "许可证编号为空：无法登记这张许可证"))
        for name, (limit, label) in _LENGTHS.items():
            text = values.get(name)
            if isinstance(text, str) and len(text) > limit:
                del values[name]
                row.problems.append(self.problem(row.row_number, name, self.raw(row, name),
                                                 f"{label}超过 {limit} 个字（现有 {len(text)} 个），请核对"))
        issued, expires = values.get("issued_on"), values.get("expires_on")
        if issued is not None and expires is not None and expires < issued:
            row.problems.append(self.problem(row.row_number, "expires_on", self.raw(row, "expires_on"),
                                             f"有效期至 {expires.isoformat()} 早于发证日期 {issued.isoformat()}，请核对"))


def _licence_number(value: Any) -> str | None:
    """As the form stores it (domain.licenses): ｊｙ１３３０ 0001 from a list is the JY13300001 typed by hand."""
    text = code_text(value)
    return None if text is None else normalise_license_number(text) or None


def _header(mapping: ColumnMapping, index: int) -> str:
    return mapping.headers[index] if index < len(mapping.headers) else f"{column_letter(index)}列"
